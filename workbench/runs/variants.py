"""A run's variants: the original, its exports and the runs derived from it, as one
before/after table (size, latency, accuracy).

Where they come from:

- ``RUN/exports.json`` (``workbench.export.pipeline``): every verified export of the run
  (TFLite, ONNX, SavedModel, …) with its size, latency per sample, accuracy and largest
  difference from the original on the run's validation samples;
- runs whose ``config.json`` names this run: a pruned run's ``pruned_from``
  (``keras-workbench prune``), a distilled student's ``hparams.teacher``
  (``keras-workbench train distillation --set teacher=RUN``). They are looked for under
  the given roots (and the run's own folder), like ``keras-workbench runs`` lists runs.

A pruned run is also in its parent's ``exports.json`` (prune verifies it against the
parent); that report fills the pruned run's row. A distilled student has none: its
accuracy is its own final ``val_accuracy`` unless ``measure`` checks it on the original's
validation samples (the same samples as every export row), which also gives its latency,
its agreement with the teacher and their largest difference.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from workbench.errors import WorkbenchError


@dataclass
class Variant:
    #: "original", "export", "pruned" or "distilled"
    kind: str
    label: str
    #: The exported file, or the run directory of the original and of a derived run.
    path: str
    #: The run directory to select in the Runs tab (None for an exported file).
    run: str | None = None
    format: str | None = None
    quantize: str | None = None
    sparsity: float | None = None
    size_bytes: int | None = None
    ms_per_sample: float | None = None
    accuracy: float | None = None
    #: Fraction of samples whose predicted class equals the original's.
    agreement: float | None = None
    max_abs_diff: float | None = None
    #: Where ``accuracy`` comes from: "N check samples" or "own val_accuracy".
    accuracy_on: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def find_variants(run_dir: str, roots=(), measure: bool = False) -> list[Variant]:
    """The original first, then its exports, then the runs derived from it (pruned by
    sparsity, then distilled students), each with what is known of size, latency and
    accuracy. ``measure`` loads the models that lack a verification report and checks
    them as an export is checked (TensorFlow is imported)."""
    from workbench.export.pipeline import recorded_exports

    run = os.path.abspath(run_dir)
    if not os.path.isfile(os.path.join(run, "config.json")):
        raise WorkbenchError(f"{run_dir} is not a run directory (it has no config.json)")
    exports = recorded_exports(run)
    derived = derived_runs(run, [*roots, os.path.dirname(run)])
    reports = {os.path.abspath(r.path): r for r in exports}

    rows = [_original(run, exports)]
    owners = {os.path.join(path, "model.keras") for _, path, _ in derived}
    for report in exports:
        if os.path.abspath(report.path) not in owners:
            rows.append(_export_row(report))
    for kind, path, config in derived:
        rows.append(_derived_row(kind, path, config, reports.get(os.path.join(path, "model.keras"))))
    if measure:
        _measure(run, rows)
    return rows


def derived_runs(run: str, roots) -> list[tuple[str, str, dict]]:
    """``(kind, run_dir, config)`` of the runs under ``roots`` made from ``run``: pruned
    (``config["pruned_from"]``), by sparsity, then distilled (``hparams["teacher"]``)."""
    from workbench.runs.history import scan_runs

    run = os.path.abspath(run)
    found = []
    for record in scan_runs(list(dict.fromkeys(os.path.abspath(r) for r in roots if r))):
        if record.damaged or record.path == run:
            continue
        config = record.config
        if _same_run(config.get("pruned_from"), run):
            found.append(("pruned", record.path, config))
        elif record.model == "distillation" and _same_run((config.get("hparams") or {}).get("teacher"), run):
            found.append(("distilled", record.path, config))
    return sorted(found, key=lambda item: (item[0] != "pruned", _sparsity(item[2]) or 0.0, item[1]))


def _same_run(source, run: str) -> bool:
    """Does ``source`` (a run directory or a model file in one) name ``run``? A relative
    path was relative to where training started, unknown here: it names ``run`` when
    ``run`` ends with it."""
    if not source:
        return False
    path = os.path.normpath(str(source))
    if path.endswith(".keras"):
        path = os.path.dirname(path) or "."
    if os.path.isabs(path):
        return path == run
    return os.path.abspath(path) == run or (not path.startswith("..") and run.endswith(os.sep + path))


def _sparsity(config: dict) -> float | None:
    value = (config.get("pruning") or {}).get("sparsity")
    return None if value is None else float(value)


def _size(path: str) -> int | None:
    from workbench.export.verify import size_on_disk

    return size_on_disk(path) if os.path.exists(path) else None


def _val_accuracy(run: str) -> float | None:
    from workbench.runs.history import read_run

    values = read_run(run).history.get("val_accuracy") or []
    return float(values[-1]) if values else None


def _original(run: str, exports) -> Variant:
    """Its latency and accuracy are those the exports were checked against."""
    model = os.path.join(run, "model.keras")
    row = Variant("original", "original (keras)", run, run=run, format="keras", size_bytes=_size(model))
    checked = next((r for r in exports if r.original_ms_per_sample is not None), None)
    if checked is not None:
        row.ms_per_sample, row.accuracy = checked.original_ms_per_sample, checked.accuracy_before
        row.accuracy_on = f"{checked.samples} check samples" if checked.accuracy_before is not None else ""
    if row.accuracy is None:
        row.accuracy = _val_accuracy(run)
        row.accuracy_on = "own val_accuracy" if row.accuracy is not None else ""
    return row


def _export_row(report) -> Variant:
    return Variant("export", report.variant, report.path, format=report.format, quantize=report.quantize,
                   size_bytes=report.size_bytes, ms_per_sample=report.ms_per_sample,
                   accuracy=report.accuracy_after, agreement=report.class_agreement,
                   max_abs_diff=report.max_abs_diff,
                   accuracy_on=f"{report.samples} check samples" if report.accuracy_after is not None else "")


def _derived_row(kind: str, path: str, config: dict, report) -> Variant:
    sparsity = _sparsity(config) if kind == "pruned" else None
    if kind == "pruned":
        label = f"pruned {sparsity:.0%}" if sparsity is not None else "pruned"
    else:
        hp = config.get("hparams") or {}
        student = hp.get("student", "mlp")
        size = hp.get("student_units", "") if student == "mlp" else f"width {hp.get('student_width', 1)}"
        label = f"distilled {student}({size}), T {hp.get('temperature')}, alpha {hp.get('alpha')}"
    row = Variant(kind, label, path, run=path, format="keras", sparsity=sparsity,
                  size_bytes=_size(os.path.join(path, "model.keras")))
    if report is not None:
        _fill(row, report)
    else:
        row.accuracy = _val_accuracy(path)
        row.accuracy_on = "own val_accuracy" if row.accuracy is not None else ""
    return row


def _fill(row: Variant, report) -> None:
    row.size_bytes, row.ms_per_sample = report.size_bytes, report.ms_per_sample
    row.agreement, row.max_abs_diff = report.class_agreement, report.max_abs_diff
    if report.accuracy_after is not None:
        row.accuracy, row.accuracy_on = report.accuracy_after, f"{report.samples} check samples"


def _measure(run: str, rows: list[Variant]) -> None:
    """Check every row without a latency on the original's validation samples, the way
    an export is checked (so all rows compare on the same samples)."""
    todo = [row for row in rows[1:] if row.ms_per_sample is None and row.run
            and os.path.isfile(os.path.join(row.run, "model.keras"))]
    original = rows[0]
    if not todo and original.ms_per_sample is not None:
        return
    model_file = os.path.join(run, "model.keras")
    if not os.path.isfile(model_file):
        return
    from workbench.export.samples import check_samples
    from workbench.export.verify import check_export
    from workbench.inference import input_shape
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    model = load_model(model_file)
    samples = check_samples(model_file, input_shape(model))
    if not todo:  # the original alone: check it against itself for its latency
        todo_files = [(None, model_file)]
    else:
        todo_files = [(row, os.path.join(row.run, "model.keras")) for row in todo]
    for row, file in todo_files:
        report = check_export(model, "keras", file, samples)
        if original.ms_per_sample is None:
            original.ms_per_sample = report.original_ms_per_sample
        if report.accuracy_before is not None and original.accuracy_on != f"{report.samples} check samples":
            original.accuracy, original.accuracy_on = report.accuracy_before, f"{report.samples} check samples"
        if row is not None:
            _fill(row, report)


def _kb(v):
    return "-" if v is None else f"{v / 1024:.1f} KB"


def _pct(v):
    return "-" if v is None else f"{100 * v:.1f}%"


#: The table's columns: (title, formatter of a Variant), shared by the CLI and the Runs tab.
COLUMNS = (
    ("variant", lambda v: v.label),
    ("kind", lambda v: v.kind),
    ("format", lambda v: (v.format or "-") + (f" {v.quantize}" if v.quantize else "")),
    ("sparsity", lambda v: "-" if v.sparsity is None else f"{v.sparsity:.0%}"),
    ("size", lambda v: _kb(v.size_bytes)),
    ("ms/sample", lambda v: "-" if v.ms_per_sample is None else f"{v.ms_per_sample:.3f}"),
    ("accuracy", lambda v: _pct(v.accuracy)),
    ("agreement", lambda v: _pct(v.agreement)),
    ("max |diff|", lambda v: "-" if v.max_abs_diff is None else f"{v.max_abs_diff:.2g}"),
    ("path", lambda v: v.path),
)


def variants_text(variants: list[Variant]) -> str:
    cells = [[title for title, _ in COLUMNS]] + [[fmt(v) for _, fmt in COLUMNS] for v in variants]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) if i in (0, 1, 2, len(COLUMNS) - 1) else c.rjust(w)
                       for i, (c, w) in enumerate(zip(line, widths))).rstrip() for line in cells]
    sources = sorted({v.accuracy_on for v in variants if v.accuracy_on})
    if sources:
        lines.append("accuracy on: " + "; ".join(sources))
    return "\n".join(lines)
