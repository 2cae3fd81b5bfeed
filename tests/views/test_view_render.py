"""Every view type renders to a real picture of the asked size, headless."""

import threading

import matplotlib.image
import numpy as np
import pytest
from matplotlib import colormaps

from workbench.views import HeatGrid, ImageGrid, Text, View
from workbench.views.render import draw_figure, render_png


def _read(path):
    return matplotlib.image.imread(path)[..., :3]  # RGBA floats in [0, 1]


def test_every_type_renders_a_png_of_the_asked_size_that_is_not_blank(views, tmp_path):
    for view in views:
        path = tmp_path / f"{view.name}.png"
        render_png(view, str(path), size=(400, 300))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = _read(path)
        assert pixels.shape == (300, 400, 3), view.name
        drawn = np.any(pixels < 0.9, axis=-1).mean()  # not just a white page and a title
        assert drawn > 0.01, (view.name, drawn)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{v.name}.png" for v in views)  # no temp left


def test_heat_grid_cells_take_the_colormap_colour_of_their_value(tmp_path):
    values = np.array([[0.0, 1.0, 2.0], [5.0, 4.0, 3.0]])
    view = View("grid", HeatGrid(values, ["r0", "r1"], ["a", "b", "c"], "column", "row"))
    render_png(view, str(tmp_path / "grid.png"))
    pixels = _read(tmp_path / "grid.png")
    figure = draw_figure(view)  # the same layout, to find where each cell landed
    figure.canvas.draw()
    ax = figure.axes[0]
    expected = colormaps["viridis"](values / values.max())[..., :3]
    luminance = []
    for (i, j), _ in np.ndenumerate(values):
        x, y = ax.transData.transform((j, i))
        colour = pixels[int(round(480 - y)), int(round(x))]
        np.testing.assert_allclose(colour, expected[i, j], atol=0.02)
        luminance.append(colour @ [0.299, 0.587, 0.114])
    order = np.argsort(values.ravel())
    assert np.all(np.diff(np.array(luminance)[order]) > 0)  # viridis brightens with the value


def test_heat_grid_thins_tick_labels_when_there_are_many():
    labels = [f"t{i}" for i in range(100)]
    figure = draw_figure(View("attention", HeatGrid(np.eye(100), labels, labels)))
    ax = figure.axes[0]
    shown = [t.get_text() for t in ax.get_xticklabels()]
    assert 5 <= len(shown) <= 20 and shown[:2] == ["t0", "t5"]


def test_image_grid_shows_the_tiles_themselves(tmp_path):
    black_and_white = np.zeros((2, 8, 8), np.uint8)
    black_and_white[1] = 255
    view = View("tiles", ImageGrid(black_and_white, columns=2))
    render_png(view, str(tmp_path / "t.png"))
    pixels = _read(tmp_path / "t.png")
    dark = np.all(pixels < 0.05, axis=-1)
    dark[:40] = False  # the title
    rows, cols = np.nonzero(dark)
    assert dark.sum() > 5000  # the black tile, scaled up, not a speck
    assert cols.max() < 320  # and it is the left one


def test_a_formula_mathtext_cannot_parse_is_shown_as_text(tmp_path):
    render_png(View("broken", Text(r"y = \frac{1}{", math=True)), str(tmp_path / "b.png"))
    assert np.any(_read(tmp_path / "b.png") < 0.5)


def test_renders_from_several_threads_at_once(views, tmp_path):
    errors = []

    def work(k):
        try:
            for view in views[:3]:
                render_png(view, str(tmp_path / f"{k}-{view.name}.png"), size=(200, 150))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and len(list(tmp_path.iterdir())) == 9
    assert _read(tmp_path / "0-confusion.png").shape == (150, 200, 3)


@pytest.mark.parametrize("size", [(320, 240), (800, 200)])
def test_size_is_exact(views, tmp_path, size):
    render_png(views[0], str(tmp_path / "c.png"), size=size)
    assert _read(tmp_path / "c.png").shape[:2] == (size[1], size[0])
