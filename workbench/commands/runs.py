"""``keras-workbench runs``: the run history, newest first, with what tells runs apart."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("runs", help="list the run directories and their final metrics")
    p.add_argument("--root", action="append", default=[], metavar="DIR",
                   help="folder holding run directories (repeatable; default ~/keras-workbench/runs)")
    p.add_argument("run_dir", nargs="?", metavar="RUN_DIR", help="with --variants: the run whose variants to list")
    p.add_argument("--variants", action="store_true",
                   help="RUN_DIR's before/after table: its exports and the runs pruned or distilled from it")
    p.add_argument("--measure", action="store_true",
                   help="with --variants: check the variants without a report on the run's validation samples")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.runs.history import default_runs_root, scan_runs

    if args.variants or args.run_dir:
        return show_variants(args)
    runs = scan_runs(args.root or [default_runs_root()])
    if args.json:
        emit_json([{"path": r.path, "model": r.model, "data": r.data, "sweep": r.sweep,
                    "epochs_done": r.epochs_done, "epochs_planned": r.epochs_planned,
                    "differs": r.differs, "final": r.final, "damaged": r.damaged or None} for r in runs])
        return 0
    if not runs:
        print("no runs found")
        return 0
    for r in runs:
        if r.damaged:  # listed, not fatal: the other runs are still shown
            print(f"{r.name:<32} DAMAGED: {r.damaged}")
            continue
        metrics = "  ".join(f"{k}={v:.4f}" for k, v in sorted(r.final.items()))
        print(f"{r.name:<32} {r.model:<14} {r.epochs_done}/{r.epochs_planned}  {r.differs_text:<28} {metrics}")
    return 0


def show_variants(args) -> int:
    from workbench.cli import emit_json
    from workbench.errors import WorkbenchError
    from workbench.runs.variants import find_variants, variants_text

    if not (args.variants and args.run_dir):
        raise WorkbenchError("list a run's variants with: keras-workbench runs RUN_DIR --variants")
    variants = find_variants(args.run_dir, args.root, measure=args.measure)
    if args.json:
        emit_json({"run": variants[0].path, "variants": [v.as_dict() for v in variants]})
    else:
        print(variants_text(variants))
    return 0
