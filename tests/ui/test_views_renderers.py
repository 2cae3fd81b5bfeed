"""The live view renderers (``ui/widgets/views/``), the gallery and the bridge's per-name
coalescing, checked against what each value holds and against scikit-learn, networkx
and scipy where those compute the picture."""

import threading

import numpy as np
import pytest

from workbench.training import events
from workbench.views import types as t

TIMEOUT_MS = 60_000


def make(qtbot, value):
    from ui.widgets.views import renderer_for

    widget = renderer_for(value)
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


def brush_rgb(item) -> tuple:
    color = item.opts["brush"].color()
    return color.red(), color.green(), color.blue()


def test_curves_draw_each_series_and_update_in_place(qtbot):
    value = t.Curves({"train": ([1, 2, 3], [0.9, 0.5, 0.2]), "val": ([1, 2, 3], [1.0, 0.7, 0.4])},
                     "epoch", "loss", log_y=True)
    view = make(qtbot, value)
    drawn = view.curve_data()
    assert set(drawn) == {"train", "val"}
    np.testing.assert_array_equal(drawn["val"][1], [1.0, 0.7, 0.4])
    assert view.item.ctrl.logYCheck.isChecked() and not view.item.ctrl.logXCheck.isChecked()
    assert view.item.getAxis("left").labelText == "loss"
    assert [label.text for _, label in view.legend.items] == ["train", "val"]
    line = view.lines["train"]
    view.set_value(t.Curves({"train": ([1, 2, 3, 4], [0.9, 0.5, 0.2, 0.0])}, "epoch", "loss", log_y=True))
    assert view.lines["train"] is line and set(view.lines) == {"train"}  # same line; "val" removed
    np.testing.assert_array_equal(view.curve_data()["train"][1], [0.9, 0.5, 0.2])  # 0 has no log
    assert [label.text for _, label in view.legend.items] == ["train"]


def test_a_new_curve_never_takes_the_colour_of_one_still_drawn(qtbot):
    series = {name: ([1, 2], [1.0, 2.0]) for name in ("a", "b", "c")}
    view = make(qtbot, t.Curves(series, "x", "y"))
    view.set_value(t.Curves({k: series[k] for k in ("b", "c")}, "x", "y"))  # "a" (colour 0) removed
    view.set_value(t.Curves({k: series[k] for k in ("b", "c")} | {"d": series["a"]}, "x", "y"))
    colours = [line.opts["pen"].color().name() for line in view.lines.values()]
    assert len(set(colours)) == 3  # "d" takes the freed colour, not "c"'s


def test_heatgrid_shows_the_matrix_with_labels_levels_and_cell_values(qtbot):
    values = np.array([[5, 1, 0], [2, 7, 1]])
    value = t.HeatGrid(values, ["cat", "dog"], ["a", "b", "c"], "predicted", "true", annotate=True)
    view = make(qtbot, value)
    np.testing.assert_array_equal(view.image.image, values.T)  # ImageItem is indexed [x = column, y = row]
    assert tuple(view.image.levels) == (0.0, 7.0)
    left = view.item.getAxis("left")._tickLevels[0]
    assert left == [(0.5, "cat"), (1.5, "dog")]  # row 0 drawn at the top: the y axis is inverted
    assert view.item.vb.state["yInverted"]
    assert view.annotations() == ["5", "1", "0", "2", "7", "1"]
    assert view.cell_text(1.5, 1.2) == "true dog · predicted b: 7"
    assert view.cell_text(3.5, 0.5) == ""  # outside the matrix
    # a later value: the same image item, new numbers, no annotation when not asked
    image = view.image
    view.set_value(t.HeatGrid(values * 0.5, ["cat", "dog"], ["a", "b", "c"]))
    assert view.image is image and tuple(image.levels) == (0.0, 3.5) and view.annotations() == []


def test_heatgrid_thins_many_labels(qtbot):
    from ui.widgets.views.heatgrid import MAX_TICKS

    tokens = [f"t{i}" for i in range(100)]
    view = make(qtbot, t.HeatGrid(np.eye(100), tokens, tokens, annotate=True))
    ticks = view.item.getAxis("bottom")._tickLevels[0]
    assert len(ticks) <= MAX_TICKS and ticks[0] == (0.5, "t0") and ticks[1] == (5.5, "t5")
    assert view.annotations() == []  # 10,000 numbers would not fit


