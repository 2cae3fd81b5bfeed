"""A ``Graph`` view: nodes coloured by class with a legend, edges as lines.

Without given positions the nodes are laid out with networkx's spring layout
(``workbench.views.graph_layout``, seeded as in the run directory's PNG) on a worker
thread; a later view of the same graph (the predicted classes of the next epoch)
reuses the layout, so only the colours change.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui import theme

from ui.widgets.views.common import class_color, class_name, groups, in_background, plot_widget


def edge_segments(edges: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every edge's two ends, in pairs (drawn with ``connect="pairs"``)."""
    ends = positions[edges.reshape(-1)]
    return ends[:, 0], ends[:, 1]


class GraphView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = plot_widget()
        self.item = self.plot.getPlotItem()
        self.item.showGrid(x=False, y=False)
        self.item.hideAxis("left")
        self.item.hideAxis("bottom")
        self.item.setAspectLocked(True)
        self.legend = self.item.addLegend(offset=(-8, 8), brush=(255, 255, 255, 200))
        self.edges = pg.PlotDataItem([], [], connect="pairs", pen=pg.mkPen(150, 150, 150, 140, width=1))
        self.item.addItem(self.edges)
        # rings around marked nodes (wrong predictions), drawn over their class colour
        self.marks = pg.ScatterPlotItem(size=16, pen=pg.mkPen(214, 39, 40, width=2), brush=None)
        self.marks.setZValue(5)
        self.item.addItem(self.marks)
        self.nodes: dict[int, pg.ScatterPlotItem] = {}
        self.value = None
        self.positions: np.ndarray | None = None
        self._layout_of: tuple | None = None  # (num_nodes, edges bytes) the positions belong to
        self.state = QLabel("")
        theme.mark_hint(self.state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.state)

    def set_value(self, value) -> None:
        self.value = value
        if value.positions is not None:
            self._placed(value, value.positions)
            return
        shape = (value.num_nodes, value.edges.tobytes())
        if shape == self._layout_of and self.positions is not None:
            self._placed(value, self.positions)
            return
        from workbench.views.graph_layout import graph_layout

        self.state.setText(self.tr("laying out {0} nodes…").format(f"{value.num_nodes:,}"))
        edges, count = value.edges, value.num_nodes

        def done(positions) -> None:
            if self.value is value:
                self._layout_of = shape
                self._placed(value, positions)

        in_background(self, lambda: graph_layout(edges, count, seed=0), done, key=f"graph-{id(self)}")

    def show_problem(self, message: str) -> None:
        self.state.setText(message)

    def _placed(self, value, positions) -> None:
        self.positions = np.asarray(positions, np.float64).reshape(value.num_nodes, 2)
        self.edges.setData(*edge_segments(value.edges, self.positions))
        parts = groups(value.labels, value.num_nodes)
        for label in [label for label in self.nodes if label not in parts]:
            item = self.nodes.pop(label)
            self.item.removeItem(item)
            self.legend.removeItem(item)
        for label, index in sorted(parts.items()):
            item = self.nodes.get(label)
            if item is None:
                item = pg.ScatterPlotItem(size=9, pen=pg.mkPen(60, 60, 60, width=0.6),
                                          brush=pg.mkBrush(*class_color(label)), hoverable=True,
                                          tip=lambda x, y, data: str(data))
                self.item.addItem(item)
                if label >= 0:
                    self.legend.addItem(item, class_name(label, value.label_names))
                self.nodes[label] = item
            names = value.node_names
            node = self.tr("node {0}")
            tips = [f"{names[i] if names else node.format(i)} ({class_name(label, value.label_names)})"
                    for i in index]
            item.setData(pos=self.positions[index], data=tips)
        marked = np.flatnonzero(value.marked) if value.marked is not None else np.zeros(0, np.int64)
        self.marks.setData(pos=self.positions[marked])
        state = self.tr("{0} nodes · {1} edges").format(f"{value.num_nodes:,}", f"{len(value.edges):,}")
        if len(marked):
            state = self.tr("{0} · {1} marked (red ring)").format(state, f"{len(marked):,}")
        self.state.setText(state)

    def node_count(self) -> int:
        return sum(len(item.data) for item in self.nodes.values())
