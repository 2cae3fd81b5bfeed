"""The Runs tab: the run history table, overlaid curves, opening, resuming and a live
comparison run, driven through the panel with a real Session."""

import json
import os
from types import SimpleNamespace

import pytest

from ui.panels.runs_panel import RunsPanel
from workbench.runs.history import scan_runs
from ui.session import Session
from workbench.data.base import DataInfo
from workbench.training import RunControl, TrainConfig, events
from workbench.training.job import run_training

TIMEOUT_MS = 120_000
TINY = dict(epochs=2, steps_per_epoch=3, batch_size=32)


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory):
    """Two finished LeNet runs (SGD and Adam) and one stopped after its first epoch."""
    root = tmp_path_factory.mktemp("runs")
    for name, optimizer in (("a-sgd", "sgd"), ("b-adam", "adam")):
        run_training(TrainConfig("lenet", "digits", out=str(root / name),
                                 hparams={"optimizer": optimizer}, **TINY))
    control = RunControl()

    def stop_after_first_epoch(event):
        if isinstance(event, events.EpochEnd):
            control.stop()

    run_training(TrainConfig("lenet", "digits", out=str(root / "c-stopped"), epochs=3, steps_per_epoch=2),
                 stop_after_first_epoch, control)
    return root


@pytest.fixture
def panel(qtbot, runs_root):
    session = Session()
    session.runs_root = str(runs_root)
    widget = RunsPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.refresh()
    qtbot.waitUntil(lambda: len(widget.runs) >= 3, timeout=TIMEOUT_MS)
    return widget


def history(root, name):
    return json.loads((root / name / "history.json").read_text())


def row_of(panel, name):
    for row in range(panel.table.rowCount()):
        if panel.table.item(row, 0).text().endswith(name):
            return {panel.table.horizontalHeaderItem(c).text(): panel.table.item(row, c).text()
                    for c in range(panel.table.columnCount())}
    raise AssertionError(f"{name} is not in the table")


def test_table_lists_the_runs_with_their_final_metrics(panel, runs_root):
    assert panel.table.rowCount() == 3
    for name, optimizer in (("a-sgd", "sgd"), ("b-adam", "adam")):
        row = row_of(panel, name)
        final = history(runs_root, name)
        assert row["val_accuracy"] == f"{final['val_accuracy'][-1]:.4f}"
        assert row["loss"] == f"{final['loss'][-1]:.4f}"
        assert row["Epochs"] == "2/2" and row["Model"] == "lenet" and row["Data"] == "digits"
        assert f"optimizer={optimizer}" in row["Differs from defaults"]
    record = next(r for r in panel.runs if r.name == "a-sgd")
    assert record.final["val_accuracy"] == history(runs_root, "a-sgd")["val_accuracy"][-1]
    assert row_of(panel, "c-stopped")["Epochs"] == "1/3"


def test_overlay_draws_one_curve_per_selected_run_with_the_history_values(panel, runs_root, qtbot):
    panel.select_paths([runs_root / "a-sgd", runs_root / "b-adam"])
    curves = panel.curve_data()
    assert set(curves) == {"optimizer=sgd", "optimizer=adam"}
    for label, name in (("optimizer=sgd", "a-sgd"), ("optimizer=adam", "b-adam")):
        assert curves[label][0] == [1, 2]
        assert curves[label][1] == pytest.approx(history(runs_root, name)["loss"])
    panel.metric_box.setCurrentText("val_accuracy")
    curves = panel.curve_data()
    assert curves["optimizer=adam"][1] == pytest.approx(history(runs_root, "b-adam")["val_accuracy"])
    assert panel.resume_button.isEnabled() is False  # two runs selected
    panel.select_paths([runs_root / "a-sgd"])
    assert list(panel.curve_data()) == ["optimizer=sgd"]  # curves of unselected runs are removed


def test_scan_finds_runs_inside_a_sweep_folder(runs_root, tmp_path):
    import shutil

    shutil.copytree(runs_root / "a-sgd", tmp_path / "sweep-x" / "optimizer-sgd")
    found = scan_runs([str(tmp_path)])
    assert [(r.sweep, r.name) for r in found] == [("sweep-x", "optimizer-sgd")]
    assert scan_runs([str(tmp_path / "missing")]) == []


