"""A small bar chart (samples per class) with the class names under the bars."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

#: More classes than this and the axis shows indices instead of names.
MAX_NAMED_TICKS = 20


class BarChart(pg.PlotWidget):
    def __init__(self, title: str = "", parent=None):
        super().__init__(parent=parent, title=title)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=(70, 120, 200))
        self.addItem(self.bars)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.getPlotItem().hideButtons()
        self.setMinimumHeight(160)
        self.counts: dict[str, int] = {}

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        x = np.arange(len(counts))
        self.bars.setOpts(x=x, height=np.asarray(list(counts.values()), float), width=0.7)
        axis = self.getPlotItem().getAxis("bottom")
        if len(counts) <= MAX_NAMED_TICKS:
            axis.setTicks([[(i, str(name)[:10]) for i, name in enumerate(counts)]])
        else:
            axis.setTicks(None)
        self.getPlotItem().autoRange()