def test_imagegrid_keeps_display_sized_copies_in_its_columns(qtbot):
    from ui.widgets.views.imagegrid import DISPLAY_SIDE

    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (6, 8, 8), dtype=np.uint8)
    view = make(qtbot, t.ImageGrid(small, [f"s{i}" for i in range(6)], columns=3))
    assert len(view.images) == 6 and view.captions[5] == "s5"
    shown = view.images[4].convertToFormat(view.images[4].Format.Format_RGB888)
    pixels = np.frombuffer(shown.constBits(), np.uint8).reshape(8, shown.bytesPerLine())[:, :24]
    np.testing.assert_array_equal(pixels.reshape(8, 8, 3)[..., 0], small[4])
    rects = view.cell_rects()
    assert len({r.y() for r in rects}) == 2 and len({r.x() for r in rects}) == 3  # 2 rows x 3 columns
    big = t.ImageGrid(np.full((2, 600, 300, 3), 200, np.uint8))
    view.set_value(big)
    assert (view.images[0].height(), view.images[0].width()) == (DISPLAY_SIDE, DISPLAY_SIDE // 2)
    assert view.images[0].pixelColor(10, 10).red() == 200


def test_scatter_colours_points_by_label(qtbot):
    from ui.widgets.views.common import PALETTE

    features = np.array([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4.0]])
    view = make(qtbot, t.Scatter(features, [0, 1, 1, 2, 2], ["a", "b", "c"]))
    assert view.point_count() == 5
    assert {label: len(item.data) for label, item in view.points.items()} == {0: 1, 1: 2, 2: 2}
    for label, item in view.points.items():
        assert brush_rgb(item) == PALETTE[label]
        assert all(brush is None for brush in item.data["brush"])  # every point takes its class's brush
    np.testing.assert_array_equal(np.c_[view.points[1].data["x"], view.points[1].data["y"]], features[1:3])
    assert [label.text for _, label in view.legend.items] == ["a", "b", "c"]
    assert not view._controls.isVisibleTo(view)  # two columns: nothing to project


def test_scatter_projects_wide_features_off_the_gui_thread(qtbot, monkeypatch):
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    from workbench.views import projection

    threads = []
    real = projection.project

    def watched(features, method, seed=0):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(features, method, seed)

    monkeypatch.setattr(projection, "project", watched)
    rng = np.random.default_rng(1)
    features = np.r_[rng.normal(0, 1, (10, 6)), rng.normal(6, 1, (10, 6))]  # t-SNE is slow: few points
    labels = np.repeat([0, 1], 10)
    view = make(qtbot, t.Scatter(features, labels, ["left", "right"]))
    assert view._controls.isVisibleTo(view) and view.method == "pca"
    qtbot.waitUntil(lambda: view.positions is not None, timeout=TIMEOUT_MS)
    expected = PCA(n_components=2, random_state=0).fit_transform(features)
    np.testing.assert_allclose(view.positions, expected, atol=1e-8)
    assert view.item.getAxis("bottom").labelText == "PCA 1"
    view.projection.setCurrentIndex(view.projection.findData("tsne"))
    view.projection.activated.emit(view.projection.currentIndex())
    qtbot.waitUntil(lambda: "tsne" in view._projected, timeout=TIMEOUT_MS)
    reference = TSNE(n_components=2, perplexity=19 / 3, init="pca", random_state=0,
                     method="exact").fit_transform(features)
    np.testing.assert_allclose(view.positions, reference, atol=1e-4)
    assert view.point_count() == 20
    assert threads == [False, False]  # PCA and t-SNE both ran on a worker


def test_graph_nodes_edges_layout_and_colours(qtbot):
    import networkx as nx

    from ui.widgets.views.common import PALETTE

    graph = nx.karate_club_graph()
    edges = np.array(graph.edges())
    clubs = np.array([0 if graph.nodes[n]["club"] == "Mr. Hi" else 1 for n in graph.nodes])
    view = make(qtbot, t.Graph(edges, 34, clubs, ["Mr. Hi", "Officer"]))
    qtbot.waitUntil(lambda: view.positions is not None, timeout=TIMEOUT_MS)
    plain = nx.Graph()  # the view knows the edges, not the club graph's weights
    plain.add_nodes_from(range(34))
    plain.add_edges_from(edges.tolist())
    reference = nx.spring_layout(plain, seed=0)
    np.testing.assert_allclose(view.positions, [reference[n] for n in range(34)], atol=1e-9)
    assert view.node_count() == 34
    assert len(view.nodes[0].data) == int((clubs == 0).sum())
    assert brush_rgb(view.nodes[1]) == PALETTE[1]
    xs, ys = view.edges.getData()
    assert len(xs) == 2 * len(edges)
    np.testing.assert_allclose([xs[0], ys[0]], view.positions[edges[0, 0]])
    # the next epoch's predictions: same graph, so the layout is reused at once
    positions = view.positions
    view.set_value(t.Graph(edges, 34, np.zeros(34, int), ["Mr. Hi", "Officer"]))
    np.testing.assert_array_equal(view.positions, positions)
    assert view.state.text() == "34 nodes · 78 edges"  # not "laying out…": no new layout was asked for
    assert set(view.nodes) == {0} and view.node_count() == 34


