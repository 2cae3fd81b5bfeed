"""A ``HeatGrid`` view: a matrix as coloured cells with labelled rows and columns
(attention weights, a confusion matrix, a Q-table), row 0 at the top."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from ui.widgets.views.common import plot_widget

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
        self.cells: list[pg.TextItem] = []
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
        self.item.setLabel("bottom", value.x_label)
        self.item.setLabel("left", value.y_label)
        self._annotate(values if value.annotate and values.size <= MAX_ANNOTATED else None, low, high)

    def _annotate(self, values: np.ndarray | None, low: float, high: float) -> None:
        """One text item per cell, created once per matrix size and then only re-texted."""
        wanted = 0 if values is None else values.size
        if len(self.cells) != wanted:
            for text in self.cells:
                self.item.removeItem(text)
            self.cells = [pg.TextItem(anchor=(0.5, 0.5)) for _ in range(wanted)]
            for text in self.cells:
                self.item.addItem(text)
        if values is None:
            return
        fmt = cell_format(values)
        rows, cols = values.shape
        # white numbers on dark cells, black on light ones (as the PNG of the run directory)
        rgb = self._map.map(np.clip((np.nan_to_num(values) - low) / (high - low), 0, 1).ravel(),
                                           mode="float")[:, :3]
        luminance = rgb @ np.array([0.299, 0.587, 0.114])
        for index, text in enumerate(self.cells):
            row, col = divmod(index, cols)
            v = values[row, col]
            text.setColor((20, 20, 20) if luminance[index] >= 0.5 else (245, 245, 245))
            text.setText(fmt.format(v) if np.isfinite(v) else "–")
            text.setPos(col + 0.5, row + 0.5)

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
        return (f"{value.y_label or 'row'} {row_name} · {value.x_label or 'column'} {col_name}: "
                f"{value.values[row, col]:.4g}")

    def annotations(self) -> list[str]:
        return [text.textItem.toPlainText() for text in self.cells]

    def _hover(self, scene_pos) -> None:
        point = self.item.vb.mapSceneToView(scene_pos)
        text = self.cell_text(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self.plot)
        else:
            QToolTip.hideText()
