"""The Compare tab's "Whole folder" box: one method over every image of a folder.

``workbench.xai.batch.explain_folder`` runs on the model lane with a ``progress``
callback (a signal, queued to the GUI thread) and a ``should_stop`` flag set by Cancel;
the overlays go to ``<folder>-<method>`` unless told otherwise.
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QWidget)


class FolderBox(QGroupBox):
    #: (done, total) from the folder run's worker thread (queued to the GUI thread).
    folder_progress = Signal(int, int)
    #: the run started or ended (the panel refreshes its buttons)
    running_changed = Signal()

    def __init__(self, panel, parent: QWidget | None = None):
        from workbench import xai

        super().__init__(parent)
        self.setTitle(self.tr("Whole folder"))
        self.panel = panel
        self.summary: dict | None = None
        self.running = False
        self._stop = threading.Event()
        self.method = QComboBox()
        for name, info in xai.METHODS.items():
            self.method.addItem(info.title, name)
        self.method.setCurrentIndex(self.method.findData("gradcam"))
        self.button = QPushButton(self.tr("Run over a folder…"))
        self.button.setToolTip(self.tr("Explain every image of a folder; overlays go to a folder "
                                       "next to it named <folder>-<method>"))
        self.button.clicked.connect(self.folder_dialog)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat(self.tr("%v / %m images"))
        self.bar.setVisible(False)  # shown from the first run on
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.button, 1)
        row.addWidget(self.cancel_button)
        form = QFormLayout(self)
        form.addRow(self.tr("Method"), self.method)
        form.addRow(row)
        form.addRow(self.bar)
        form.addRow(self.result)
        self.folder_progress.connect(self._step)

    def update_state(self, usable: bool) -> None:
        self.button.setEnabled(usable and not self.running)
        self.cancel_button.setEnabled(self.running)

    def folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Explain every image of a folder"))
        if folder:
            self.panel.run_folder(folder)  # with the panel's layer

    def run(self, folder: str, out_dir: str = "", layer: str = "") -> None:
        """Explain each image of ``folder`` with the chosen method on the model's worker lane."""
        from workbench import xai
        from workbench.xai.batch import explain_folder

        panel = self.panel
        model = panel.session.model
        if panel.mode() != "image" or self.running:
            return
        method = self.method.currentData()
        folder = os.path.abspath(folder)
        out_dir = out_dir or f"{folder.rstrip(os.sep)}-{method.replace('+', 'p')}"
        options = {"layer": layer} if xai.METHODS[method].needs_layer and layer else {}
        shape = panel.facts["shape"]
        self._stop.clear()
        self.running = True
        self.summary = None
        self.bar.setRange(0, 0)  # busy until the first image is done
        self.bar.setVisible(True)
        self.result.setText(self.tr("Explaining the images of {0}…").format(folder))
        self.running_changed.emit()
        panel.background(lambda: explain_folder(model, folder, method, out_dir, shape,
                                                progress=self.folder_progress.emit,
                                                should_stop=self._stop.is_set, **options),
                         self._done, key="compare-folder", quiet=True, lane=panel.TF_LANE)

    def cancel(self) -> None:
        if self.running:
            self._stop.set()
            self.result.setText(self.tr("Cancelling after the current image…"))

    def stop(self) -> None:
        self._stop.set()

    def failed(self, message: str) -> None:
        self.running = False
        self.result.setText(f"<span style='color:#b03000'>{message}</span>")
        self.running_changed.emit()

    def _step(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _done(self, summary: dict) -> None:
        self.running = False
        self.summary = summary
        self.bar.setRange(0, max(summary["total"], 1))
        self.bar.setValue(summary["written"] + summary["skipped"])
        template = (self.tr("Cancelled: {0} written, {1} skipped of {2} images in {3:.1f} s → {4}")
                    if summary["cancelled"] else
                    self.tr("Done: {0} written, {1} skipped of {2} images in {3:.1f} s → {4}"))
        text = template.format(summary["written"], summary["skipped"], summary["total"], summary["elapsed_s"],
                               summary["out_dir"])
        if summary["skipped_files"]:
            text += "<br>" + self.tr("Skipped: {0}").format(
                "; ".join(os.path.basename(s.split(':')[0]) for s in summary["skipped_files"][:5]))
        self.result.setText(text)
        self.panel.session.report(text.split("<br>")[0])
        self.running_changed.emit()
