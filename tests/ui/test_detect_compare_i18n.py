"""The Detect and Compare tabs in another language: combo boxes keep their keys as item data,
so a translated item text changes nothing the code decides, and labels marked with
QT_TRANSLATE_NOOP (tables of labels) are translated where they are shown.

A tiny Japanese .qm is compiled here from a .ts written by the test (the project's own
file is made by ``packaging/translations.py``), so the test needs nothing outside.
"""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

# class 0: the notes' example (one TP, a duplicate and a neighbour as FPs, two missed at 0.50);
# class 1: one object found at score 0.7
TRUTH = [{"boxes": [[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50], [60, 60, 70, 70]],
          "labels": [0, 0, 0, 1]}]
FOUND = [{"boxes": [[0, 0, 10, 10], [0, 0, 10, 10], [25, 20, 35, 30], [20, 20, 30, 27.2],
                    [40, 40, 50, 50], [60, 60, 70, 70]],
          "scores": [0.9, 0.8, 0.6, 0.3, 0.02, 0.7], "labels": [0, 0, 0, 0, 0, 1]}]

JAPANESE = {
    ("ThresholdView", "all classes"): "すべてのクラス",
    ("ThresholdView", "true positives"): "真陽性 (TP)",
    ("ExportDialog", "YOLO-txt (labels/ + images/ + classes.txt)"): "YOLO-txt 形式",
    ("ExportDialog", "The annotated set: {0}"): "アノテーション付きセット: {0}",
    ("TabularPage", "LIME (tabular)"): "LIME (表データ)",
}


@pytest.fixture
def japanese(qapp, tmp_path):
    """A translator with ``JAPANESE`` installed on the application for the test."""
    from xml.sax.saxutils import escape

    contexts: dict[str, list[str]] = {}
    for (context, source), text in JAPANESE.items():
        contexts.setdefault(context, []).append(
            f"<message><source>{escape(source)}</source><translation>{escape(text)}</translation></message>")
    ts = tmp_path / "t_ja.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="ja_JP">'
                  + "".join(f"<context><name>{c}</name>{''.join(m)}</context>" for c, m in contexts.items())
                  + "</TS>", encoding="utf-8")
    lrelease = os.path.join(os.path.dirname(sys.executable), "pyside6-lrelease")
    subprocess.run([lrelease, str(ts), "-qm", str(tmp_path / "t_ja.qm")], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(tmp_path / "t_ja.qm"))
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


def evaluation():
    from workbench.detection.threshold_metrics import summarize

    return {"thresholds": summarize(TRUTH, FOUND),
            "result": {"voc": {"mAP": 0.5, "per_class": {"0": 0.25, "1": 1.0}}}}


def counts_at_half(view) -> list[str]:
    row = next(r for r in range(view.table.rowCount()) if view.table.item(r, 0).text() == "0.50")
    return [view.table.item(row, c).text() for c in range(1, 4)]


def test_threshold_class_choice_reads_item_data_not_the_translated_text(japanese, qtbot):
    from ui.widgets.detect.threshold_view import ALL, ThresholdView

    result = evaluation()
    view = ThresholdView(lambda: result)
    qtbot.addWidget(view)
    view.refresh()
    assert view.choice.itemText(0) == "すべてのクラス" and view.choice.itemData(0) == ALL
    assert [view.choice.itemData(i) for i in range(1, view.choice.count())] == ["0", "1"]
    assert counts_at_half(view) == ["2", "2", "2"]  # TP, FP, FN of both classes summed
    view.choice.setCurrentIndex(2)
    assert view.chosen() == "1" and counts_at_half(view) == ["1", "0", "0"]
    view.choice.setCurrentIndex(1)
    assert counts_at_half(view) == ["1", "2", "2"]
    assert "1.000" not in view.scores.text() and "0.250" in view.scores.text()  # class 0's VOC AP
    view.choice.setCurrentIndex(0)
    assert view.chosen() == ALL and counts_at_half(view) == ["2", "2", "2"]
    legend = [item.text for _sample, item in view.plot.getPlotItem().legend.items]
    assert legend[0] == "真陽性 (TP)"


def test_export_dialog_shows_translated_labels_and_returns_the_format_key(japanese, qtbot):
    from ui.widgets.annotation_export import ExportDialog

    dialog = ExportDialog("shapes (40 images)", "the images", True, 0.3)
    qtbot.addWidget(dialog)
    assert dialog.annotated.text() == "アノテーション付きセット: shapes (40 images)"
    index = dialog.format.findData("yolo")
    assert dialog.format.itemText(index) == "YOLO-txt 形式"
    dialog.format.setCurrentIndex(index)
    dialog.out.setText("/tmp/out")
    assert dialog.choice().fmt == "yolo"
    assert dialog.format.itemText(dialog.format.findData("coco")) == "COCO JSON (annotations.json + images/)"


def test_tabular_titles_are_translated_where_shown(japanese):
    from ui.widgets.compare.tabular_page import TITLES, title

    assert TITLES["lime"] == "LIME (tabular)"  # the key table keeps the English source
    assert title("lime") == "LIME (表データ)"
    assert QCoreApplication.translate("TabularPage", TITLES["shap"]) == "SHAP (Kernel SHAP)"  # untranslated: as is
