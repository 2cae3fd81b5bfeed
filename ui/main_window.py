"""The main window: composes the panels as tabs, the menus and the status bar.

It owns no data, no models and no loops: panels share state through ``Session``
and do their work through ``ui.bridge``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from ui import actions, theme
from ui.panels import PANELS
from ui.quit_guard import QuitGuard
from ui.session import Session
from ui.settings import Settings
from ui.window_memory import WindowMemory
from workbench.data.images import IMAGE_SUFFIXES

DEFAULT_DATA = "digits"
DEFAULT_MODEL = "lenet"


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None, settings: Settings | None = None):
        super().__init__()
        app = QApplication.instance()
        if not app.styleSheet():  # a window made without ui.app (tests, scripts): hints still grey
            app.setStyleSheet(theme.hint_rules(theme.current))
        self.session = session or Session(self)
        #: Preferences and memory; a window made without them (tests) keeps them in memory only.
        self.settings = settings or Settings.ephemeral()
        if self.settings.persistent and not self.session.runs_root:
            self.session.runs_root = self.settings.runs_folder()
        self.setWindowTitle("Keras Workbench")  # the program's name, in every language
        self.resize(1280, 820)
        self.setAcceptDrops(True)
        self.tabs = QTabWidget()
        self.panels = {}
        for panel_class in PANELS:
            panel = panel_class(self.session)
            self.panels[panel_class.__name__] = panel
            # a panel's title and help are marked QT_TRANSLATE_NOOP("Panel", …) where declared
            index = self.tabs.addTab(panel, QCoreApplication.translate("Panel", panel.title))
            self.tabs.setTabToolTip(index, QCoreApplication.translate("Panel", panel.help) if panel.help else "")
        self.setCentralWidget(self.tabs)
        self.tf_label = QLabel(self.tr("Loading TensorFlow…"))
        self.statusBar().addPermanentWidget(self.tf_label)
        self.error_box: QMessageBox | None = None
        self.shortcut_actions: list[QAction] = []  # listed in Help → Keyboard shortcuts
        self._menus()
        self.quit_guard = QuitGuard(self)
        self.memory = WindowMemory(self)  # layout restored now, saved on close; the recent lists
        self.memory.restore()
        self.session.tf_ready.connect(lambda _device: self.use_device(self.settings.device()))
        self.session.message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.session.error.connect(self.show_error)
        self.session.panel_requested.connect(self.show_panel)
        self.session.tf_ready.connect(lambda device: self.tf_label.setText(self.tr("Ready — device {0}").format(device)))

    def panel(self, name: str):
        """A panel by class name: ``window.panel("TrainPanel")``."""
        return self.panels[name]

    def select_defaults(self) -> None:
        """The embedded default: digits data (loaded in the background) and LeNet."""
        self.panel("ModelPanel").choose(DEFAULT_MODEL)
        self.panel("DataPanel").choose(DEFAULT_DATA)

    # -- menus ------------------------------------------------------------------------------
    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        entries = (
            (self.tr("Open &image…"), "Ctrl+O", self._open_image),
            (self.tr("Open &model (.keras)…"), "Ctrl+Shift+O", self._open_model),
            (self.tr("Open &folder dataset…"), "Ctrl+D", self._open_folder),
            (self.tr("Open &CSV…"), "", self._open_csv),
            (None, None, None),
            (self.tr("&Resume run…"), "", self._resume),
            (self.tr("&Export…"), "Ctrl+E", lambda: self.show_panel("ExportPanel")),
            (None, None, None),
            (self.tr("&Preferences…"), "Ctrl+,", self.open_preferences),
            (None, None, None),
            (self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close),
        )
        for text, shortcut, slot in entries:
            if text is None:
                file_menu.addSeparator()
                continue
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(shortcut)
                self.shortcut_actions.append(action)
            action.triggered.connect(slot)
            file_menu.addAction(action)
            if slot == self._open_csv:  # the remembered data sets, models and runs come next
                self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
                self.recent_menu.aboutToShow.connect(lambda: self.memory.fill_recent_menu(self.recent_menu))
        self._run_and_view_menus()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        keys = QAction(self.tr("&Keyboard shortcuts"), self)
        keys.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys)
        about = QAction(self.tr("&About"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _run_and_view_menus(self) -> None:
        """Run: Start / Stop / Pause; View: one tab per Ctrl+number."""
        run_menu = self.menuBar().addMenu(self.tr("&Run"))
        for text, shortcut, slot in ((self.tr("&Start training"), "Ctrl+R", self.start_training),
                                     (self.tr("S&top after this batch"), "Ctrl+.", self.stop_training),
                                     (self.tr("&Pause / continue"), "Ctrl+P", self.pause_training)):
            run_menu.addAction(self._shortcut_action(text, shortcut, slot))
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for index in range(min(self.tabs.count(), 9)):
            text = f"&{index + 1} {self.tabs.tabText(index)}"
            view_menu.addAction(self._shortcut_action(text, f"Ctrl+{index + 1}",
                                                      lambda _=False, i=index: self.tabs.setCurrentIndex(i)))

    def _shortcut_action(self, text: str, shortcut: str, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.shortcut_actions.append(action)
        return action

    def shortcuts(self) -> list[tuple[str, str]]:
        """(key, what it does) of every shortcut of the menus, as Help → Keyboard shortcuts lists them."""
        return [(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                 action.text().replace("&", "").rstrip("…"))
                for action in self.shortcut_actions if not action.shortcut().isEmpty()]

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{key}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for key, what in self.shortcuts())
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"),
                          f"<table>{rows}</table><p>"
                          + self.tr("Ctrl+O opens an image in the Explain tab, or in "
                                    "Predict or Detect when that tab is shown. Images, folders, .keras models, "
                                    ".csv tables and run folders can also be dropped on the window.") + "</p>",
                          parent=self)
        box.open()

    # -- training from the keyboard ----------------------------------------------------------
    def _active_bridge(self):
        """The run the keys act on: the current tab's (Runs) when it has one, else the Train tab's."""
        current = self.tabs.currentWidget()
        bridge = getattr(current, "bridge", None)
        return bridge if bridge is not None and bridge.running else self.panel("TrainPanel").bridge

    def start_training(self) -> None:
        train = self.show_panel("TrainPanel")
        if train.bridge.running:
            self.session.report(self.tr("A run is already in progress: Ctrl+. stops it."))
        elif not train.start_button.isEnabled():
            self.session.report(self.tr("Start is not available yet: TensorFlow is still loading."))
        else:
            train.start()

    def stop_training(self) -> None:
        bridge = self._active_bridge()
        if bridge.running:
            bridge.stop()
            self.session.report(self.tr("Training: stopping after this batch…"))

    def pause_training(self) -> None:
        train = self.panel("TrainPanel")
        if train.bridge.running:
            train.toggle_pause()

    # -- preferences and memory ---------------------------------------------------------------
    def open_preferences(self):
        from ui.widgets.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self.session.devices, parent=self)
        dialog.applied.connect(self.apply_preferences)
        dialog.open()
        return dialog

    def apply_preferences(self, values: dict) -> None:
        """Take the Preferences dialog's values into use at once."""
        from PySide6.QtWidgets import QApplication

        from ui import theme

        if os.environ.get("KERAS_WORKBENCH_RUNS", "") == "" and values["runs_folder"] != self.session.runs_root:
            self.session.runs_root = values["runs_folder"]
            runs = self.panels.get("RunsPanel")
            if runs is not None and hasattr(runs, "refresh"):
                runs.refresh()
        self.use_device(values["device"])
        if values["theme"] != theme.current:
            theme.apply(QApplication.instance(), values["theme"])

    def use_device(self, device: str) -> None:
        combo = self.panel("TrainPanel").device
        index = combo.findData(device) if device else combo.findData(self.session.device)
        if index >= 0 and combo.isEnabled():
            combo.setCurrentIndex(index)

    def save_layout(self) -> None:
        self.memory.save()

    def open_recent(self, kind: str, value: str) -> None:
        self.memory.open_recent(kind, value)

    def open_run_folder(self, path: str) -> None:
        """Show a run directory in the Runs tab: its parent folder is listed and the run selected."""
        if not os.path.isfile(os.path.join(path, "config.json")):
            self.session.fail(self.tr("{0} is not a run directory (no config.json): it was moved or deleted.")
                              .format(path))
            return
        self.show_panel("RunsPanel").show_run(path)
        self.settings.add_recent("runs", path)

    def show_panel(self, name: str):
        panel = self.panel(name)
        self.tabs.setCurrentWidget(panel)
        return panel

    def _open_image(self) -> None:
        """Ctrl+O: in the tab that takes images when one is shown (Predict, Detect, Compare), else Explain."""
        current = self.tabs.currentWidget()
        for name, method in (("PredictPanel", "open_images_dialog"), ("DetectPanel", "open_image_dialog"),
                             ("ComparePanel", "open_image_dialog")):
            if current is self.panels.get(name) and hasattr(current, method):
                getattr(current, method)()
                return
        self.show_panel("XaiPanel").open_image_dialog()

    def _open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a Keras model"), "",
                                              self.tr("Keras models ({0})").format("*.keras *.h5"))
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
                          self.tr("Keras Workbench — train, watch, explain and export Keras 3 models.<br>"
                                  "{0} catalog entries.").format(len(catalog.all_entries())))

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
        predict, detect = self.panels.get("PredictPanel"), self.panels.get("DetectPanel")
        if predict is not None and self.tabs.currentWidget() is predict:
            predict.predict_paths(paths)  # images and folders dropped on Predict are predicted, together
        elif detect is not None and self.tabs.currentWidget() is detect and all(
                p.lower().endswith(IMAGE_SUFFIXES) for p in paths):
            detect.open_images(paths)
        else:
            for path in paths:
                self.open_path(path)
        event.acceptProposedAction()

    def open_path(self, path: str) -> None:
        """Route a dropped path: images to Explain, .keras to the model, .csv and folders to Data."""
        lower = path.lower()
        if os.path.isdir(path) and os.path.isfile(os.path.join(path, "config.json")):
            self.open_run_folder(path)  # a run directory: shown in the Runs tab
        elif os.path.isdir(path) and not os.path.isfile(os.path.join(path, "saved_model.pb")):
            self.show_panel("DataPanel").open_folder(path)
        elif lower.endswith(IMAGE_SUFFIXES):
            self.show_panel("XaiPanel")
            self.session.image_requested.emit(path)
        elif lower.endswith((".keras", ".h5")):
            actions.open_model(self.session, path)
        elif lower.endswith(".csv"):
            self.show_panel("DataPanel").open_csv(path)
        else:
            self.session.fail(self.tr("Cannot open {0}: drop an image (.png, .jpg, .bmp), a .keras model, "
                                      "a .csv table, a folder of class sub-folders or a run folder.")
                              .format(os.path.basename(path)))

    def closeEvent(self, event):  # noqa: N802
        from ui.bridge import wait_for_lanes

        if not self.quit_guard.allow_close():  # a run is still going: asked, and not to quit yet
            event.ignore()
            return
        self.save_layout()
        for panel in self.panels.values():
            panel.shutdown()
        wait_for_lanes(timeout=10.0)
        super().closeEvent(event)