def test_open_model_makes_it_the_session_model(panel, runs_root, qtbot):
    panel.session.set_tf_ready("CPU:0", [{"id": "CPU:0", "name": "CPU"}])
    panel.select_paths([runs_root / "b-adam"])
    assert panel.open_button.isEnabled()
    with qtbot.waitSignal(panel.session.model_changed, timeout=TIMEOUT_MS):
        panel.open_selected()
    session = panel.session
    assert session.run_dir == str(runs_root / "b-adam")
    assert session.class_names == tuple(str(i) for i in range(10))
    assert session.model.get_layer("predictions").units == 10


def test_resume_continues_the_stopped_run_and_updates_the_table(panel, runs_root, qtbot):
    panel.session.set_tf_ready("CPU:0", [{"id": "CPU:0", "name": "CPU"}])
    panel.select_paths([runs_root / "c-stopped"])
    assert panel.resume_button.isEnabled()
    with qtbot.waitSignal(panel.bridge.result, timeout=TIMEOUT_MS):
        panel.resume_selected()
    qtbot.waitUntil(lambda: row_of(panel, "c-stopped")["Epochs"] == "3/3", timeout=TIMEOUT_MS)
    final = history(runs_root, "c-stopped")
    assert final["epoch"] == [1, 2, 3]
    # the resumed run's model.keras becomes the window's model (loaded from the file)
    qtbot.waitUntil(lambda: panel.session.run_dir == str(runs_root / "c-stopped"), timeout=TIMEOUT_MS)
    # after the run the stopped run stays selected and its whole curve is drawn
    (xs, ys), = panel.curve_data().values()
    assert xs == [1, 2, 3] and ys == pytest.approx(final["loss"])


def test_repeat_trains_the_same_run_again_into_a_new_folder(panel, runs_root, qtbot):
    """Repeat gives the selected run's weights again (same seed, data, settings), beside
    it, without touching the original."""
    import numpy as np

    from workbench.models.io import load_model

    panel.session.set_tf_ready("CPU:0", [{"id": "CPU:0", "name": "CPU"}])
    original = runs_root / "b-adam"
    before = (original / "history.json").read_bytes()
    panel.select_paths([original])
    assert panel.repeat_button.isEnabled()
    with qtbot.waitSignal(panel.bridge.result, timeout=TIMEOUT_MS):
        panel.repeat_selected()
    repeat = runs_root / "b-adam-repeat"
    qtbot.waitUntil(lambda: (repeat / "model.keras").is_file(), timeout=TIMEOUT_MS)
    assert history(runs_root, "b-adam-repeat")["loss"] == history(runs_root, "b-adam")["loss"]
    for a, b in zip(load_model(str(original / "model.keras")).get_weights(),
                    load_model(str(repeat / "model.keras")).get_weights()):
        np.testing.assert_array_equal(a, b)
    assert (original / "history.json").read_bytes() == before
    from workbench.runs.rundir import repeat_config

    assert repeat_config(str(original))["out"] == str(runs_root / "b-adam-repeat2")  # never over a run


def ready_for_lenet_on_digits(session, runs_root) -> None:
    """TensorFlow ready, digits loaded, LeNet chosen, runs written under ``runs_root``."""
    from workbench import catalog, data

    session.runs_root = str(runs_root)
    session.set_tf_ready("CPU:0", [{"id": "CPU:0", "name": "CPU"}])
    session.set_dataset(data.load("digits", {}, seed=0, val_fraction=0.2), "digits", {}, 0.2)
    session.set_entry(catalog.get("lenet"))


