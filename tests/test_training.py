"""The training job: events, Stop within one batch, Pause, resume, shared hyperparameters."""

import json
import threading

import numpy as np
import pytest

from workbench import catalog, data
from workbench.errors import WorkbenchError
from workbench.training import RunControl, TrainConfig, events, job


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")


def run(tmp_path, digits, name="run", control=None, on_event=None, **kw):
    collected = []

    def emit(event):
        collected.append(event)
        if on_event:
            on_event(event)

    config = TrainConfig("lenet", "digits", out=str(tmp_path / name), **kw)
    result = job.run_training(config, emit=emit, control=control, dataset=digits)
    return result, collected


def test_a_run_writes_its_directory_and_learns(tmp_path, digits):
    result, evts = run(tmp_path, digits, epochs=3, batch_size=64)
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert history["epoch"] == [1, 2, 3]
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] > 0.5
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["model"] == "lenet" and config["seed"] == 0 and config["hparams"]["optimizer"] == "adam"
    assert (tmp_path / "run" / "model.keras").is_file()
    batches = [e for e in evts if isinstance(e, events.BatchEnd)]
    assert len(batches) == 3 * int(np.ceil(len(digits.x_train) / 64))
    assert isinstance(evts[0], events.RunStarted) and isinstance(evts[-1], events.Finished)


def test_same_seed_same_history(tmp_path, digits):
    a, _ = run(tmp_path, digits, "a", epochs=1, steps_per_epoch=5)
    b, _ = run(tmp_path, digits, "b", epochs=1, steps_per_epoch=5)
    assert a.history["loss"] == b.history["loss"]


def test_stop_ends_within_one_batch_without_validation(tmp_path, digits, monkeypatch):
    control = RunControl()
    evaluations = []
    real_evaluate = type(catalog.get("lenet").build(catalog.get("lenet").resolve(), digits.info)).evaluate

    def counting_evaluate(self, *args, **kwargs):
        evaluations.append(1)
        return real_evaluate(self, *args, **kwargs)

    import keras
    monkeypatch.setattr(keras.Model, "evaluate", counting_evaluate)

    def stop_at(event):
        if isinstance(event, events.BatchEnd) and event.epoch == 1 and event.step == 3:
            control.stop()

    result, evts = run(tmp_path, digits, control=control, on_event=stop_at, epochs=5)
    batches = sorted((e.epoch, e.step) for e in evts if isinstance(e, events.BatchEnd))
    # Stop came while batch 4 may already have been under way (batch ends are reported
    # off the training thread): that batch is the last one, nothing runs after it.
    assert batches[-1] in {(1, 3), (1, 4)}
    assert len(evaluations) == 1  # epoch 1 was validated, the stopped epoch 2 was not
    assert result.stopped and result.history["epoch"] == [1]
    state = json.loads((tmp_path / "run" / "checkpoint" / "state.json").read_text())
    assert state["epochs_done"] == 1
    assert (tmp_path / "run" / "model.keras").is_file()  # what was trained is kept

    resumed = job.resume_training(str(tmp_path / "run"))
    assert resumed.history["epoch"] == [1, 2, 3, 4, 5]
    assert resumed.history["loss"][0] == result.history["loss"][0]


def test_pause_blocks_between_batches_until_resumed(tmp_path, digits):
    control = RunControl()
    seen = []

    def pause_once(event):
        if isinstance(event, events.BatchEnd) and event.step == 2 and not seen:
            control.pause()
            seen.append("paused")
            threading.Timer(0.3, control.resume).start()

    result, evts = run(tmp_path, digits, control=control, on_event=pause_once, epochs=1, steps_per_epoch=4)
    statuses = [e.text for e in evts if isinstance(e, events.Status)]
    assert statuses == ["paused", "resumed"]
    assert not result.stopped and result.history["epoch"] == [1]


@pytest.mark.parametrize("name", ["sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"])
def test_every_optimizer_is_selectable(name):
    opt = job.make_optimizer({"optimizer": name, "learning_rate": 0.05, "clipnorm": 1.5,
                              "momentum": 0.8, "weight_decay": 0.01})
    assert float(opt.learning_rate) == pytest.approx(0.05)
    assert opt.global_clipnorm == 1.5
    if name == "momentum":
        assert opt.momentum == 0.8
    if name == "adamw":
        assert opt.weight_decay == 0.01


def test_l2_adds_a_penalty_per_kernel(digits):
    entry = catalog.get("lenet")
    model = job.build_compiled(entry, entry.resolve({"l2": 0.01}), digits.info)
    kernels = [w for w in model.trainable_weights if w.path.endswith("kernel")]
    expected = sum(0.01 * float(np.sum(np.square(w.numpy()))) for w in kernels)
    assert len(model.losses) == len(kernels) == 5
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)


