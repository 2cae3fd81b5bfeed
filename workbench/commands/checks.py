"""``keras-workbench checks normalization``: the equalities the study notes state, computed
with Keras' own layers on a sample feature map (``workbench.models.normalization_checks``)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("checks", help="the notes' own numerical checks (normalization equalities)",
                       description=__doc__)
    p.add_argument("topic", choices=("normalization",), help="which checks to run")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample feature map")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.models import normalization_checks
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    numbers = normalization_checks.report(seed=args.seed)
    if args.json:
        emit_json(numbers)
    else:
        print(normalization_checks.report_text(numbers))
    return 0