def test_comparison_run_overlays_each_value_live(panel, qtbot, tmp_path):
    ready_for_lenet_on_digits(panel.session, tmp_path)
    panel.set_sweep("optimizer", ["sgd", "momentum", "adam"])
    assert panel.chosen_values() == ["sgd", "momentum", "adam"]
    panel.sweep_epochs.setValue(2)
    panel.sweep_steps.setValue(2)
    seen = []  # curves drawn right after each epoch event reached the panel
    panel.bridge.epoch_end.connect(lambda e: seen.append({k: len(v[1]) for k, v in panel.curve_data().items()}))
    with qtbot.waitSignal(panel.bridge.result, timeout=TIMEOUT_MS) as blocker:
        panel.start_sweep()
    results = blocker.args[0]
    assert len(results) == 3
    assert seen[0] == {"optimizer=sgd": 1} and seen[1] == {"optimizer=sgd": 2}
    assert seen[-1] == {"optimizer=sgd": 2, "optimizer=momentum": 2, "optimizer=adam": 2}
    # once the runs are in the table they are selected and drawn from their history.json
    qtbot.waitUntil(lambda: len(panel.selected_runs()) == 3, timeout=TIMEOUT_MS)
    curves = panel.curve_data()
    assert set(curves) == {"optimizer=sgd", "optimizer=momentum", "optimizer=adam"}
    for result, value in zip(results, ("sgd", "momentum", "adam")):
        config = json.loads(open(os.path.join(result.run_dir, "config.json")).read())
        saved = json.loads(open(os.path.join(result.run_dir, "history.json")).read())
        assert config["hparams"]["optimizer"] == value and config["epochs"] == 2
        assert curves[f"optimizer={value}"][1] == pytest.approx(saved[panel.metric_box.currentText()])
    finals = [f"{r.history['val_accuracy'][-1]:.3f}" for r in results]
    assert panel.state.text() == ("Comparison of optimizer finished (3 runs). Final val_accuracy: "
                                  f"sgd {finals[0]} · momentum {finals[1]} · adam {finals[2]}")
    # one progress bar over the whole comparison: 3 runs x 2 epochs x 2 batches
    assert panel.progress.maximum() == panel.progress.value() == 12
    assert panel.progress.format().endswith("run 3/3")


def test_search_trials_are_drawn_live_one_line_each(panel, qtbot, tmp_path):
    """A grid search's trials join the Runs tab's plot as their epochs end, not at the end."""
    ready_for_lenet_on_digits(panel.session, tmp_path)
    trials = [{"learning_rate": 0.01}, {"learning_rate": 0.001}]
    seen = []  # the plot's lines right after each epoch event reached the panel
    box = panel.search_box
    box.bridge.epoch_end.connect(lambda e: seen.append({k: len(v[1]) for k, v in panel.curve_data().items()}))
    with qtbot.waitSignal(box.bridge.result, timeout=TIMEOUT_MS):
        box.start(trials, "grid", "val_accuracy", epochs=2, steps_per_epoch=2)
    first, second = "1: learning_rate=0.01", "2: learning_rate=0.001"
    assert seen[0] == {first: 1} and seen[1] == {first: 2}
    assert seen[-1] == {first: 2, second: 2}


def test_a_run_finished_in_the_train_tab_appears_without_refresh(panel, runs_root, qtbot, tmp_path):
    import shutil

    panel.session.runs_root = str(tmp_path)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0, timeout=TIMEOUT_MS)
    assert panel.empty.text().startswith("No runs yet in")
    shutil.copytree(runs_root / "a-sgd", tmp_path / "new-run")
    panel.session.set_model(None, str(tmp_path / "new-run" / "model.keras"), source="trained")
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=TIMEOUT_MS)
    assert row_of(panel, "new-run")["Epochs"] == "2/2"


def test_comparison_needs_two_values_and_data(panel, qtbot):
    from workbench import catalog

    session = panel.session
    session.set_tf_ready("CPU:0", [{"id": "CPU:0", "name": "CPU"}])
    session.set_entry(catalog.get("lenet"))
    panel.start_sweep()
    assert session.last_error.startswith("No data loaded")
    session.dataset = SimpleNamespace(info=DataInfo("digits", "image", "classification", (8, 8, 1)))
    panel.set_sweep("normalization", ["batch"])
    panel.start_sweep()
    assert session.last_error == "Tick at least two values of normalization to compare."
    assert not panel.bridge.running
    session.dataset = SimpleNamespace(info=DataInfo("iris", "tabular", "classification", (4,)))
    panel.set_sweep("normalization", ["batch", "layer"])
    panel.start_sweep()
    assert "takes image data, but 'iris' is tabular data" in session.last_error
