"""``keras-workbench datasets``: the data sources."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("datasets", help="list the data sources; 'datasets stats NAME' describes a "
                                        "detection set")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=run)
    actions = p.add_subparsers(dest="action", required=False, metavar="{stats}")
    stats = actions.add_parser(
        "stats", help="classes, images, boxes per class and per image, box sizes of a detection set",
        description="Statistics of every image of a detection set (shapes, a COCO .json, or a VOC, "
                    "YOLO-txt or KITTI folder): boxes per class, objects per image, images without "
                    "boxes, box areas and aspect ratios, beside the notes' VOC / COCO table.")
    stats.add_argument("source", metavar="NAME_OR_PATH")
    stats.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                       help="a data-source option (repeatable), e.g. count=200")
    stats.add_argument("--json", action="store_true", dest="stats_json",
                       help="machine-readable output")


def run(args) -> int:
    from workbench import data
    from workbench.cli import emit_json

    if getattr(args, "action", None) == "stats":
        return run_stats(args)

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


def run_stats(args) -> int:
    """``datasets stats NAME_OR_PATH``: ``workbench.detection.statistics`` of every image."""
    from workbench.catalog.registry import parse_assignments
    from workbench.cli import emit_json
    from workbench.detection.statistics import detection_statistics, load_for_statistics, report

    data = load_for_statistics(args.source, parse_assignments(args.data_option))
    stats = detection_statistics(data)
    if args.stats_json or args.json:
        emit_json(stats)
        return 0
    print(report(stats))
    for line in getattr(data, "problems", [])[:10]:
        print(f"note: {line}")
    return 0
