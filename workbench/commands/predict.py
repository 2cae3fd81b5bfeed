"""``keras-workbench predict``: classify one image, or every image of a folder, with a trained model."""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("predict", help="classify an image (or a folder of images) with a trained model")
    p.add_argument("model_file", help=".keras file or run directory")
    p.add_argument("--image", required=True, help="an image file, or a folder (searched recursively)")
    p.add_argument("--top", type=int, default=5, help="how many classes to list")
    p.add_argument("--model", help="another network of the run: RUN_DIR/NAME.keras")
    p.add_argument("--csv", help="also write one line per image: path, top-1 label and probability, "
                                 "then the top-k pairs")
    p.add_argument("--force", action="store_true", help="replace an existing --csv file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def load_for_image(model_file: str, image_path: str):
    """Model, its class names, and the image shaped for it."""
    from workbench.data.images import load_image_for, read_image
    from workbench.inference import class_names_for, image_input_shape, model_metadata
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    read_image(image_path)  # a bad image fails before the model (and TensorFlow) loads
    import_tensorflow()
    model = load_model(model_file)
    names = class_names_for(model, model_metadata(model_file))
    image = load_image_for(image_path, image_input_shape(model))
    return model, names, image


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.inference import predict_image

    if args.top < 1:
        raise WorkbenchError(f"--top {args.top} must be 1 or more")
    if args.csv and os.path.exists(args.csv) and not args.force:
        raise WorkbenchError(f"{args.csv} already exists; choose another --csv file or add --force")
    if args.model and not os.path.isdir(args.model_file):
        raise WorkbenchError(f"--model {args.model} needs a run directory, not {args.model_file}")
    if os.path.isdir(args.image) or args.csv:
        return _many(args)
    model_file = os.path.join(args.model_file, f"{args.model}.keras") if args.model else args.model_file
    model, names, image = load_for_image(model_file, args.image)
    prediction = predict_image(model, image, names)
    if args.json:
        emit_json(prediction.as_dict(args.top))
        return 0
    for name, p in prediction.top(args.top):
        print(f"{p:8.4f}  {name}")
    return 0


def _many(args) -> int:
    """A folder (or a file with --csv): one row per image, unreadable files as error rows."""
    from workbench.cli import emit_json
    from workbench.data.images import IMAGE_SUFFIXES
    from workbench.evaluation.predictions import predict_paths, write_predictions_csv
    from workbench.xai.batch import image_files

    if os.path.isdir(args.image):
        paths = image_files(args.image)
        if not paths:
            raise WorkbenchError(f"no images ({', '.join(IMAGE_SUFFIXES)}) under {args.image}")
    elif os.path.isfile(args.image):
        paths = [args.image]
    else:
        raise WorkbenchError(f"image file not found: {args.image}")
    rows = predict_paths(args.model_file, paths, args.top, model_name=args.model)
    if args.csv:
        write_predictions_csv(args.csv, rows, args.top)
    errors = sum("error" in row for row in rows)
    if args.json:
        emit_json(rows)
        return 0
    for row in rows:
        if "error" in row:
            print(f"{row['path']}  error: {row['error']}")
        else:
            print(f"{row['path']}  {row['class_name']}  {row['top'][0]['probability']:.4f}")
    written = f"; wrote {args.csv}" if args.csv else ""
    print(f"{len(rows) - errors} image(s) classified, {errors} unreadable{written}")
    return 0
