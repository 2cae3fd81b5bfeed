"""Deep Generative Replay: replayed labels come from the previous solver, forgetting without
replay, the accuracy table in the history and the views, and exact resume after a task."""

import os

import numpy as np
import pytest

from workbench import catalog, data
from workbench.models.generative import generative_replay as dgr
from workbench.models.io import load_model
from workbench.training import RunControl, TrainConfig, events, job
from workbench.views.store import load_view


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")


def config(path, epochs=2, steps=0, **hp):
    settings = {"solver_epochs": 4, "generator_epochs": 2, "solver_units": 32, "generator_units": 32,
                "latent_dim": 4, "tasks": 2, **hp}
    return TrainConfig("generative_replay", "digits", epochs=epochs, batch_size=32, seed=0,
                       steps_per_epoch=steps, hparams=settings, out=str(path),
                       eager=0 < steps < 5)  # a few steps: tracing would cost more than it saves


def mlp_argmax(solver, x):
    """The solver's forward pass in NumPy: Flatten -> Dense relu -> Dense (softmax is monotone)."""
    w1, b1, w2, b2 = solver.get_weights()
    hidden = np.maximum(x.reshape(len(x), -1) @ w1 + b1, 0.0)
    return np.argmax(hidden @ w2 + b2, axis=1)


