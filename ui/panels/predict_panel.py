"""The Predict tab: "what is this?" for one's own images, no heatmap needed.

Drop images or a folder on the tab (or use the Open buttons): the session's classifier
answers each with its top-k classes (``workbench.evaluation.predictions.predict_paths``)
on the model lane, with progress; a new request cancels the one under way. The table
sorts by any column (least confident first to start with) and saves as CSV.
"""

from __future__ import annotations

import os
import threading

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.per_class_table import NumberItem
from ui.widgets.sample_strip import thumbnail
from workbench.errors import WorkbenchError

THUMB = 48
COLUMNS = (QT_TRANSLATE_NOOP("PredictPanel", "Image"), QT_TRANSLATE_NOOP("PredictPanel", "Path"), "Top-1",
           QT_TRANSLATE_NOOP("PredictPanel", "Probability"), "Top-k")


class Cancelled(WorkbenchError):
    """Raised from the progress callback when a newer request replaces this one."""


def image_paths(paths: list[str]) -> list[str]:
    """Files as given, folders as their image files (recursively, sorted)."""
    from workbench.xai.batch import image_files

    found: list[str] = []
    for path in paths:
        found += image_files(path) if os.path.isdir(path) else [path]
    if not found:
        raise WorkbenchError(QCoreApplication.translate(
            "PredictPanel", "no image files (.png, .jpg, .jpeg, .bmp) in what was dropped or opened"))
    return found


def small_picture(path: str, side: int = THUMB) -> np.ndarray | None:
    """A thumbnail's pixels (worker thread), or None for a file that cannot be read."""
    from workbench.data.images import fit_image, read_image, to_uint8_rgb

    try:
        image = read_image(path)
    except WorkbenchError:
        return None
    scale = side / max(image.shape[:2])
    if scale < 1:
        size = (max(1, round(image.shape[0] * scale)), max(1, round(image.shape[1] * scale)))
        image = fit_image(image, (*size, image.shape[2] if image.ndim == 3 else 1))
    return to_uint8_rgb(image)


def predict_with_thumbnails(model_file: str, paths: list[str], top: int, progress, stop: threading.Event):
    """Worker: the predictions and each readable image's thumbnail."""
    from workbench.evaluation.predictions import predict_paths

    def report(done: int, total: int) -> None:
        if stop.is_set():
            raise Cancelled()
        progress[:] = [done, total]

    files = image_paths(paths)
    rows = predict_paths(model_file, files, top=top, progress=report)
    return [(row, None if "error" in row else small_picture(row["path"])) for row in rows]


class PredictPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Predict")
    order = 38
    help = QT_TRANSLATE_NOOP("Panel", "The classifier's top classes for your own images or a folder of them")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.rows: list[dict] = []
        self.top_used = 5
        self._stop = threading.Event()
        self._progress = [0, 0]
        self._build()
        session.model_changed.connect(lambda _m: self._update_state())
        self._update_state()

    def _build(self) -> None:
        self.model_label = QLabel("")
        self.model_label.setWordWrap(True)
        open_images = QPushButton(self.tr("Open images…"))
        open_images.clicked.connect(self.open_images_dialog)
        open_folder = QPushButton(self.tr("Open folder…"))
        open_folder.clicked.connect(self.open_folder_dialog)
        self.open_buttons = (open_images, open_folder)
        self.top = QSpinBox()
        self.top.setRange(1, 20)
        self.top.setValue(5)
        self.top.setPrefix(self.tr("top "))
        self.top.setToolTip(self.tr("How many classes to list per image"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setMaximumWidth(240)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.save_button = QPushButton(self.tr("Save CSV…"))
        self.save_button.clicked.connect(self.save_csv_dialog)
        row = QHBoxLayout()
        for widget in (open_images, open_folder, self.top, self.progress, self.save_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.state = hint_label("")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("PredictPanel", c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 6)
        self.table.setIconSize(QSize(THUMB, THUMB))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, THUMB + 12)
        self.table.setToolTip(self.tr("Click a header to sort; Probability starts least "
                                      "confident first"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.model_label)
        layout.addLayout(row)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)

    # -- state ---------------------------------------------------------------------------------
    def model_problem(self) -> str:
        """Why the session's model cannot answer here ("" when it can)."""
        from workbench.inference import is_classifier

        model = self.session.model
        if model is None:
            return self.tr("No model yet: train a classifier (Train tab) or open a .keras file "
                           "(File ▸ Open model…), then drop images or a folder here.")
        if not is_classifier(model):
            return self.tr("{0} is not a classifier (a detector or segmenter): use the Detect tab.").format(model.name)
        if len(model.inputs[0].shape) != 4:
            return self.tr("{0} takes rows of a table, not images: Predict answers for images.").format(model.name)
        if not self.model_file():
            return self.tr("{0} has no saved file to predict with; export it or train it again.").format(model.name)
        return ""

    def model_file(self) -> str:
        session = self.session
        return session.run_dir or session.model_path

    def _update_state(self) -> None:
        problem = self.model_problem()
        model = self.session.model
        self.model_label.setText("" if model is None else
                                 self.tr("Model: <b>{0}</b> ({1})").format(model.name, self.model_file()))
        if not problem and not self.rows:
            problem = self.tr("Drop images or a folder on this tab, or use the Open buttons.")
        self.state.setText(problem)
        self.state.setVisible(bool(problem))
        self.save_button.setEnabled(bool(self.rows))

    # -- requests ------------------------------------------------------------------------------
    def open_images_dialog(self) -> None:
        filters = ";;".join((self.tr("Images ({0})").format("*.png *.jpg *.jpeg *.bmp"),
                             self.tr("All files ({0})").format("*")))
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Images to predict"), "", filters)
        if paths:
            self.predict_paths(paths)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("A folder of images to predict"))
        if path:
            self.predict_paths([path])

    def predict_paths(self, paths: list[str]) -> None:
        """Predict ``paths`` (files and folders); cancels a request still under way."""
        problem = self.model_problem()
        if problem:
            self.session.fail(problem)
            return
        self._stop.set()  # the older request stops at its next image
        self._stop, progress = threading.Event(), [0, 0]
        self._progress = progress
        stop, model_file, top = self._stop, self.model_file(), self.top.value()
        self._timer.start()
        self.background(lambda: predict_with_thumbnails(model_file, paths, top, progress, stop),
                        lambda result: self._predicted(result, top), key="predict",
                        busy=self.tr("Predicting {0} dropped item(s)…").format(len(paths)), lane=self.TF_LANE)

    def shutdown(self) -> None:
        self._stop.set()

    def on_background_failed(self, key, message) -> None:
        self._timer.stop()
        self._show_progress()

    def _show_progress(self) -> None:
        done, total = self._progress
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def _predicted(self, result, top: int) -> None:
        self._timer.stop()
        self._show_progress()
        self.rows, self.top_used = [row for row, _ in result], top
        self._fill(result)
        failed = sum("error" in row for row in self.rows)
        if failed:
            self.session.report(self.tr("Predicted {0} image(s); {1} could not be read").format(
                len(self.rows) - failed, failed))
        else:
            self.session.report(self.tr("Predicted {0} image(s)").format(len(self.rows)))
        self._update_state()

    def _fill(self, result) -> None:
        table = self.table
        table.setSortingEnabled(False)  # rows would move while they are being filled
        table.setRowCount(len(result))
        for r, (row, picture) in enumerate(result):
            image = QTableWidgetItem()
            if picture is not None:
                image.setIcon(QIcon(thumbnail(picture, THUMB)))
            path = QTableWidgetItem(row["path"])
            path.setToolTip(row["path"])
            table.setItem(r, 0, image)
            table.setItem(r, 1, path)
            if "error" in row:  # unreadable files sort first: they need a look too
                table.setItem(r, 2, QTableWidgetItem(self.tr("unreadable")))
                table.setItem(r, 3, NumberItem(-1.0, ""))
                table.setItem(r, 4, QTableWidgetItem(row["error"]))
                continue
            best = row["top"][0]
            table.setItem(r, 2, QTableWidgetItem(best["label"]))
            table.setItem(r, 3, NumberItem(best["probability"], f"{best['probability']:.1%}"))
            table.setItem(r, 4, QTableWidgetItem(" · ".join(f"{p['label']} {p['probability']:.1%}"
                                                            for p in row["top"])))
        table.setSortingEnabled(True)
        table.sortItems(3, Qt.SortOrder.AscendingOrder)

    def shown_paths(self) -> list[str]:
        """The paths in table order (as sorted on screen)."""
        return [self.table.item(r, 1).text() for r in range(self.table.rowCount())]

    # -- saving ------------------------------------------------------------------------------------
    def save_csv_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the predictions"), "predictions.csv",
                                              self.tr("CSV files ({0})").format("*.csv"))
        if path:
            self.save_csv(path)

    def save_csv(self, path: str) -> None:
        """The rows in the table's current order (path, top-1 and its probability, the top-k)."""
        from workbench.evaluation.predictions import write_predictions_csv

        by_path = {row["path"]: row for row in self.rows}
        try:
            write_predictions_csv(path, [by_path[p] for p in self.shown_paths()], self.top_used)
        except (WorkbenchError, OSError) as error:
            self.session.fail(self.tr("Could not save the predictions: {0}").format(error))
            return
        self.session.report(self.tr("Saved {0} prediction(s) to {1}").format(len(self.rows), path))
