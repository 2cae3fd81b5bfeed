"""The image to explain: a validation sample by index, or an image file (the Explain and Compare tabs).

Radio buttons choose the source; the file comes from the open dialog, a drop on the
tab or the window's File ▸ Open image… (``open_image``), and is read on a worker
through ``ui.panels.xai_panel.read_picture`` (capped, with a display-sized copy), so a
large photo never blocks the GUI thread. ``picked`` carries ``(image, display picture,
caption)`` when a file (or an image handed over by another tab) has been read;
``changed`` says the chosen input is another one now (source, index or file). What a
validation sample looks like is the panel's business: it knows its data.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QRadioButton,
                               QSpinBox, QVBoxLayout, QWidget)


class InputChooser(QObject):
    """Two rows of a form (``add_to``): the sample row and the file rows, each a widget, so
    the panel's form aligns them with its other rows as before."""

    changed = Signal()
    picked = Signal(object, object, str)

    def __init__(self, panel, key: str, open_text: str = "", open_tip: str = "", index_tip: str = "",
                 wide: bool = True, announce: bool = False, label_apart: bool = False):
        """``panel``: runs the read (``panel.background``) and reports; ``key``: its background key;
        ``open_text`` / ``open_tip`` / ``index_tip``: the caller's own (translated) words, else this one's;
        ``wide``: the index and the open button take the row's width; ``announce``: say
        "Opened …" in the status line and show the read's failure in a dialog even when hidden;
        ``label_apart``: the file label is left for the panel to place (a form row of its own)."""
        super().__init__(panel)
        self.panel, self.key, self.announce = panel, key, announce
        self.file_path = ""
        self.file_image: np.ndarray | None = None  # the file as read, full resolution (capped)
        self.file_display: np.ndarray | None = None  # its display copy, made on the worker
        self.file_caption = ""  # set when the "file" is an image handed over by another tab
        self.from_sample = QRadioButton(self.tr("Validation sample"))
        self.from_file = QRadioButton(self.tr("Image file"))
        self.from_sample.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_sample)
        group.addButton(self.from_file)
        self.from_sample.toggled.connect(lambda _c: self.changed.emit())
        self.index = QSpinBox()
        self.index.setRange(0, 0)
        self.index.setToolTip(index_tip or self.tr("Which validation sample to explain"))
        self.index.valueChanged.connect(lambda _v: self._sample_changed())
        self.open_button = QPushButton(open_text or self.tr("Open…"))
        self.open_button.setToolTip(open_tip or self.tr("Or drop an image file on this tab"))
        self.open_button.clicked.connect(self.open_image_dialog)
        self.file_label = QLabel("")
        self.file_label.setWordWrap(True)
        stretch = 1 if wide else 0
        self.sample_row = QWidget()
        sample_row = QHBoxLayout(self.sample_row)
        sample_row.setContentsMargins(0, 0, 0, 0)
        sample_row.addWidget(self.from_sample)
        sample_row.addWidget(self.index, stretch)
        self.file_rows = QWidget()
        file_box = QVBoxLayout(self.file_rows)
        file_box.setContentsMargins(0, 0, 0, 0)
        file_row = QHBoxLayout()
        file_row.addWidget(self.from_file)
        file_row.addWidget(self.open_button, stretch)
        file_box.addLayout(file_row)
        if not label_apart:
            file_box.addWidget(self.file_label)

    def add_to(self, form: QFormLayout, label: str = "") -> None:
        """Its rows in ``form``: under ``label`` (a labelled form), or spanning the form."""
        if label:
            form.addRow(label, self.sample_row)
            form.addRow("", self.file_rows)
        else:
            form.addRow(self.sample_row)
            form.addRow(self.file_rows)

    # -- what is chosen ---------------------------------------------------------------------
    def uses_file(self) -> bool:
        return self.from_file.isChecked()

    def file_input(self) -> tuple[np.ndarray, np.ndarray, str, str] | None:
        """``(image, display picture, caption, file stem)`` of the file, or None before one is read."""
        if self.file_image is None or self.file_display is None:
            return None
        caption = self.file_caption or os.path.basename(self.file_path)
        return self.file_image, self.file_display, caption, os.path.splitext(os.path.basename(self.file_path))[0]

    def set_sample_count(self, count: int) -> None:
        self.index.blockSignals(True)
        self.index.setRange(0, max(count - 1, 0))
        self.index.blockSignals(False)

    def choose_sample(self, index: int | None = None) -> None:
        """Use validation sample ``index`` (default: the one shown); ``changed`` follows."""
        if index is not None:
            self.index.blockSignals(True)
            self.index.setValue(index)
            self.index.blockSignals(False)
        if self.from_sample.isChecked():
            self.changed.emit()
        else:
            self.from_sample.setChecked(True)  # toggling emits changed

    def choose_file(self) -> None:
        if self.from_file.isChecked():
            self.changed.emit()
        else:
            self.from_file.setChecked(True)  # toggling emits changed

    def _sample_changed(self) -> None:
        self.choose_sample()

    # -- reading a file ---------------------------------------------------------------------
    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.sample_row, self.tr("Open an image to explain"), "",
            self.tr("Images ({0})").format("*.png *.jpg *.jpeg *.bmp") + ";;" + self.tr("All files ({0})").format("*"))
        if path:
            self.open_image(path)

    def open_image(self, path: str) -> None:
        """Read ``path`` on a worker thread and make it the chosen input (dialog, menu, drops)."""
        from ui.panels.xai_panel import read_picture

        visible = self.sample_row.isVisible()
        self.panel.background(lambda: read_picture(path), lambda picture: self._read(path, *picture),
                              key=f"{self.key}-file", quiet=not (self.announce or visible),
                              busy=self.tr("Reading {0}…").format(os.path.basename(path)) if self.announce else "")

    def _read(self, path: str, image: np.ndarray, display: np.ndarray, note: str = "") -> None:
        self._set_file(path, image, display, "", f"{os.path.basename(path)} ({image.shape[1]}×{image.shape[0]})")
        if note or self.announce:
            self.panel.session.report(note or self.tr("Opened {0}").format(path))
        self.picked.emit(image, display, os.path.basename(path))
        self.choose_file()

    def set_image(self, image: np.ndarray, caption: str) -> None:
        """An image that is no file (a sample of data the session has not loaded): its display
        copy is made on a worker, then it is the chosen input."""
        from ui.panels.xai_panel import picture_of

        image = np.asarray(image)
        self.panel.background(lambda: picture_of(image), lambda display: self._given(image, display, caption),
                              key=f"{self.key}-file", quiet=True)

    def _given(self, image: np.ndarray, display: np.ndarray, caption: str) -> None:
        self._set_file(caption, image, display, caption, caption)
        self.picked.emit(image, display, caption)
        self.choose_file()

    def _set_file(self, path: str, image, display, caption: str, label: str) -> None:
        self.file_path, self.file_image, self.file_display, self.file_caption = path, image, display, caption
        self.file_label.setText(label)

    # -- drops --------------------------------------------------------------------------------
    @staticmethod
    def dropped_image(mime) -> str:
        """The first local image file of a drag's data, or ""."""
        from workbench.data.images import IMAGE_SUFFIXES

        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and url.toLocalFile().lower().endswith(IMAGE_SUFFIXES):
                return url.toLocalFile()
        return ""
