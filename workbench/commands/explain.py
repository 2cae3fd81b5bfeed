"""``keras-workbench explain``: a heatmap of what the model looked at, over the image; or, with
``--row I``, each feature's contribution for one validation row of a tabular run."""

from __future__ import annotations

import os

from workbench.commands.numbers import int_in
from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("explain", help="Grad-CAM and the other explanation methods on an image")
    p.add_argument("model_file", help=".keras file or run directory")
    p.add_argument("--image", help="the image to explain (image classifiers)")
    p.add_argument("--video", help="image classifiers: Grad-CAM of every frame of this video into --out (.mp4)")
    p.add_argument("--row", type=int_in(0), help="tabular runs: explain this validation row instead "
                                                 "(--method shap, lime or shapley_exact)")
    p.add_argument("--model", help="another network of the run: RUN_DIR/NAME.keras")
    p.add_argument("--method", default="gradcam", help="gradcam, cam, gradcam++, scorecam, saliency, ...; with --box: "
                                                         "gradcam or drise")
    p.add_argument("--compare", help="several methods side by side, e.g. gradcam,saliency,lime")
    p.add_argument("--layer", help="conv layer (default: the last one; with --box: the last "
                                     "backbone stage the box depends on)")
    p.add_argument("--class-index", type=int_in(0), help="class to explain (default: the predicted one)")
    p.add_argument("--alpha", type=float, default=0.5, help="heatmap opacity, 0-1")
    p.add_argument("--colormap", default="jet")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="a method option (repeatable), e.g. steps=64, num_samples=500, max_evals=300")
    p.add_argument("--out", help="overlay (or comparison sheet) PNG to write; with --sanity-check optional: "
                                 "the maps per randomised layer and the similarity curves")
    p.add_argument("--heatmap", help="also save the raw heatmap as .npy")
    p.add_argument("--force", action="store_true", help="replace --out / --heatmap files that exist")
    p.add_argument("--sanity-check", action="store_true",
                   help="Adebayo et al. 2018: re-initialise the layers top-down and measure how much each "
                        "method's map changes (Spearman, SSIM); methods whose maps survive fail")
    p.add_argument("--data-randomization", action="store_true",
                   help="with --sanity-check: also compare with a copy trained on the run's data with "
                        "shuffled labels (needs a run directory)")
    p.add_argument("--data-epochs", type=int_in(1), default=3, help="epochs of the shuffled-label copy")
    p.add_argument("--json", action="store_true",
                   help="with --sanity-check, --row or --box: print the numbers as JSON")
    p.add_argument("--box", type=int_in(0),
                   help="detectors: explain detection I, counted from 0 in the order `keras-workbench "
                        "detect` lists them for this image at the same --score-threshold and "
                        "--iou-threshold (--method gradcam or drise; gradcam takes --option "
                        "weighting=odam for per-location gradients; --out optional)")
    p.add_argument("--score-threshold", type=float, default=0.3, help="with --box: as detect's")
    p.add_argument("--iou-threshold", type=float, default=0.5, help="with --box: NMS IoU, as detect's")
    p.set_defaults(run=run)


