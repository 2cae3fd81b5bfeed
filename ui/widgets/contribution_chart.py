"""Feature contributions as horizontal bars: positive to the right (red), negative to the left (blue).

The colours follow the SHAP plots' convention (red pushes the class probability up,
blue pushes it down); the feature names label the bars, the first feature on top.
The bar item is created once and updated with ``setOpts``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.widgets import curve_plot  # noqa: F401  (sets pyqtgraph's white background)

POSITIVE = (215, 50, 40)
NEGATIVE = (30, 110, 210)
#: Longer feature names are shortened on the axis (the tooltip table keeps them whole).
NAME_CHARS = 24


class ContributionChart(pg.PlotWidget):
    def __init__(self, title: str = "", parent=None):
        super().__init__(parent=parent, title=title)
        item = self.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.showGrid(x=True, y=False, alpha=0.25)
        item.setLabel("bottom", self.tr("contribution to the class probability"))
        item.getAxis("bottom").enableAutoSIPrefix(False)  # probabilities, not millis
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.6, brushes=[])
        self.addItem(self.bars)
        self.zero = pg.InfiniteLine(pos=0.0, angle=90, pen=pg.mkPen((90, 90, 90), width=1))
        self.addItem(self.zero)
        self.setMinimumHeight(180)
        self.values: dict[str, float] = {}
        self.labels: list[pg.TextItem] = []  # one value label per bar, reused across updates

    def set_contributions(self, contributions: dict[str, float], title: str | None = None) -> None:
        """``feature name -> signed contribution``; the first feature is drawn on top."""
        self.values = {str(k): float(v) for k, v in contributions.items()}
        values = np.asarray(list(self.values.values()), float)
        count = len(values)
        y = np.arange(count)[::-1].astype(float)  # first feature at the top
        brushes = [pg.mkBrush(*(POSITIVE if v >= 0 else NEGATIVE)) for v in values]
        self.bars.setOpts(x0=np.minimum(values, 0.0), y=y, width=np.abs(values), height=0.6,
                          brushes=brushes)
        axis = self.getPlotItem().getAxis("left")
        axis.setTicks([[(float(pos), self._short(name)) for pos, name in zip(y, self.values)]])
        if title is not None:
            self.setTitle(title)
        span = float(np.abs(values).max()) if count else 1.0
        span = span if span > 0 else 1.0
        self._label_bars(values, y)
        self.getPlotItem().setXRange(-1.35 * span, 1.35 * span, padding=0)
        self.getPlotItem().setYRange(-0.7, max(count, 1) - 0.3, padding=0)

    def _label_bars(self, values: np.ndarray, y: np.ndarray) -> None:
        """The value at the outer end of each bar (left of negative bars, right of positive ones)."""
        while len(self.labels) < len(values):
            label = pg.TextItem(color=(40, 40, 40))
            self.addItem(label)
            self.labels.append(label)
        for index, label in enumerate(self.labels):
            if index >= len(values):
                label.setVisible(False)
                continue
            value = float(values[index])
            label.setText(f"{value:+.3f}")
            label.setAnchor((0.0, 0.5) if value >= 0 else (1.0, 0.5))
            label.setPos(value, float(y[index]))
            label.setVisible(True)

    def clear_contributions(self, title: str = "") -> None:
        self.values = {}
        self._label_bars(np.zeros(0), np.zeros(0))
        self.bars.setOpts(x0=[], y=[], width=[], brushes=[])
        self.getPlotItem().getAxis("left").setTicks([[]])
        self.setTitle(title)

    @staticmethod
    def _short(name: str) -> str:
        return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"
