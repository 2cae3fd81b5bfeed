"""Views rendered to PNG for the run directory, one matplotlib renderer per view type.

Headless: each call builds its own ``matplotlib.figure.Figure`` on a ``FigureCanvasAgg``
(never ``pyplot``, whose global figure list is neither headless nor thread-safe). Matplotlib
itself keeps caches (fonts, mathtext) that are not guarded against threads, so renders are
serialised by one lock: the background view writer and a GUI's export may both render.
"""

from __future__ import annotations

import textwrap
import threading

import numpy as np

from workbench.runs.atomic import atomic_path
from workbench.views import types

DPI = 100
#: Above this many rows or columns a heat grid labels only every k-th one.
MAX_TICKS = 20
#: Above this many cells a heat grid does not write values in them.
MAX_ANNOTATED_CELLS = 400
_LOCK = threading.RLock()


def render_png(view: types.View, path: str, size=(640, 480)) -> None:
    """Draw ``view`` into a PNG of exactly ``size`` pixels (width, height) at ``path``, atomically."""
    with _LOCK:
        figure = draw_figure(view, size)
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format="png", dpi=DPI)


def draw_figure(view: types.View, size=(640, 480)):
    """A new figure of ``size`` pixels on its own Agg canvas with ``view`` drawn in it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = (int(v) for v in size)
    with _LOCK:
        figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        RENDERERS[view.value.kind](figure, view.value)
        figure.suptitle(view.title, fontsize=11)
    return figure


# ----------------------------------------------------------------------------- one per type
def draw_curves(figure, value: types.Curves) -> None:
    ax = figure.add_subplot()
    if not value.series:
        _say(ax, "no curves")
        return
    for label, (x, y) in value.series.items():
        ax.plot(x, np.where(y > 0, y, np.nan) if value.log_y else y, label=label, linewidth=1.5)
    if value.log_y:
        ax.set_yscale("log")
    ax.set_xlabel(value.x_label)
    ax.set_ylabel(value.y_label)
    ax.grid(True, alpha=0.3)
    if len(value.series) > 1 or next(iter(value.series)):
        ax.legend(fontsize=8, loc="best")


def draw_heatgrid(figure, value: types.HeatGrid) -> None:
    ax = figure.add_subplot()
    values = value.values
    image = ax.imshow(values, cmap=value.colormap, aspect="auto", interpolation="nearest")
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.02)
    rows, cols = values.shape
    _label_ticks(ax.set_yticks, ax.set_yticklabels, value.row_labels, rows)
    _label_ticks(ax.set_xticks, ax.set_xticklabels, value.col_labels, cols, rotate=True)
    ax.set_xlabel(value.x_label)
    ax.set_ylabel(value.y_label)
    if value.annotate and values.size <= MAX_ANNOTATED_CELLS:
        _annotate_cells(ax, image, values)


def draw_imagegrid(figure, value: types.ImageGrid) -> None:
    """All tiles in one mosaic (one ``imshow``: fast enough to refresh every epoch)."""
    ax = figure.add_subplot()
    ax.set_axis_off()
    images = value.images
    if len(images) == 0:
        _say(ax, "no images")
        return
    rows, cols = value.grid_shape
    height, width = images.shape[1:3]
    pad = max(1, min(height, width) // 10)
    band = int(round(height * 0.3)) if value.captions else 0  # room above each tile for its caption
    cell_h, cell_w = band + height + pad, width + pad
    mosaic = np.full((rows * cell_h - pad, cols * cell_w - pad, 3), 255, np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        tile = image if image.ndim == 3 else np.repeat(image[..., None], 3, axis=-1)
        mosaic[r * cell_h + band:r * cell_h + band + height, c * cell_w:c * cell_w + width] = tile
    ax.imshow(mosaic, interpolation="nearest" if max(height, width) < 64 else "antialiased")
    if value.captions:
        # the caption's size follows the band's size on screen: points = pixels * 72 / dpi
        fig_w, fig_h = figure.get_size_inches() * DPI
        scale = min(0.95 * fig_w / mosaic.shape[1], 0.85 * fig_h / mosaic.shape[0])
        fontsize = float(np.clip(band * scale * 0.7 * 72 / DPI, 4, 10))
        for i, caption in enumerate(value.captions):
            r, c = divmod(i, cols)
            ax.text(c * cell_w + width / 2, r * cell_h + band - 0.5, caption, ha="center", va="bottom",
                    fontsize=fontsize, clip_on=False)


def draw_scatter(figure, value: types.Scatter) -> None:
    from matplotlib.colors import ListedColormap

    from workbench.views.projection import project

    ax = figure.add_subplot()
    points = value.features
    if value.features.shape[1] > 2:
        points = value.projected.get(value.projection)
        points = project(value.features, value.projection) if points is None else points
    colors = _class_colors(max(len(value.label_names), _count(value.labels), 1))
    if value.background is not None:
        x0, x1, y0, y1 = value.extent
        if np.issubdtype(value.background.dtype, np.integer):
            ax.imshow(value.background, origin="lower", extent=(x0, x1, y0, y1), aspect="auto", alpha=0.3,
                      cmap=ListedColormap(colors), vmin=-0.5, vmax=len(colors) - 0.5, interpolation="nearest")
        else:
            ax.imshow(value.background, origin="lower", extent=(x0, x1, y0, y1), aspect="auto", alpha=0.35,
                      cmap="coolwarm", vmin=0.0, vmax=1.0)
    if value.labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=12, color=colors[0])
    else:
        for label in np.unique(value.labels):
            chosen = value.labels == label
            name = value.label_names[label] if 0 <= label < len(value.label_names) else str(label)
            ax.scatter(points[chosen, 0], points[chosen, 1], s=14 if len(points) > 50 else 40,
                       color=colors[label % len(colors)], edgecolors="black", linewidths=0.3, label=name)
        ax.legend(fontsize=8, loc="best", markerscale=1.2)
    if value.point_names and len(points) <= types.NAMED_POINTS:
        for (x, y), name in zip(points, value.point_names):
            ax.annotate(name, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=7, color="0.15")
    projected = value.features.shape[1] > 2
    ax.set_xlabel(value.x_label or (f"{value.projection.upper()} 1" if projected else "x1"))
    ax.set_ylabel(value.y_label or (f"{value.projection.upper()} 2" if projected else "x2"))


def draw_graph(figure, value: types.Graph) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from workbench.views.graph_layout import graph_layout

    ax = figure.add_subplot()
    ax.set_axis_off()
    positions = value.positions if value.positions is not None else graph_layout(value.edges, value.num_nodes)
    if value.edges.size:
        ax.add_collection(LineCollection(positions[value.edges], colors="0.6", linewidths=0.8, zorder=1))
    labels = value.labels if value.labels is not None else np.zeros(value.num_nodes, np.int64)
    colors = _class_colors(max(len(value.label_names), _count(labels), 1))
    size = 200 if value.num_nodes <= 40 else max(8, 4000 // max(value.num_nodes, 1))
    ax.scatter(positions[:, 0], positions[:, 1], s=size, c=[colors[i % len(colors)] for i in labels],
               edgecolors="black", linewidths=0.5, zorder=2)
    if value.marked is not None and value.marked.any():
        ax.scatter(positions[value.marked, 0], positions[value.marked, 1], s=size * 2.2, facecolors="none",
                   edgecolors="#d62728", linewidths=1.8, zorder=2.5)
    if value.node_names and value.num_nodes <= 60:
        for (x, y), name in zip(positions, value.node_names):
            ax.text(x, y, name, ha="center", va="center", fontsize=7, zorder=3)
    if value.labels is not None:
        names = [value.label_names[i] if i < len(value.label_names) else str(i) for i in np.unique(labels)]
        handles = [Line2D([], [], marker="o", linestyle="", color=colors[i % len(colors)], markeredgecolor="black")
                   for i in np.unique(labels)]
        ax.legend(handles, names, fontsize=8, loc="best")
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")


def draw_text(figure, value: types.Text) -> None:
    ax = figure.add_subplot()
    ax.set_axis_off()
    width_px, height_px = figure.get_size_inches() * DPI
    if value.math:
        text = value.text if "$" in value.text else f"${value.text}$"
        if _mathtext_ok(text):
            ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=18, wrap=True, transform=ax.transAxes)
            return
    fontsize = 11
    point = DPI / 72  # pixels per point
    columns = max(20, int(width_px * 0.9 / (fontsize * 0.66 * point)))  # a monospace glyph: ~0.6 em, and margins
    lines = [wrapped for paragraph in value.text.splitlines() or [""]
             for wrapped in (textwrap.wrap(paragraph, columns) or [""])]
    fits = max(1, int(height_px * 0.85 / (fontsize * 1.2 * point)))
    if len(lines) > fits:
        lines = lines[:fits - 1] + [f"... ({len(lines) - fits + 1} more lines)"]
    ax.text(0.0, 1.0, "\n".join(lines), ha="left", va="top", fontsize=fontsize, family="monospace",
            transform=ax.transAxes, parse_math=False)


def draw_audio(figure, value: types.Audio) -> None:
    from workbench.views.display import spectrogram

    wave_ax, spec_ax = figure.subplots(2, 1, sharex=True, height_ratios=(1, 1.4))
    samples, rate = value.samples, value.sample_rate
    seconds = np.arange(len(samples)) / rate
    wave_ax.plot(seconds, samples, linewidth=0.6)
    wave_ax.set_ylabel("amplitude")
    wave_ax.set_title(value.caption, fontsize=9)
    spectrum = value.spectrum if value.spectrum is not None else spectrogram(samples, rate)
    if spectrum:
        freqs, times, db = spectrum
        mesh = spec_ax.pcolormesh(times, freqs, db, shading="auto", cmap="magma")
        figure.colorbar(mesh, ax=spec_ax, label="dB", fraction=0.046, pad=0.02)
    spec_ax.set_ylabel("frequency (Hz)")
    spec_ax.set_xlabel("time (s)")


RENDERERS = {"curves": draw_curves, "heatgrid": draw_heatgrid, "imagegrid": draw_imagegrid,
             "scatter": draw_scatter, "graph": draw_graph, "text": draw_text, "audio": draw_audio}


# ----------------------------------------------------------------------------- helpers
def _say(ax, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", color="0.4", transform=ax.transAxes)


def _label_ticks(set_ticks, set_labels, labels: list[str], count: int, rotate: bool = False) -> None:
    """Every label when they fit, else every k-th, so a 100-token attention map stays readable."""
    every = max(1, int(np.ceil(count / MAX_TICKS)))
    positions = list(range(0, count, every))
    set_ticks(positions)
    names = [labels[i] for i in positions] if labels else [str(i) for i in positions]
    set_labels(names, fontsize=8, rotation=45 if rotate and max(map(len, names), default=0) > 3 else 0)


def _annotate_cells(ax, image, values: np.ndarray) -> None:
    """Each cell's value, white on dark cells and black on light ones."""
    integers = np.all(np.isclose(values, np.round(values)))
    rgba = image.cmap(image.norm(values))
    luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
    fontsize = 9 if values.size <= 100 else 6
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.0f}" if integers else f"{v:.2g}", ha="center", va="center", fontsize=fontsize,
                color="white" if luminance[i, j] < 0.5 else "black")


def _class_colors(count: int) -> list:
    """Matplotlib's qualitative palettes: tab10 up to 10 classes, tab20 up to 20, then a hue wheel."""
    from matplotlib import colormaps

    if count <= 10:
        return [colormaps["tab10"](i) for i in range(10)]
    if count <= 20:
        return [colormaps["tab20"](i) for i in range(20)]
    return [colormaps["hsv"](i / count) for i in range(count)]


def _count(labels) -> int:
    return int(labels.max()) + 1 if labels is not None and len(labels) else 0


def _mathtext_ok(text: str) -> bool:
    """A formula mathtext cannot parse is shown as plain text rather than failing the view."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("agg").parse(text, dpi=DPI)
        return True
    except ValueError:
        return False
