"""``annotations convert`` and ``annotations predict``: detection sets as COCO, VOC or YOLO-txt."""

from __future__ import annotations

from workbench.errors import WorkbenchError

ORDER = 12  # beside ``detection``


def register(sub) -> None:
    parent = sub.add_parser("annotations", help="convert detection annotations between COCO, VOC and "
                                                "YOLO-txt, or save a detector's boxes as annotations")
    inner = parent.add_subparsers(dest="annotations_command", metavar="{convert,predict}")
    inner.required = True

    p = inner.add_parser("convert", help="write a detection set (coco, voc, yolo, kitti, shapes, a "
                                         "path) as COCO JSON, VOC XML or YOLO-txt, images included")
    p.add_argument("--data", required=True, help="data set name or path (a COCO .json, a VOC folder)")
    p.add_argument("--data-option", action="append", default=[], metavar="KEY=VALUE",
                   help="a data-source option (repeatable), e.g. path=FOLDER or names=a,b")
    _common(p)
    p.set_defaults(run=run_convert)

    p = inner.add_parser("predict", help="a trained detector's boxes on a folder of images, saved as "
                                         "annotations to correct (pre-labelling)")
    p.add_argument("run_dir", help="trained detector: run directory or .keras file")
    p.add_argument("--images", required=True, help="folder of images (.png, .jpg, .jpeg, .bmp)")
    p.add_argument("--score", type=float, default=0.5, help="keep boxes scoring at least this (0-1)")
    p.add_argument("--iou-threshold", type=float, default=0.5, help="NMS IoU threshold (0-1)")
    _common(p)
    p.set_defaults(run=run_predict)


def _common(p) -> None:
    from workbench.detection.annotations import FORMATS

    p.add_argument("--to", required=True, choices=FORMATS, help="the format to write")
    p.add_argument("--out", required=True, help="the folder to write (new, or an earlier export "
                                                "of that format with --force)")
    p.add_argument("--no-images", action="store_true", help="write the annotations only")
    p.add_argument("--force", action="store_true", help="replace an earlier export at --out")


def _report(notes, data, out: str, fmt: str) -> None:
    boxes = sum(len(b) for b in data.boxes)
    for line in list(getattr(data, "problems", []) or []) + list(notes):
        print(f"note: {line}")
    print(f"{len(data)} image(s), {boxes} box(es), {len(data.class_names)} class(es) -> {out} ({fmt})")


def run_convert(args) -> int:
    import os

    from workbench.catalog.registry import parse_assignments
    from workbench.data.registry import load
    from workbench.detection.annotations import MARKERS, export
    from workbench.runs.outputs import check_output_path

    out = check_output_path(args.out, kind="directory", force=args.force, marker=MARKERS[args.to])
    options = parse_assignments(args.data_option)
    if _streams(args.data):
        options.setdefault("stream", "yes")
    data = load(args.data, options)
    if not (hasattr(data, "boxes") and hasattr(data, "labels")):
        raise WorkbenchError(f"{args.data} is not a detection data set (it has no boxes)")
    notes = export(data, args.to, out, force=args.force, with_images=not args.no_images)
    _report(notes, data, os.path.abspath(out), args.to)
    return 0


def _streams(source: str) -> bool:
    """File sets load headers only (``stream=yes``): the images are copied, never decoded."""
    from workbench.data.registry import resolve

    spec, _ = resolve(source)
    return spec.options is not None and "stream" in spec.options


def run_predict(args) -> int:
    import os

    from workbench.commands.detection import _check_unit
    from workbench.detection.annotations import MARKERS, export, predict_folder
    from workbench.inference import model_metadata
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow
    from workbench.runs.outputs import check_output_path

    _check_unit("--score", args.score)
    _check_unit("--iou-threshold", args.iou_threshold)
    if not os.path.isdir(args.images):
        raise WorkbenchError(f"image folder not found: {args.images}")
    out = check_output_path(args.out, kind="directory", force=args.force, marker=MARKERS[args.to])
    metadata = model_metadata(args.run_dir)
    import_tensorflow()
    model = load_model(args.run_dir)
    if not getattr(model, "class_names", None) and metadata.get("class_names"):
        model.class_names = tuple(metadata["class_names"])
    data, scores = predict_folder(model, args.images, args.score, args.iou_threshold)
    notes = export(data, args.to, out, force=args.force, scores=scores, with_images=not args.no_images)
    _report(notes, data, out, args.to)
    return 0
