"""``keras-workbench predict``: classify one image with a trained model."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("predict", help="classify an image with a trained model")
    p.add_argument("model_file", help=".keras file or run directory")
    p.add_argument("--image", required=True)
    p.add_argument("--top", type=int, default=5, help="how many classes to list")
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

    model, names, image = load_for_image(args.model_file, args.image)
    prediction = predict_image(model, image, names)
    if args.json:
        emit_json(prediction.as_dict(args.top))
        return 0
    for name, p in prediction.top(args.top):
        print(f"{p:8.4f}  {name}")
    return 0
