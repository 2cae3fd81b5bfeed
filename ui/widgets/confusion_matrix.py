"""A confusion matrix as a clickable heat grid: rows are the true class, columns the
predicted one (scikit-learn's ``confusion_matrix`` layout), the count in every cell.

The colour is the count, or the count over its row's total when ``row_normalised``
(the recall of each true class along the diagonal): with unbalanced classes the raw
counts hide the small classes' errors.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Labels longer than this are cut on the axes (the tooltip has the whole name).
LABEL_CHARS = 12
#: Below this cell size the counts are left out (they would not fit).
MIN_TEXT_CELL = 18
LOW, HIGH = np.array([247, 251, 255]), np.array([8, 48, 107])  # matplotlib's "Blues" ends


def shade(fraction: float) -> QColor:
    """White to dark blue; ``fraction`` in [0, 1]."""
    r, g, b = (LOW + (HIGH - LOW) * float(np.clip(fraction, 0.0, 1.0))).astype(int)
    return QColor(int(r), int(g), int(b))


def colour_fractions(confusion: np.ndarray, row_normalised: bool) -> np.ndarray:
    """Each cell's place on the colour scale: its share of its row, or of the largest cell."""
    counts = np.asarray(confusion, float)
    if row_normalised:
        totals = counts.sum(axis=1, keepdims=True)
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    top = counts.max() if counts.size else 0.0
    return counts / top if top > 0 else np.zeros_like(counts)


class ConfusionMatrixView(QWidget):
    """``set_matrix(confusion, labels)``; a click on a cell emits ``cell_clicked(true, predicted)``."""

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.confusion = np.zeros((0, 0), int)
        self.labels: list[str] = []
        self.row_normalised = False
        self.selected: tuple[int, int] | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(260, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(460, 420)

    def set_matrix(self, confusion: np.ndarray, labels: list[str]) -> None:
        self.confusion = np.asarray(confusion, int)
        self.labels = [str(label) for label in labels]
        self.selected = None
        self.update()

    def set_row_normalised(self, on: bool) -> None:
        self.row_normalised = bool(on)
        self.update()

    def select(self, true_index: int, predicted_index: int) -> None:
        self.selected = (int(true_index), int(predicted_index))
        self.update()

    # -- geometry --------------------------------------------------------------------------
    def _margins(self) -> tuple[int, int]:
        """Room for the row labels on the left and the column labels on top."""
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(l[:LABEL_CHARS]) for l in self.labels), default=0)
        return widest + metrics.height() + 12, widest + metrics.height() + 12

    def grid_rect(self) -> QRect:
        """The square area the cells fill."""
        left, top = self._margins()
        side = max(0, min(self.width() - left - 8, self.height() - top - 8))
        return QRect(left, top, side, side)

    def cell_rect(self, true_index: int, predicted_index: int) -> QRectF:
        grid, n = self.grid_rect(), max(1, len(self.labels))
        size = grid.width() / n
        return QRectF(grid.x() + predicted_index * size, grid.y() + true_index * size, size, size)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        grid, n = self.grid_rect(), len(self.labels)
        if n == 0 or not grid.contains(int(x), int(y)):
            return None
        size = grid.width() / n
        return (min(n - 1, int((y - grid.y()) // size)), min(n - 1, int((x - grid.x()) // size)))

    # -- events ----------------------------------------------------------------------------
    def mousePressEvent(self, event):  # noqa: N802
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.select(*cell)
            self.cell_clicked.emit(*cell)

    def mouseMoveEvent(self, event):  # noqa: N802
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is None:
            self.setToolTip("")
            return
        t, p = cell
        row_total = int(self.confusion[t].sum())
        count = int(self.confusion[t, p])
        if row_total:
            tip = self.tr("true {0} → predicted {1}: {2} sample(s) ({3} of the true {0})").format(
                self.labels[t], self.labels[p], count, f"{count / row_total:.1%}")
        else:
            tip = self.tr("true {0} → predicted {1}: {2} sample(s)").format(self.labels[t], self.labels[p], count)
        self.setToolTip(tip)

    def paintEvent(self, event):  # noqa: N802
        painter = QPainter(self)
        if not self.labels:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.tr("The confusion matrix appears here after Evaluate."))
            return
        self._paint_cells(painter)
        self._paint_axes(painter)

    def _paint_cells(self, painter: QPainter) -> None:
        fractions = colour_fractions(self.confusion, self.row_normalised)
        n = len(self.labels)
        size = self.grid_rect().width() / n
        font = QFont(painter.font())
        font.setPointSizeF(max(6.0, min(font.pointSizeF(), size / 3.2)))
        painter.setFont(font)
        for t in range(n):
            for p in range(n):
                rect = self.cell_rect(t, p)
                painter.fillRect(rect, shade(fractions[t, p]))
                if size >= MIN_TEXT_CELL:
                    painter.setPen(QColor("white") if fractions[t, p] > 0.5 else QColor("#202020"))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(int(self.confusion[t, p])))
        painter.setPen(QPen(QColor("#c0c0c0"), 1))
        painter.drawRect(QRectF(self.grid_rect()))
        if self.selected is not None:
            painter.setPen(QPen(QColor("#e8590c"), 3))
            painter.drawRect(self.cell_rect(*self.selected).adjusted(1.5, 1.5, -1.5, -1.5))

    def _paint_axes(self, painter: QPainter) -> None:
        painter.setFont(self.font())
        painter.setPen(self.palette().text().color())
        metrics, grid, n = self.fontMetrics(), self.grid_rect(), len(self.labels)
        size = grid.width() / n
        step = max(1, int(np.ceil(metrics.height() / max(size, 1.0))))  # skip labels that would overlap
        for i in range(0, n, step):
            text = self.labels[i][:LABEL_CHARS]
            row = self.cell_rect(i, 0)
            painter.drawText(QRectF(0, row.y(), grid.x() - 4, row.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            column = self.cell_rect(0, i)
            painter.save()  # column labels read bottom-up above their column
            painter.translate(column.center().x(), grid.y() - 4)
            painter.rotate(-90)
            painter.drawText(QRectF(0, -metrics.height() / 2, grid.y(), metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            painter.restore()
        painter.save()
        painter.translate(metrics.height() - 2, grid.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-grid.height() / 2, -metrics.height(), grid.height(), metrics.height()),
                         Qt.AlignmentFlag.AlignCenter, self.tr("true class"))
        painter.restore()
        painter.drawText(QRectF(grid.x(), 0, grid.width(), metrics.height() + 2),
                         Qt.AlignmentFlag.AlignCenter, self.tr("predicted class"))
