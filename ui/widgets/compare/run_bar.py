"""Explain, Cancel, Sanity check and the comparison's progress (steps: a map, then its scores)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget


class RunBar(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.explain_button = QPushButton(self.tr("Explain"))
        self.explain_button.setToolTip(self.tr("Run the checked methods one after another; each cell fills in "
                                               "when ready"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop after the method that is running now"))
        self.sanity_button = QPushButton(self.tr("Sanity check"))
        self.sanity_button.setToolTip(self.tr("Adebayo et al. 2018: re-initialise the layers from the output down "
                                              "and see whether each checked method's map falls apart, as it should"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("No comparison yet"))  # not "0 / 1 steps" before any run
        buttons = QHBoxLayout()
        buttons.addWidget(self.explain_button, 1)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.sanity_button)
        column.addWidget(self.progress)

    def start(self, steps: int) -> None:
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%v / %m steps"))

    def advance(self, done: int) -> None:
        self.progress.setValue(min(done, self.progress.maximum()))