def run(args) -> int:
    import numpy as np

    from workbench import xai
    from workbench.commands.predict import load_for_image
    from workbench.data.images import to_uint8_rgb, write_png
    from workbench.catalog.registry import parse_assignments
    from workbench.runs.atomic import atomic_path
    from workbench.runs.outputs import check_output_path

    if not 0.0 <= args.alpha <= 1.0:
        raise WorkbenchError(f"--alpha {args.alpha} must be between 0 and 1")
    if args.row is not None:
        return _tabular(args)
    if args.box is not None:
        return _box(args)
    if args.video:
        return _video(args)
    if not args.image:
        raise WorkbenchError("--image is required (or --row I for a tabular run)")
    if args.sanity_check:
        return _sanity(args)
    if args.data_randomization or args.json:
        raise WorkbenchError("--data-randomization and --json go with --sanity-check")
    if not args.out:
        raise WorkbenchError("--out is required: the overlay PNG to write (e.g. --out overlay.png)")
    args.out = check_output_path(args.out, force=args.force, example="overlay.png")
    if not args.out.lower().endswith(".png"):
        raise WorkbenchError(f"--out {args.out} must be a .png file")
    if args.heatmap:
        args.heatmap = check_output_path(args.heatmap, force=args.force, example="heatmap.npy")
    methods = [m.strip() for m in args.compare.split(",") if m.strip()] if args.compare else [args.method]
    for method in methods:
        xai.method_info(method)  # unknown names fail before the model loads
    options = {key: _number(value) for key, value in parse_assignments(args.option).items()}
    from workbench.models.io import network_path

    model, names, image = load_for_image(network_path(args.model_file, args.model), args.image)
    if args.compare:
        sheet = xai.compare_sheet(model, image, methods, layer=args.layer, class_index=args.class_index,
                                  alpha=args.alpha, colormap=args.colormap, seed=args.seed)
        write_png(args.out, sheet)
        print(f"wrote {args.out} ({', '.join(methods)})")
        return 0
    result = xai.explain(model, image, args.method, layer=args.layer, class_index=args.class_index,
                         seed=args.seed, **options)
    write_png(args.out, xai.overlay(to_uint8_rgb(image), result.heatmap, args.alpha, args.colormap))
    if args.heatmap:
        with atomic_path(args.heatmap) as tmp:
            np.save(tmp, result.heatmap)
            if os.path.exists(tmp + ".npy"):  # np.save appends .npy to names without it
                os.replace(tmp + ".npy", tmp)
    p = float(result.probabilities[result.class_index])
    where = f" at layer {result.layer}" if result.layer else ""
    print(f"{xai.METHODS[args.method].title}{where} for class {names[result.class_index]} "
          f"(p={p:.3f}) in {result.elapsed_s:.2f}s -> {args.out}")
    return 0


def _sanity(args) -> int:
    """``--sanity-check``: cascading randomisation (and data randomisation) of the methods."""
    from workbench import xai
    from workbench.cli import emit_json
    from workbench.commands.predict import load_for_image
    from workbench.data.images import write_png
    from workbench.models.io import network_path
    from workbench.runs.outputs import check_output_path
    from workbench.xai import sanity

    if args.out:
        args.out = check_output_path(args.out, force=args.force, example="sanity.png")
        if not args.out.lower().endswith(".png"):
            raise WorkbenchError(f"--out {args.out} must be a .png file")
    methods = [m.strip() for m in args.compare.split(",") if m.strip()] if args.compare else [args.method]
    for method in methods:
        xai.method_info(method)  # unknown names fail before the model loads
    if args.data_randomization and not os.path.isdir(args.model_file):
        raise WorkbenchError(f"--data-randomization needs a run directory (its data), not {args.model_file}")
    model, names, image = load_for_image(network_path(args.model_file, args.model), args.image)
    import logging

    # each randomised clone traces its own gradient functions; TensorFlow's retracing warning is noise here
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    quiet = args.json
    report = None if quiet else (lambda done, total: print(f"\r{done}/{total} maps", end="", flush=True))
    result = sanity.cascading_randomization(model, image, methods, class_index=args.class_index,
                                            seed=args.seed, layer=args.layer, progress=report)
    if args.data_randomization:
        x, y = sanity.run_training_data(args.model_file, model)
        result.data_randomization = sanity.data_randomization(
            model, image, methods, x, y, epochs=args.data_epochs, class_index=result.class_index,
            seed=args.seed, layer=args.layer)
    if args.out:
        write_png(args.out, sanity.sanity_sheet(result, image))
    if quiet:
        emit_json(result.as_dict())
        return 0
    print()
    print(sanity.summary_text(result, names))
    if args.out:
        print(f"wrote {args.out}")
    return 0


