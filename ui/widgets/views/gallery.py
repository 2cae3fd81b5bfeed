"""The view gallery: one tile per view name (title, step, renderer), updated in place.

``show_view(view)`` creates a tile the first time a name appears and afterwards hands
the new value to the same renderer, so a view sent every epoch moves instead of
flickering. ``queue_view(view)`` does the same one view per event-loop turn, a few
milliseconds apart and each tile at most four times a second: the first epoch's burst of
views (each a new pyqtgraph scene, tens of milliseconds) then never holds the loop for
their sum, and a view sent every batch costs four paints a second, not thirty. Enlarging a tile (its button, or a double-click on its title) opens the
view in a large non-modal window that keeps following the live updates.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QToolButton,
                               QVBoxLayout, QWidget)

from ui import theme

#: A tile changes at most this often (seconds): a view sent every batch would otherwise
#: repaint its plot thirty times a second, tens of milliseconds each while training
#: competes for the CPU. The newest value waiting is the one shown.
REFRESH_SECONDS = 0.25
#: Event-loop time between two tiles' updates (milliseconds), so that the probe of
#: lateness, a timer or a click, gets its turn between two paints.
SPACING_MS = 15
#: Width a tile wants; the gallery puts as many side by side as fit.
TILE_WIDTH = 380
TILE_HEIGHT = 290
#: How each kind of view reads (the kinds are ``workbench.views.types``' names; "damaged":
#: a stored view whose files cannot be read).
KIND_TITLES = {
    "curves": QT_TRANSLATE_NOOP("ViewGallery", "curves"),
    "heatgrid": QT_TRANSLATE_NOOP("ViewGallery", "heatgrid"),
    "imagegrid": QT_TRANSLATE_NOOP("ViewGallery", "imagegrid"),
    "scatter": QT_TRANSLATE_NOOP("ViewGallery", "scatter"),
    "graph": QT_TRANSLATE_NOOP("ViewGallery", "graph"),
    "text": QT_TRANSLATE_NOOP("ViewGallery", "text"),
    "audio": QT_TRANSLATE_NOOP("ViewGallery", "audio"),
    "damaged": QT_TRANSLATE_NOOP("ViewGallery", "damaged"),
}


def dispose(widget: QWidget) -> None:
    """Delete a widget that may hold pyqtgraph views: each view's scene is cleared first
    (pyqtgraph's advice), else a scene destroyed under live items can crash Qt."""
    import sys

    if "pyqtgraph" in sys.modules:
        import pyqtgraph as pg

        for view in widget.findChildren(pg.GraphicsView):
            view.close()
    widget.deleteLater()


def kind_title(kind: str) -> str:
    return QCoreApplication.translate("ViewGallery", KIND_TITLES[kind]) if kind in KIND_TITLES else kind


def step_text(view) -> str:
    return QCoreApplication.translate("ViewGallery", "epoch {0}").format(view.step) if view.step else ""


class ViewTile(QFrame):
    """A view's title bar (title, when it was made, enlarge) over its renderer."""

    enlarge_requested = Signal(str)

    def __init__(self, view, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(260, TILE_HEIGHT)
        self.name = view.name
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.step = QLabel()
        theme.mark_hint(self.step)
        self.enlarge = QToolButton()
        self.enlarge.setText("⤢")
        self.enlarge.setToolTip(self.tr("Open this view in a large window (it keeps updating)"))
        self.enlarge.setAutoRaise(True)
        self.enlarge.clicked.connect(lambda: self.enlarge_requested.emit(self.name))
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 2, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.step)
        header.addWidget(self.enlarge)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(2)
        self._layout.addLayout(header)
        self.renderer = None
        self.kind = ""
        self.view = None
        self.show_view(view)

    def show_view(self, view) -> None:
        from ui.widgets.views import renderer_for

        self.view = view
        self.title.setText(view.title)
        self.title.setToolTip(f"{view.name} ({kind_title(view.value.kind)})")
        self.step.setText(step_text(view))
        if view.value.kind == self.kind:
            self.renderer.set_value(view.value)
            return
        if self.renderer is not None:  # the same name now holds another kind of value
            self._layout.removeWidget(self.renderer)
            dispose(self.renderer)
        self.kind = view.value.kind
        self.renderer = renderer_for(view.value, spare=True)
        self._layout.addWidget(self.renderer, 1)
        self.renderer.show()  # a spare renderer was made hidden

    def mouseDoubleClickEvent(self, event):  # noqa: N802 - Qt's name
        self.enlarge_requested.emit(self.name)
        super().mouseDoubleClickEvent(event)


class ViewDialog(QDialog):
    """One view, large, in a window of its own (non-modal: the run and the window go on)."""

    def __init__(self, view, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(False)
        self.resize(900, 680)
        self.tile = ViewTile(view)
        self.tile.enlarge.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tile)
        self.show_view(view)

    def show_view(self, view) -> None:
        self.setWindowTitle(f"{view.title} — {step_text(view) or view.name}")
        self.tile.show_view(view)


class ViewGallery(QWidget):
    """Tiles in a grid, as many columns as fit; a hint while there are none."""

    def __init__(self, hint: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles: dict[str, ViewTile] = {}
        self.dialogs: dict[str, ViewDialog] = {}
        self.created = 0  # tiles made so far (a view updated in place makes none)
        self._queued: dict = {}  # name -> newest view waiting for its turn
        self._shown_at: dict[str, float] = {}  # name -> when its tile last changed (monotonic)
        self._draining = False
        self.hint = QLabel(self.tr("Views appear here when the run shows them.") if hint is None else hint)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setObjectName("hint")
        theme.mark_hint(self.hint, italic=True)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._columns = 1
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._grid_host)
        self._scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(scroll, 1)
        scroll.setVisible(False)

    def show_view(self, view) -> ViewTile:
        """Show ``view``: update the tile of its name in place, or add one."""
        tile = self.tiles.get(view.name)
        if tile is None:
            self.created += 1
            tile = ViewTile(view)
            tile.enlarge_requested.connect(self.enlarge)
            self.tiles[view.name] = tile
            self._place(len(self.tiles) - 1, tile)
            self.hint.setVisible(False)
            self._scroll.setVisible(True)
        else:
            tile.show_view(view)
        dialog = self.dialogs.get(view.name)
        if dialog is not None and dialog.isVisible():
            dialog.show_view(view)
        return tile

    def queue_view(self, view) -> None:
        """Show ``view`` on a coming event-loop turn (the newest of its name wins), no sooner
        than ``REFRESH_SECONDS`` after its tile last changed."""
        self._queued[view.name] = view
        if not self._draining:
            self._draining = True
            QTimer.singleShot(0, self, self._drain)

    def _drain(self) -> None:
        """Show the first queued view whose tile is due, then come back for the next after
        ``SPACING_MS``: a burst of views becomes a paint every few ticks, not one long turn."""
        now = time.monotonic()
        due = next((name for name in self._queued if now >= self._shown_at.get(name, 0.0) + REFRESH_SECONDS), None)
        if due is not None:
            self._shown_at[due] = now
            self.show_view(self._queued.pop(due))
        if not self._queued:
            self._draining = False
            return
        wait = min(self._shown_at.get(name, 0.0) + REFRESH_SECONDS for name in self._queued) - time.monotonic()
        QTimer.singleShot(max(SPACING_MS, int(wait * 1000) + 1), self, self._drain)

    def pending(self) -> int:
        return len(self._queued)

    def has(self, name: str) -> bool:
        """Whether a view of ``name`` is shown or waiting to be."""
        return name in self.tiles or name in self._queued

    def clear(self) -> None:
        self._queued.clear()
        self._shown_at.clear()
        for dialog in self.dialogs.values():
            dialog.hide()
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
            dispose(tile)
        self.tiles = {}
        self.hint.setVisible(True)
        self._scroll.setVisible(False)

    def names(self) -> list[str]:
        return list(self.tiles)

    def enlarge(self, name: str) -> ViewDialog:
        """The live large window of view ``name`` (raised when it is already open)."""
        # a closed window is hidden and kept for the next time, not deleted: deleting a
        # top-level pyqtgraph view while its scene's items are still referenced crashes Qt
        dialog = self.dialogs.get(name)
        if dialog is None:
            dialog = ViewDialog(self.tiles[name].view, self)
            self.dialogs[name] = dialog
        else:
            dialog.show_view(self.tiles[name].view)
        dialog.show()
        dialog.raise_()
        return dialog

    def _place(self, index: int, tile: ViewTile) -> None:
        row, column = divmod(index, self._columns)
        self._grid.addWidget(tile, row, column)

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        columns = max(1, self.width() // TILE_WIDTH)
        if columns != self._columns:
            self._columns = columns
            for tile in self.tiles.values():
                self._grid.removeWidget(tile)
            for index, tile in enumerate(self.tiles.values()):
                self._place(index, tile)
