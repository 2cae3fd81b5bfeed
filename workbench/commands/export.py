"""``keras-workbench export``: write a trained model in another format, and check it."""

from __future__ import annotations


def register(sub) -> None:
    from workbench.export import FORMATS

    p = sub.add_parser("export", help="export a trained model (.keras, SavedModel)")
    p.add_argument("model_file", help=".keras file or run directory")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--model", help="another network of the run: RUN_DIR/NAME.keras")
    p.add_argument("--out", required=True)
    p.add_argument("--no-verify", action="store_true", help="skip reloading the export")
    p.add_argument("--force", action="store_true", help="replace an earlier export at --out")
    p.set_defaults(run=run)


def run(args) -> int:
    import numpy as np

    from workbench.export import export_model, verify_export
    from workbench.models.io import load_model, network_path
    from workbench.quiet import import_tensorflow
    from workbench.runs.outputs import check_output_path

    kind = "file" if args.format == "keras" else "directory"
    marker = "" if args.format == "keras" else "saved_model.pb"
    # refused before the model (and TensorFlow) loads; export_model checks again
    args.out = check_output_path(args.out, kind, force=args.force, marker=marker, example="model.keras")
    source = network_path(args.model_file, args.model)
    import_tensorflow()
    model = load_model(source)
    export_model(model, args.format, args.out, force=args.force)
    print(f"wrote {args.out}")
    if not args.no_verify:
        from workbench.inference import input_shape

        shape = (4, *input_shape(model))
        x = np.random.default_rng(0).random(shape, dtype=np.float32)
        print(f"reloaded and compared on 4 inputs: max |difference| = {verify_export(model, args.format, args.out, x):.2e}")
    return 0