TABULAR_METHODS = ("shap", "lime", "shapley_exact")


def _tabular(args) -> int:
    """``--row I``: feature contributions for validation row ``I``, the training rows as background."""
    import numpy as np

    from workbench.catalog.registry import parse_assignments
    from workbench.cli import emit_json
    from workbench.evaluation.classification import _classification_source, _load_data
    from workbench.models.io import load_model, network_path
    from workbench.quiet import import_tensorflow
    from workbench.runs.rundir import RunDir
    from workbench.xai import tabular

    if args.image or args.sanity_check or args.compare or args.out or args.heatmap:
        raise WorkbenchError("--row explains a tabular row; it does not go with --image, --sanity-check, "
                             "--compare, --out or --heatmap")
    if args.method not in TABULAR_METHODS:
        raise WorkbenchError(f"--method {args.method} has no tabular form; use one of {', '.join(TABULAR_METHODS)}")
    if not os.path.isdir(args.model_file):
        raise WorkbenchError(f"--row needs a run directory (its data), not {args.model_file}")
    options = {key: _number(value) for key, value in parse_assignments(args.option).items()}
    config = RunDir(args.model_file).read_config()
    source = config.get("data") or ""
    if not source:
        raise WorkbenchError(f"{args.model_file} does not name its data in config.json")
    import_tensorflow()
    model = load_model(network_path(args.model_file, args.model))
    dataset = _load_data(config, _classification_source(source), source, model, False, None)
    x_val = getattr(dataset, "x_val", None)
    if x_val is None or np.ndim(x_val) != 2:
        raise WorkbenchError(f"{source} is not a table of rows; --row explains tabular classifiers")
    if args.row >= len(x_val):
        raise WorkbenchError(f"--row {args.row} is past the {len(x_val)} validation rows")
    explain = {"shap": tabular.shap_tabular, "lime": tabular.lime_tabular}.get(args.method)
    if explain is None:
        from workbench.xai.shapley import shapley_exact_tabular as explain
    try:
        result = explain(model, x_val[args.row], dataset.x_train, dataset.info.feature_names or None,
                         args.class_index, args.seed, **options)
    except TypeError as error:  # an --option the method does not take
        raise WorkbenchError(f"--option not understood by {args.method}: {error}") from None
    names = dataset.info.class_names
    klass = names[result.class_index] if result.class_index < len(names) else str(result.class_index)
    if args.json:
        emit_json({"method": result.method, "row": args.row, "class_index": result.class_index,
                   "class_name": klass, "output": result.output, "base_value": result.base_value,
                   "contributions": result.contributions})
        return 0
    print(f"{args.method} for validation row {args.row}, class {klass} (p={result.output:.4f}, "
          f"base {result.base_value:.4f}):")
    width = max(len(name) for name in result.contributions)
    for name, value in sorted(result.contributions.items(), key=lambda item: -abs(item[1])):
        print(f"  {name:<{width}}  {value:+.5f}")
    return 0


