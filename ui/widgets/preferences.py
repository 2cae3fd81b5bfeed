"""The Preferences dialog: default device, runs folder and theme.

It edits a ``ui.settings.Settings`` and says what changed through ``applied(dict)``; the
window applies the changes at once (the theme repaints, new runs go to the new folder,
the Train tab's device follows).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from ui import theme
from ui.settings import THEMES, Settings, default_runs_folder

#: The environment variable that sets the runs folder for one session (tests, scripts).
RUNS_ENV = "KERAS_WORKBENCH_RUNS"


class PreferencesDialog(QDialog):
    #: {"device": str, "runs_folder": str, "theme": str}: the values just saved.
    applied = Signal(dict)

    def __init__(self, settings: Settings, devices: list[dict] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        self.device = QComboBox()
        self.device.addItem("automatic (GPU:0 when there is one, else CPU:0)", "")
        for device in devices or []:
            self.device.addItem(device["id"], device["id"])
        chosen = settings.device()
        if chosen and self.device.findData(chosen) < 0:  # remembered, but not on this machine now
            self.device.addItem(f"{chosen} (not found now)", chosen)
        self.device.setCurrentIndex(max(self.device.findData(chosen), 0))
        self.device.setToolTip("The device the Train tab starts with (TensorFlow's device name)")
        self.runs_folder = QLineEdit(settings.runs_folder())
        self.runs_folder.setPlaceholderText(default_runs_folder())
        self.runs_folder.setToolTip("Where new runs are written; the Runs tab lists this folder")
        override = os.environ.get(RUNS_ENV, "")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        default = QPushButton("Default")
        default.setToolTip(default_runs_folder())
        default.clicked.connect(lambda: self.runs_folder.setText(default_runs_folder()))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.runs_folder, 1)
        folder_row.addWidget(browse)
        folder_row.addWidget(default)
        if override:  # the environment wins over the setting: say so rather than ignore an edit
            for widget in (self.runs_folder, browse, default):
                widget.setEnabled(False)
            self.runs_folder.setText(override)
            self.runs_folder.setToolTip(f"Set by the environment variable {RUNS_ENV} for this session")
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem(name.capitalize(), name)
        self.theme.setCurrentIndex(self.theme.findData(theme.current))  # the one on screen
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #c03000;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Default device", self.device)
        form.addRow("Runs folder", folder_row)
        form.addRow("Theme", self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.Apply)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Runs folder", self.runs_folder.text())
        if path:
            self.runs_folder.setText(path)

    def values(self) -> dict:
        return {"device": self.device.currentData() or "",
                "runs_folder": os.path.expanduser(self.runs_folder.text().strip()) or default_runs_folder(),
                "theme": self.theme.currentData()}

    def check(self, values: dict) -> str:
        """A sentence saying what is wrong with the values ("" when they can be saved)."""
        folder = values["runs_folder"]
        if os.path.exists(folder) and not os.path.isdir(folder):
            return f"{folder} is a file: choose a folder for the runs."
        parent = folder
        while parent and not os.path.exists(parent):  # the folder is made with the first run
            parent = os.path.dirname(parent)
        if parent and not os.access(parent, os.W_OK):
            return f"{folder} cannot be written here: choose a folder you may write to."
        return ""

    def apply(self) -> bool:
        values = self.values()
        problem = self.check(values)
        self.problem.setText(problem)
        if problem:
            return False
        self.settings.set_device(values["device"])
        if self.runs_folder.isEnabled():
            self.settings.set_runs_folder(values["runs_folder"])
        self.settings.set_theme(values["theme"])
        self.settings.sync()
        self.applied.emit(values)
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()
