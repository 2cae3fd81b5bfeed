"""The Detect tab's Thresholds page: TP / FP / FN against the confidence threshold.

After an evaluation (the Evaluation page's result, read when this page shows) it draws the
notes' recipe (``workbench.detection.threshold_metrics``): IoU 0.5, confidence 0.05 to
0.95 by 0.05, duplicates as false positives; the curves and the precision / recall table
of all classes together or of one, with the notes' AP and average recall beside the VOC
devkit's AP so the difference of the recipes shows.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ui.panels.base import hint_label

#: The class combo's item data of "all classes" (a class's item holds its name).
ALL = ""
#: (key, legend, colour) of the three curves (legends translated when drawn).
CURVES = (("tp", QT_TRANSLATE_NOOP("ThresholdView", "true positives"), (30, 150, 60)),
          ("fp", QT_TRANSLATE_NOOP("ThresholdView", "false positives"), (210, 60, 40)),
          ("fn", QT_TRANSLATE_NOOP("ThresholdView", "missed (false negatives)"), (60, 90, 200)))


class ThresholdView(QWidget):
    """``source()`` gives the latest evaluation dict (or None)."""

    def __init__(self, source, parent: QWidget | None = None):
        super().__init__(parent)
        self.source = source
        self.evaluation: dict | None = None
        self.note = hint_label(self.tr("Evaluate a detector on the Evaluation page; its TP / FP / FN "
                                       "against the score threshold appear here."))
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(lambda _i: self.redraw())
        self.scores = QLabel("")
        self.scores.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Threshold"), self.tr("TP"), self.tr("FP"), self.tr("FN"),
                                              self.tr("Precision"), self.tr("Recall")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 4)
        self._plot = None
        self._lines: dict = {}
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Class")))
        row.addWidget(self.choice)
        row.addWidget(self.scores, 1)
        self._column = QVBoxLayout(self)
        self._column.addWidget(self.note)
        self._column.addLayout(row)
        self._column.addWidget(self.table, 2)

    @property
    def plot(self):
        if self._plot is None:
            import pyqtgraph as pg

            from ui.widgets import curve_plot  # noqa: F401 - the theme's plot colours

            self._plot = pg.PlotWidget(title=self.tr("Objects against the confidence threshold (IoU 0.5)"))
            self._plot.addLegend()
            self._plot.setLabel("bottom", self.tr("confidence threshold"))
            self._plot.getAxis("bottom").enableAutoSIPrefix(False)  # 0.05..0.95, not x0.001
            self._plot.setLabel("left", self.tr("count"))
            for key, legend, colour in CURVES:
                self._lines[key] = self._plot.plot([], [], pen=pg.mkPen(colour, width=2),
                                                   symbol="o", symbolSize=5, symbolBrush=colour,
                                                   name=QCoreApplication.translate("ThresholdView", legend))
            self._column.insertWidget(2, self._plot, 3)
        return self._plot

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        evaluation = self.source()
        if evaluation is self.evaluation:
            return
        self.evaluation = evaluation
        if evaluation is None or evaluation.get("thresholds") is None:
            self.note.setText(self.tr("Evaluate a detector on the Evaluation page; its TP / FP / FN "
                                      "against the score threshold appear here."))
            self.table.setRowCount(0)
            return
        self.note.setText(self.tr("The notes' recipe: detections kept at each confidence threshold, "
                                  "matched at IoU > 0.5 in score order; a second detection of an object "
                                  "already found is a false positive. Its AP is the area under these 19 "
                                  "points (no precision envelope, nothing under 0.05), unlike VOC's "
                                  "all-point AP over every detection's score."))
        names = list(evaluation["thresholds"]["notes_ap"]["tables"])
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(self.tr("all classes"), ALL)
        for name in names:
            self.choice.addItem(name, name)
        self.choice.blockSignals(False)
        self.redraw()

    def rows(self) -> list[dict]:
        """The table's rows for the chosen class (all classes: counts summed)."""
        extra = self.evaluation["thresholds"]
        name = self.chosen()
        if name != ALL:
            return extra["notes_ap"]["tables"][name]
        out = []
        for key, counts in extra["tp_fp_fn"].items():
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            out.append({"threshold": float(key), "tp": tp, "fp": fp, "fn": fn,
                        "precision": tp / (tp + fp) if tp + fp else float("nan"),
                        "recall": tp / (tp + fn) if tp + fn else float("nan")})
        return out

    def redraw(self) -> None:
        if self.evaluation is None or self.evaluation.get("thresholds") is None:
            return
        rows = self.rows()
        x = np.array([r["threshold"] for r in rows])
        for key, _legend, _colour in CURVES:
            self.plot  # noqa: B018 - created on first use
            self._lines[key].setData(x, np.array([r[key] for r in rows], float))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [f"{row['threshold']:.2f}", str(row["tp"]), str(row["fp"]), str(row["fn"]),
                     *("—" if np.isnan(row[k]) else f"{row[k]:.3f}" for k in ("precision", "recall"))]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        extra, voc = self.evaluation["thresholds"], self.evaluation["result"]["voc"]
        name = self.chosen()
        pick = (lambda d: d["mAP"]) if name == ALL else (lambda d: d["per_class"][name])
        recall = (extra["average_recall"]["mean"] if name == ALL
                  else extra["average_recall"]["per_class"][name])

        def fmt(value) -> str:
            return "—" if value is None or np.isnan(value) else f"{value:.3f}"

        self.scores.setText(self.tr("notes' AP {0} · VOC all-point AP {1} · AR (IoU .50:.95) {2}").format(
            fmt(pick(extra["notes_ap"])), fmt(pick(voc)), fmt(recall)))

    def chosen(self) -> str:
        """The class whose counts are shown (its name, the item's data), or ``ALL``."""
        return self.choice.currentData() or ALL
