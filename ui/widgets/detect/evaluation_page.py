"""The Detect tab's Evaluation page: score the model on the annotated set, in the background.

``workbench.detection.evaluation.evaluate`` runs on the model lane with a progress
counter (polled by a timer: worker threads never touch widgets) and a Cancel flag;
the result is shown as per-class precision-recall curves (IoU bars for segmenters)
and the tables ``keras-workbench evaluate RUN`` prints. The panel owns the model, its
kind and the annotated set; this page reads them when Evaluate is pressed.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QProgressBar, QPushButton, QStackedWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui.panels.base import hint_label
from workbench.detection.evaluation import (SEGMENTATION, evaluate, headline, number, per_class_table,
                                            summary_rows)


class EvaluationPage(QWidget):
    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = panel
        self.evaluation: dict | None = None
        self.evaluating = False
        self._cancel = threading.Event()
        self._progress = [0, 0]
        self._pr_plot = None
        self._iou_chart = None
        self.eval_button = QPushButton(self.tr("Evaluate on the annotated set"))
        self.eval_button.setToolTip(self.tr("Run the model over every image of the annotated set and "
                                            "score it against the ground truth"))
        self.eval_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.eval_progress = QProgressBar()
        self.eval_progress.setRange(0, 1)
        self.eval_progress.setValue(0)
        self.eval_text = hint_label(self.tr("Scores appear here: per-class precision-recall curves, VOC "
                                            "mAP@0.5 and the COCO AP family (mean IoU for segmenters)."))
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(100)
        self._progress_timer.timeout.connect(self._show_progress)
        self.summary = QTableWidget(0, 2)
        self.summary.setHorizontalHeaderLabels([self.tr("Metric"), self.tr("Value")])
        self.per_class = QTableWidget(0, 3)
        for table in (self.summary, self.per_class):
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(hint_label(self.tr("The curves appear after an evaluation.")))
        row = QHBoxLayout()
        row.addWidget(self.eval_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.eval_progress, 1)
        tables = QHBoxLayout()
        tables.addWidget(self.summary, 1)
        tables.addWidget(self.per_class, 1)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.eval_text)
        column.addWidget(self.chart_stack, 3)
        column.addLayout(tables, 2)

    @property
    def pr_plot(self):
        """The per-class precision-recall plot (pyqtgraph is imported on first use)."""
        if self._pr_plot is None:
            from ui.widgets.pr_plot import PrecisionRecallPlot

            self._pr_plot = PrecisionRecallPlot()
            self.chart_stack.addWidget(self._pr_plot)
        return self._pr_plot

    @property
    def iou_chart(self):
        """Per-class IoU bars of a segmenter's evaluation."""
        if self._iou_chart is None:
            from ui.widgets.bar_chart import BarChart

            self._iou_chart = BarChart(self.tr("IoU per class (validation pixels)"))
            self.chart_stack.addWidget(self._iou_chart)
        return self._iou_chart

    def update_state(self) -> None:
        panel = self.panel
        self.eval_button.setEnabled(panel.ready() and panel.annotated is not None and not self.evaluating)
        self.eval_button.setText(self.tr("Evaluate on {0}").format(panel.annotated_label or self.tr("the annotated set")))

    def reset(self) -> None:
        """A new model: the scores of the previous one go."""
        self.evaluation = None
        for table in (self.summary, self.per_class):
            table.setRowCount(0)
        self.chart_stack.setCurrentIndex(0)
        if not self.evaluating:
            self.eval_progress.setValue(0)
            self.eval_text.setText(self.tr("Press Evaluate to score this model on the annotated set."))

    def start(self) -> None:
        panel = self.panel
        if not panel.ready() or panel.annotated is None or self.evaluating:
            return
        model, kind, data = panel.session.model, panel.kind, panel.annotated
        iou = panel.thresholds()[1]
        self._cancel = threading.Event()
        cancel, progress = self._cancel, [0, len(data)]
        self._progress = progress
        self.evaluating = True
        self.cancel_button.setEnabled(True)
        self.eval_progress.setRange(0, max(1, len(data)))
        self.eval_progress.setValue(0)
        self.eval_text.setText(self.tr("Evaluating {0} on {1}…").format(model.name, panel.annotated_label))
        self._progress_timer.start()
        panel._update_state()

        def advanced(done: int, total: int) -> None:  # the worker's count, read by the timer
            progress[:] = [done, total]

        panel.background(lambda: evaluate(model, kind, data, iou, advanced, cancel.is_set),
                         lambda result: self._evaluated(model, result), key="detect-eval",
                         quiet=True, lane=panel.TF_LANE)

    def cancel(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.eval_text.setText(self.tr("Cancelling after the current batch…"))

    def _show_progress(self) -> None:
        done, total = self._progress
        self.eval_progress.setRange(0, max(1, total))
        self.eval_progress.setValue(done)

    def ended(self, text: str) -> None:
        self.evaluating = False
        self._progress_timer.stop()
        self._show_progress()
        self.cancel_button.setEnabled(False)
        self.eval_text.setText(text)
        self.panel._update_state()

    def _evaluated(self, model, result: dict | None) -> None:
        panel = self.panel
        if result is None:
            self.ended(self.tr("Evaluation cancelled; the scores below are from the previous one")
                       if self.evaluation else self.tr("Evaluation cancelled."))
            return
        if model is not panel.session.model:
            self.ended(self.tr("The model changed during the evaluation; run it again."))
            return
        self.evaluation = result
        timing = self.tr("{0:.1f} ms per image ({1:.1f} FPS)").format(result["ms_per_image"], result["fps"])
        if result["kind"] == SEGMENTATION:
            self._show_segmentation_scores(result)
        else:
            self._show_detection_scores(result)
        self.ended(self.tr("{0} on {1}: {2} · {3}").format(model.name, panel.annotated_label,
                                                          headline(result), timing))
        panel.session.report(self.tr("Evaluation: {0}").format(headline(result)))

    def _fill(self, table: QTableWidget, rows: list[tuple]) -> None:
        """Text cells as they are; numbers right-aligned, their exact value kept as UserRole."""
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    item = QTableWidgetItem(value)
                    if c > 0:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(r, c, item)
                    continue
                whole = isinstance(value, (int, np.integer))
                item = QTableWidgetItem(str(int(value)) if whole else number(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, float(value))
                if item.text() == "—":
                    item.setToolTip(self.tr("Nothing to measure: no true object of this kind or size"))
                table.setItem(r, c, item)

    def _show_tables(self, evaluation: dict) -> None:
        """The summary and per-class tables, as ``keras-workbench evaluate`` prints them."""
        self.summary.setColumnCount(2)
        self.summary.setHorizontalHeaderLabels([self.tr("Metric"), self.tr("Value")])
        self._fill(self.summary, summary_rows(evaluation))
        headers, rows = per_class_table(evaluation)
        self.per_class.setColumnCount(len(headers))
        self.per_class.setHorizontalHeaderLabels(headers)
        self._fill(self.per_class, rows)

    def _show_detection_scores(self, evaluation: dict) -> None:
        from workbench.detection.inference import class_colour

        self._show_tables(evaluation)
        names = evaluation["data"].class_names
        curves = {name: (c["recall"], c["precision"])
                  for name, c in evaluation["result"]["voc"]["curves"].items()}
        self.pr_plot.set_curves(curves, {name: class_colour(k) for k, name in enumerate(names)})
        self.chart_stack.setCurrentWidget(self.pr_plot)

    def _show_segmentation_scores(self, evaluation: dict) -> None:
        self._show_tables(evaluation)
        names = (self.tr("background"),) + tuple(evaluation["data"].class_names)
        self.iou_chart.set_counts({name: float(0.0 if np.isnan(v) else v)
                                   for name, v in zip(names, evaluation["per_class_iou"])})
        self.chart_stack.setCurrentWidget(self.iou_chart)

    @staticmethod
    def table_values(table: QTableWidget) -> dict:
        """``{row label: [numbers]}`` of a score table (tests and reports read it)."""
        values = {}
        for r in range(table.rowCount()):
            cells = [table.item(r, c) for c in range(1, table.columnCount())]
            values[table.item(r, 0).text()] = [
                cell.data(Qt.ItemDataRole.UserRole) if cell is not None
                and cell.data(Qt.ItemDataRole.UserRole) is not None else
                (cell.text() if cell is not None else "") for cell in cells]
        return values

    def shutdown(self) -> None:
        self._cancel.set()
        self._progress_timer.stop()
