"""``keras-workbench export``: write a trained model in another format, and check it."""

from __future__ import annotations


def register(sub) -> None:
    from workbench.export import FORMATS, QUANTIZE

    p = sub.add_parser(
        "export", help="export a trained model (.keras, SavedModel, TFLite, ONNX) and verify it",
        description="Writes the model in the chosen format, reloads it in its own runtime (Keras, "
                    "the TFLite interpreter, onnxruntime), runs it on the run's validation samples "
                    "and reports the largest difference, class agreement, size and latency.")
    p.add_argument("model_file", help=".keras file or run directory")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--quantize", choices=QUANTIZE,
                   help="TFLite post-training quantization; int8 calibrates on the run's data")
    p.add_argument("--model", help="another network of the run: RUN_DIR/NAME.keras")
    p.add_argument("--out", required=True)
    p.add_argument("--no-verify", action="store_true", help="skip reloading the export")
    p.add_argument("--force", action="store_true", help="replace an earlier export at --out")
    p.add_argument("--json", action="store_true", help="print the verification report as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.export.formats import check_request

    args.out = check_request(args.format, args.out, args.quantize, args.force)  # before TF loads
    if args.no_verify:
        return _unverified(args)
    from workbench.export.pipeline import export_source
    from workbench.export.verify import report_text

    report = export_source(args.model_file, args.format, args.out, args.quantize, args.force, args.model)
    if args.json:
        from workbench.cli import emit_json

        emit_json(report.as_dict())
        return 0
    print(f"wrote {report.path}")
    print(report_text(report))
    print(f"reloaded and compared on {report.samples} samples: max |difference| = {report.max_abs_diff:.2e}")
    return 0


def _unverified(args) -> int:
    from workbench.errors import WorkbenchError
    from workbench.export import export_model
    from workbench.models.io import load_model, network_path
    from workbench.quiet import import_tensorflow

    if args.quantize == "int8":
        raise WorkbenchError("int8 quantization is checked against the float model; drop --no-verify")
    import_tensorflow()
    model = load_model(network_path(args.model_file, args.model))
    export_model(model, args.format, args.out, force=args.force, quantize=args.quantize)
    print(f"wrote {args.out}")
    return 0
