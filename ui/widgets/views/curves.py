"""A ``Curves`` view: one line per named series, with a legend, axis labels and log y."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.widgets.views.common import class_color, plot_widget, set_axis_labels


class CurvesView(QWidget):
    """Lines are created once per series label and afterwards only fed with ``setData``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = plot_widget()
        self.item = self.plot.getPlotItem()
        self.legend = self.item.addLegend(offset=(-8, 8), brush=(255, 255, 255, 200))
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.value = None
        self._log_y = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_value(self, value) -> None:
        self.value = value
        for label in [label for label in self.lines if label not in value.series]:
            line = self.lines.pop(label)
            self.item.removeItem(line)
            self.legend.removeItem(line)
        if self._log_y != bool(value.log_y):  # re-maps every line: only when it changes
            self._log_y = bool(value.log_y)
            self.item.setLogMode(False, self._log_y)
        for label, (x, y) in value.series.items():
            line = self.lines.get(label)
            if line is None:
                pen = pg.mkPen(class_color(self._free_colour()), width=2)
                line = self.item.plot([], [], pen=pen, name=label)
                # a long series (a gradient norm per step) stays cheap to draw
                line.setDownsampling(auto=True, method="peak")
                line.setClipToView(True)
                self.lines[label] = line
            if value.log_y:  # log10 of zero or negative values has no place on the axis
                keep = y > 0
                x, y = x[keep], y[keep]
            line.setData(x, y)
        set_axis_labels(self.item, value.x_label, value.y_label)

    def _free_colour(self) -> int:
        """The first palette index no shown line has: after a line is removed, a new one
        must not take the colour of a line still drawn."""
        used = {line.opts["pen"].color().name() for line in self.lines.values()}
        return next(i for i in range(len(self.lines) + 1) if pg.mkColor(class_color(i)).name() not in used)

    def curve_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """label -> (x, y) given to each line, before log scaling and downsampling (tests read it)."""
        return {label: (line.xData, line.yData) for label, line in self.lines.items()}
