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
    p.add_argument("--row", type=int_in(0), help="tabular runs: explain this validation row instead "
                                                 "(--method shap, lime or shapley_exact)")
    p.add_argument("--model", help="another network of the run: RUN_DIR/NAME.keras")
    p.add_argument("--method", default="gradcam", help="gradcam, cam, gradcam++, scorecam, saliency, ...")
    p.add_argument("--compare", help="several methods side by side, e.g. gradcam,saliency,lime")
    p.add_argument("--layer", help="conv layer (default: the last one)")
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
    p.add_argument("--json", action="store_true", help="with --sanity-check or --row: print the numbers as JSON")
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
