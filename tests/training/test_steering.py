"""Steering a run while it trains: changes at batch boundaries, recorded, repeated, resumed.

Two CPU runs of one seed give identical weights (see test_exact_resume), so equality is
the test: a change applied one batch late, a freeze forgotten on resume or a learning
rate not re-applied each move the weights.
"""

import json
import os
from types import SimpleNamespace

import keras
import numpy as np
import pytest

from workbench import data
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.models.io import load_model
from workbench.runs.rundir import RunDir
from workbench.training import RunControl, TrainConfig, events, job, steering
from workbench.training.callbacks import SwitchableEarlyStopping
from workbench.training.schedule import check_change, check_schedule, load_schedule

LR = {"learning_rate": 0.05}


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")


def config(path, schedule=(), **kw):
    settings = {"epochs": 2, "batch_size": 64, "steps_per_epoch": 5, "seed": 0,
                "hparams": {"hidden_units": "32", "optimizer": "adam", "learning_rate": 1e-3}}
    settings.update(kw)
    return TrainConfig("mlp", "digits", out=str(path), schedule=list(schedule), **settings)


def weights(run_dir):
    return [np.array(w) for w in load_model(os.path.join(run_dir, "model.keras")).get_weights()]


def assert_same_weights(a, b):
    for x, y in zip(weights(a), weights(b), strict=True):
        np.testing.assert_array_equal(x, y)


class LiveAt:
    """An ``emit`` that makes ``change`` arrive live before batch ``batch`` of ``epoch``.

    The run is paused before every batch (``EventReporter`` waits on the training thread,
    before ``Steering`` looks for requests); the handler counts the pauses, sends the
    request during the right one and continues: deterministic, with no timing involved.
    """

    def __init__(self, control, epoch, batch, steps, change, stop_after_epoch=None):
        self.control, self.at, self.change = control, epoch * steps + batch, change
        self.stop_after_epoch = stop_after_epoch
        self.pauses, self.seen = 0, []
        control.pause()

    def __call__(self, event):
        self.seen.append(event)
        if isinstance(event, events.Status) and event.text == "paused":
            if self.pauses == self.at:
                self.control.request(self.change)
            self.pauses += 1
            self.control.resume()
        elif isinstance(event, events.Status) and event.text == "resumed":
            self.control.pause()  # again before the next batch
        elif isinstance(event, events.EpochEnd) and event.epoch == self.stop_after_epoch:
            self.control.resume()
            self.control.stop()


def test_a_live_change_equals_the_same_change_scheduled(tmp_path, digits):
    scheduled = job.run_training(config(tmp_path / "scheduled", [{"epoch": 0, "batch": 3, "change": LR}], epochs=1),
                                 dataset=digits)
    control = RunControl()
    live = LiveAt(control, 0, 3, 5, LR)
    job.run_training(config(tmp_path / "live", epochs=1), emit=live, control=control, dataset=digits)
    recorded = json.loads((tmp_path / "live" / "config.json").read_text())["schedule"]
    assert recorded == [{"epoch": 0, "batch": 3, "change": LR}]
    assert [(e.epoch, e.batch, e.change) for e in live.seen if isinstance(e, events.Steered)] == [(0, 3, LR)]
    assert_same_weights(scheduled.run_dir, tmp_path / "live")
    # the change mattered: one batch later is another run
    job.run_training(config(tmp_path / "late", [{"epoch": 0, "batch": 4, "change": LR}], epochs=1), dataset=digits)
    assert not all(np.array_equal(a, b) for a, b in zip(weights(scheduled.run_dir), weights(tmp_path / "late")))
    # "repeat this run": its config.json, recorded change included, into a new directory
    assert main(["train", "--config", str(tmp_path / "live" / "config.json"), "--out", str(tmp_path / "again"),
                 "--quiet"]) == 0
    assert_same_weights(tmp_path / "again", tmp_path / "live")


