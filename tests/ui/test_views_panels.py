"""Views in the panels: a fake training job that emits one view of each type drives the
Train tab of the real main window; the Runs tab lists and reopens a run's stored views
(and says why a damaged one cannot be shown); the Data tab previews a non-array source."""

import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from workbench.data.base import DataInfo
from workbench.data.sources import Source
from workbench.runs.atomic import write_json
from workbench.training import events
from workbench.views import store
from workbench.views import types as t

TIMEOUT_MS = 60_000
EPOCHS, BATCHES = 3, 25
NAMES = ["batch_note", "loss_by_gap", "confusion", "samples", "embedding", "citations", "generated", "voice"]


def one_of_each(epoch: int) -> list:
    """The views a trainer would send at the end of ``epoch`` (zero-based)."""
    rng = np.random.default_rng(epoch)
    step = epoch + 1
    ring = np.array([[i, (i + 1) % 12] for i in range(12)])
    return [
        t.View("loss_by_gap", t.Curves({"lstm": (np.arange(5), np.arange(5) * (epoch + 1.0))}, "gap", "loss"),
               step=step),
        t.View("confusion", t.HeatGrid(np.eye(3) * (epoch + 1), ["a", "b", "c"], ["a", "b", "c"], "predicted",
                                       "true", annotate=True), step=step),
        t.View("samples", t.ImageGrid(rng.random((8, 12, 12)), [f"#{i}" for i in range(8)]), step=step),
        t.View("embedding", t.Scatter(rng.normal(size=(40, 2)), np.arange(40) % 4), step=step),
        t.View("citations", t.Graph(ring, 12, np.arange(12) % 3, positions=np.c_[np.cos(np.arange(12)),
                                                                                np.sin(np.arange(12))]),
               step=step),
        t.View("generated", t.Text(f"epoch {step}: the quick brown fox"), step=step),
        t.View("voice", t.Audio(np.sin(np.arange(4000) * 0.3), 8000, f"epoch {step}"), step=step),
    ]


def fake_job(run_dir: str, views_per_epoch=one_of_each, epochs: int = EPOCHS, after_epoch=None):
    """A run without a model: batches, a per-batch view (to be coalesced) and epoch views."""
    def job(emit, control):
        emit(events.RunStarted(run_dir, {"model": "fake", "data": "none"}, "CPU:0", epochs, 0, BATCHES, 10))
        history = {"epoch": [], "loss": []}
        for epoch in range(epochs):
            for step in range(1, BATCHES + 1):
                emit(events.BatchEnd(epoch, step, BATCHES, {"loss": 1.0 / (epoch * BATCHES + step)}))
                emit(t.View("batch_note", t.Text(f"epoch {epoch + 1} batch {step}"), step=epoch + 1))
            for view in views_per_epoch(epoch):
                emit(view)
            history["epoch"].append(epoch + 1)
            history["loss"].append(1.0 / (epoch + 1))
            emit(events.EpochEnd(epoch, {"loss": history["loss"][-1]}, 0.01, 0.0))
            if after_epoch is not None:
                after_epoch(epoch)
        emit(events.Finished(run_dir, epochs, False, False, history))
    return job


@pytest.fixture(scope="module")
def window(qapp):
    from ui.main_window import MainWindow

    win = MainWindow()  # no TensorFlow needed: the jobs here train nothing
    win.resize(1280, 820)
    win.show()
    panel = win.panel("TrainPanel")
    panel.bridge.result.disconnect(panel._result)  # a fake job returns no model
    panel.bridge.in_process = False  # the fake jobs here are closures, run on a thread
    yield win
    win.close()
    win.deleteLater()


def run(panel, qtbot, job, **kw):
    panel.launch(job, **kw)
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=TIMEOUT_MS)


