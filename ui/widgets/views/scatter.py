"""A ``Scatter`` view: points coloured by class with a legend. Features of more than two
dimensions are projected (PCA or t-SNE, ``workbench.views.projection``) on a worker
thread: t-SNE of a few thousand points takes seconds, and the window must not wait."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui import theme

from ui.widgets.views.common import (class_color, class_name, groups, in_background, plot_widget,
                                      set_axis_labels)

#: Legend entries per column; more classes spread over more columns.
LEGEND_ROWS = 5
#: What the projection combo offers, by ``Scatter.projection`` value.
PROJECTION_TITLES = {"pca": "PCA", "tsne": "t-SNE"}


class ScatterView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = plot_widget()
        self.item = self.plot.getPlotItem()
        self.legend = self.item.addLegend(offset=(-8, 8), brush=(255, 255, 255, 200))
        self.points: dict[int, pg.ScatterPlotItem] = {}  # label -> its points
        self.names: list[pg.TextItem] = []  # the points' names, when few enough to read
        self.value = None
        self.positions: np.ndarray | None = None  # (N, 2) drawn
        self._projected: dict[str, np.ndarray] = {}  # method -> (N, 2) of the current value
        self.projection = QComboBox()
        for method, title in PROJECTION_TITLES.items():
            self.projection.addItem(title, method)
        self.projection.setToolTip(self.tr("How features of more than two dimensions are drawn on the plane"))
        self.projection.activated.connect(lambda _i: self._project())
        self.state = QLabel("")
        theme.mark_hint(self.state)
        self._controls = QWidget()
        row = QHBoxLayout(self._controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Projection")))
        row.addWidget(self.projection)
        row.addWidget(self.state, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._controls)
        layout.addWidget(self.plot, 1)
        self._controls.setVisible(False)

    @property
    def method(self) -> str:
        return self.projection.currentData()

    def set_value(self, value) -> None:
        first = self.value is None
        self.value = value
        self._projected = dict(value.projected)  # what the run's process projected already
        wide = value.features.shape[1] > 2
        self._controls.setVisible(wide)
        if first:  # afterwards the person's choice in the combo stands
            self.projection.setCurrentIndex(max(self.projection.findData(value.projection), 0))
        if not wide:
            self._draw(value.features, value.x_label or "x", value.y_label or "y")
            return
        self._project()

    def _project(self) -> None:
        value, method = self.value, self.method
        if value is None or value.features.shape[1] <= 2:
            return
        if method in self._projected:
            self._draw_projection(method)
            return
        from workbench.views.projection import project

        features = value.features
        self.state.setText(self.tr("computing {0} of {1} points…").format(PROJECTION_TITLES[method], f"{len(features):,}"))

        def done(positions) -> None:
            if self.value is value:  # not a result for a value already replaced
                self._projected[method] = positions
                if self.method == method:
                    self._draw_projection(method)

        in_background(self, lambda: project(features, method, seed=0), done, key=f"scatter-{id(self)}")

    def _draw_projection(self, method: str) -> None:
        title = PROJECTION_TITLES[method]
        self.state.setText(self.tr("{0} points, {1} dimensions").format(
            f"{len(self.value.features):,}", self.value.features.shape[1]))
        self._draw(self._projected[method], f"{title} 1", f"{title} 2")

    def show_problem(self, message: str) -> None:
        self.state.setText(message)

    def _draw(self, positions: np.ndarray, x_label: str, y_label: str) -> None:
        """One ``ScatterPlotItem`` per class, created when the class first appears."""
        value = self.value
        self.positions = np.asarray(positions, np.float64)[:, :2]
        parts = groups(value.labels, len(self.positions))
        for label in [label for label in self.points if label not in parts]:
            item = self.points.pop(label)
            self.item.removeItem(item)
            self.legend.removeItem(item)
        for label, index in sorted(parts.items()):
            item = self.points.get(label)
            if item is None:
                color = class_color(label)
                item = pg.ScatterPlotItem(size=7, pen=pg.mkPen(255, 255, 255, 160, width=0.5),
                                          brush=pg.mkBrush(*color, 220), hoverable=True,
                                          tip=lambda x, y, data: str(data) if data is not None else "")
                self.item.addItem(item)
                if label >= 0:
                    self.legend.addItem(item, class_name(label, value.label_names))
                self.points[label] = item
            names = value.point_names
            item.setData(pos=self.positions[index], data=[names[i] for i in index] if names else None)
        self._name_points(value.point_names)
        self.legend.setColumnCount(1 + (len(self.legend.items) - 1) // LEGEND_ROWS)  # ten digits: two columns
        set_axis_labels(self.item, x_label, y_label)

    def _name_points(self, names: list[str]) -> None:
        """Words beside the points when there are few enough to read (others on hover)."""
        from workbench.views.types import NAMED_POINTS

        for label in self.names:
            self.item.removeItem(label)
        self.names = []
        if not names or len(names) > NAMED_POINTS:
            return
        for (x, y), name in zip(self.positions, names):
            label = pg.TextItem(name, color=(40, 40, 40), anchor=(0, 1))
            label.setPos(x, y)
            self.item.addItem(label)
            self.names.append(label)

    def point_count(self) -> int:
        return sum(len(item.data) for item in self.points.values())