def test_resume_after_live_and_scheduled_changes_is_exact(tmp_path, digits):
    plan = [{"epoch": 0, "batch": 1, "change": {"freeze": ["dense_1"]}},
            {"epoch": 1, "batch": 2, "change": {"unfreeze": "dense_1"}}]
    whole = job.run_training(config(tmp_path / "whole", [*plan, {"epoch": 0, "batch": 2, "change": LR}], epochs=3),
                             dataset=digits)
    control = RunControl()
    live = LiveAt(control, 0, 2, 5, LR, stop_after_epoch=0)
    first = job.run_training(config(tmp_path / "parts", plan, epochs=3), emit=live, control=control,
                             dataset=digits)
    assert first.stopped and first.history["epoch"] == [1]
    seen = []
    resumed = job.resume_training(str(tmp_path / "parts"), emit=seen.append)
    assert resumed.history["epoch"] == [1, 2, 3]
    # what came before the resume point is re-applied (the freeze does not live in the checkpoint)
    steered = [(e.epoch, e.batch, e.replayed) for e in seen if isinstance(e, events.Steered)]
    assert steered == [(0, 1, True), (0, 2, True), (1, 2, False)]
    assert_same_weights(whole.run_dir, tmp_path / "parts")
    assert resumed.history["val_loss"] == whole.history["val_loss"]


class Recorder(keras.callbacks.Callback):
    """Each weight after each batch."""

    def __init__(self):
        super().__init__()
        self.after = []

    def on_train_batch_end(self, batch, logs=None):
        self.after.append([v.numpy().copy() for v in self.model.weights])


def tiny_fit(schedule, frozen_at_start=(), epochs=2, control=None):
    """A 3-layer model fitted with ``Steering`` alone: 4 batches an epoch."""
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, name="first"),
                              keras.layers.Dense(4, name="second"), keras.layers.Dense(2, name="out")])
    for name in frozen_at_start:
        model.get_layer(name).trainable = False
    model.compile(keras.optimizers.Adam(0.01), "mse")
    steering.prepare(model)
    x = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")
    y = np.random.default_rng(1).normal(size=(32, 2)).astype("float32")
    seen = []
    ctx = SimpleNamespace(config=SimpleNamespace(schedule=schedule), initial_epoch=0, emit=seen.append,
                          control=control or RunControl(), run_dir=None)
    recorder = Recorder()
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0,
              callbacks=[steering.Steering(ctx, steps=4), recorder])
    return model, recorder.after, seen


def test_a_frozen_layer_stays_bit_identical_and_moves_again_when_unfrozen():
    schedule = [{"epoch": 0, "batch": 2, "change": {"freeze": "first"}},
                {"epoch": 1, "batch": 1, "change": {"unfreeze": ["first"]}}]
    _, after, seen = tiny_fit(schedule)
    first_kernel, out_kernel = 0, 4  # first/kernel, first/bias, second/kernel, second/bias, out/...
    frozen = [step[first_kernel] for step in after[1:5]]  # after batches 1..4: frozen from batch 2 on
    for kernel in frozen[1:]:
        np.testing.assert_array_equal(kernel, frozen[0])
    assert not np.array_equal(after[0][first_kernel], after[1][first_kernel])  # it moved before
    assert not np.array_equal(after[2][out_kernel], after[3][out_kernel])  # the others keep moving
    assert not np.array_equal(after[4][first_kernel], after[5][first_kernel])  # unfrozen at (1, 1)
    assert [(e.epoch, e.batch) for e in seen if isinstance(e, events.Steered)] == [(0, 2), (1, 1)]


def test_a_layer_frozen_from_the_start_can_be_unfrozen():
    model, after, _ = tiny_fit([{"epoch": 0, "batch": 2, "change": {"unfreeze": "second"}}],
                               frozen_at_start=("second",), epochs=1)
    assert len(model.optimizer.variables) == 2 + 2 * 6  # iterations, rate, and slots for every weight
    np.testing.assert_array_equal(after[0][2], after[1][2])  # second/kernel still frozen at batch 1
    assert not np.array_equal(after[1][2], after[2][2])  # it trains from batch 2 on


