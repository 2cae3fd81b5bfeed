"""``keras-workbench checks normalization|architecture``: the notes' own numerical checks.

- normalization: the equalities the study notes state, computed with Keras' own layers on a
  sample feature map (``workbench.models.normalization_checks``);
- architecture: catalog section B's claims measured on built Keras models
  (``workbench.models.vision.architecture_checks``): two stacked 3x3 convolutions against one
  5x5, a bottleneck block's multiply-adds against a basic block's, WRN-d-1 against the plain
  CIFAR ResNet, EfficientNet's alpha·beta²·gamma² ≈ 2, FLOPs against 2^phi and the phi = 1
  grid search (``--train-steps N`` also trains each candidate briefly on the digits).
"""

from __future__ import annotations

import sys

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("checks", help="the notes' own numerical checks (normalization equalities, "
                                      "architecture claims of section B)", description=__doc__)
    p.add_argument("topic", choices=("normalization", "architecture"), help="which checks to run")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample feature map / the short trainings")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.add_argument("--channels", type=int, default=64,
                   help="architecture: C, the channels of the stacked-convolution comparison")
    p.add_argument("--wrn-depth", type=int, default=16,
                   help="architecture: depth d of the WRN-d-1 compared with the plain ResNet (6N + 4)")
    p.add_argument("--train-steps", type=int, default=0,
                   help="architecture: train each phi = 1 grid candidate (a miniature B0) this many steps "
                        "on the digits and report its accuracy (0 = multiply-adds only)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.quiet import import_tensorflow

    if args.topic == "architecture":
        if args.channels < 1 or args.train_steps < 0:
            raise WorkbenchError("--channels must be at least 1 and --train-steps 0 or more")
        import_tensorflow()
        from workbench.models.vision import architecture_checks

        def progress(done: int, total: int, text: str) -> None:
            print(f"[{done}/{total}] {text}", file=sys.stderr, flush=True)

        numbers = architecture_checks.report(args.channels, args.wrn_depth, args.train_steps, args.seed,
                                             progress=progress)
        if args.json:
            emit_json(numbers)
        else:
            print(architecture_checks.report_text(numbers))
        return 0

    from workbench.models import normalization_checks

    import_tensorflow()
    numbers = normalization_checks.report(seed=args.seed)
    if args.json:
        emit_json(numbers)
    else:
        print(normalization_checks.report_text(numbers))
    return 0
