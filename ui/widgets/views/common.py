"""What the view renderers share: class colours, pyqtgraph's look, background work.

Class colours are Tableau 10 (as matplotlib's ``tab10``, which the PNG renderer of
the core uses), so a class has the same colour in the window and in the run directory.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication

from ui.widgets import curve_plot  # noqa: F401 - sets pyqtgraph's white background once

#: Tableau 10, reused in order past ten classes.
PALETTE = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))
#: Points without a label.
UNLABELLED = (90, 90, 90)
#: The worker lane of view computations (t-SNE, graph layout): one at a time, and a
#: newer request of the same widget drops the older one still waiting.
VIEWS_LANE = "views"


def class_color(index: int) -> tuple[int, int, int]:
    return UNLABELLED if index < 0 else PALETTE[index % len(PALETTE)]


def class_name(index: int, names: list[str]) -> str:
    if index < 0:
        return QCoreApplication.translate("ViewRenderers", "unlabelled")
    return names[index] if index < len(names) else QCoreApplication.translate("ViewRenderers", "class {0}").format(index)


def groups(labels: np.ndarray | None, count: int) -> dict[int, np.ndarray]:
    """Label -> indices of its points (-1 for all of them when there are no labels)."""
    if labels is None:
        return {-1: np.arange(count)}
    return {int(label): np.flatnonzero(labels == label) for label in np.unique(labels)}


def plot_widget() -> pg.PlotWidget:
    from ui import theme

    widget = theme.themed(pg.PlotWidget())
    widget.setMinimumSize(200, 150)
    item = widget.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.2)
    for side in ("left", "bottom"):
        item.getAxis(side).enableAutoSIPrefix(False)
    return widget


def set_axis_labels(item: pg.PlotItem, x_label: str, y_label: str) -> None:
    """Axis titles, set only when they change: each ``setLabel`` re-lays out the plot, which
    a view refreshed thirty times a second must not pay every time."""
    if getattr(item, "_view_labels", None) != (x_label, y_label):
        item._view_labels = (x_label, y_label)
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)


def in_background(owner, fn, on_done, key: str) -> None:
    """Run ``fn`` on the views lane; ``on_done(result)`` runs on the GUI thread unless the
    owner widget has gone or a newer request of the same key superseded it."""
    from ui.bridge import run_in_background

    def failed(message: str) -> None:
        if hasattr(owner, "show_problem"):
            owner.show_problem(message)

    run_in_background(fn, on_done, failed, key=key, lane=VIEWS_LANE, owner=owner)
