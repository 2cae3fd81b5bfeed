"""The real main window, driven like a user: digits + LeNet, train, stop, resume,
explain, export, and every kind of bad input ending in a sentence, not a traceback.

The tests of this module share one window (``window`` fixture) and run in order:
the trained model of the training test is the one explained and exported later.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent

TIMEOUT_MS = 120_000
DIGITS_TRAIN = 1438  # 80 % of 1,797 digits, stratified
BATCH = 32


def test_window_appears_before_tensorflow_is_imported():
    env = {**os.environ, "KERAS_WORKBENCH_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    out = subprocess.run([sys.executable, "-c", "from ui.app import main; raise SystemExit(main([]))"],
                         env=env, capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    line = next(l for l in out.stdout.splitlines() if l.startswith("startup-probe"))
    fields = dict(part.split("=") for part in line.split()[1:])
    assert fields["tensorflow_imported"] == "False"
    assert 0.0 < float(fields["shown_at"]) - started < 30.0


def test_defaults_are_digits_and_lenet(window, qtbot):
    session = window.session
    assert session.entry.name == "lenet"
    assert session.dataset.info.name == "digits"
    assert len(session.dataset.x_train) == DIGITS_TRAIN
    assert window.tf_label.text().startswith("Ready — device CPU:0")
    data_panel = window.panel("DataPanel")
    assert len(data_panel.grid.images) == 40
    assert sum(data_panel.chart.counts.values()) == 1797
    model_panel = window.panel("ModelPanel")
    # the layer table is built in the background once TensorFlow is there
    qtbot.waitUntil(lambda: model_panel.layers.topLevelItemCount() > 0, timeout=TIMEOUT_MS)
    names = [model_panel.layers.topLevelItem(r).text(0) for r in range(model_panel.layers.topLevelItemCount())]
    assert names[-1] == "predictions"


def test_training_streams_curves_while_the_event_loop_runs(window, qtbot):
    panel = window.show_panel("TrainPanel")
    panel.epochs.setValue(1)
    ticks, deliveries = [], []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    panel.bridge.batches.connect(lambda batches: deliveries.append((time.perf_counter(), len(batches))))
    timer.start()
    started = time.perf_counter()
    with qtbot.waitSignal(panel.bridge.result, timeout=TIMEOUT_MS):
        panel.start()
    elapsed = time.perf_counter() - started
    timer.stop()
    steps = -(-DIGITS_TRAIN // BATCH)
    assert panel.curves.points("loss", "batch") == steps
    assert panel.curves.points("accuracy", "val") == 1
    assert sum(n for _, n in deliveries) == steps
    # the GUI kept ticking while the run trained in its process: at least a sixth of the 10 ms
    # ticks came, however busy the machine (a quarter or more under a load of 4-19 on 2 cores;
    # a frozen window ticks once). The p99 lateness is measured by benchmarks/gui_latency.py.
    assert len(ticks) >= elapsed / 0.010 / 6
    # batches arrive throttled (~30 Hz), never one signal per batch
    gaps = np.diff([t for t, _ in deliveries])
    assert len(gaps) == 0 or gaps.min() > 0.015
    # the run trained in its own process: the window loads its model.keras afterwards
    qtbot.waitUntil(lambda: window.session.model is not None, timeout=TIMEOUT_MS)
    assert os.path.isfile(window.session.model_path)
    assert panel.progress.value() == panel.progress.maximum()


def test_stop_mid_run_keeps_model_and_resume_point_then_resume(window, qtbot):
    panel = window.show_panel("TrainPanel")
    panel.epochs.setValue(3)
    with qtbot.waitSignal(panel.bridge.epoch_end, timeout=TIMEOUT_MS):
        panel.start()
    with qtbot.waitSignal(panel.bridge.finished, timeout=TIMEOUT_MS) as blocker:
        panel.stop()
    finished = blocker.args[0]
    assert finished.stopped
    assert 1 <= finished.epochs_done < 3
    assert os.path.isfile(finished.model_path)
    with open(os.path.join(finished.run_dir, "checkpoint", "state.json")) as handle:
        state = json.load(handle)
    assert state["epochs_done"] == finished.epochs_done
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=TIMEOUT_MS)
    # the stopped run's model.keras becomes the window's model (loaded from the file)
    qtbot.waitUntil(lambda: window.session.run_dir == finished.run_dir, timeout=TIMEOUT_MS)
    stopped_model = window.session.model

    with qtbot.waitSignal(panel.bridge.finished, timeout=TIMEOUT_MS) as blocker:
        panel.resume(finished.run_dir)
    resumed = blocker.args[0]
    assert not resumed.stopped
    assert resumed.epochs_done == 3
    assert resumed.history["epoch"] == [1, 2, 3]
    assert panel.curves.points("loss", "epoch") == 3  # the earlier epochs were plotted first
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=TIMEOUT_MS)
    # and the resumed run's model replaces the stopped one's
    qtbot.waitUntil(lambda: window.session.model is not stopped_model, timeout=TIMEOUT_MS)


def test_gradcam_overlay_and_instant_reblend(window, qtbot):
    panel = window.show_panel("XaiPanel")
    qtbot.waitUntil(lambda: panel.explanation is not None, timeout=TIMEOUT_MS)
    explanation = panel.explanation
    assert explanation.method == "gradcam"
    heat = explanation.heatmap
    assert heat.shape == (8, 8)
    assert 0.0 <= heat.min() and heat.max() <= 1.0 and heat.max() > heat.min()
    plain = panel.input_view.pixels.astype(int)
    blended = panel.overlay_view.pixels.astype(int)
    assert plain.shape == blended.shape == (256, 256, 3)  # 8x8 digits shown as 32x32-pixel blocks
    assert np.abs(blended - plain).mean() > 5.0
    assert panel.top.rowCount() == 5
    shown = [float(panel.top.item(r, 1).text().rstrip("%")) for r in range(5)]
    assert shown == sorted(shown, reverse=True) and sum(shown) <= 100.5

    panel.opacity.setValue(0)  # re-blends without recomputing
    assert panel.explanation is explanation
    assert np.array_equal(panel.overlay_view.pixels, panel.input_view.pixels)
    panel.opacity.setValue(80)
    jet = panel.overlay_view.pixels.copy()
    panel.colormap.setCurrentText("viridis")
    assert panel.explanation is explanation
    assert not np.array_equal(jet, panel.overlay_view.pixels)

    # another class: a new explanation of that class
    target = int(np.argsort(explanation.probabilities)[-2])
    panel.klass.setCurrentIndex(panel.klass.findData(target))
    panel.explain()
    qtbot.waitUntil(lambda: panel.explanation.class_index == target, timeout=TIMEOUT_MS)


def test_dropped_image_file_is_explained(window, qtbot, tmp_path):
    import cv2

    path = str(tmp_path / "three.png")
    picture = np.zeros((40, 30, 3), np.uint8)
    cv2.putText(picture, "3", (5, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 3)
    cv2.imwrite(path, picture)
    panel = window.panel("XaiPanel")
    before = panel.explanation
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(path)])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.tabs.currentWidget() is panel
    shown = (240, 180, 3)  # 40x30 enlarged six times for display
    qtbot.waitUntil(lambda: panel.explanation is not before and panel.from_file.isChecked()
                    and panel.overlay_view.pixels is not None
                    and panel.overlay_view.pixels.shape == shown, timeout=TIMEOUT_MS)
    assert panel.input_view.pixels.shape == shown
    assert panel.explanation.heatmap.shape == (8, 8)  # computed at the model's input size
    assert panel.top.rowCount() > 0 and panel.prediction.text()
    # another model: nothing of this one's answer stays while the new one is inspected
    session = window.session
    model = session.model
    session.model_changed.disconnect(panel._model_changed)  # only this tab sees the change
    try:
        panel._model_changed(None)
        assert panel.top.rowCount() == 0 and panel.prediction.text() == ""
        assert panel.layer.count() == 0 and panel.klass.count() == 0
    finally:
        session.model_changed.connect(panel._model_changed)
        panel._model_changed(model)
    qtbot.waitUntil(lambda: panel.top.rowCount() > 0, timeout=TIMEOUT_MS)


def test_export_keras_and_reload(window, qtbot, tmp_path):
    panel = window.show_panel("ExportPanel")
    assert panel.export_button.isEnabled()
    target = str(tmp_path / "lenet.keras")
    panel.format.setCurrentIndex(panel.format.findData("keras"))
    panel.path.setText(target)
    panel.export()
    qtbot.waitUntil(lambda: panel.last_path == target, timeout=TIMEOUT_MS)
    assert os.path.isfile(target)
    assert panel.last_diff < 1e-5
    assert "max |diff|" in panel.result.text()

    # dropping the exported file opens it as the current model, with its predictions intact
    trained = window.session.model
    window.open_path(target)
    qtbot.waitUntil(lambda: window.session.model is not trained, timeout=TIMEOUT_MS)
    assert window.session.model_source == "file" and window.session.model_path == target
    x = window.session.dataset.x_val[:8]
    assert np.abs(np.asarray(window.session.model(x)) - np.asarray(trained(x))).max() < 1e-5


def _expect_error(window, qtbot, action, fragment: str) -> str:
    window.session.last_error = ""
    action()
    qtbot.waitUntil(lambda: window.session.last_error != "", timeout=TIMEOUT_MS)
    message = window.session.last_error
    assert fragment in message
    assert "Traceback" not in message
    assert window.statusBar().currentMessage() == message
    assert window.error_box is not None and window.error_box.isVisible()
    window.error_box.close()
    return message


@pytest.mark.parametrize("case", ["empty_folder", "csv_text", "not_an_image", "unknown_file"])
def test_bad_input_gives_a_sentence(window, qtbot, tmp_path, case):
    dataset = window.session.dataset
    if case == "empty_folder":
        folder = tmp_path / "empty"
        folder.mkdir()
        _expect_error(window, qtbot, lambda: window.open_path(str(folder)), "no class sub-folders")
    elif case == "csv_text":
        path = tmp_path / "table.csv"
        path.write_text("a,b,label\n1,2,x\n3,oops,y\n5,6,x\n")
        _expect_error(window, qtbot, lambda: window.open_path(str(path)), "has text")
    elif case == "not_an_image":
        path = tmp_path / "broken.png"
        path.write_bytes(b"this is not a png")
        _expect_error(window, qtbot, lambda: window.open_path(str(path)), "not a readable image")
    else:
        path = tmp_path / "notes.txt"
        path.write_text("hello")
        _expect_error(window, qtbot, lambda: window.open_path(str(path)), "Cannot open notes.txt")
    assert window.session.dataset is dataset  # a failed load leaves the loaded data alone


def test_out_of_range_hyperparameter_is_flagged_and_refused(window, qtbot):
    model_panel = window.show_panel("ModelPanel")
    form = model_panel.form
    form.set_value("early_stopping", "5000")
    assert "early_stopping" in form.errors()
    assert form.editors["early_stopping"].styleSheet() != ""
    train = window.panel("TrainPanel")
    message = _expect_error(window, qtbot, train.start, "early_stopping=5000 is above its maximum 1000")
    assert not train.bridge.running
    assert message
    form.set_value("early_stopping", "0")
    assert form.errors() == {}
    assert form.editors["early_stopping"].styleSheet() == ""


def test_log_scale_spin_box_steps_by_decades(qtbot):
    from ui.widgets.hparam_form import HParamForm
    from workbench.catalog import TRAINING_HPARAMS

    form = HParamForm()
    qtbot.addWidget(form)
    form.set_specs([("Training", TRAINING_HPARAMS)])
    spin = form.editors["learning_rate"]
    spin.stepBy(4)  # four steps per decade
    assert spin.value() == pytest.approx(1e-2)
    spin.stepBy(-8)
    assert spin.value() == pytest.approx(1e-4)
    spin.stepBy(1000)  # the arrows stop at the declared maximum
    assert spin.value() == pytest.approx(10.0)
    momentum = form.editors["momentum"]
    momentum.stepBy(100)
    assert momentum.value() == pytest.approx(0.999)
    assert form.values()["learning_rate"] == pytest.approx(10.0)


def test_the_qt_binding_keeps_none_alive(qtbot):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None on every Qt call that
    returns nothing, and a live plot then aborts the process ("none_dealloc");
    pyproject.toml pins 6.11.3 below Python 3.12. This guards against such a binding."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(1000):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) - before > -10


def test_choosing_an_entry_sets_its_own_default_epochs(window, qtbot):
    panel = window.panel("TrainPanel")
    window.panel("ModelPanel").choose("alphago_zero")
    qtbot.waitUntil(lambda: panel.epochs.value() == 20, timeout=TIMEOUT_MS)
    window.panel("ModelPanel").choose("lenet")
    qtbot.waitUntil(lambda: panel.epochs.value() == 5, timeout=TIMEOUT_MS)
