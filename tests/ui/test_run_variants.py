"""The Runs tab links a run to its exports and compressed variants: the before/after
table of the selected run, and a derived run selected from it."""

import json
import os

import pytest

from ui.panels.runs_panel import RunsPanel
from ui.session import Session

TIMEOUT_MS = 60_000


def _run(folder, model, val_accuracy, **config):
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as handle:
        json.dump({"model": model, "data": "digits", "epochs": len(val_accuracy), **config}, handle)
    with open(os.path.join(folder, "history.json"), "w") as handle:
        json.dump({"epoch": list(range(1, len(val_accuracy) + 1)), "val_accuracy": val_accuracy}, handle)
    with open(os.path.join(folder, "model.keras"), "wb") as handle:
        handle.write(b"k" * 2048)  # the table reads its size only
    return folder


@pytest.fixture
def panel(qtbot, tmp_path):
    root = tmp_path / "runs"
    parent = _run(str(root / "lenet"), "lenet", [0.9, 0.95])
    pruned = _run(str(root / "lenet-pruned50"), "lenet", [0.94], pruned_from=parent,
                  pruning={"sparsity": 0.5, "epochs": 1})
    _run(str(root / "student"), "distillation", [0.8, 0.91],
         hparams={"teacher": "runs/lenet", "student": "mlp", "student_units": "32",  # relative: to where
                  "temperature": 4.0, "alpha": 0.5})  # training started
    tflite = str(tmp_path / "lenet-int8.tflite")
    with open(tflite, "wb") as handle:
        handle.write(b"t" * 1024)
    report = {"format": "tflite", "quantize": "int8", "path": tflite, "samples": 256, "inputs": "digits",
              "max_abs_diff": 0.0123, "class_agreement": 0.99, "size_bytes": 1024, "ms_per_sample": 0.04,
              "accuracy_before": 0.95, "accuracy_after": 0.9453, "original_size_bytes": 2048,
              "original_ms_per_sample": 0.2}
    with open(os.path.join(parent, "exports.json"), "w") as handle:
        json.dump([report], handle)
    session = Session()
    session.runs_root = str(root)
    widget = RunsPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.refresh()
    qtbot.waitUntil(lambda: len(widget.runs) == 3, timeout=TIMEOUT_MS)
    return widget, parent, pruned


def _cells(table, row):
    return {table.horizontalHeaderItem(c).text(): table.item(row, c).text() for c in range(table.columnCount())}


def test_the_selected_run_shows_its_variants_and_selects_a_derived_run(panel, qtbot):
    widget, parent, pruned = panel
    variants = widget.run_variants
    widget.select_paths([parent])
    qtbot.waitUntil(lambda: variants.table.rowCount() == 4, timeout=TIMEOUT_MS)
    rows = [_cells(variants.table, r) for r in range(4)]
    assert [r["variant"] for r in rows] == ["original (keras)", "tflite int8", "pruned 50%",
                                            "distilled mlp(32), T 4.0, alpha 0.5"]
    assert (rows[0]["size"], rows[0]["ms/sample"], rows[0]["accuracy"]) == ("2.0 KB", "0.200", "95.0%")
    assert (rows[1]["size"], rows[1]["accuracy"], rows[1]["agreement"], rows[1]["max |diff|"]) == \
        ("1.0 KB", "94.5%", "99.0%", "0.012")
    assert rows[2]["accuracy"] == "94.0%"
    assert rows[3]["accuracy"] == "91.0%"
    assert "1 export(s), 2 derived run(s)" in variants.message.text()
    # the original and an exported file are not runs to select; the pruned run is
    variants.table.selectRow(1)
    assert not variants.select_button.isEnabled()
    variants.table.selectRow(2)
    assert variants.select_button.isEnabled()
    variants.select_button.click()
    assert [r.path for r in widget.selected_runs()] == [pruned]
    # the pruned run has no variants of its own
    qtbot.waitUntil(lambda: variants.table.rowCount() == 1, timeout=TIMEOUT_MS)
    assert "No exports" in variants.message.text()


def test_no_selection_empties_the_table(panel, qtbot):
    widget, parent, _ = panel
    widget.select_paths([parent])
    qtbot.waitUntil(lambda: widget.run_variants.table.rowCount() == 4, timeout=TIMEOUT_MS)
    widget.select_paths([])
    assert widget.run_variants.table.rowCount() == 0
    assert not widget.run_variants.measure_button.isEnabled()
