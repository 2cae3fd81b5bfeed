"""The runs a panel can use: a list found on a worker thread, Refresh, and Open run folder….

The Play and Board tabs each list the runs of the entries they serve (an RL agent, a board
game player); ``find(roots) -> [(path, label)]`` says which, and runs off the GUI thread
(it reads every run's config.json).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)


class RunPicker(QWidget):
    #: A run the user picked from the list or opened, or the one a refresh selected anew.
    chosen = Signal(str)

    def __init__(self, panel, find: Callable[[list[str]], list[tuple[str, str]]], placeholder: str,
                 dialog_title: str):
        super().__init__(panel)
        self.panel, self.find, self.dialog_title = panel, find, dialog_title
        #: Folders searched besides the session's runs folder.
        self.extra_roots: list[str] = []
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(40)
        self.combo.setPlaceholderText(placeholder)
        self.combo.activated.connect(lambda _i: self.chosen.emit(self.current()))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button = QPushButton(self.tr("Open run folder…"))
        self.open_button.clicked.connect(self._open_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Run:")))
        row.addWidget(self.combo, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.open_button)

    def roots(self) -> list[str]:
        from workbench.runs.history import default_runs_root

        return [self.panel.session.runs_root or default_runs_root(), *self.extra_roots]

    def current(self) -> str:
        return self.combo.currentData() or ""

    def refresh(self) -> None:
        roots, find = self.roots(), self.find
        self.panel.background(lambda: find(roots), self._listed, key=f"runs-{id(self)}", quiet=True)

    def _listed(self, runs: list[tuple[str, str]]) -> None:
        before = self.current()
        self.combo.clear()
        for path, label in runs:
            self.combo.addItem(label, path)
        index = self.combo.findData(before)
        self.combo.setCurrentIndex(index if index >= 0 else (0 if runs else -1))
        if self.current() and self.current() != before:
            self.chosen.emit(self.current())

    def choose(self, path: str) -> None:
        """Select ``path`` (added to the list when it is not under a known root)."""
        path = os.path.abspath(path)
        index = self.combo.findData(path)
        if index < 0:
            self.combo.addItem(os.path.basename(path), path)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self.chosen.emit(path)

    def _open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.dialog_title)
        if path:
            self.choose(path)
