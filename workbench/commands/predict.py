"""``keras-workbench predict``: classify one image, or every image of a folder, with a trained model."""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("predict", help="classify an image (or a folder of images) with a trained model, "
                                       "or read --text with a sequence model")
    p.add_argument("model_file", help=".keras file or run directory")
    p.add_argument("--image", help="an image file, or a folder (searched recursively)")
    p.add_argument("--text", action="append", help="a text for a sequence model (repeatable): classified, "
                                                   "tagged, decoded or looked up by the run's entry")
    p.add_argument("--audio", action="append", metavar="FILE.wav",
                   help="a WAV file to transcribe with a ctc run (repeatable)")
    p.add_argument("--beam-width", type=int, default=0,
                   help="with --audio: beam search of this width (default 0: greedy decoding)")
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

    if args.audio is not None:
        return _audio(args)
    if args.text is not None or not args.image:
        return _texts(args)
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


def _texts(args) -> int:
    """``--text``: the run's entry's ``predict_text`` hook, one result per text."""
    import json

    from workbench.cli import emit_json
    from workbench.models.sequence.text_generation import run_hook

    if args.image:
        raise WorkbenchError("give --image or --text, not both")
    if not args.text:
        raise WorkbenchError("give --image FILE (an image model) or --text TEXT (a sequence model)")
    if not os.path.isdir(args.model_file):
        raise WorkbenchError(f"--text needs a run directory, not {args.model_file}")
    _, predict = run_hook(os.path.abspath(args.model_file), "predict_text", "read text (predict --text)")
    results = predict(os.path.abspath(args.model_file), list(args.text))
    if args.json:
        emit_json(results)
        return 0
    for result in results:
        shown = {k: v for k, v in result.items() if k not in ("attention", "notes")}
        print(json.dumps(shown, ensure_ascii=False))
        for note in result.get("notes", []):
            print(f"  note: {note}")
    return 0


def _audio(args) -> int:
    """``--audio``: transcripts of WAV files by a ``ctc`` run (greedy or beam search)."""
    from workbench.cli import emit_json
    from workbench.runs.rundir import RunDir

    if args.image or args.text:
        raise WorkbenchError("give one of --image, --text or --audio")
    if args.beam_width < 0:
        raise WorkbenchError(f"--beam-width {args.beam_width} must be 0 (greedy) or more")
    if not os.path.isdir(args.model_file):
        raise WorkbenchError(f"--audio needs a ctc run directory, not {args.model_file}")
    model_name = RunDir(args.model_file).read_config().get("model")
    if model_name != "ctc":
        raise WorkbenchError(f"{args.model_file} is a {model_name} run; --audio transcribes with a ctc run")
    from workbench.models.audio.ctc import transcribe
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    results = transcribe(os.path.abspath(args.model_file), list(args.audio), beam_width=args.beam_width)
    if args.json:
        emit_json(results)
        return 0
    for result in results:
        print(f"{result['file']}  {result['text']}")
    return 0
