"""``keras-workbench runs``: the run history, newest first, with what tells runs apart."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("runs", help="list the run directories and their final metrics")
    p.add_argument("--root", action="append", default=[], metavar="DIR",
                   help="folder holding run directories (repeatable; default ~/keras-workbench/runs)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.runs.history import default_runs_root, scan_runs

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
