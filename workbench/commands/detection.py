"""``detect``, ``segment`` and ``evaluate-detections``: detection on the command line."""

from __future__ import annotations

from workbench.commands.numbers import int_in
from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("detect", help="boxes, classes, scores (and masks) on an image or a video")
    p.add_argument("model_file", help="trained detector: .keras file or run directory")
    _image_or_video(p)
    p.add_argument("--score-threshold", type=float, default=0.3)
    p.add_argument("--iou-threshold", type=float, default=0.5, help="NMS IoU threshold")
    p.add_argument("--out", required=True, help="overlay PNG (or, with --video, annotated .mp4) to write")
    p.add_argument("--json", dest="json_out", nargs="?", const="-", metavar="FILE",
                   help="also write the detections as COCO results (with --video: the run's summary); "
                        "without FILE: print them as JSON")
    p.add_argument("--image-id", type=int_in(0), default=1, help="image_id in the COCO results")
    p.add_argument("--force", action="store_true", help="replace --out / --json files that exist")
    p.set_defaults(run=run_detect)

    p = sub.add_parser("segment", help="per-pixel classes of an image or a video (semantic segmentation)")
    p.add_argument("model_file", help="trained segmenter: .keras file or run directory")
    _image_or_video(p, json_flag=True)
    p.add_argument("--alpha", type=float, default=0.5, help="mask opacity, 0-1")
    p.add_argument("--out", required=True, help="overlay PNG (or, with --video, annotated .mp4) to write")
    p.add_argument("--mask", help="also write the class map (0 = background) as a PNG")
    p.add_argument("--force", action="store_true", help="replace --out / --mask files that exist")
    p.set_defaults(run=run_segment)

    p = sub.add_parser("evaluate-detections", help="COCO mAP/AP50/AP75/AR and VOC AP of a results file")
    p.add_argument("--gt", required=True, help="COCO ground-truth JSON")
    p.add_argument("--dt", required=True, help="COCO results JSON (list of detections)")
    p.add_argument("--iou-type", choices=("bbox", "segm"), default="bbox")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_evaluate)


def _image_or_video(p, json_flag: bool = False) -> None:
    """Exactly one of --image / --video, and the video options (``workbench.detection.video``)."""
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--image")
    source.add_argument("--video", help="a video file: every frame annotated into --out (.mp4)")
    p.add_argument("--every", type=int_in(1), default=1,
                   help="with --video: run the network on every N-th frame (the frames between "
                        "show the latest result)")
    p.add_argument("--batch-size", type=int_in(1), default=4, help="with --video: frames per network call")
    if json_flag:
        p.add_argument("--json", dest="json_out", action="store_const", const="-",
                       help="with --video: print the run's summary as JSON")


def _outputs(args, *names: str) -> None:
    """Each named output checked (and made absolute) before any work: nothing is replaced
    without --force, and a folder is never taken for a file."""
    from workbench.runs.outputs import check_output_path

    examples = {"out": "annotated.mp4" if getattr(args, "video", None) else "overlay.png",
                "json_out": "detections.json", "mask": "mask.png"}
    for name in names:
        if getattr(args, name) and getattr(args, name) != "-":
            setattr(args, name, check_output_path(getattr(args, name), force=args.force,
                                                  example=examples[name]))


def _load(model_file: str, image_path: str):
    from workbench.data.images import read_image
    from workbench.inference import model_metadata
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    image = read_image(image_path)
    metadata = model_metadata(model_file)  # a damaged info.json is named before TensorFlow loads
    import_tensorflow()
    model = load_model(model_file)
    names = tuple(getattr(model, "class_names", ()) or metadata.get("class_names", ()))
    return model, names, image


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise WorkbenchError(f"{name} {value} must be between 0 and 1")


def run_detect(args) -> int:
    from workbench.data.images import to_uint8_rgb, write_png
    from workbench.detection import inference
    from workbench.runs.atomic import write_json

    _check_unit("--score-threshold", args.score_threshold)
    _check_unit("--iou-threshold", args.iou_threshold)
    _outputs(args, "out", "json_out")
    if args.video:
        return _video(args, "detect")
    model, names, image = _load(args.model_file, args.image)
    if not hasattr(model, "predict_candidates"):
        raise WorkbenchError(f"{args.model_file} is not a detector (use predict or segment)")
    selected, ms = inference.detect(model, image, args.score_threshold, args.iou_threshold)
    write_png(args.out, inference.draw_detections(to_uint8_rgb(image), selected, names))
    if args.json_out == "-":
        from workbench.cli import emit_json

        emit_json(inference.to_coco_results(selected, args.image_id))
        return 0
    if args.json_out:
        write_json(args.json_out, inference.to_coco_results(selected, args.image_id))
    for box, score, label in zip(selected["boxes"], selected["scores"], selected["labels"]):
        name = names[label] if label < len(names) else str(int(label))
        print(f"{name:<12} {float(score):.3f}  [{', '.join(f'{v:.1f}' for v in box)}]")
    print(f"{len(selected['scores'])} object(s) in {ms:.1f} ms ({1000.0 / max(ms, 1e-6):.1f} FPS) -> {args.out}")
    return 0


