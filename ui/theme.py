"""Light and dark themes: Qt's Fusion style with a dark palette, and pyqtgraph's colours.

``apply(app, "dark")`` switches at once: the application palette, pyqtgraph's default
background and foreground for plots made from now on (``pg.setConfigOption``), and, as a
best effort, the plots already on screen (background, axes, titles, legends). Plots that
are made later ask ``plot_colors()`` so that a module setting pyqtgraph's options at its
import cannot bring the white background back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette

#: The theme in force (``apply`` sets it); plots made later read it.
current = "light"

#: (background, foreground) of plots in each theme.
PLOT_COLORS = {"light": ("w", "k"), "dark": ((30, 30, 32), (220, 220, 220))}
#: The grey of hint lines (``color: #606060`` in the panels' style sheets) is unreadable on a
#: dark window: in the dark theme it becomes a light grey.
HINT_GREYS = {"light": "#606060", "dark": "#a8a8a8"}


def dark_palette() -> QPalette:
    """Fusion's usual dark palette: dark greys, light text, a blue selection; disabled text dimmed."""
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        role.Window: QColor(45, 45, 48), role.WindowText: QColor(225, 225, 225),
        role.Base: QColor(30, 30, 32), role.AlternateBase: QColor(50, 50, 54),
        role.ToolTipBase: QColor(60, 60, 64), role.ToolTipText: QColor(230, 230, 230),
        role.Text: QColor(225, 225, 225), role.Button: QColor(55, 55, 60),
        role.ButtonText: QColor(225, 225, 225), role.BrightText: QColor(255, 90, 90),
        role.Link: QColor(100, 170, 255), role.LinkVisited: QColor(170, 140, 255),
        role.Highlight: QColor(42, 110, 200), role.HighlightedText: QColor(255, 255, 255),
        role.PlaceholderText: QColor(150, 150, 150), role.Light: QColor(75, 75, 80),
        role.Midlight: QColor(62, 62, 66), role.Mid: QColor(40, 40, 43), role.Dark: QColor(25, 25, 27),
        role.Shadow: QColor(10, 10, 10),
    }
    for color_role, color in colors.items():
        palette.setColor(color_role, color)
    for color_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, color_role, QColor(125, 125, 125))
    palette.setColor(group.Disabled, role.Highlight, QColor(70, 70, 75))
    return palette


def plot_colors(name: str | None = None) -> tuple:
    """(background, foreground) for pyqtgraph in theme ``name`` (the current one by default)."""
    return PLOT_COLORS[name or current]


def apply(app, name: str) -> None:
    """Switch the whole application to theme ``name`` ("light" or "dark")."""
    global current
    if name not in PLOT_COLORS:
        raise ValueError(f"unknown theme {name!r}")
    if app.property("workbench-default-style") is None:  # the platform's own look, for "light"
        app.setProperty("workbench-default-style", app.style().name())
    if name == "dark":
        app.setStyle("Fusion")  # the platform styles ignore a palette in places; Fusion follows it
        app.setPalette(dark_palette())
    else:
        app.setStyle(app.property("workbench-default-style") or "Fusion")
        app.setPalette(app.style().standardPalette())
    current = name
    other = "light" if name == "dark" else "dark"
    restyle_hints(app.allWidgets(), HINT_GREYS[other], HINT_GREYS[name])
    _hint_watcher.watch(app, name == "dark")
    if "pyqtgraph" in sys.modules:  # not imported yet: plots made later ask plot_colors()
        import pyqtgraph as pg

        background, foreground = plot_colors(name)
        pg.setConfigOptions(background=background, foreground=foreground)
        for view in [w for w in app.allWidgets() if isinstance(w, pg.GraphicsView)]:
            style_plot(view, name)


def restyle_hints(widgets, old: str, new: str) -> None:
    for widget in widgets:
        sheet = widget.styleSheet()
        if old in sheet:
            widget.setStyleSheet(sheet.replace(old, new))


class _HintWatcher(QObject):
    """In the dark theme, widgets made later (a tab built on first show, a view tile) get the
    light hint grey too: their style sheet is fixed when they are first polished."""

    def __init__(self):
        super().__init__()
        self.app = None

    def watch(self, app, on: bool) -> None:
        if on and self.app is None:
            app.installEventFilter(self)
            self.app = app
        elif not on and self.app is not None:
            self.app.removeEventFilter(self)
            self.app = None

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Polish and obj.isWidgetType():
            restyle_hints((obj,), HINT_GREYS["light"], HINT_GREYS["dark"])
        return False


_hint_watcher = _HintWatcher()


def style_plot(view, name: str | None = None) -> None:
    """Give a pyqtgraph view (PlotWidget or GraphicsLayoutWidget) the theme's colours:
    background, axes (lines and tick labels), plot titles and legend text."""
    import pyqtgraph as pg

    background, foreground = plot_colors(name)
    view.setBackground(background)
    pen = pg.mkPen(foreground)
    color = pen.color()
    scene = view.scene()
    if scene is None:
        return
    for item in scene.items():
        if isinstance(item, pg.AxisItem):
            item.setPen(pen)
            item.setTextPen(pen)
        elif isinstance(item, pg.PlotItem) and item.titleLabel.text:
            item.titleLabel.setText(item.titleLabel.text, color=color)
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(color)
