"""``keras-workbench datasets``: the data sources."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("datasets", help="list the data sources")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench import data
    from workbench.cli import emit_json

    specs = data.all_datasets()
    if args.json:
        emit_json([s.as_dict() for s in specs])
        return 0
    for s in specs:
        where = "path" if s.needs_path else ("embedded" if s.offline else "download")
        print(f"  {s.name:<16} {s.kind:<11} {s.task:<15} {where:<9} {s.summary}")
    print("A folder of class sub-folders (images, or .wav sounds), a .txt file (text) "
          "or a .csv file can be given as a path instead of a name "
          "(a .csv whose header has source,target is a graph's edge list); so can any gymnasium "
          "id, e.g. MountainCarContinuous-v0.")
    return 0
