"""Export a run's model and verify it, in one call shared by the CLI and the Export tab."""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError
from workbench.export.formats import check_request, export_model
from workbench.export.samples import CheckSamples, check_samples, run_of
from workbench.export.verify import ExportReport, check_export, size_on_disk

#: Where a run lists the exports made from it (the before/after table reads it back).
EXPORTS_FILE = "exports.json"


def export_and_verify(model, fmt: str, out: str, samples: CheckSamples, quantize: str | None = None,
                      force: bool = False, original_size: int | None = None,
                      original_path: str | None = None) -> ExportReport:
    """Write ``model`` as ``fmt`` at ``out`` and return its verification report. The check
    runs on the temporary file, before it replaces anything at ``out``."""
    if quantize == "int8" and not samples.real:
        raise WorkbenchError("int8 quantization calibrates on samples of the training data, and there "
                             f"are none here ({samples.origin.removeprefix('random inputs: ')}); export "
                             "from a run directory, or use float16 or dynamic")
    out = check_request(fmt, out, quantize, force)
    return export_model(model, fmt, out, force=force, quantize=quantize,
                        representative=samples.x if samples.real else None,
                        check=lambda tmp: check_export(model, fmt, tmp, samples, quantize, shown_path=out,
                                                       original_size=original_size,
                                                       original_path=original_path))


def export_source(source: str, fmt: str, out: str, quantize: str | None = None, force: bool = False,
                  model_name: str | None = None) -> ExportReport:
    """``keras-workbench export``: load ``source`` (a run directory or a model file),
    export, verify on the run's validation samples, and note the export in the run."""
    from workbench.inference import input_shape
    from workbench.models.io import load_model, network_path
    from workbench.quiet import import_tensorflow

    out = check_request(fmt, out, quantize, force)  # refused before TensorFlow loads
    path = network_path(source, model_name)
    if os.path.isdir(path):
        path = os.path.join(path, "model.keras")
    import_tensorflow()
    model = load_model(path)
    samples = check_samples(path, input_shape(model))
    report = export_and_verify(model, fmt, out, samples, quantize, force, size_on_disk(path), path)
    run = run_of(path)
    if run is not None:
        record_export(run, report)
    return report


def record_export(run: str, report: ExportReport) -> None:
    """Add (or replace, for the same path) the report in ``RUN/exports.json``."""
    from workbench.runs.atomic import read_json, write_json

    file = os.path.join(run, EXPORTS_FILE)
    try:
        known = read_json(file) if os.path.isfile(file) else []
    except (OSError, ValueError):
        known = []  # a damaged list is rebuilt from this export on
    known = [item for item in known if isinstance(item, dict) and item.get("path") != report.path]
    try:
        write_json(file, known + [report.as_dict()])
    except (OSError, WorkbenchError):
        pass  # a read-only run still exports; only the list is not kept


def recorded_exports(run: str) -> list[ExportReport]:
    """The exports noted in ``RUN/exports.json`` whose files still exist."""
    from workbench.runs.atomic import read_json

    file = os.path.join(run, EXPORTS_FILE)
    try:
        items = read_json(file) if os.path.isfile(file) else []
    except (OSError, ValueError):
        return []
    fields = set(ExportReport.__dataclass_fields__)
    return [ExportReport(**{k: v for k, v in item.items() if k in fields}) for item in items
            if isinstance(item, dict) and os.path.exists(str(item.get("path", "")))]
