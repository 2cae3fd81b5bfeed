"""Precision-recall curves of a detector, one per class (the Detect tab's evaluation).

Each class's curve is created the first time the class appears and afterwards only
fed with ``setData``, as pyqtgraph recommends; a class missing from a later
evaluation keeps its item with no points.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.widgets import curve_plot  # noqa: F401 - sets pyqtgraph's colours from the theme once


class PrecisionRecallPlot(pg.PlotWidget):
    """Recall on x, precision on y, both in [0, 1]; a legend names the classes."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.setTitle(self.tr("Precision-recall per class (IoU 0.5, VOC)"))
        item = self.getPlotItem()
        item.setLabel("bottom", self.tr("recall"))
        item.setLabel("left", self.tr("precision"))
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setXRange(0.0, 1.0, padding=0.02)
        item.setYRange(0.0, 1.0, padding=0.02)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        self.legend = item.addLegend(offset=(-10, -10))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.setMinimumHeight(200)

    def set_curves(self, curves: dict, colours: dict) -> None:
        """``curves[name] = (recall, precision)``; ``colours[name] = (r, g, b)``."""
        for name, (recall, precision) in curves.items():
            curve = self.curves.get(name)
            if curve is None:
                pen = pg.mkPen(colours.get(name, (80, 80, 80)), width=2.5)
                curve = self.getPlotItem().plot([], [], pen=pen, name=str(name))
                self.curves[name] = curve
            recall = np.asarray(recall, np.float64)
            precision = np.asarray(precision, np.float64)
            if recall.size:  # start the line at recall 0 with the first precision
                recall = np.concatenate([[0.0], recall])
                precision = np.concatenate([[precision[0]], precision])
            curve.setData(recall, precision)
        for name, curve in self.curves.items():
            if name not in curves:
                curve.setData([], [])

    def points(self, name: str) -> int:
        """How many points the class's curve holds (tests read it)."""
        curve = self.curves.get(name)
        return 0 if curve is None or curve.xData is None else len(curve.xData)
