"""A run's stored views (``RUN_DIR/views/``, ``workbench.views.store``): a list (name, kind,
epoch) and the chosen view drawn by the same renderer as the live tile in the Train tab.

Listing and loading happen on worker threads (a view's arrays can be megabytes); a
damaged view shows the sentence that says what is wrong with its files.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ui import theme

from ui.bridge import run_in_background
from ui.widgets.views.gallery import ViewTile, kind_title


class RunViews(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.run_dir = ""
        self.infos: list = []  # workbench.views.store.ViewInfo of the run
        self.tile: ViewTile | None = None
        self.shown = None  # the View drawn
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("View"), self.tr("Kind"), self.tr("Epoch")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.message = QLabel(self.tr("Select one run to list the views it saved."))
        self.message.setWordWrap(True)
        theme.mark_hint(self.message, italic=True)
        self._view_host = QWidget()
        self._view_layout = QVBoxLayout(self._view_host)
        self._view_layout.setContentsMargins(0, 0, 0, 0)
        self._view_layout.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self._view_host)
        split.setSizes([120, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def show_run(self, run_dir: str) -> None:
        """List ``run_dir``'s views ("" empties the list); the same run again re-reads its list
        (a run in progress keeps writing views) and keeps the chosen view."""
        again = run_dir == self.run_dir and bool(run_dir)
        self.run_dir = run_dir
        if not again:
            self._list([])
        if not run_dir:
            self._say(self.tr("Select one run to list the views it saved."))
            return
        from workbench.views.store import list_views

        if not again:
            self._say(self.tr("Reading the run's views…"))
        run_in_background(lambda: list_views(run_dir), lambda infos: self._listed(run_dir, infos),
                          self._say, key=f"run-views-{id(self)}", owner=self)

    def _listed(self, run_dir: str, infos: list) -> None:
        if run_dir != self.run_dir:
            return
        listed = [(i.name, i.kind, i.step) for i in self.infos]
        if listed and listed == [(i.name, i.kind, i.step) for i in infos]:
            return  # nothing new: leave the list and the shown view alone
        chosen = self.chosen_name()
        self._list(infos)
        if not infos:
            self._say(self.tr("This run saved no views."))
            return
        names = [info.name for info in infos]
        if chosen not in names:
            self._say(self.tr("{0} view(s): choose one to show it.").format(len(infos)))
        self.table.blockSignals(True)
        self.table.clearSelection()  # so that selecting the row again reloads its view
        self.table.blockSignals(False)
        self.table.selectRow(names.index(chosen) if chosen in names else 0)

    def chosen_name(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.infos[rows[0].row()].name if rows and rows[0].row() < len(self.infos) else ""

    def _list(self, infos: list) -> None:
        self.infos = infos
        self.table.blockSignals(True)
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            cells = (info.name, kind_title(info.kind), str(info.step) if info.step else "–")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(info.title)
                if info.kind == "damaged":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)

    def choose(self, name: str) -> None:
        """Show view ``name`` of the listed run (tests, scripts)."""
        for row, info in enumerate(self.infos):
            if info.name == name:
                self.table.selectRow(row)
                return

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        info = self.infos[rows[0].row()]
        if info.kind == "damaged":
            self._say(self.tr("{0} cannot be shown: {1}").format(info.name, info.title))
            return
        from workbench.views.store import load_view

        run_dir, name = self.run_dir, info.name
        run_in_background(lambda: load_view(run_dir, name), lambda view: self._loaded(run_dir, view),
                          self._say, key=f"run-view-{id(self)}", owner=self)

    def _loaded(self, run_dir: str, view) -> None:
        if run_dir != self.run_dir:
            return
        self.shown = view
        if self.tile is None:
            self.tile = ViewTile(view)
            self.tile.enlarge_requested.connect(self._enlarge)
            self._view_layout.addWidget(self.tile, 1)
        else:
            self.tile.show_view(view)
        self.tile.setVisible(True)
        self.message.setVisible(False)

    def _enlarge(self, _name: str) -> None:
        from ui.widgets.views.gallery import ViewDialog

        ViewDialog(self.shown, self).show()

    def _say(self, text: str) -> None:
        """A sentence in place of the view (nothing chosen, nothing saved, damaged files)."""
        self.message.setText(text)
        self.message.setVisible(True)
        if self.tile is not None:
            self.tile.setVisible(False)
        self.shown = None