def test_a_learning_rate_change_sets_the_optimizers_rate():
    model, _, _ = tiny_fit([{"epoch": 0, "batch": 1, "change": {"learning_rate": 0.125}}], epochs=1)
    assert float(model.optimizer.learning_rate.numpy()) == 0.125


def test_bad_changes_are_sentences(tmp_path, digits):
    for change, words in (({"learning_rate": -0.1}, "above 0"), ({"learning_rate": float("nan")}, "above 0"),
                          ({"momentum": 0.9}, "cannot be changed"), ({"freeze": []}, "layer name"),
                          ({"early_stopping": "yes"}, "true or false"), ({}, "must be an object")):
        with pytest.raises(WorkbenchError, match=words):
            check_change(change)
    with pytest.raises(WorkbenchError, match="above 0"):
        RunControl().request({"learning_rate": -1})
    with pytest.raises(WorkbenchError, match="item 1: batch -1"):
        check_schedule([{"epoch": 0, "batch": -1, "change": LR}])
    with pytest.raises(WorkbenchError, match="'nope'"):  # a scheduled typo fails before training
        job.run_training(config(tmp_path / "typo", [{"epoch": 1, "batch": 0, "change": {"freeze": "nope"}}]),
                         dataset=digits)
    # live, the run says so and goes on; nothing is recorded
    control = RunControl()
    control.request({"freeze": "nope"})
    _, _, seen = tiny_fit([], control=control, epochs=1)
    assert any(isinstance(e, events.Status) and "not applied" in e.text and "nope" in e.text for e in seen)
    assert not any(isinstance(e, events.Steered) for e in seen)


def test_a_scheduled_learning_rate_is_refused():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)), "mse")
    with pytest.raises(WorkbenchError, match="scheduled rate cannot be set"):
        steering.Steering._check_rate_settable(model)


def test_early_stopping_switches_off_and_on():
    def stopper(enabled):
        callback = SwitchableEarlyStopping(monitor="loss", patience=1, enabled=enabled)
        callback.set_model(SimpleNamespace(stop_training=False))
        callback.on_train_begin()
        return callback

    off, on = stopper(False), stopper(True)
    for callback in (off, on):
        for epoch, loss in enumerate((1.0, 2.0, 3.0)):
            if not callback.model.stop_training:
                callback.on_epoch_end(epoch, {"loss": loss})
    assert not off.model.stop_training and on.model.stop_training and on.stopped_epoch == 1
    off.switch(True, patience=2)  # counts from now on
    for epoch, loss in ((3, 4.0), (4, 5.0), (5, 6.0)):
        off.on_epoch_end(epoch, {"loss": loss})
    assert off.model.stop_training and off.stopped_epoch == 5 and off.patience == 2


