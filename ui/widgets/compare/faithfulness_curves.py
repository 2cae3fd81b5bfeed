"""Deletion and insertion curves of one explanation (Petsiuk et al., "RISE", BMVC 2018).

The pyqtgraph plot is built on first use (``ensure``): pyqtgraph stays out of start-up.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui import theme


class FaithfulnessCurves(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = self.deletion_curve = self.insertion_curve = None
        self._slot = QVBoxLayout(self)
        self._slot.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> None:
        """Build the plot once (the first model arrives after start-up)."""
        if self.plot is not None:
            return
        import pyqtgraph as pg

        self.plot = theme.themed(pg.PlotWidget(title=self.tr("Deletion / insertion curves")))
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", self.tr("fraction of pixels deleted / inserted"))
        item.setLabel("left", self.tr("class probability"))
        item.getAxis("bottom").enableAutoSIPrefix(False)
        item.addLegend(offset=(-10, 45))  # right, mid-height: where the two curves seldom are
        self.deletion_curve = item.plot([], [], pen=pg.mkPen((200, 50, 40), width=2.5), name=self.tr("deletion"),
                                        symbol="o", symbolSize=4, symbolBrush=(200, 50, 40), symbolPen=None)
        self.insertion_curve = item.plot([], [], pen=pg.mkPen((30, 140, 60), width=2.5), name=self.tr("insertion"),
                                         symbol="o", symbolSize=4, symbolBrush=(30, 140, 60), symbolPen=None)
        item.setXRange(0, 1, padding=0.05)
        item.setYRange(0, 1, padding=0.02)
        self.plot.setMinimumHeight(180)
        self._slot.addWidget(self.plot)

    def clear(self, title: str = "") -> None:
        """Empty curves under ``title`` (default: the plot's own title)."""
        if self.plot is None:
            return
        title = title or self.tr("Deletion / insertion curves")
        self.deletion_curve.setData([], [])
        self.insertion_curve.setData([], [])
        self.plot.setTitle(title, size="10pt")

    def show_scores(self, title: str, scores: dict | None) -> None:
        """The curves of ``scores`` (``deletion_insertion``'s dict), or "pending" while None."""
        if self.plot is None:
            return
        if scores is None:
            self.clear(self.tr("{0}: scores pending…").format(title))
            return
        deletion, insertion = scores["deletion_curve"], scores["insertion_curve"]
        self.deletion_curve.setData(np.linspace(0.0, 1.0, len(deletion)), deletion)
        self.insertion_curve.setData(np.linspace(0.0, 1.0, len(insertion)), insertion)
        self.plot.setTitle(self.tr("{0}: deletion {1:.3f} · insertion {2:.3f}").format(
            title, scores["deletion_auc"], scores["insertion_auc"]), size="10pt")