def test_train_tab_shows_a_tile_per_view_updated_in_place(window, qtbot, tmp_path):
    panel = window.show_panel("TrainPanel")
    assert panel.gallery.hint.isVisible()
    delivered = []
    drawn = [threading.Event() for _ in range(EPOCHS)]
    gallery = panel.gallery

    def seen(view):
        delivered.append(view.name)

    def drained():  # the tiles show what arrived: the next epoch may come
        voice = gallery.tiles.get("voice")
        if voice is not None and not gallery.pending():
            drawn[voice.view.step - 1].set()

    panel.bridge.view.connect(seen)
    timer = QTimer()
    timer.timeout.connect(drained)
    timer.start(10)
    # each epoch waits until the window has drawn the one before, as a real epoch takes long enough
    run(panel, qtbot, fake_job(str(tmp_path / "run"), after_epoch=lambda epoch: drawn[epoch].wait(30)))
    qtbot.waitUntil(lambda: not gallery.pending(), timeout=TIMEOUT_MS)
    timer.stop()
    assert gallery.names() == NAMES and not gallery.hint.isVisible()
    assert delivered.count("confusion") == EPOCHS and gallery.created == len(NAMES)  # updated in place
    last = {view.name: view for view in one_of_each(EPOCHS - 1)}
    renderers = {name: tile.renderer for name, tile in gallery.tiles.items()}
    np.testing.assert_array_equal(renderers["loss_by_gap"].curve_data()["lstm"][1],
                                  last["loss_by_gap"].value.series["lstm"][1])
    np.testing.assert_array_equal(renderers["confusion"].image.image, np.eye(3).T * EPOCHS)
    assert renderers["confusion"].annotations()[0] == str(EPOCHS)
    np.testing.assert_array_equal(renderers["samples"].value.images, last["samples"].value.images)
    assert renderers["embedding"].point_count() == 40 and len(renderers["embedding"].points) == 4
    assert renderers["citations"].node_count() == 12
    assert renderers["generated"].text() == f"epoch {EPOCHS}: the quick brown fox"
    assert renderers["batch_note"].text() == f"epoch {EPOCHS} batch {BATCHES}"
    assert gallery.tiles["voice"].step.text() == f"epoch {EPOCHS}"
    # 75 per-batch views reached the GUI a few times at most: the bridge keeps the latest per tick
    assert 1 <= delivered.count("batch_note") < EPOCHS * BATCHES / 3
    panel.bridge.view.disconnect(seen)
    assert panel.curves.points("loss", "batch") == EPOCHS * BATCHES

    # a new run starts with an empty gallery
    run(panel, qtbot, fake_job(str(tmp_path / "run2"), lambda e: [t.View("only", t.Text("x"))], epochs=1))
    qtbot.waitUntil(lambda: panel.gallery.names() == ["batch_note", "only"], timeout=TIMEOUT_MS)


def test_resumed_run_shows_its_stored_views_then_the_live_ones(window, qtbot, tmp_path):
    run_dir = str(tmp_path / "stopped")
    store.save_view(run_dir, t.View("confusion", t.HeatGrid(np.full((2, 2), 4.0)), step=2))
    store.save_view(run_dir, t.View("generated", t.Text("stored at epoch 2"), step=2))
    panel = window.show_panel("TrainPanel")

    def live(epoch):
        time.sleep(0.3)  # the stored views are read meanwhile
        return [t.View("generated", t.Text("live at epoch 3"), step=3)]

    run(panel, qtbot, fake_job(run_dir, live, epochs=1), resumed=run_dir)
    qtbot.waitUntil(lambda: "confusion" in panel.gallery.tiles and not panel.gallery.pending(), timeout=TIMEOUT_MS)
    np.testing.assert_array_equal(panel.gallery.tiles["confusion"].renderer.image.image, np.full((2, 2), 4.0))
    assert panel.gallery.tiles["confusion"].step.text() == "epoch 2"
    assert panel.gallery.tiles["generated"].renderer.text() == "live at epoch 3"


