"""The Preferences dialog: default device, runs folder, theme and language.

It edits a ``ui.settings.Settings`` and says what changed through ``applied(dict)``; the
window applies the changes at once (the theme repaints, new runs go to the new folder,
the Train tab's device follows); the language applies at the next start, since texts
are translated when the widgets are built.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from ui import i18n, theme
from ui.settings import THEMES, Settings, default_runs_folder

#: The environment variable that sets the runs folder for one session (tests, scripts).
RUNS_ENV = "KERAS_WORKBENCH_RUNS"


class PreferencesDialog(QDialog):
    #: {"device": str, "runs_folder": str, "theme": str, "language": str}: the values just saved.
    applied = Signal(dict)

    def __init__(self, settings: Settings, devices: list[dict] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = settings
        self.device = QComboBox()
        self.device.addItem(self.tr("automatic (GPU:0 when there is one, else CPU:0)"), "")
        for device in devices or []:
            self.device.addItem(device["id"], device["id"])
        chosen = settings.device()
        if chosen and self.device.findData(chosen) < 0:  # remembered, but not on this machine now
            self.device.addItem(self.tr("{0} (not found now)").format(chosen), chosen)
        self.device.setCurrentIndex(max(self.device.findData(chosen), 0))
        self.device.setToolTip(self.tr("The device the Train tab starts with (TensorFlow's device name)"))
        self.runs_folder = QLineEdit(settings.runs_folder())
        self.runs_folder.setPlaceholderText(default_runs_folder())
        self.runs_folder.setToolTip(self.tr("Where new runs are written; the Runs tab lists this folder"))
        override = os.environ.get(RUNS_ENV, "")
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_folder)
        default = QPushButton(self.tr("Default"))
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
            self.runs_folder.setToolTip(self.tr("Set by the environment variable {0} for this session").format(RUNS_ENV))
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem(theme.display_name(name), name)
        self.theme.setCurrentIndex(self.theme.findData(theme.current))  # the one on screen
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():  # each in its own language: findable by anyone
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.language()), 0))
        self.language.setToolTip(self.tr("The language of the window's texts"))
        self.language_note = QLabel(self.tr("A new language applies at the next start of Keras Workbench."))
        self.language_note.setWordWrap(True)
        theme.mark_hint(self.language_note)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #c03000;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Default device"), self.device)
        form.addRow(self.tr("Runs folder"), folder_row)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.language_note)
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
        path = QFileDialog.getExistingDirectory(self, self.tr("Runs folder"), self.runs_folder.text())
        if path:
            self.runs_folder.setText(path)

    def values(self) -> dict:
        return {"device": self.device.currentData() or "",
                "runs_folder": os.path.expanduser(self.runs_folder.text().strip()) or default_runs_folder(),
                "theme": self.theme.currentData(),
                "language": self.language.currentData()}

    def check(self, values: dict) -> str:
        """A sentence saying what is wrong with the values ("" when they can be saved)."""
        folder = values["runs_folder"]
        if os.path.exists(folder) and not os.path.isdir(folder):
            return self.tr("{0} is a file: choose a folder for the runs.").format(folder)
        parent = folder
        while parent and not os.path.exists(parent):  # the folder is made with the first run
            parent = os.path.dirname(parent)
        if parent and not os.access(parent, os.W_OK):
            return self.tr("{0} cannot be written here: choose a folder you may write to.").format(folder)
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
        self.settings.set_language(values["language"])
        self.settings.sync()
        self.applied.emit(values)
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()
