"""Light and dark themes: Qt's Fusion style with a dark palette, and pyqtgraph's colours.

``apply(app, "dark")`` switches at once: the application palette, pyqtgraph's default
background and foreground for plots made from now on (``pg.setConfigOption``), and, as a
best effort, the plots already on screen (background, axes, titles, legends). Plots that
are made later ask ``plot_colors()`` so that a module setting pyqtgraph's options at its
import cannot bring the white background back.
"""

from __future__ import annotations

import sys
import weakref

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor, QPalette

#: The theme in force (``apply`` sets it); plots made later read it.
current = "light"

#: The themes' names as the Preferences show them (``display_name``).
NAMES = {"light": QT_TRANSLATE_NOOP("theme", "Light"), "dark": QT_TRANSLATE_NOOP("theme", "Dark")}


def display_name(name: str) -> str:
    """Theme ``name`` ("light", "dark") in the window's language."""
    return QCoreApplication.translate("theme", NAMES[name]) if name in NAMES else name


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
        sheet = app.styleSheet()
        app.setStyleSheet("")  # under a style sheet, style() is Qt's style-sheet style, nameless
        app.setProperty("workbench-default-style", app.style().name())
        app.setStyleSheet(sheet)
    style = "Fusion" if name == "dark" else app.property("workbench-default-style") or "Fusion"
    app.setStyle(style)  # dark: the platform styles ignore a palette in places; Fusion follows it
    app.setProperty("workbench-style", style.lower())
    app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())
    current = name
    app.setStyleSheet(hint_rules(name))  # Qt restyles every hint, those made later too
    if "pyqtgraph" in sys.modules:  # not imported yet: plots made later ask plot_colors()
        import pyqtgraph as pg

        background, foreground = plot_colors(name)
        pg.setConfigOptions(background=background, foreground=foreground)
        for view in list(_plots):
            if shiboken6.isValid(view):
                style_plot(view, name)


def hint_rules(name: str) -> str:
    """The application style sheet: the hint grey of theme ``name`` for ``mark_hint``'s widgets."""
    grey = HINT_GREYS[name]
    return (f'*[hint="plain"] {{ color: {grey}; }}\n'
            f'*[hint="italic"] {{ color: {grey}; font-style: italic; }}')


def mark_hint(widget, italic: bool = False):
    """Make ``widget``'s text the theme's hint grey (italic for empty states and what to do next).

    The colour comes from the application's style sheet (``hint_rules``), so a theme switch
    restyles every hint in Qt itself: walking ``QApplication.allWidgets()`` from Python
    wraps widgets Qt made and deletes on its own, whose stale wrappers crashed the process.
    """
    widget.setProperty("hint", "italic" if italic else "plain")
    return widget


#: The pyqtgraph views ``themed`` made follow the theme (dead ones are skipped).
_plots: weakref.WeakSet = weakref.WeakSet()


def themed(view):
    """Register a pyqtgraph view (PlotWidget, GraphicsLayoutWidget) to follow theme switches,
    and give it the current theme's colours now."""
    _plots.add(view)
    style_plot(view)
    return view


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
