"""Live renderers of the core's typed views (``workbench/views/types.py``), one module per
value type, and the gallery that shows a run's views as tiles.

Every renderer is a QWidget with ``set_value(value)`` that updates what it draws in place
(items are created once, then fed with ``setData`` / ``setImage``), so a view sent every
epoch costs a redraw, not a rebuild. This package imports pyqtgraph only when a renderer
is first made, keeping it out of the window's start-up.
"""

from __future__ import annotations

#: ``kind`` of a view value -> (module, class) of its renderer.
RENDERERS = {
    "curves": ("curves", "CurvesView"),
    "heatgrid": ("heatgrid", "HeatGridView"),
    "imagegrid": ("imagegrid", "ImageGridView"),
    "scatter": ("scatter", "ScatterView"),
    "graph": ("graph", "GraphView"),
    "text": ("text", "TextView"),
    "audio": ("audio", "AudioView"),
}


#: Renderers made ahead of need (``prewarm``), by kind: building a pyqtgraph scene costs
#: tens of milliseconds (the first one far more), which a run's first views would
#: otherwise pay on the GUI thread while training competes for the CPU.
_spare: dict[str, list] = {}


def _make(kind: str):
    import importlib

    module, name = RENDERERS[kind]
    return getattr(importlib.import_module(f"ui.widgets.views.{module}"), name)()


def renderer_for(value, spare: bool = False):
    """A renderer widget for ``value``'s kind, showing ``value``; with ``spare``, one that
    ``prewarm`` made ahead when there is one (it then belongs to the caller alone)."""
    widget = _take_spare(value.kind) if spare else None
    widget = widget or _make(value.kind)
    widget.set_value(value)
    return widget


def _take_spare(kind: str):
    import shiboken6

    spares = [w for w in _spare.get(kind, []) if shiboken6.isValid(w)]
    widget = spares.pop() if spares else None
    _spare[kind] = spares
    if widget is not None:
        widget.setParent(None)  # no longer the pre-warming panel's child
    return widget


def prewarm(parent, kinds=tuple(RENDERERS), copies: int = 1) -> None:
    """Make ``copies`` spare renderers of each kind, hidden children of ``parent`` (so they
    go with the window), one per event-loop turn so the loop is never held for their sum:
    called while the window is idle, before a run needs them."""
    import shiboken6
    from PySide6.QtCore import QTimer

    wanted = [kind for kind in kinds for _ in range(max(0, copies - len(_spare.get(kind, []))))]

    def next_one():
        if not wanted or not shiboken6.isValid(parent):
            return
        kind = wanted.pop(0)
        widget = _make(kind)
        widget.setParent(parent)
        widget.hide()
        _spare.setdefault(kind, []).append(widget)
        QTimer.singleShot(0, next_one)

    QTimer.singleShot(0, next_one)
