"""Views prepared for the window where the run runs (``workbench.views.display``): the
projection, layout and spectrogram a window would otherwise compute, equal to what the
window and the PNG renderer compute themselves (scikit-learn, networkx, scipy)."""

import numpy as np
import pytest

from workbench.views import display, memo
from workbench.views import types as t


def scatter_view(seed=0, projection="pca"):
    rng = np.random.default_rng(seed)
    return t.View("embedding", t.Scatter(rng.normal(size=(60, 5)), rng.integers(0, 3, 60), ["a", "b", "c"],
                                         projection=projection), step=2)


def test_a_scatter_arrives_projected_with_its_own_method():
    from sklearn.decomposition import PCA

    view = scatter_view()
    prepared = display.prepare(view)
    expected = PCA(n_components=2, random_state=0).fit_transform(view.value.features)
    np.testing.assert_allclose(prepared.value.projected["pca"], expected, atol=1e-9)
    assert set(prepared.value.projected) == {"pca"}
    assert (prepared.name, prepared.step, prepared.title) == (view.name, view.step, view.title)
    assert view.value.projected == {}  # the recorder's object is left as it was
    meta, arrays = prepared.value.to_record()
    assert "projected" not in meta and set(arrays) == {"features", "labels"}


def test_a_tsne_scatter_is_projected_by_tsne():
    from workbench.views.projection import project

    prepared = display.prepare(scatter_view(projection="tsne"))
    np.testing.assert_array_equal(prepared.value.projected["tsne"],
                                  project(prepared.value.features, "tsne", seed=0))


def test_a_graph_arrives_laid_out_as_networkx_lays_it_out():
    import networkx as nx

    edges = np.array([[0, 1], [1, 2], [2, 0], [3, 4]])
    view = t.View("graph", t.Graph(edges, 6, np.array([0, 0, 1, 1, 2, 2])))
    prepared = display.prepare(view)
    graph = nx.Graph()
    graph.add_nodes_from(range(6))
    graph.add_edges_from(edges.tolist())
    layout = nx.spring_layout(graph, seed=0)
    np.testing.assert_allclose(prepared.value.positions, [layout[i] for i in range(6)], atol=1e-12)
    assert view.value.positions is None


def test_a_sound_arrives_with_its_spectrogram():
    from scipy.signal import spectrogram

    rate = 8000
    samples = np.sin(2 * np.pi * 440 * np.arange(rate) / rate).astype(np.float32)
    prepared = display.prepare(t.View("sound", t.Audio(samples, rate)))
    freqs, _, db = prepared.value.spectrum
    f, _, power = spectrogram(samples.astype(np.float64), fs=rate, nperseg=256, noverlap=128)
    np.testing.assert_allclose(db, 10 * np.log10(power + 1e-10), rtol=1e-10)
    np.testing.assert_array_equal(freqs, f)
    assert abs(freqs[np.argmax(db.mean(axis=1))] - 440) <= rate / 256  # the tone's bin is the loudest
    short = display.prepare(t.View("click", t.Audio(np.ones(8), rate)))
    assert short.value.spectrum == ()  # prepared, and there is none to draw


def test_other_views_pass_unchanged():
    view = t.View("text", t.Text("hello"))
    assert display.prepare(view) is view
    laid = t.View("graph", t.Graph(np.array([[0, 1]]), 2, positions=np.array([[0.0, 0.0], [1.0, 1.0]])))
    assert display.prepare(laid) is laid


def test_the_sender_keeps_the_order_and_prepares_only_views():
    sent = []
    sender = display.DisplaySender(sent.append)
    events = [("batch", i) for i in range(3)] + [scatter_view()] + [("batch", 3), ("result", None)]
    for event in events:
        sender(event)
    sender.close()
    assert [e if isinstance(e, tuple) else "view" for e in sent] == [*events[:3], "view", *events[4:]]
    assert "pca" in sent[3].value.projected


def test_a_view_that_cannot_be_prepared_still_arrives(monkeypatch):
    sent = []

    def fail(view):
        raise RuntimeError("no layout")

    monkeypatch.setattr(display, "prepare", fail)
    sender = display.DisplaySender(sent.append)
    view = scatter_view()
    sender(view)
    sender.close()
    assert sent == [view]


def test_a_projection_is_computed_once_for_the_png_and_the_window(monkeypatch):
    from workbench.views import projection

    calls = []
    real = projection._pca
    monkeypatch.setattr(projection, "_pca", lambda f, s: calls.append(1) or real(f, s))
    features = np.random.default_rng(7).normal(size=(40, 4))
    first = projection.project(features, "pca")
    first[:] = 0  # a caller's changes never reach the cache
    second = projection.project(features.copy(), "pca")
    assert len(calls) == 1
    np.testing.assert_array_equal(second, real(features, 0))
    projection.project(features + 1e-9, "pca")  # other numbers, another entry
    assert len(calls) == 2


def test_the_cache_keeps_only_the_newest(monkeypatch):
    monkeypatch.setattr(memo, "CAPACITY", 2)
    monkeypatch.setattr(memo, "_results", type(memo._results)())
    computed = []
    for i in (1, 2, 3, 1):
        memo.cached(memo.key("x", np.array([i])), lambda i=i: computed.append(i) or i)
    assert computed == [1, 2, 3, 1]  # 1 was dropped when 3 came


@pytest.mark.parametrize("kind", ["scatter", "audio"])
def test_prepared_parts_do_not_change_the_png(tmp_path, kind):
    from workbench.views.render import render_png

    rate = 8000
    view = (scatter_view() if kind == "scatter" else
            t.View("sound", t.Audio(np.sin(np.arange(rate) * 0.3).astype(np.float32), rate)))
    plain, prepared = tmp_path / "plain.png", tmp_path / "prepared.png"
    render_png(view, str(plain))
    render_png(display.prepare(view), str(prepared))
    assert plain.read_bytes() == prepared.read_bytes()
