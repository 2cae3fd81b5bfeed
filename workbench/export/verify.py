"""The verification report of an export: the export reloaded in its own runtime and run on
the same samples as the model in memory.

- ``max_abs_diff``: the largest absolute difference of any output value;
- ``class_agreement``: the fraction of samples whose predicted class (argmax) is the same
  (classifiers only);
- ``accuracy_before`` / ``accuracy_after``: accuracy of the original and of the export on
  the samples' labels, when there are labels (quantisation's cost);
- ``size_bytes``: the file (or the SavedModel folder) on disk;
- ``ms_per_sample``: latency of the export's runtime on the batch, per sample (the median
  of a few timed runs after a warm-up run), and the original's beside it.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import asdict, dataclass

import numpy as np

#: Timed repetitions of the batch for the latency (after one warm-up run).
TIMED_RUNS = 3


@dataclass
class ExportReport:
    format: str
    quantize: str | None
    path: str
    samples: int
    inputs: str
    max_abs_diff: float
    class_agreement: float | None
    size_bytes: int
    ms_per_sample: float
    accuracy_before: float | None = None
    accuracy_after: float | None = None
    original_size_bytes: int | None = None
    original_ms_per_sample: float | None = None
    #: Gzipped size: what a download costs; pruned zeros show here, not in ``size_bytes``.
    gzip_bytes: int | None = None
    original_gzip_bytes: int | None = None
    #: A name for the table instead of format + quantize ("pruned 80%").
    label: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def variant(self) -> str:
        if self.label:
            return self.label
        return self.format + (f" {self.quantize}" if self.quantize else " float32" if self.format == "tflite" else "")


def size_on_disk(path: str) -> int:
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(folder, name))
                   for folder, _, names in os.walk(path) for name in names)
    return os.path.getsize(path)


def gzip_size(path: str) -> int:
    """Bytes of ``path`` (every file of a folder) compressed with gzip at level 9."""
    import gzip

    files = [os.path.join(folder, name) for folder, _, names in os.walk(path) for name in sorted(names)] \
        if os.path.isdir(path) else [path]
    total = 0
    for file in files:
        with open(file, "rb") as handle:
            total += len(gzip.compress(handle.read(), compresslevel=9, mtime=0))
    return total


def timed(predict, x: np.ndarray) -> tuple[list[np.ndarray], float]:
    """``predict(x)`` and its latency in milliseconds per sample."""
    outputs = predict(x)  # warm-up: graph tracing, tensor allocation
    seconds = []
    for _ in range(TIMED_RUNS):
        start = time.perf_counter()
        predict(x)
        seconds.append(time.perf_counter() - start)
    return outputs, 1000.0 * statistics.median(seconds) / max(1, len(x))


def max_difference(expected: list[np.ndarray], actual: list[np.ndarray]) -> float:
    """Largest absolute difference, output by output. Runtimes may list a model's outputs
    in another order, so each expected output is paired with the first unused actual one
    of its shape."""
    unused = list(actual)
    worst = 0.0
    for want in expected:
        match = next((i for i, got in enumerate(unused) if got.shape == want.shape), None)
        if match is None:
            shapes = [tuple(a.shape) for a in actual]
            raise ValueError(f"the export has no output of shape {tuple(want.shape)} (it has {shapes})")
        got = unused.pop(match)
        if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
            return float("inf")  # NaN from the export: as wrong as it gets (max() would hide it)
        worst = max(worst, float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)),
                                        initial=0.0)))
    return worst


def check_export(model, fmt: str, path: str, samples, quantize: str | None = None,
                 shown_path: str | None = None, original_size: int | None = None,
                 original_path: str | None = None, label: str = "") -> ExportReport:
    """Reload the export at ``path`` and compare it with ``model`` on ``samples``
    (a ``workbench.export.samples.CheckSamples``)."""
    from workbench.export.formats import flat_outputs, runner
    from workbench.inference import is_classifier

    x = samples.x
    expected, original_ms = timed(lambda batch: flat_outputs(model(batch, training=False)), x)
    actual, export_ms = timed(runner(fmt, path), x)
    report = ExportReport(format=fmt, quantize=quantize, path=shown_path or path, samples=len(x),
                          inputs=samples.origin, max_abs_diff=max_difference(expected, actual),
                          class_agreement=None, size_bytes=size_on_disk(path), ms_per_sample=export_ms,
                          original_size_bytes=original_size, original_ms_per_sample=original_ms,
                          gzip_bytes=gzip_size(path), label=label,
                          original_gzip_bytes=gzip_size(original_path) if original_path else None)
    if is_classifier(model) and expected[0].ndim == 2 and expected[0].shape[1] > 1:
        before = expected[0].argmax(axis=1)
        after = max_matching(expected[0], actual).argmax(axis=1)
        report.class_agreement = float(np.mean(before == after))
        if samples.y is not None:
            y = np.asarray(samples.y).reshape(-1).astype(int)
            report.accuracy_before = float(np.mean(before == y))
            report.accuracy_after = float(np.mean(after == y))
    return report


def max_matching(want: np.ndarray, actual: list[np.ndarray]) -> np.ndarray:
    return next(got for got in actual if got.shape == want.shape)


def _percent(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _kb(value) -> str:
    return "-" if value is None else f"{value / 1024:.1f} KB"


def _ms(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def report_text(report: ExportReport) -> str:
    """The report as the CLI prints it: one field a line."""
    rows = [("format", report.variant), ("path", report.path),
            ("checked on", f"{report.samples} samples ({report.inputs})"),
            ("max_abs_diff", f"{report.max_abs_diff:.3g}"),
            ("class_agreement", _percent(report.class_agreement)),
            ("size", (f"{_kb(report.size_bytes)} (original {_kb(report.original_size_bytes)}); "
                      f"gzipped {_kb(report.gzip_bytes)} (original {_kb(report.original_gzip_bytes)})")),
            ("ms_per_sample", f"{_ms(report.ms_per_sample)} (original {_ms(report.original_ms_per_sample)})")]
    if report.accuracy_before is not None:
        rows.append(("accuracy", (f"{_percent(report.accuracy_before)} before, "
                                  f"{_percent(report.accuracy_after)} after")))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


#: Columns of the before/after table: (title, key of a row dict, formatter).
TABLE_COLUMNS = (("variant", "variant", str), ("size", "size_bytes", _kb), ("gzip", "gzip_bytes", _kb),
                 ("ms/sample", "ms_per_sample", _ms), ("accuracy", "accuracy", _percent),
                 ("agreement", "class_agreement", _percent), ("max |diff|", "max_abs_diff",
                                                              lambda v: "-" if v is None else f"{v:.2g}"))


def table_rows(reports: list[ExportReport]) -> list[dict]:
    """The before/after table: the original first (from the first report), then each variant."""
    if not reports:
        return []
    first = reports[0]
    rows = [{"variant": "original (keras)", "size_bytes": first.original_size_bytes,
             "gzip_bytes": first.original_gzip_bytes,
             "ms_per_sample": first.original_ms_per_sample, "accuracy": first.accuracy_before,
             "class_agreement": None, "max_abs_diff": None}]
    rows += [{"variant": r.variant, "size_bytes": r.size_bytes, "gzip_bytes": r.gzip_bytes,
              "ms_per_sample": r.ms_per_sample,
              "accuracy": r.accuracy_after, "class_agreement": r.class_agreement,
              "max_abs_diff": r.max_abs_diff} for r in reports]
    return rows


def table_text(rows: list[dict]) -> str:
    cells = [[title for title, _, _ in TABLE_COLUMNS]]
    cells += [[fmt(row.get(key)) if key != "variant" else row["variant"] for _, key, fmt in TABLE_COLUMNS]
              for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(TABLE_COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                               enumerate(zip(line, widths))) for line in cells)