def test_gradient_clipping_bounds_the_update(digits):
    import keras

    entry = catalog.get("mlp")
    info = data.load("iris").info
    model = job.build_compiled(entry, entry.resolve({"optimizer": "sgd", "learning_rate": 1.0,
                                                     "clipnorm": 0.01}), info)
    before = [w.numpy().copy() for w in model.trainable_weights]
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32") * 100
    model.train_on_batch(x, np.zeros(16, "int64"))
    step = np.sqrt(sum(np.sum((w.numpy() - b) ** 2) for w, b in zip(model.trainable_weights, before)))
    assert step == pytest.approx(0.01, rel=1e-3)  # lr 1 x global norm 0.01
    assert isinstance(model.optimizer, keras.optimizers.SGD)


def test_early_stopping_ends_the_run(tmp_path, digits):
    result, evts = run(tmp_path, digits, epochs=30, steps_per_epoch=2,
                       hparams={"early_stopping": 1, "learning_rate": 5.0, "optimizer": "sgd"})
    finished = evts[-1]
    assert finished.early_stopped and len(result.history["epoch"]) < 30


def test_bad_config_is_rejected_before_training(tmp_path):
    with pytest.raises(WorkbenchError, match="epochs=0"):
        job.run_training(TrainConfig("lenet", epochs=0, out=str(tmp_path / "x")))
    with pytest.raises(WorkbenchError, match="unknown model"):
        job.run_training(TrainConfig("lenet5", out=str(tmp_path / "x")))
    with pytest.raises(WorkbenchError, match="device 'GPU:7' is not available"):
        job.run_training(TrainConfig("lenet", device="GPU:7", out=str(tmp_path / "x"), epochs=1))


def test_capped_epochs_keep_going_past_the_end_of_the_data(tmp_path):
    """steps_per_epoch x epochs may exceed the batches in the data: the stream repeats."""
    iris = data.load("iris")  # 120 training rows = 4 batches of 32
    config = TrainConfig("mlp", "iris", epochs=6, batch_size=32, steps_per_epoch=3,
                         out=str(tmp_path / "capped"))
    result = job.run_training(config, dataset=iris)
    assert result.history["epoch"] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("model,data_name,options", [
    ("polynomial_regression", "polynomial", {"samples": 200}),
    ("yolo_v1", "shapes", {"count": 24, "image_size": 64}),
])
def test_trainers_built_on_fit_arrays_resume_too(tmp_path, model, data_name, options):
    control = RunControl()

    def stop_in_second_epoch(event):
        if isinstance(event, events.BatchEnd) and event.epoch == 1:
            control.stop()

    config = TrainConfig(model, data_name, epochs=3, batch_size=8, steps_per_epoch=2,
                         data_options=options, out=str(tmp_path / model))
    first = job.run_training(config, emit=stop_in_second_epoch, control=control)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / model))
    assert resumed.history["epoch"] == [1, 2, 3]
    assert resumed.history["loss"][0] == first.history["loss"][0]


def test_the_seed_fixes_the_initial_weights(tmp_path, digits):
    import keras

    first, _ = run(tmp_path, digits, "a", epochs=1, steps_per_epoch=1, seed=11)
    keras.utils.set_random_seed(999)  # whatever ran before must not matter
    keras.random.uniform((3,))
    second, _ = run(tmp_path, digits, "b", epochs=1, steps_per_epoch=1, seed=11)
    third, _ = run(tmp_path, digits, "c", epochs=1, steps_per_epoch=1, seed=12)
    assert first.history["loss"] == second.history["loss"]
    assert first.history["loss"] != third.history["loss"]


def test_the_eta_counts_the_epochs_still_to_come(tmp_path, digits):
    """ETA after epoch e (zero-based) of E is the mean epoch time so far x (E - e - 1)."""
    _, evts = run(tmp_path, digits, epochs=3, steps_per_epoch=2)
    ends = [e for e in evts if isinstance(e, events.EpochEnd)]
    assert [e.epoch for e in ends] == [0, 1, 2]
    assert ends[-1].eta_seconds == 0.0
    assert ends[0].eta_seconds == pytest.approx(ends[0].seconds * 2)
    assert ends[1].eta_seconds == pytest.approx((ends[0].seconds + ends[1].seconds) / 2)


def test_a_custom_loop_reports_the_same_eta(tmp_path):
    from workbench.training.job import TrainingContext
    from workbench.runs.rundir import RunDir

    collected = []
    config = TrainConfig("lenet", "digits", epochs=4, out=str(tmp_path / "r"))
    ctx = TrainingContext(config, catalog.get("lenet"), {}, None, RunDir(str(tmp_path / "r")).create(),
                          collected.append, RunControl())
    ctx.end_epoch(1, {"loss": 1.0}, seconds=3.0)
    ctx.end_epoch(3, {"loss": 0.5}, seconds=3.0)
    assert [e.eta_seconds for e in collected] == [6.0, 0.0]
