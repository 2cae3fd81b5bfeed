"""The window's memory: its layout (geometry, splitters, last tab) restored at start and saved
on close, and the recent data sets, models and runs (kept up to date, and the File → Open
recent menu). What is stored, and where, is ``ui.settings``."""

from __future__ import annotations

import os

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QSplitter

#: The headings of File → Open recent's sections.
RECENT_HEADINGS = (("data", QT_TRANSLATE_NOOP("WindowMemory", "Data sets")),
                   ("models", QT_TRANSLATE_NOOP("WindowMemory", "Models")),
                   ("runs", QT_TRANSLATE_NOOP("WindowMemory", "Runs")))


class WindowMemory:
    def __init__(self, window):
        self.window = window
        self.settings = window.settings
        self._restored_splitters: dict[str, QSplitter] = {}

    def splitters(self) -> dict[str, QSplitter]:
        """The panels' splitters by a stable name: panel class / object name or order."""
        found = {}
        for name, panel in self.window.panels.items():
            for index, splitter in enumerate(panel.findChildren(QSplitter)):
                found[f"{name}/{splitter.objectName() or index}"] = splitter
        return found

    def restore(self) -> None:
        """Restore the window as it was left, and keep the recent lists up to date."""
        window, settings = self.window, self.settings
        geometry, state = settings.geometry(), settings.window_state()
        if geometry is not None:
            window.restoreGeometry(geometry)
        if state is not None:
            window.restoreState(state)
        self._restored_splitters = self.splitters()
        for name, splitter in self._restored_splitters.items():
            saved = settings.splitter(name)
            if saved is not None:
                splitter.restoreState(saved)
        if settings.last_tab() in window.panels:
            window.tabs.setCurrentWidget(window.panels[settings.last_tab()])
        self.track_recent()

    def track_recent(self) -> None:
        """Data sets, models and runs go to the front of their recent list when used."""
        window, settings, session = self.window, self.settings, self.window.session
        session.dataset_changed.connect(lambda _data: settings.add_recent("data", session.data_source))
        session.entry_changed.connect(lambda entry: settings.add_recent("models", getattr(entry, "name", "")))
        session.model_changed.connect(lambda _model: settings.add_recent("runs", session.run_dir))
        window.panel("TrainPanel").bridge.started.connect(lambda event: settings.add_recent("runs", event.run_dir))

    def save(self) -> None:
        """Window geometry, toolbars, splitters and the current tab, for the next start."""
        settings = self.settings
        settings.save_window(self.window.saveGeometry(), self.window.saveState())
        for name, splitter in self._restored_splitters.items():
            settings.set_splitter(name, splitter.saveState())
        current = self.window.tabs.currentWidget()
        if current is not None:
            settings.set_last_tab(type(current).__name__)
        settings.sync()

    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        for kind, heading in RECENT_HEADINGS:
            items = self.settings.recent(kind)
            if not items:
                continue
            menu.addSection(QCoreApplication.translate("WindowMemory", heading))
            for value in items:
                text = value if kind == "models" else value.replace(os.path.expanduser("~"), "~", 1)
                action = menu.addAction(text)
                action.triggered.connect(lambda _=False, k=kind, v=value: self.open_recent(k, v))
        if menu.isEmpty():
            menu.addAction(QCoreApplication.translate("WindowMemory", "(nothing yet)")).setEnabled(False)
        else:
            menu.addSeparator()
            clear = menu.addAction(QCoreApplication.translate("WindowMemory", "Clear the list"))
            clear.triggered.connect(lambda: [self.settings.clear_recent(kind) for kind in ("data", "models", "runs")])

    def open_recent(self, kind: str, value: str) -> None:
        """Open a remembered data set (a name or a path), model (a catalog name) or run folder."""
        if kind == "models":
            self.window.show_panel("ModelPanel").choose(value)
        elif kind == "runs":
            self.window.open_run_folder(value)
        elif os.path.isabs(value) or os.sep in value:
            if not os.path.exists(value):
                self.window.session.fail(QCoreApplication.translate(
                    "WindowMemory", "{0} is no longer there: it was moved or deleted.").format(value))
            elif value.lower().endswith(".csv"):
                self.window.show_panel("DataPanel").open_csv(value)
            else:
                self.window.show_panel("DataPanel").open_folder(value)
        else:
            self.window.show_panel("DataPanel").choose(value)
