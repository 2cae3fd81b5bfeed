"""The Export tab: a quantised export shows its verification report and the run's
before/after table; an existing file is replaced only after the user agrees."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_export_tab_shows_the_report_and_the_before_after_table(qtbot, lenet_run, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.panels.export_panel import ExportPanel
    from ui.session import Session
    from workbench import data
    from workbench.models.io import load_model

    session = Session()
    panel = ExportPanel(session)
    qtbot.addWidget(panel)
    session.set_dataset(data.load("digits", {}, seed=0, val_fraction=0.2), "digits", {}, 0.2)
    session.set_model(load_model(str(lenet_run)), str(lenet_run / "model.keras"), source="file")
    assert panel._run_dir() == str(lenet_run)  # an opened RUN/model.keras belongs to its run
    panel.format.setCurrentIndex(panel.format.findData("tflite"))
    assert panel.quantize.isEnabled()
    panel.quantize.setCurrentIndex(panel.quantize.findData("int8"))
    target = tmp_path / "digits.tflite"
    target.write_bytes(b"an earlier export")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    panel.path.setText(str(target))
    panel.export()
    qtbot.waitUntil(lambda: panel.last_report is not None, timeout=120_000)
    assert len(asked) == 1 and str(target) in asked[0]  # asked before replacing
    report = panel.last_report
    assert report.quantize == "int8" and report.inputs == "digits validation split"
    assert panel.report_view.value("Format") == "tflite int8"
    assert panel.report_view.value("Same predicted class") == f"{100 * report.class_agreement:.1f}%"
    assert "before →" in panel.report_view.value("Accuracy")
    assert target.read_bytes()[4:8] == b"TFL3"  # a TFLite flatbuffer replaced the old bytes
    variants = panel.variants.column_values(0)
    assert variants[0] == "original (keras)" and "tflite int8" in variants
    # a SavedModel has no quantisation to choose
    panel.format.setCurrentIndex(panel.format.findData("savedmodel"))
    assert not panel.quantize.isEnabled() and not panel.path.text().endswith(".tflite")
