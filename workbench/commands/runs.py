"""``keras-workbench runs``: the run history, newest first, with what tells runs apart."""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("runs", help="list the run directories and their final metrics")
    p.add_argument("--root", action="append", default=[], metavar="DIR",
                   help="folder holding run directories (repeatable; default: the user's data folder, see README)")
    p.add_argument("run_dir", nargs="?", metavar="RUN_DIR",
                   help="one run: show or change its name, tags and note; with --variants, list its variants")
    p.add_argument("--variants", action="store_true",
                   help="RUN_DIR's before/after table: its exports and the runs pruned or distilled from it")
    p.add_argument("--measure", action="store_true",
                   help="with --variants: check the variants without a report on the run's validation samples")
    p.add_argument("--name", help="with RUN_DIR: the run's name (\"\" clears it)")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="with RUN_DIR: add a tag (repeatable)")
    p.add_argument("--untag", action="append", default=[], metavar="TAG", help="with RUN_DIR: remove a tag")
    p.add_argument("--note", help="with RUN_DIR: the run's note (\"\" clears it)")
    p.add_argument("--search", default="", metavar="WORDS",
                   help="list only runs whose name, folder, model, data, tags or note contain every word")
    p.add_argument("--with-tag", action="append", default=[], metavar="TAG", help="list only runs with this tag")
    p.add_argument("--where", default="", metavar="CONDITION",
                   help="list only runs whose final metrics satisfy it, e.g. \"val_accuracy > 0.9 and loss < 0.3\"")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.runs.history import default_runs_root, scan_runs

    from workbench.runs.search import filter_runs

    if args.variants:
        return show_variants(args)
    if args.run_dir:
        return edit_meta(args)
    runs = filter_runs(scan_runs(args.root or [default_runs_root()]), args.search, args.with_tag, args.where)
    if args.json:
        emit_json([{"path": r.path, "name": r.meta.name, "tags": r.meta.tags, "note": r.meta.note,
                    "model": r.model, "data": r.data, "sweep": r.sweep,
                    "epochs_done": r.epochs_done, "epochs_planned": r.epochs_planned,
                    "differs": r.differs, "final": r.final, "damaged": r.damaged or None} for r in runs])
        return 0
    if not runs:
        print("no runs found")
        return 0
    for r in runs:
        if r.damaged:  # listed, not fatal: the other runs are still shown
            print(f"{r.title:<32} DAMAGED: {r.damaged}")
            continue
        metrics = "  ".join(f"{k}={v:.4f}" for k, v in sorted(r.final.items()))
        tags = f"  [{', '.join(r.tags)}]" if r.tags else ""
        print(f"{r.title:<32} {r.model:<14} {r.epochs_done}/{r.epochs_planned}  {r.differs_text:<28} {metrics}{tags}")
    return 0


def edit_meta(args) -> int:
    """``runs RUN_DIR [--name N] [--tag T] [--untag T] [--note TEXT]``: change what is given,
    then show the run's name, tags and note."""
    from workbench.cli import emit_json
    from workbench.runs.meta import read_meta, update_meta

    path = os.path.abspath(args.run_dir)
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise WorkbenchError(f"{args.run_dir} is not a run directory (no config.json)")
    if args.name is not None or args.note is not None or args.tag or args.untag:
        meta = update_meta(path, name=args.name, add_tags=args.tag, remove_tags=args.untag, note=args.note)
    else:
        meta = read_meta(path)
    if args.json:
        emit_json({"path": path, **meta.as_dict()})
        return 0
    print(f"run:  {path}")
    print(f"name: {meta.name or '(none: the folder name is shown)'}")
    print(f"tags: {', '.join(meta.tags) or '(none)'}")
    print(f"note: {meta.note or '(none)'}")
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