def test_class_pairs_split_the_digits_into_tasks():
    assert dgr.class_pairs(10, 5) == [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    with pytest.raises(Exception, match="tasks=6 needs 12 classes"):
        dgr.class_pairs(10, 6)
    hp = {"replay": True, "replay_ratio": 0.0}
    # balanced by default: after 3 tasks, 3/4 of a batch is replayed
    assert [dgr.replayed_count(hp, 32, t) for t in range(4)] == [0, 16, 21, 24]
    assert dgr.replayed_count({**hp, "replay_ratio": 0.25}, 32, 3) == 8
    assert dgr.replayed_count({**hp, "replay": False}, 32, 3) == 0


def test_replay_batch_labels_come_from_the_previous_solver_not_the_data(digits):
    hp = catalog.get("generative_replay").resolve({"solver_units": 16})
    solver = dgr.build_solver(hp, digits.info)
    w1, b1, w2, b2 = solver.get_weights()
    rng = np.random.default_rng(0)
    solver.set_weights([rng.normal(size=w1.shape), b1, rng.normal(size=w2.shape), b2])
    x_new, y_new = digits.x_train[:6], digits.y_train[:6]
    replayed = digits.x_train[100:140]
    x, y, labels = dgr.replay_batch(x_new, y_new, replayed, solver)
    expected = mlp_argmax(solver, replayed)
    np.testing.assert_array_equal(labels, expected)
    np.testing.assert_array_equal(y, np.concatenate([y_new, expected]))
    np.testing.assert_array_equal(x, np.concatenate([x_new, replayed]))
    assert len(set(expected.tolist())) > 1
    # a solver that always says 7 labels every replayed image 7, whatever the image shows
    solver.set_weights([w1, b1, np.zeros_like(w2), np.eye(10)[7] * 5.0])
    _, _, labels = dgr.replay_batch(x_new, y_new, replayed, solver)
    assert set(labels.tolist()) == {7} and set(digits.y_train[100:140].tolist()) != {7}


def test_the_solver_trains_on_images_of_the_previous_generator_labelled_by_the_previous_solver(
        tmp_path, digits, monkeypatch):
    batches = []

    class SpiedScholar(dgr.Scholar):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            train = self.solver.train_on_batch

            def spy(x, y, **kw):  # every batch the solver is trained on
                batches.append((x.copy(), y.copy()))
                return train(x, y, **kw)
            self.solver.train_on_batch = spy

    monkeypatch.setattr(dgr, "Scholar", SpiedScholar)
    result = job.run_training(config(tmp_path / "run", solver_epochs=3, generator_epochs=10, learning_rate=3e-3),
                              dataset=digits)
    history = result.history
    previous = load_model(str(tmp_path / "run" / "previous_solver.keras"))  # the solver after task 1
    n_replay = dgr.replayed_count({"replay": True, "replay_ratio": 0.0}, 32, 1)
    first_task = [b for b in batches if set(b[1].tolist()) <= {0, 1}]
    second_task = batches[len(first_task):]
    assert len(first_task) >= 10 and len(second_task) >= 10
    for x, y in second_task:
        assert len(y) == 32 and set(y[:32 - n_replay].tolist()) <= {2, 3}
        np.testing.assert_array_equal(y[-n_replay:], mlp_argmax(previous, x[-n_replay:]))
    # the solver being trained labels them otherwise by the end: the labels are not its own
    replayed = np.concatenate([x[-n_replay:] for x, _ in second_task])
    labels = np.concatenate([y[-n_replay:] for _, y in second_task])
    assert np.mean(mlp_argmax(result.model, replayed) != labels) > 0.02
    # and "previous" is the solver as it was after task 1: its accuracy then, to the last digit
    x_val, y_val = dgr._validation(digits, dgr.class_pairs(10, 2))
    assert dgr.task_accuracies(previous, x_val, y_val, [(0, 1)])[0] == history["accuracy_task_1"][0]


def test_without_replay_the_first_task_is_forgotten_and_exact_replay_keeps_it(tmp_path, digits):
    budget = {"solver_epochs": 8, "learning_rate": 3e-3}
    forgetful = job.run_training(config(tmp_path / "no", replay=False, **budget), dataset=digits).history
    assert forgetful["accuracy_task_1"][0] > 0.9
    assert forgetful["accuracy_task_1"][1] < 0.2  # catastrophic forgetting
    assert forgetful["accuracy_task_2"][1] > 0.9
    kept = job.run_training(config(tmp_path / "real", generator="real", **budget), dataset=digits).history
    assert kept["accuracy_task_1"][1] > 0.8
    assert kept["accuracy_seen"][1] > forgetful["accuracy_seen"][1] + 0.3


def test_history_views_and_networks_are_written(tmp_path, digits):
    run = tmp_path / "run"
    result = job.run_training(config(run, steps=2, solver_epochs=1, generator_epochs=1), dataset=digits)
    history = result.history
    assert history["epoch"] == [1, 2]
    table = load_view(str(run), "task_accuracy").value
    np.testing.assert_allclose(table.values, dgr.accuracy_table(history, 2))
    assert table.col_labels == ["0/1", "2/3"] and table.annotate
    np.testing.assert_allclose(history["accuracy_seen"],
                               [history["accuracy_task_1"][0], np.mean(table.values[1])])
    curve = load_view(str(run), "average_accuracy").value.series["average over seen tasks"]
    np.testing.assert_allclose(curve[1], history["accuracy_seen"])
    grid = load_view(str(run), "replayed_samples").value
    assert grid.images.shape[1:] == (8, 8) and len(grid.captions) == len(grid.images) > 0
    for name in ("model", "previous_solver", "generator", "encoder"):
        assert os.path.isfile(run / f"{name}.keras")
    for name in ("task_accuracy", "average_accuracy", "replayed_samples"):
        assert os.path.isfile(run / "views" / f"{name}.png")
    generator = load_model(str(run / "generator.keras"))
    assert generator.predict(np.zeros((2, 4), np.float32), verbose=0).shape == (2, 8, 8, 1)


@pytest.mark.parametrize("generator", ["vae", "gan"])
def test_resume_after_the_first_task_ends_with_the_uninterrupted_weights(tmp_path, digits, generator):
    whole = job.run_training(config(tmp_path / "whole", steps=3, solver_epochs=2, generator=generator), dataset=digits)
    control = RunControl()

    def stop_after_first_task(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()

    first = job.run_training(config(tmp_path / "parts", steps=3, solver_epochs=2, generator=generator),
                             emit=stop_after_first_task, control=control, dataset=digits)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2]
    assert resumed.history["accuracy_seen"] == whole.history["accuracy_seen"]
    for name in ("model", "generator", "previous_solver"):
        a = load_model(str(tmp_path / "whole" / f"{name}.keras")).get_weights()
        b = load_model(str(tmp_path / "parts" / f"{name}.keras")).get_weights()
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
