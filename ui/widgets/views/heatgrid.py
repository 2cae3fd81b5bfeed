"""A ``HeatGrid`` view: a matrix as coloured cells with labelled rows and columns
(attention weights, a confusion matrix, a Q-table), row 0 at the top."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from ui.widgets.views.common import plot_widget, set_axis_labels

#: Row / column labels shown per axis at most; beyond, every k-th one.
MAX_TICKS = 24
#: Cells written into (when ``annotate``) up to this many; beyond, the numbers would not fit.
MAX_ANNOTATED = 400


def colormap(name: str) -> pg.ColorMap:
    """pyqtgraph's own maps (viridis, magma, ...) first, then matplotlib's (Blues, RdBu, ...)."""
    for source in (None, "matplotlib"):
        try:
            found = pg.colormap.get(name, source=source) if source else pg.colormap.get(name)
        except (FileNotFoundError, KeyError, ValueError, AttributeError, ImportError):
            continue
        if found is not None:
            return found
    return pg.colormap.get("viridis")


def thinned_ticks(labels: list[str], count: int) -> list[tuple[float, str]]:
    """Ticks at cell centres, every k-th label when there are more than ``MAX_TICKS``."""
    names = labels or [str(i) for i in range(count)]
    step = max(1, math.ceil(count / MAX_TICKS))
    return [(i + 0.5, names[i]) for i in range(0, count, step)]


def levels_of(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1.0)


def cell_format(values: np.ndarray) -> str:
    finite = values[np.isfinite(values)]
    integral = finite.size and np.all(finite == np.round(finite)) and np.abs(finite).max() < 1e6
    return "{:.0f}" if integral else "{:.2g}"


class CellNumbers(pg.GraphicsObject):
    """Every cell's value written in it, by one item that draws them all in screen pixels
    (a hundred ``TextItem``s would cost a hundred Python items to lay out on each change).
    Numbers wider than their cell on screen are left out rather than overlapping."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.colors: list[QColor] = []
        self.shape = (0, 0)

    def set_cells(self, texts: list[str], colors: list[QColor], shape: tuple[int, int]) -> None:
        self.prepareGeometryChange()
        self.texts, self.colors, self.shape = texts, colors, shape
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        rows, cols = self.shape
        return QRectF(0, 0, cols, rows)

    def paint(self, painter, *args) -> None:
        if not self.texts:
            return
        rows, cols = self.shape
        transform = painter.transform()  # item (cell) coordinates -> device pixels
        corner, unit = transform.map(QPointF(0, 0)), transform.map(QPointF(1, 1))
        cell_w, cell_h = abs(unit.x() - corner.x()), abs(unit.y() - corner.y())
        metrics = painter.fontMetrics()
        if max(map(metrics.horizontalAdvance, self.texts)) + 2 > cell_w or metrics.height() > cell_h:
            return  # too small on screen to read: the hover tooltip still tells each value
        painter.save()
        painter.resetTransform()
        for index, text in enumerate(self.texts):
            row, col = divmod(index, cols)
            centre = transform.map(QPointF(col + 0.5, row + 0.5))
            painter.setPen(self.colors[index])
            painter.drawText(QRectF(centre.x() - cell_w / 2, centre.y() - cell_h / 2, cell_w, cell_h),
                             Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class HeatGridView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = plot_widget()
        self.item = self.plot.getPlotItem()
        self.item.showGrid(x=False, y=False)
        self.item.invertY(True)  # row 0 at the top, as a matrix is read
        self.item.setMenuEnabled(False)
        self.image = pg.ImageItem()
        self.item.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=colormap("viridis"), interactive=False,
                                        width=12)
        self.colorbar.setImageItem(self.image, insert_in=self.item)
        self.cells = CellNumbers()
        self.item.addItem(self.cells)
        self.value = None
        self._colormap = "viridis"
        self._map = colormap("viridis")
        self.plot.scene().sigMouseMoved.connect(self._hover)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_value(self, value) -> None:
        old = self.value
        self.value = value
        values = value.values
        rows, cols = values.shape
        low, high = levels_of(values)
        # ImageItem indexes [x, y]: columns run along x, rows along y
        self.image.setImage(values.T, autoLevels=False, levels=(low, high))
        self.image.setRect(0, 0, cols, rows)
        if value.colormap != self._colormap:
            self._colormap, self._map = value.colormap, colormap(value.colormap)
            self.colorbar.setColorMap(self._map)
        self.colorbar.setLevels((low, high))
        if old is None or old.values.shape != values.shape or old.row_labels != value.row_labels \
                or old.col_labels != value.col_labels:
            self.item.getAxis("left").setTicks([thinned_ticks(value.row_labels, rows)])
            self.item.getAxis("bottom").setTicks([thinned_ticks(value.col_labels, cols)])
            self.item.setRange(xRange=(0, cols), yRange=(0, rows), padding=0.02)
        set_axis_labels(self.item, value.x_label, value.y_label)
        self._annotate(values if value.annotate and values.size <= MAX_ANNOTATED else None, low, high)

    def _annotate(self, values: np.ndarray | None, low: float, high: float) -> None:
        if values is None:
            self.cells.set_cells([], [], (0, 0))
            return
        fmt = cell_format(values)
        # white numbers on dark cells, black on light ones (as the PNG of the run directory)
        rgb = self._map.map(np.clip((np.nan_to_num(values) - low) / (high - low), 0, 1).ravel(),
                            mode="float")[:, :3]
        luminance = rgb @ np.array([0.299, 0.587, 0.114])
        dark, light = QColor(20, 20, 20), QColor(245, 245, 245)
        texts = [fmt.format(v) if np.isfinite(v) else "–" for v in values.ravel()]
        self.cells.set_cells(texts, [dark if lum >= 0.5 else light for lum in luminance], values.shape)

    def cell_text(self, x: float, y: float) -> str:
        """What the tooltip says at view coordinates (x, y): row, column and value."""
        if self.value is None:
            return ""
        rows, cols = self.value.values.shape
        col, row = int(math.floor(x)), int(math.floor(y))
        if not (0 <= row < rows and 0 <= col < cols):
            return ""
        value = self.value
        row_name = value.row_labels[row] if value.row_labels else str(row)
        col_name = value.col_labels[col] if value.col_labels else str(col)
        return (f"{value.y_label or self.tr('row')} {row_name} · {value.x_label or self.tr('column')} {col_name}: "
                f"{value.values[row, col]:.4g}")

    def annotations(self) -> list[str]:
        return list(self.cells.texts)

    def _hover(self, scene_pos) -> None:
        point = self.item.vb.mapSceneToView(scene_pos)
        text = self.cell_text(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self.plot)
        else:
            QToolTip.hideText()