def _number(text: str):
    """``"64"`` -> 64, ``"0.2"`` -> 0.2, anything else stays text (``baseline=blur``)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _box(args) -> int:
    """``--box I``: Grad-CAM or D-RISE of one detected box, drawn with the box."""
    from workbench.catalog.registry import parse_assignments
    from workbench.cli import emit_json
    from workbench.commands.detection import _check_unit, _load
    from workbench.data.images import write_png
    from workbench.models.io import network_path
    from workbench.runs.outputs import check_output_path
    from workbench.xai import box_explain

    if not args.image:
        raise WorkbenchError("--box needs --image: the image whose detection to explain")
    if args.method not in box_explain.METHODS:
        raise WorkbenchError(f"--box explains with --method gradcam or drise, not {args.method}")
    if args.compare or args.sanity_check or args.heatmap or args.class_index is not None:
        raise WorkbenchError("--box does not go with --compare, --sanity-check, --heatmap or --class-index")
    _check_unit("--score-threshold", args.score_threshold)
    _check_unit("--iou-threshold", args.iou_threshold)
    if args.out:
        args.out = check_output_path(args.out, force=args.force, example="box.png")
        if not args.out.lower().endswith(".png"):
            raise WorkbenchError(f"--out {args.out} must be a .png file")
    options = {key: _number(value) for key, value in parse_assignments(args.option).items()}
    box_explain.check_options(args.method, options)
    model, names, image = _load(network_path(args.model_file, args.model), args.image)
    if not hasattr(model, "predict_candidates"):
        raise WorkbenchError(f"{args.model_file} is not a detector; --box explains detections")
    report = None if args.json else (lambda done, total: print(f"\r{done}/{total} masks", end="", flush=True))
    result = box_explain.explain_box(model, image, args.box, args.method, args.score_threshold,
                                     args.iou_threshold, layer=args.layer, seed=args.seed,
                                     progress=report, **options)
    if report is not None and args.method == "drise":
        print()
    name = names[result.label] if result.label < len(names) else str(result.label)
    if args.out:
        write_png(args.out, box_explain.draw_explanation(image, result, names, args.alpha, args.colormap))
    if args.json:
        emit_json({"method": args.method, "box": result.box_number, "class_name": name,
                   "label": result.label, "score": result.score, "xyxy": [float(v) for v in result.box],
                   "raw_index": result.index, "layer": result.layer, "meaning": result.meaning,
                   "elapsed_s": result.elapsed_s, "out": args.out, "info": result.info})
        return 0
    box = ", ".join(f"{v:.1f}" for v in result.box)
    print(f"box {result.box_number}: {name} {result.score:.3f} [{box}] (raw prediction {result.index})")
    where = f" at layer {result.layer}" if result.layer else ""
    title = "ODAM" if result.info.get("weighting") == "odam" else box_explain.METHODS[args.method]
    print(f"{title}{where} in {result.elapsed_s:.2f}s: {result.meaning}"
          + (f" -> {args.out}" if args.out else ""))
    return 0


def _video(args) -> int:
    """``--video``: Grad-CAM of the predicted class over every frame (``workbench.detection.video``)."""
    from workbench.cli import emit_json
    from workbench.detection import video
    from workbench.inference import class_names_for, model_metadata
    from workbench.models.io import load_model, network_path
    from workbench.quiet import import_tensorflow
    from workbench.runs.outputs import check_output_path

    if args.method != "gradcam" or args.image or args.compare or args.sanity_check or args.heatmap:
        raise WorkbenchError("--video explains each frame with --method gradcam, without --image, "
                             "--compare, --sanity-check or --heatmap")
    if not args.out:
        raise WorkbenchError("--out is required: the video to write (e.g. --out gradcam.mp4)")
    args.out = check_output_path(args.out, force=args.force, example="gradcam.mp4")
    if not args.out.lower().endswith(video.VIDEO_SUFFIXES):
        raise WorkbenchError(f"--out {args.out} must be a video file ({', '.join(video.VIDEO_SUFFIXES)})")
    video.probe(args.video)  # an unreadable video is named before TensorFlow loads
    path = network_path(args.model_file, args.model)
    import_tensorflow()
    model = load_model(path)
    annotator = video.FrameAnnotator(model, "gradcam", class_names_for(model, model_metadata(path)),
                                     alpha=args.alpha, layer=args.layer)
    report = None if args.json else (lambda done, total: print(f"\r{done}/{total} frames", end="", flush=True))
    summary = video.process_video(annotator, args.video, args.out, batch_size=1, progress=report)
    if args.json:
        emit_json(summary)
        return 0
    print(f"\nGrad-CAM at layer {annotator.layer} on {summary['frames']} frames "
          f"({summary['processing_fps'] or 0:.1f} FPS) -> {args.out}")
    return 0
