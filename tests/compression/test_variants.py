"""A run's before/after table: its exports.json, a pruned child run and a distilled student."""

import json
import os

import keras
import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.runs.variants import find_variants, variants_text


def _run(folder, model, history, **config):
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as handle:
        json.dump({"model": model, "data": "iris", "epochs": len(history.get("epoch", [])), "seed": 0,
                   "val_split": 0.2, **config}, handle)
    with open(os.path.join(folder, "history.json"), "w") as handle:
        json.dump(history, handle)
    return folder


def _classifier(path, units):
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(units, activation="relu")(inputs))
    keras.Model(inputs, outputs).save(path)


def _report(path, fmt, quantize, label, **values):
    return {"format": fmt, "quantize": quantize, "path": path, "samples": 30, "inputs": "iris validation split",
            "max_abs_diff": values["diff"], "class_agreement": values["agree"], "size_bytes": values["size"],
            "ms_per_sample": values["ms"], "accuracy_before": 0.9, "accuracy_after": values["acc"],
            "original_size_bytes": 5000, "original_ms_per_sample": 0.25, "label": label}


@pytest.fixture
def family(tmp_path):
    """A parent run with a TFLite export, a pruned child (in exports.json too, as prune
    writes it), a distilled student naming the parent's model file, and an unrelated run."""
    root = tmp_path / "runs"
    parent = _run(str(root / "parent"), "lenet", {"epoch": [1, 2], "val_accuracy": [0.8, 0.85]})
    _classifier(os.path.join(parent, "model.keras"), 16)
    pruned = _run(str(root / "pruned80"), "lenet", {"epoch": [1], "val_accuracy": [0.83]},
                  pruned_from=parent, pruning={"sparsity": 0.8, "epochs": 1})
    _classifier(os.path.join(pruned, "model.keras"), 16)
    student = _run(str(root / "student"), "distillation", {"epoch": [1, 2, 3], "val_accuracy": [0.5, 0.7, 0.76]},
                   hparams={"teacher": os.path.join(parent, "model.keras"), "student": "mlp",
                            "student_units": "4", "temperature": 4.0, "alpha": 0.9})
    _classifier(os.path.join(student, "model.keras"), 4)
    other = _run(str(root / "other"), "distillation", {"epoch": [1], "val_accuracy": [0.6]},
                 hparams={"teacher": str(root / "parent-2")})
    _run(str(root / "relative"), "distillation", {"epoch": [1], "val_accuracy": [0.6]},
         hparams={"teacher": "arent/model.keras"})  # not a whole folder name of the parent
    tflite = str(tmp_path / "model.tflite")
    with open(tflite, "wb") as handle:
        handle.write(b"\0" * 1234)
    exports = [_report(tflite, "tflite", "int8", "", size=1234, ms=0.05, acc=0.8667, agree=0.9667, diff=0.031),
               _report(os.path.join(pruned, "model.keras"), "keras", None, "pruned 80%", size=4000, ms=0.2,
                       acc=0.8333, agree=0.9, diff=0.12),
               _report(str(tmp_path / "deleted.onnx"), "onnx", None, "", size=1, ms=1, acc=1, agree=1, diff=0)]
    with open(os.path.join(parent, "exports.json"), "w") as handle:
        json.dump(exports, handle)
    return {"root": str(root), "parent": parent, "pruned": pruned, "student": student, "other": other,
            "tflite": tflite}


def test_the_table_lists_the_original_its_exports_and_derived_runs(family):
    rows = find_variants(family["parent"], [family["root"]])
    assert [(r.kind, r.label) for r in rows] == [
        ("original", "original (keras)"), ("export", "tflite int8"), ("pruned", "pruned 80%"),
        ("distilled", "distilled mlp(4), T 4.0, alpha 0.9")]
    original, export, pruned, student = rows
    # the original: its file's size, and the latency/accuracy the exports were checked against
    assert original.size_bytes == os.path.getsize(os.path.join(family["parent"], "model.keras"))
    assert (original.ms_per_sample, original.accuracy) == (0.25, 0.9)
    assert (export.path, export.format, export.quantize, export.size_bytes, export.ms_per_sample,
            export.accuracy, export.agreement, export.max_abs_diff) == \
        (family["tflite"], "tflite", "int8", 1234, 0.05, 0.8667, 0.9667, 0.031)
    assert export.run is None
    # the pruned run: one row (not also an export row), its report's figures and its sparsity
    assert (pruned.run, pruned.sparsity, pruned.size_bytes, pruned.accuracy, pruned.max_abs_diff) == \
        (family["pruned"], 0.8, 4000, 0.8333, 0.12)
    # the student has no report: its own final val_accuracy and its file's size
    assert (student.run, student.accuracy, student.ms_per_sample) == (family["student"], 0.76, None)
    assert student.size_bytes == os.path.getsize(os.path.join(family["student"], "model.keras"))
    text = variants_text(rows)
    assert "pruned 80%" in text and "83.3%" in text and "1.2 KB" in text and "own val_accuracy" in text


def test_measure_checks_the_student_on_the_originals_samples(family):
    rows = find_variants(family["parent"], [family["root"]], measure=True)
    student = rows[-1]
    teacher = keras.saving.load_model(os.path.join(family["parent"], "model.keras"))
    model = keras.saving.load_model(os.path.join(family["student"], "model.keras"))
    from workbench.export.samples import check_samples

    samples = check_samples(os.path.join(family["parent"], "model.keras"), (4,))
    assert samples.real and len(samples.x) == 30  # iris: 150 samples, 20% held out
    want_t, want_s = teacher.predict(samples.x, verbose=0), model.predict(samples.x, verbose=0)
    assert student.accuracy == pytest.approx(np.mean(want_s.argmax(1) == samples.y))
    assert student.agreement == pytest.approx(np.mean(want_s.argmax(1) == want_t.argmax(1)))
    assert student.max_abs_diff == pytest.approx(np.abs(want_s - want_t).max(), abs=1e-5)
    assert student.ms_per_sample > 0 and student.accuracy_on == "30 check samples"


def test_a_folder_that_is_no_run_is_a_sentence(tmp_path):
    with pytest.raises(WorkbenchError, match="not a run directory"):
        find_variants(str(tmp_path))


def test_the_cli_prints_the_variants_as_json(family, capsys):
    from workbench.cli import main

    assert main(["runs", family["parent"], "--variants", "--json", "--root", family["root"]]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [v["kind"] for v in out["variants"]] == ["original", "export", "pruned", "distilled"]
    assert out["variants"][2]["sparsity"] == 0.8 and out["variants"][1]["quantize"] == "int8"
    assert set(out["variants"][0]) >= {"kind", "path", "format", "quantize", "sparsity", "size_bytes",
                                       "ms_per_sample", "accuracy", "max_abs_diff"}