@pytest.fixture
def runs_panel(qtbot, tmp_path):
    from ui.panels.runs_panel import RunsPanel
    from ui.session import Session
    from workbench.training import TrainConfig

    run_dir = tmp_path / "runs" / "20260101-000000-lenet"
    run_dir.mkdir(parents=True)
    write_json(str(run_dir / "config.json"), TrainConfig("lenet", "digits", epochs=2).to_dict())
    write_json(str(run_dir / "history.json"), {"epoch": [1, 2], "loss": [0.9, 0.5]})
    store.save_view(str(run_dir), t.View("confusion", t.HeatGrid([[8, 1], [2, 9]], ["cat", "dog"], ["cat", "dog"],
                                                                 annotate=True), step=2))
    store.save_view(str(run_dir), t.View("samples", t.ImageGrid(np.zeros((4, 6, 6), np.uint8)), step=2))
    (run_dir / "views" / "attention.json").write_text("{not json")
    session = Session()
    session.runs_root = str(tmp_path / "runs")
    panel = RunsPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.refresh()
    qtbot.waitUntil(lambda: len(panel.runs) == 1, timeout=TIMEOUT_MS)
    return panel, run_dir


def test_runs_tab_lists_and_reopens_a_runs_views(runs_panel, qtbot):
    panel, run_dir = runs_panel
    browser = panel.run_views
    panel.select_paths([run_dir])
    qtbot.waitUntil(lambda: len(browser.infos) == 3, timeout=TIMEOUT_MS)
    rows = [[browser.table.item(r, c).text() for c in range(3)] for r in range(browser.table.rowCount())]
    assert rows == [["attention", "damaged", "–"], ["confusion", "heatgrid", "2"], ["samples", "imagegrid", "2"]]
    browser.choose("confusion")
    qtbot.waitUntil(lambda: browser.shown is not None and browser.shown.name == "confusion", timeout=TIMEOUT_MS)
    renderer = browser.tile.renderer
    np.testing.assert_array_equal(renderer.image.image, np.array([[8, 1], [2, 9]]).T)
    assert renderer.annotations() == ["8", "1", "2", "9"]
    assert renderer.cell_text(0.5, 1.5) == "row dog · column cat: 2"
    # the run goes on writing views: the same run re-read keeps the chosen view, now newer
    store.save_view(str(run_dir), t.View("confusion", t.HeatGrid([[9, 0], [1, 10]], annotate=True), step=3))
    store.save_view(str(run_dir), t.View("zeta", t.Text("new")))
    browser.show_run(str(run_dir))
    qtbot.waitUntil(lambda: len(browser.infos) == 4 and browser.shown is not None and browser.shown.step == 3,
                    timeout=TIMEOUT_MS)
    assert browser.chosen_name() == "confusion" and renderer.annotations() == ["9", "0", "1", "10"]
    browser.choose("attention")
    assert browser.shown is None and not browser.tile.isVisible()
    assert "attention cannot be shown" in browser.message.text() and "attention.json" in browser.message.text()
    panel.table.clearSelection()
    assert browser.infos == [] and "Select one run" in browser.message.text()


@dataclass
class TinyCorpus(Source):
    """A non-array source as the corpus/environment helpers write them: no x_train at all."""

    text: str = ""

    def preview(self):
        self.preview_thread = threading.current_thread()
        counts = np.unique(list(self.text), return_counts=True)
        return [t.View("sample_text", t.Text(self.text[:40])),
                t.View("character_counts", t.Curves({"count": (np.arange(len(counts[1])), counts[1])}))]

    def describe(self):
        return {"characters": len(self.text), "vocabulary": len(set(self.text))}


def test_data_tab_previews_a_source_on_a_worker(window, qtbot):
    panel = window.show_panel("DataPanel")
    corpus = TinyCorpus(DataInfo("tiny-corpus", "text", "sequence", (1,)), text="abracadabra " * 200)
    window.session.set_dataset(corpus, "tiny-corpus", {}, 0.2)
    qtbot.waitUntil(lambda: panel.preview.names() == ["sample_text", "character_counts"], timeout=TIMEOUT_MS)
    assert panel.views.currentWidget() is panel.preview
    assert corpus.preview_thread is not threading.main_thread()
    assert panel.preview.tiles["sample_text"].renderer.text() == ("abracadabra " * 4)[:40]
    drawn = panel.preview.tiles["character_counts"].renderer.curve_data()["count"][1]
    np.testing.assert_array_equal(drawn, [200, 1000, 400, 200, 200, 400])  # ' ', a, b, c, d, r
    assert "characters: 2,400" in panel.info.text() and "vocabulary: 6" in panel.info.text()
    assert "tiny-corpus" in panel.info.text() and "text" in panel.info.text()