def test_cli_schedule_file(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"epoch": 0, "batch": 2, "change": LR},
                                {"epoch": 1, "batch": 0, "change": {"early_stopping": True, "patience": 1}}]))
    out = tmp_path / "run"
    assert main(["train", "mlp", "--data", "digits", "--epochs", "2", "--steps-per-epoch", "3",
                 "--set", "hidden_units=16", "--schedule", str(plan), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "changed before batch 3 of epoch 1 (schedule epoch 0, batch 2): lr 0.05" in err
    assert "(schedule epoch 1, batch 0): early stop on, patience 1" in err
    assert RunDir(str(out)).read_config()["schedule"] == load_schedule(str(plan))
    plan.write_text('[{"epoch": 0, "batch": 0, "change": {"learning_rate": 0}}]')
    assert main(["train", "mlp", "--data", "digits", "--schedule", str(plan), "--out", str(tmp_path / "b")]) == 1
    assert "plan.json: schedule item 1: learning_rate 0 must be a number above 0" in capsys.readouterr().err
    plan.write_text("[{")
    assert main(["train", "mlp", "--data", "digits", "--schedule", str(plan), "--out", str(tmp_path / "c")]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_live_requests_reach_a_training_child_process():
    import steer_jobs

    from workbench.training.process import ProcessRun, WarmProcess

    items = []
    run = ProcessRun(steer_jobs.wait_for_requests, items.append, warm=WarmProcess(preload=False))
    run.start()
    run.control.request(LR)
    run.control.request({"unfreeze": "conv1", "early_stopping": False})
    assert run.join(30.0)
    results = [value for kind, value in (i for i in items if isinstance(i, tuple)) if kind == "result"]
    assert results == [[LR, {"unfreeze": ["conv1"], "early_stopping": False}]]


def test_steer_box_sends_changes_and_curves_mark_them(qtbot):
    from ui.widgets.curve_plot import CurvePlot
    from ui.widgets.steer_box import SteerBox

    box = SteerBox()
    qtbot.addWidget(box)
    sent = []
    box.requested.connect(sent.append)
    assert not box.rate_button.isEnabled()  # no run
    box.offer(events.Steerable(["conv1", "conv2", "fc1"], 0.002, False, 3))
    assert box.rate_button.isEnabled() and box.rate.value() == 0.002
    box.rate.setValue(0.01)
    box.rate_button.click()
    box.block.setCurrentText("conv2")
    box.freeze_button.click()
    box.unfreeze_button.click()
    box.early.setChecked(True)
    box.patience.setValue(2)
    box.early_button.click()
    assert sent == [{"learning_rate": 0.01}, {"freeze": ["conv2"]}, {"unfreeze": ["conv2"]},
                    {"early_stopping": True, "patience": 2}]
    assert all(check_change(change) == change for change in sent)  # what the run accepts
    box.set_running(False)
    assert not box.freeze_button.isEnabled()

    curves = CurvePlot()
    qtbot.addWidget(curves)
    curves.prepare(["loss", "accuracy"])
    curves.add_mark(1 + 3 / 5, "lr 0.01")
    curves.add_epoch(0, {"loss": 1.0, "auc": 0.5})  # a metric that appears later gets the mark too
    for plot in curves.plots.values():
        assert [(line.value(), line.label.format) for line in plot.marks] == [(1.6, "lr 0.01")]
    curves.clear()
    assert all(not plot.marks for plot in curves.plots.values()) and not curves.marks


def test_an_entry_with_its_own_loop_says_it_cannot_be_steered(tmp_path):
    from workbench import catalog

    entry = catalog.get("reinforce")
    seen = []
    control = RunControl()
    control.request({"unfreeze": "dense"})
    job.run_training(TrainConfig("reinforce", entry.default_data, epochs=1, steps_per_epoch=2,
                                 hparams=dict(entry.smoke or {}), out=str(tmp_path / "rl"),
                                 schedule=[{"epoch": 0, "batch": 1, "change": LR}]),
                     emit=seen.append, control=control)
    said = [e.text for e in seen if isinstance(e, events.Status) and "cannot be steered" in e.text]
    assert len(said) == 1 and "unfreeze dense" in said[0] and "lr 0.05" in said[0]
    assert not any(isinstance(e, (events.Steered, events.Steerable)) for e in seen)


def test_a_resume_point_from_before_steering_keeps_its_optimizer_layout():
    def frozen_model():
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, name="first"),
                                  keras.layers.Dense(2, name="out")])
        model.get_layer("first").trainable = False
        model.compile(keras.optimizers.Adam(0.01), "mse")
        return model

    old_layout = SimpleNamespace(optimizers={"model": [None] * (2 + 2 * 2)})  # slots for out/ only
    model = frozen_model()
    steering.prepare(model, resume=old_layout)
    assert not model.optimizer.built  # restore builds it over the trainable weights, as it was saved
    model = frozen_model()
    steering.prepare(model, resume=SimpleNamespace(optimizers={"model": [None] * (2 + 2 * 4)}))
    assert len(model.optimizer.variables) == 2 + 2 * 4