def run_segment(args) -> int:
    import numpy as np

    from workbench.data.images import to_uint8_rgb, write_png
    from workbench.detection import inference

    _check_unit("--alpha", args.alpha)
    _outputs(args, "out", "mask")
    if args.video:
        if args.mask:
            raise WorkbenchError("--mask goes with --image (one class map PNG), not --video")
        return _video(args, "segment")
    if args.json_out:
        raise WorkbenchError("--json goes with --video (the run's summary); with --image use --mask")
    model, names, image = _load(args.model_file, args.image)
    if not _is_segmenter(model, args.model_file):
        raise WorkbenchError(f"{args.model_file} is not a segmenter (its output is not a map of "
                             "per-pixel classes); use predict for a classifier, detect for a detector")
    class_map = inference.segment(model, image)
    write_png(args.out, inference.draw_segmentation(to_uint8_rgb(image), class_map, names, args.alpha))
    if args.mask:
        write_png(args.mask, np.repeat(class_map.astype(np.uint8)[..., None], 3, axis=2))
    counts = np.bincount(class_map.reshape(-1), minlength=len(names) + 1) / class_map.size
    labels = ("background", *names)
    print("  ".join(f"{labels[i] if i < len(labels) else i}={share:.1%}" for i, share in enumerate(counts) if share))
    return 0


def _video(args, mode: str) -> int:
    """``--video``: every frame annotated into ``--out`` (``workbench.detection.video``)."""
    from workbench.cli import emit_json
    from workbench.detection import video
    from workbench.runs.atomic import write_json

    info = video.probe(args.video)  # an unreadable video is named before TensorFlow loads
    if not args.out.lower().endswith(video.VIDEO_SUFFIXES):
        raise WorkbenchError(f"--out {args.out} must be a video file ({', '.join(video.VIDEO_SUFFIXES)})")
    model, names = _load_model(args.model_file)
    if mode == "detect" and not hasattr(model, "predict_candidates"):
        raise WorkbenchError(f"{args.model_file} is not a detector (use predict or segment)")
    if mode == "segment" and not _is_segmenter(model, args.model_file):
        raise WorkbenchError(f"{args.model_file} is not a segmenter; use detect for a detector")
    annotator = video.FrameAnnotator(model, mode, names, score_threshold=getattr(args, "score_threshold", 0.3),
                                     iou_threshold=getattr(args, "iou_threshold", 0.5),
                                     alpha=getattr(args, "alpha", 0.5))
    quiet = args.json_out == "-"
    report = None if quiet else (lambda done, total: print(f"\r{done}/{total} frames", end="", flush=True))
    summary = video.process_video(annotator, args.video, args.out, every=args.every,
                                  batch_size=args.batch_size, progress=report)
    if quiet:
        emit_json(summary)
        return 0
    if args.json_out:
        write_json(args.json_out, summary)
    print(f"\n{summary['frames']} frames ({info.width}×{info.height}, {info.fps:.1f} FPS), "
          f"{summary['processed']} through the network, {summary['processing_fps'] or 0:.1f} FPS -> {args.out}")
    return 0


def _load_model(model_file: str):
    from workbench.inference import model_metadata
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    metadata = model_metadata(model_file)
    import_tensorflow()
    model = load_model(model_file)
    return model, tuple(getattr(model, "class_names", ()) or metadata.get("class_names", ()))


def _is_segmenter(model, model_file: str) -> bool:
    """Not a classifier (one probability vector per image) and, where the run names its
    catalog entry, an entry whose declared task is segmentation."""
    from workbench import catalog
    from workbench.inference import is_classifier, model_metadata

    if is_classifier(model):
        return False
    name = model_metadata(model_file).get("model")
    try:
        return catalog.get(name).task == "segmentation" if name else True
    except WorkbenchError:  # a model of an entry since renamed: let it try
        return True


def run_evaluate(args) -> int:
    from workbench.cli import emit_json
    from workbench.detection.metrics import evaluate_detection_files

    scores = evaluate_detection_files(args.gt, args.dt, args.iou_type)
    if args.json:
        emit_json(scores)
        return 0
    for key in ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100"):
        print(f"{key:<6} {scores[key]:.4f}")
    print(f"VOC AP50 (all-point) {scores['VOC_AP']:.4f}")
    for name, ap in scores.get("per_class", {}).items():
        print(f"  {name:<16} AP {ap:.4f}")
    return 0

