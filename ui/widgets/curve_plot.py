"""Live training curves with pyqtgraph: loss and each metric, per batch and per epoch.

Following pyqtgraph's own advice for streaming plots: every curve is created once
(the first time its metric appears) and afterwards only fed with ``setData``; the
points live in numpy buffers that double when full; downsampling ("peak") and
clipping to the view keep a long run cheap to draw. ``add_batches`` receives the
batches the bridge gathered since its last ~30 Hz tick, so a redraw happens at most
that often.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ui import theme

# the theme's colours (white, or dark grey in the dark theme), not pyqtgraph's black default
pg.setConfigOptions(background=theme.plot_colors()[0], foreground=theme.plot_colors()[1], antialias=True)

#: (label, pen) of the three curves each metric gets (the label is translated when shown).
STYLES = {
    # Keras' batch logs are running means over the epoch so far: they restart each epoch
    "batch": (QT_TRANSLATE_NOOP("CurvePlot", "train, per batch (running mean)"),
              pg.mkPen((120, 160, 220), width=1)),
    "epoch": (QT_TRANSLATE_NOOP("CurvePlot", "train, per epoch"), pg.mkPen((20, 80, 200), width=2.5)),
    "val": (QT_TRANSLATE_NOOP("CurvePlot", "validation, per epoch"), pg.mkPen((220, 90, 20), width=2.5)),
}


#: Changes made while training (``training.steering``): marked lines with a label.
MARK_COLOR = (150, 30, 150)
MARK_PEN = pg.mkPen(MARK_COLOR, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine)


class Series:
    """x/y points in numpy buffers that grow by doubling (amortised O(1) appends)."""

    def __init__(self, capacity: int = 256):
        self._x = np.empty(capacity, np.float64)
        self._y = np.empty(capacity, np.float64)
        self.size = 0

    def extend(self, xs, ys) -> None:
        xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
        needed = self.size + len(xs)
        if needed > len(self._x):
            capacity = len(self._x)
            while capacity < needed:
                capacity *= 2
            self._x = np.resize(self._x, capacity)
            self._y = np.resize(self._y, capacity)
        self._x[self.size:needed], self._y[self.size:needed] = xs, ys
        self.size = needed

    def clear(self) -> None:
        self.size = 0

    @property
    def x(self) -> np.ndarray:
        return self._x[:self.size]

    @property
    def y(self) -> np.ndarray:
        return self._y[:self.size]


class MetricPlot:
    """One plot (e.g. "accuracy") with its three curves."""

    def __init__(self, name: str):
        self.widget = pg.PlotWidget(title=name.replace("_", " "))
        item = self.widget.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        # no grid: pyqtgraph draws grid lines for every tick level, which made each
        # repaint of two plots cost ~70 ms instead of ~10 ms
        item.setLabel("bottom", QCoreApplication.translate("CurvePlot", "epoch"))
        # the legend goes where the curves are not: losses fall (top right is free),
        # scores such as accuracy rise (bottom right is free)
        falling = self.falling = any(word in name for word in ("loss", "error", "mae", "mse"))
        self.legend = item.addLegend(offset=(-10, 10) if falling else (-10, -10))
        theme.themed(self.widget)  # another module may have set pyqtgraph's colours since
        self.series = {kind: Series() for kind in STYLES}
        self.curves = {}
        for kind, (_label, pen) in STYLES.items():
            symbol = {} if kind == "batch" else {"symbol": "o", "symbolSize": 6,
                                                 "symbolBrush": pen.color(), "symbolPen": None}
            self.curves[kind] = item.plot([], [], pen=pen, **symbol)
        # a curve enters the legend with its first point: a trainer without validation (an RL
        # agent) has no "validation" entry covering its curves
        self.in_legend: set[str] = set()
        self.dirty: set[str] = set()
        self.marks: list = []  # pg.InfiniteLine of each change made during the run

    def add(self, kind: str, xs, ys) -> None:
        self.series[kind].extend(xs, ys)
        self.dirty.add(kind)

    def redraw(self) -> None:
        for kind in [kind for kind in STYLES if kind in self.dirty]:  # the legend keeps one order
            self.curves[kind].setData(self.series[kind].x, self.series[kind].y)
            if kind not in self.in_legend and self.series[kind].size:
                self.legend.addItem(self.curves[kind], QCoreApplication.translate("CurvePlot", STYLES[kind][0]))
                self.in_legend.add(kind)
        self.dirty.clear()

    def mark(self, x: float, label: str) -> None:
        """A dashed vertical line at ``x`` with ``label`` at its top: a change made during the run."""
        line = pg.InfiniteLine(pos=x, angle=90, movable=False, pen=MARK_PEN, label=label,
                               # where a change is made the curves are usually late, low (a loss) or
                               # high (a score): the label goes to the other side, clear of the legend
                               labelOpts={"position": 0.78 if self.falling else 0.3, "color": MARK_COLOR, "anchors": [(0, 0.5), (0, 0.5)],
                                          "fill": (255, 255, 255, 200)})
        line.setZValue(-1)  # under the curves
        self.widget.getPlotItem().addItem(line)
        self.marks.append(line)

    def clear(self) -> None:
        for line in self.marks:
            self.widget.getPlotItem().removeItem(line)
        self.marks = []
        for series in self.series.values():
            series.clear()
        for kind in self.in_legend:
            self.legend.removeItem(self.curves[kind])
        self.in_legend.clear()
        self.dirty = set(self.series)
        self.redraw()


class CurvePlot(QWidget):
    """A grid of ``MetricPlot``s, one per metric seen in the logs (loss first)."""

    COLUMNS = 2

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plots: dict[str, MetricPlot] = {}
        self.marks: list[tuple[float, str]] = []
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._empty = QLabel(self.tr("Curves appear here as soon as training starts: loss and each "
                                     "metric, per batch (thin) and per epoch (thick), training and validation."))
        self._empty.setWordWrap(True)
        theme.mark_hint(self._empty, italic=True)
        self._layout.addWidget(self._empty, 0, 0, 1, self.COLUMNS)
        self.prepare(("loss",))

    def prepare(self, metrics) -> None:
        """Create the plots of metrics known in advance, so no widget is built mid-run."""
        for name in metrics:
            self._plot(name)

    def reset(self, metrics) -> None:
        """Only the plots of ``metrics`` (another model reports other things)."""
        for plot in self.plots.values():
            self._layout.removeWidget(plot.widget)
            plot.widget.deleteLater()
        self.plots = {}
        self.marks = []
        self.prepare(metrics)

    def _plot(self, name: str) -> MetricPlot:
        if name not in self.plots:
            plot = MetricPlot(name)
            index = len(self.plots)
            self._layout.addWidget(plot.widget, 1 + index // self.COLUMNS, index % self.COLUMNS)
            self.plots[name] = plot
            for x, label in self.marks:  # a metric that appears late shows the changes made before
                plot.mark(x, label)
        return self.plots[name]

    def add_mark(self, x: float, label: str) -> None:
        """A change made during the run, at x = epoch + batch / steps, on every plot."""
        self.marks.append((x, label))
        for plot in self.plots.values():
            plot.mark(x, label)

    def points(self, metric: str, kind: str) -> int:
        """How many points a curve holds (tests and the status line read it)."""
        plot = self.plots.get(metric)
        return plot.series[kind].size if plot else 0

    def clear(self) -> None:
        self.marks = []
        for plot in self.plots.values():
            plot.clear()

    def add_batches(self, batches: list) -> None:
        """``BatchEnd`` events -> one point per batch at x = epoch + step / steps."""
        columns: dict[str, tuple[list, list]] = {}
        for batch in batches:
            x = batch.epoch + batch.step / max(batch.steps, 1)
            for key, value in batch.logs.items():
                xs, ys = columns.setdefault(key, ([], []))
                xs.append(x)
                ys.append(value)
        for key, (xs, ys) in columns.items():
            self._plot(key).add("batch", xs, ys)
        self._redraw()

    def add_epoch(self, epoch: int, logs: dict) -> None:
        """Epoch logs -> a point at x = epoch + 1 on the train or validation curve."""
        for key, value in logs.items():
            if key.startswith("val_"):
                self._plot(key[4:]).add("val", [epoch + 1], [value])
            else:
                self._plot(key).add("epoch", [epoch + 1], [value])
        self._redraw()

    def load_history(self, history: dict) -> None:
        """Plot the epochs of an earlier part of a run (when resuming it)."""
        epochs = history.get("epoch", [])
        for index, epoch in enumerate(epochs):
            logs = {k: v[index] for k, v in history.items() if k != "epoch" and index < len(v)}
            self.add_epoch(int(epoch) - 1, logs)

    def _redraw(self) -> None:
        self._empty.setVisible(False)
        for plot in self.plots.values():
            plot.redraw()