def test_text_is_read_only_monospace_and_a_formula_is_typeset(qtbot):
    view = make(qtbot, t.Text("the cat sat\n  on the mat"))
    assert view.text() == "the cat sat\n  on the mat"
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(view.edit.font())
    assert view.edit.isReadOnly() and metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("MMMM")
    view.set_value(t.Text(r"y = 2.0 x^2 + \sin(x)", math=True))
    qtbot.waitUntil(lambda: view.formula.isVisibleTo(view), timeout=TIMEOUT_MS)
    assert view.formula.pixmap().width() > 50 and view.text() == r"y = 2.0 x^2 + \sin(x)"


def test_audio_waveform_and_spectrogram(qtbot):
    from scipy.signal import spectrogram

    rate = 8000
    samples = (0.5 * np.sin(2 * np.pi * 1000 * np.arange(rate) / rate)).astype(np.float32)
    view = make(qtbot, t.Audio(samples, rate, "a 1 kHz tone"))
    xs, ys = view.wave.xData, view.wave.yData
    np.testing.assert_array_equal(ys, samples)
    assert xs[-1] == pytest.approx((rate - 1) / rate)
    qtbot.waitUntil(lambda: view.spectrum is not None, timeout=TIMEOUT_MS)
    freqs, times, power = spectrogram(samples.astype(np.float64), fs=rate, nperseg=256, noverlap=128)
    assert view.image.image.shape == (len(times), len(freqs))  # [x = time, y = frequency]
    np.testing.assert_allclose(view.spectrum[2], 10 * np.log10(power + 1e-10))
    loudest = freqs[np.argmax(view.image.image.mean(axis=0))]
    assert abs(loudest - 1000) <= rate / 256
    assert "a 1 kHz tone" in view.caption.text() and "1.00 s" in view.caption.text()


def test_prepared_views_are_drawn_at_once_without_computing(qtbot, monkeypatch):
    """Values prepared in the run's process (``workbench.views.display``) carry their
    projection, layout and spectrogram: the window draws them on the spot, with no job."""
    import ui.bridge
    from workbench.views.display import prepare

    jobs = []
    monkeypatch.setattr(ui.bridge, "run_in_background", lambda *a, **k: jobs.append(a))
    rng = np.random.default_rng(3)
    scatter = prepare(t.View("s", t.Scatter(rng.normal(size=(30, 5)), rng.integers(0, 2, 30)))).value
    view = make(qtbot, scatter)
    np.testing.assert_array_equal(view.positions, scatter.projected["pca"])
    graph = prepare(t.View("g", t.Graph(np.array([[0, 1], [1, 2]]), 3, np.array([0, 1, 1])))).value
    np.testing.assert_array_equal(make(qtbot, graph).positions, graph.positions)
    rate = 8000
    sound = prepare(t.View("a", t.Audio(np.sin(np.arange(rate) * 0.7).astype(np.float32), rate))).value
    audio = make(qtbot, sound)
    np.testing.assert_array_equal(audio.image.image, sound.spectrum[2].T)
    assert jobs == []
    view.projection.setCurrentIndex(view.projection.findData("tsne"))
    view._project()  # another method than the prepared one: computed here, in the background
    assert len(jobs) == 1


