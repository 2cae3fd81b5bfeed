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


def renderer_for(value):
    """A new renderer widget for ``value``'s kind, showing ``value``."""
    import importlib

    module, name = RENDERERS[value.kind]
    widget = getattr(importlib.import_module(f"ui.widgets.views.{module}"), name)()
    widget.set_value(value)
    return widget
