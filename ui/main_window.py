"""The main window: composes the panels as tabs, the menus and the status bar.

It owns no data, no models and no loops: panels share state through ``Session``
and do their work through ``ui.bridge``.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from ui import actions
from ui.panels import PANELS
from ui.session import Session
from workbench.data.images import IMAGE_SUFFIXES

DEFAULT_DATA = "digits"
DEFAULT_MODEL = "lenet"


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None):
        super().__init__()
        self.session = session or Session(self)
        self.setWindowTitle("Keras Workbench")
        self.resize(1280, 820)
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.panels = {}
        for panel_class in PANELS:
            panel = panel_class(self.session)
            self.panels[panel_class.__name__] = panel
            index = self.tabs.addTab(panel, panel.title)
            self.tabs.setTabToolTip(index, panel.help)
        self.setCentralWidget(self.tabs)
        self.tf_label = QLabel("Loading TensorFlow…")
        self.statusBar().addPermanentWidget(self.tf_label)
        self.error_box: QMessageBox | None = None
        self._menus()
        self.session.message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.session.error.connect(self.show_error)
        self.session.panel_requested.connect(self.show_panel)
        self.session.tf_ready.connect(lambda device: self.tf_label.setText(f"Ready — device {device}"))

    def panel(self, name: str):
        """A panel by class name: ``window.panel("TrainPanel")``."""
        return self.panels[name]

    def select_defaults(self) -> None:
        """The embedded default: digits data (loaded in the background) and LeNet."""
        self.panel("ModelPanel").choose(DEFAULT_MODEL)
        self.panel("DataPanel").choose(DEFAULT_DATA)

    # -- menus ------------------------------------------------------------------------------
    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        entries = (
            ("Open &image…", "Ctrl+I", self._open_image),
            ("Open &model (.keras)…", "Ctrl+O", self._open_model),
            ("Open &folder dataset…", "", self._open_folder),
            ("Open &CSV…", "", self._open_csv),
            (None, None, None),
            ("&Resume run…", "", self._resume),
            ("&Export…", "Ctrl+E", lambda: self.show_panel("ExportPanel")),
            (None, None, None),
            ("&Quit", QKeySequence.StandardKey.Quit, self.close),
        )
        for text, shortcut, slot in entries:
            if text is None:
                file_menu.addSeparator()
                continue
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            file_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def show_panel(self, name: str):
        panel = self.panel(name)
        self.tabs.setCurrentWidget(panel)
        return panel

    def _open_image(self) -> None:
        self.show_panel("XaiPanel").open_image_dialog()

    def _open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a Keras model", "", "Keras models (*.keras *.h5)")
        if path:
            actions.open_model(self.session, path)

    def _open_folder(self) -> None:
        self.show_panel("DataPanel").open_folder_dialog()

    def _open_csv(self) -> None:
        self.show_panel("DataPanel").open_csv_dialog()

    def _resume(self) -> None:
        self.show_panel("TrainPanel").resume_dialog()

    def _about(self) -> None:
        from workbench import catalog

        QMessageBox.about(self, "Keras Workbench",
                          f"Keras Workbench — train, watch, explain and export Keras 3 models.<br>"
                          f"{len(catalog.all_entries())} catalog entries.")

    # -- errors ----------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        """A non-blocking dialog (no nested event loop) and the status line."""
        self.statusBar().showMessage(text, 30000)
        if self.error_box is None:
            self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Keras Workbench", "", parent=self)
        self.error_box.setText(text)
        self.error_box.open()

    # -- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event):  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        predict = self.panels.get("PredictPanel")
        if predict is not None and self.tabs.currentWidget() is predict:
            predict.predict_paths(paths)  # images and folders dropped on Predict are predicted, together
        else:
            for path in paths:
                self.open_path(path)
        event.acceptProposedAction()

    def open_path(self, path: str) -> None:
        """Route a dropped path: images to Explain, .keras to the model, .csv and folders to Data."""
        lower = path.lower()
        if os.path.isdir(path) and not os.path.isfile(os.path.join(path, "saved_model.pb")):
            self.show_panel("DataPanel").open_folder(path)
        elif lower.endswith(IMAGE_SUFFIXES):
            self.show_panel("XaiPanel")
            self.session.image_requested.emit(path)
        elif lower.endswith((".keras", ".h5")):
            actions.open_model(self.session, path)
        elif lower.endswith(".csv"):
            self.show_panel("DataPanel").open_csv(path)
        else:
            self.session.fail(f"Cannot open {os.path.basename(path)}: drop an image (.png, .jpg, .bmp), "
                              "a .keras model, a .csv table or a folder of class sub-folders.")

    def closeEvent(self, event):  # noqa: N802
        from ui.bridge import wait_for_lanes

        for panel in self.panels.values():
            panel.shutdown()
        wait_for_lanes(timeout=10.0)
        super().closeEvent(event)