def test_gallery_updates_tiles_in_place_and_enlarges_live(qtbot):
    from ui.widgets.views.gallery import ViewGallery

    gallery = ViewGallery("nothing yet")
    qtbot.addWidget(gallery)
    gallery.resize(900, 700)
    gallery.show()
    assert gallery.hint.isVisible() and gallery.names() == []
    first = gallery.show_view(t.View("loss", t.Curves({"a": ([0, 1], [3, 2])}), step=1))
    renderer = first.renderer
    again = gallery.show_view(t.View("loss", t.Curves({"a": ([0, 1, 2], [3, 2, 1])}), step=2))
    assert again is first and again.renderer is renderer
    np.testing.assert_array_equal(renderer.curve_data()["a"][1], [3, 2, 1])
    assert first.step.text() == "epoch 2" and not gallery.hint.isVisible()
    other = gallery.show_view(t.View("note", t.Text("hello")))
    assert other is not first and gallery.names() == ["loss", "note"]
    dialog = gallery.enlarge("loss")
    assert dialog.isVisible() and not dialog.isModal()
    gallery.show_view(t.View("loss", t.Curves({"a": ([0], [7])}), step=3))
    np.testing.assert_array_equal(dialog.tile.renderer.curve_data()["a"][1], [7])  # follows live
    assert dialog.windowTitle() == "loss — epoch 3"
    gallery.show_view(t.View("note", t.HeatGrid(np.eye(2))))  # same name, another kind
    assert gallery.tiles["note"].kind == "heatgrid"
    # a burst of queued views is drawn one per event-loop turn, the newest of each name
    for i in range(5):
        gallery.queue_view(t.View("burst", t.Text(f"draw {i}")))
    gallery.queue_view(t.View("other", t.Text("once")))
    assert gallery.pending() == 2 and gallery.has("burst") and "burst" not in gallery.tiles
    qtbot.waitUntil(lambda: gallery.pending() == 0, timeout=TIMEOUT_MS)
    assert gallery.tiles["burst"].renderer.text() == "draw 4" and gallery.has("other")
    gallery.clear()
    assert gallery.names() == [] and gallery.hint.isVisible()
    assert not dialog.isVisible()  # a cleared gallery's large windows close with it


def test_a_view_sent_every_batch_repaints_its_tile_at_most_four_times_a_second(qtbot, monkeypatch):
    import time

    from ui.widgets.views import gallery as module

    gallery = module.ViewGallery()
    qtbot.addWidget(gallery)
    shown = []
    real = gallery.show_view
    monkeypatch.setattr(gallery, "show_view", lambda view: shown.append((time.monotonic(), view)) or real(view))
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < 0.9:  # 30 views a second, as a per-batch curve would come
        gallery.queue_view(t.View("batch_loss", t.Curves({"loss": ([0, 1], [1.0, sent])}), step=sent))
        sent += 1
        qtbot.wait(33)
    qtbot.waitUntil(lambda: gallery.pending() == 0, timeout=TIMEOUT_MS)
    stamps = [stamp for stamp, _ in shown]
    assert 2 <= len(shown) <= 1 + int(0.9 / module.REFRESH_SECONDS) + 1 < sent
    assert min(np.diff(stamps)) >= module.REFRESH_SECONDS - 0.005
    assert shown[-1][1].step == sent - 1  # the last one sent is the one left on screen
    assert gallery.tiles["batch_loss"].renderer.curve_data()["loss"][1][1] == sent - 1


def test_bridge_coalesces_views_per_name_within_one_flush(qtbot):
    from ui.bridge import RunBridge

    bridge = RunBridge()
    shown, order = [], []
    bridge.view.connect(lambda view: (shown.append(view), order.append(("view", view.name))))
    bridge.finished.connect(lambda event: order.append(("finished", "")))
    for i in range(100):
        bridge._queue.put(events.View("sample", t.Text(f"draw {i}"), step=i))
        if i == 50:
            bridge._queue.put(events.View("other", t.Text("once")))
    bridge._queue.put(events.Finished("run", 1, False, False))
    bridge._flush()
    assert [(v.name, v.value.text) for v in shown] == [("sample", "draw 99"), ("other", "once")]
    assert order[-1] == ("finished", "")  # the last views come before the run is reported over
    bridge._queue.put(events.View("sample", t.Text("next tick")))
    bridge._flush()
    assert shown[-1].value.text == "next tick" and len(shown) == 3


def test_curve_legends_name_only_the_curves_that_have_points(qtbot):
    """An RL trainer logs no validation: its plots must not carry a 'validation' entry."""
    from ui.widgets.curve_plot import MetricPlot

    plot = MetricPlot("return")
    plot.add("batch", [0.1, 0.2], [10.0, 12.0])
    plot.add("epoch", [1.0], [11.0])
    plot.redraw()
    labels = [label.text for _sample, label in plot.legend.items]
    assert labels == ["train, per batch (running mean)", "train, per epoch"]
    plot.add("val", [1.0], [9.0])
    plot.redraw()
    assert [label.text for _s, label in plot.legend.items][-1] == "validation, per epoch"
    plot.clear()
    assert plot.legend.items == []
