"""The Compare tab's table page: one validation row, and its SHAP, exact Shapley and LIME bars.

Red bars push the explained class up, blue bars down (``ContributionChart``); under
each chart a line checks the method's own sum (SHAP: base value + contributions =
model output). The charts are built with the first model: pyqtgraph stays out of start-up.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ui.panels.base import hint_label

#: The tabular methods, in the order they run (titles translated when shown: ``title``).
TABULAR_METHODS = (("shap", QT_TRANSLATE_NOOP("TabularPage", "SHAP (Kernel SHAP)")),
                   ("shapley_exact", QT_TRANSLATE_NOOP("TabularPage", "Exact Shapley (all 2^M coalitions)")),
                   ("lime", QT_TRANSLATE_NOOP("TabularPage", "LIME (tabular)")))
TITLES = dict(TABULAR_METHODS)


def title(method: str) -> str:
    """The method's chart title in the user's language."""
    return QCoreApplication.translate("TabularPage", TITLES[method])


class TabularPage(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.row_table = QTableWidget(0, 2)
        self.row_table.setHorizontalHeaderLabels([self.tr("Feature"), self.tr("Value")])
        self.row_table.verticalHeader().setVisible(False)
        self.row_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.row_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.row_table.setMaximumWidth(320)
        self.row_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.row_caption = QLabel("")
        self.row_caption.setWordWrap(True)
        self.charts: dict = {}  # method -> ContributionChart, built with the first model
        self.chart_notes: dict[str, QLabel] = {}
        self._chart_slots: dict[str, QVBoxLayout] = {}
        charts = QVBoxLayout()
        for method, _title in TABULAR_METHODS:
            slot = QVBoxLayout()
            note = QLabel("")
            note.setWordWrap(True)
            self._chart_slots[method], self.chart_notes[method] = slot, note
            charts.addLayout(slot, 1)
            charts.addWidget(note)
        charts.addWidget(hint_label(self.tr(
            "Red bars push the probability of the explained class up, blue bars push it down. SHAP values "
            "add up exactly: base value (the average prediction) + their sum = the model's output; exact "
            "Shapley enumerates all 2^M coalitions (up to 12 features) and Kernel SHAP matches it. LIME "
            "fits a linear model to perturbed rows; a weight says what the feature being in its current "
            "range adds.")))
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("The row explained")))
        left.addWidget(self.row_table)
        left.addWidget(self.row_caption)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(charts, 1)

    def ensure(self) -> None:
        from ui.widgets.contribution_chart import ContributionChart

        for method, _title in TABULAR_METHODS:
            if method not in self.charts:
                self.charts[method] = ContributionChart(title(method))
                self._chart_slots[method].addWidget(self.charts[method])

    def clear(self, waiting: bool = False) -> None:
        for method, _title in TABULAR_METHODS:
            if method in self.charts:
                self.charts[method].clear_contributions(
                    self.tr("{0} — waiting…").format(title(method)) if waiting else title(method))
            self.chart_notes[method].setText("")

    def set_state(self, method: str, state: str, message: str = "") -> None:
        """``state``: "running", "failed" (with the sentence under the chart) or "cancelled"."""
        words = {"running": self.tr("computing…"), "failed": self.tr("failed"), "cancelled": self.tr("cancelled")}
        if method in self.charts:
            self.charts[method].setTitle(f"{title(method)} — {words.get(state, state)}")
        if message:
            self.chart_notes[method].setText(f"<span style='color:#b03000'>{message}</span>")

    def show_row(self, row: np.ndarray, names: list[str], caption: str, scaler: dict | None) -> None:
        """The row as the user knows it: standardized features turned back into their units."""
        scaler = scaler or {}
        mean, std = scaler.get("mean"), scaler.get("std")
        raw = row * np.asarray(std) + np.asarray(mean) if mean is not None and len(mean) == row.size else row
        self.row_table.setRowCount(row.size)
        rows_height = self.row_table.verticalHeader().length() + self.row_table.horizontalHeader().height()
        self.row_table.setMaximumHeight(min(rows_height + 4, 480))
        for r, (name, value) in enumerate(zip(names, raw)):
            self.row_table.setItem(r, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(f"{value:.4g}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.row_table.setItem(r, 1, item)
        self.row_caption.setText(caption)

    def show_prediction(self, text: str) -> None:
        self.row_caption.setText(f"{self.row_caption.text().split('<br>')[0]}<br>{text}")

    def show_contributions(self, method: str, result, class_names) -> None:
        self.charts[method].set_contributions(result.contributions, self.tr("{0} — class {1}").format(
            title(method), class_names[result.class_index]))
        total = sum(result.contributions.values())
        if method in ("shap", "shapley_exact"):
            note = self.tr("base value {0:.3f} + sum of contributions {1:+.3f} = {2:.3f}; model output "
                           "{3:.3f}").format(result.base_value, total, result.base_value + total, result.output)
        else:
            note = self.tr("surrogate intercept {0:.3f}, sum of weights {1:+.3f}; model output {2:.3f}").format(
                result.base_value, total, result.output)
        self.chart_notes[method].setText(note)
