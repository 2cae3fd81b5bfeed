"""The Train tab's progress line shows what is true: a new run starts from nothing, the
ETA follows the run's speed without its start-up, and an ended run shows no ETA."""

import pytest

from workbench.training import events


@pytest.fixture
def panel(qtbot):
    from ui.panels.train_panel import TrainPanel
    from ui.session import Session

    panel = TrainPanel(Session())
    qtbot.addWidget(panel)
    return panel


def start(panel, epochs=4, steps=10):
    panel._started(events.RunStarted("/tmp/run", {"model": "lenet", "data": "digits"}, "CPU:0", epochs, 0,
                                     steps, 1000))


def test_the_eta_leaves_out_the_start_up_and_ends_with_the_run(panel, monkeypatch):
    import ui.panels.train_panel as module

    clock = iter([30.0, 31.0])  # the first batch ended 30 s after Start (tracing); the next 1 s later
    monkeypatch.setattr(module.time, "monotonic", lambda: next(clock))
    start(panel)
    assert panel.progress_text.text() == "epoch 1/4 · starting…"
    panel._batches([events.BatchEnd(0, 1, 10, {"loss": 2.0})])
    assert "ETA …" in panel.progress_text.text()  # one point: no rate yet
    panel._batches([events.BatchEnd(0, 2, 10, {"loss": 1.5})])
    # 38 batches left at 1 s each; elapsed / done would have said 31 / 2 * 38 = 9:49
    assert panel.progress_text.text() == "epoch 1/4 · batch 2/10 · loss 1.5000 · ETA 0:38"
    panel._finished(events.Finished("/tmp/run", 1, True, False, {"loss": [1.5]}))
    assert panel.progress_text.text() == "stopped after epoch 1/4"


def test_a_new_run_clears_the_last_ones_progress(panel):
    start(panel)
    panel._batches([events.BatchEnd(3, 10, 10, {"loss": 0.1})])
    panel._finished(events.Finished("/tmp/run", 4, False, False, {"loss": [0.1]}))
    assert panel.progress_text.text() == "finished 4/4 epochs"
    assert panel.progress.value() == panel.progress.maximum()
    panel.bridge.start = lambda job: None  # no run process: only what Start shows at once
    panel.launch(lambda emit, control: None)
    assert panel.progress.value() == panel.progress.minimum()
    assert panel.progress_text.text() == "starting…"


def test_tensorboard_logs_can_be_switched_off_for_a_run(panel):
    from workbench.catalog import get

    from workbench import data

    session = panel.session
    session.tf_loaded, session.data_source = True, "digits"
    session.dataset, session.entry = data.load("digits", {}, seed=0, val_fraction=0.2), get("lenet")
    assert panel.make_config().tensorboard is True
    panel.tensorboard.setChecked(False)
    assert panel.make_config().tensorboard is False
