"""The Compare tab's image page: the grid of heatmaps, the input, the score table and curves.

It shows what it is given (the panel holds the run); a click on a cell or a table row
selects that method and plots its curves.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QHeaderView, QLabel, QScrollArea, QSplitter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ui.panels.base import hint_label
from ui.widgets.compare.faithfulness_curves import FaithfulnessCurves
from ui.widgets.explanation_grid import ExplanationGrid
from ui.widgets.image_view import ImageView

#: Translated when shown (context "ImageResults").
TRUST_HINT = QT_TRANSLATE_NOOP("ImageResults",
                               "Which map to trust? Pixels are deleted (or restored) in each map's order, most "
                               "important first, and the class probability is recorded. A faithful map makes it "
                               "fall fast when deleting — <b>lower deletion AUC is better</b> — and rise fast "
                               "when inserting — <b>higher insertion AUC is better</b>. Best values are in bold.")


class ImageResults(QSplitter):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.scores: dict[str, dict] = {}  # what the curves of a selected cell are drawn from
        self.grid = ExplanationGrid(self.tr("Check the methods to compare and press Explain: each explanation "
                                            "appears here as soon as it is ready."))
        self.grid.selected.connect(self.show_curves)
        grid_scroll = QScrollArea()
        grid_scroll.setWidget(self.grid)
        grid_scroll.setWidgetResizable(True)
        grid_scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.input_view = ImageView(self.tr("The image to explain appears here."))
        self.input_view.setMinimumSize(140, 140)
        self.input_view.setMaximumHeight(210)
        self.prediction = QLabel("")
        self.prediction.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Method"), self.tr("Time"), self.tr("Deletion ↓"),
                                              self.tr("Insertion ↑")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("Area under the deletion and insertion curves; click a row to plot them"))
        self.table.cellClicked.connect(lambda row, _c: self.table_clicked(row))
        self.curves = FaithfulnessCurves()
        self.trust_hint = hint_label(QCoreApplication.translate("ImageResults", TRUST_HINT))

        side = QWidget()
        side.setMinimumWidth(300)
        side.setMaximumWidth(430)
        side_column = QVBoxLayout(side)
        side_column.setContentsMargins(0, 0, 0, 0)
        side_column.addWidget(self.input_view)
        side_column.addWidget(self.prediction)
        side_column.addWidget(self.table, 1)
        side_column.addWidget(self.curves, 1)
        side_column.addWidget(self.trust_hint)
        self.addWidget(grid_scroll)
        self.addWidget(side)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)

    def clear(self, keep_grid: bool = False) -> None:
        self.scores = {}
        self.table.setRowCount(0)
        self.curves.clear()
        if not keep_grid:
            self.grid.prepare([])

    def set_state(self, method: str, state: str, message: str = "") -> None:
        """``state``: "running" (says "computing…"), "failed" (with its sentence) or "cancelled",
        on the method's cell."""
        cell = self.grid.cell(method)
        if state == "failed":
            cell.set_state("failed", self.tr("failed: {0}").format(message))
        elif state == "cancelled":
            cell.set_state("cancelled", self.tr("cancelled"))
        else:
            cell.set_state("running", self.tr("computing…"))

    def fill_table(self, methods: list[str], seconds: dict[str, float], scores: dict[str, dict]) -> None:
        """One row per explained method; the best deletion and insertion AUC in bold."""
        from workbench import xai

        self.scores = scores
        scored = [m for m in methods if m in scores]
        best_deletion = min(scored, key=lambda m: scores[m]["deletion_auc"]) if scored else None
        best_insertion = max(scored, key=lambda m: scores[m]["insertion_auc"]) if scored else None
        self.table.setRowCount(len(methods))
        bold = QFont()
        bold.setBold(True)
        for row, method in enumerate(methods):
            score = scores.get(method)
            cells = (xai.METHODS[method].title, f"{seconds[method]:.2f} s",
                     f"{score['deletion_auc']:.3f}" if score else "…",
                     f"{score['insertion_auc']:.3f}" if score else "…")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, method)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if (col == 2 and method == best_deletion) or (col == 3 and method == best_insertion):
                    item.setFont(bold)
                self.table.setItem(row, col, item)

    def table_clicked(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.grid.select(item.data(Qt.ItemDataRole.UserRole))

    def show_curves(self, method: str) -> None:
        from workbench import xai

        title = xai.METHODS[method].title if method in xai.METHODS else method
        self.curves.show_scores(title, self.scores.get(method))
