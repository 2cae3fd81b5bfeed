"""MAML: the inner step is one SGD step; the meta-gradient is second order (finite differences)."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
import keras

from workbench.data.sine_tasks import SineTasks, load_sine_tasks
from workbench.data.sources import rng_for
from workbench.models.meta import maml


def tiny_net(seed=3, hidden=(4,)):
    keras.utils.set_random_seed(seed)
    return maml.build_net(list(hidden), dtype="float64")


def task_arrays(seed, k=5, queries=6):
    source = load_sine_tasks({"k_shot": k, "queries": queries}, seed=0, val_fraction=0.2)
    assert isinstance(source, SineTasks)
    task = source.sample(rng_for(seed, 0, 0))
    return tuple(a.astype(np.float64) for a in maml.task_tuple(task))


def test_inner_step_is_one_sgd_step_on_the_support_loss():
    model = tiny_net()
    support_x, support_y, _, _ = task_arrays(1)
    adapted = maml.adapt(model, model.trainable_variables, support_x, support_y, 0.05, 1, first_order=False)
    # the same step by Keras: MSE of model(x) on the support set, one plain SGD update on a copy
    copy = tiny_net()
    copy.set_weights(model.get_weights())
    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(support_y, copy(support_x))
    keras.optimizers.SGD(0.05).apply(tape.gradient(loss, copy.trainable_variables), copy.trainable_variables)
    for fast, updated, before in zip(adapted, copy.get_weights(), model.get_weights()):
        np.testing.assert_allclose(np.asarray(fast), updated, rtol=1e-6, atol=1e-9)  # Keras keeps lr in float32
        assert not np.allclose(updated, before)  # the step moved the weights
    # the model's own variables were not overwritten
    for variable, before in zip(model.get_weights(), copy.get_weights()):
        assert not np.allclose(variable, before)


def test_second_order_meta_gradient_matches_finite_differences_and_first_order_does_not():
    model = tiny_net(seed=5)
    tasks = [task_arrays(s, k=4, queries=5) for s in (11, 12)]
    kwargs = {"inner_lr": 0.1, "steps": 2}
    _, second = maml.meta_gradient(model, tasks, first_order=False, **kwargs)
    _, first = maml.meta_gradient(model, tasks, first_order=True, **kwargs)
    second = np.concatenate([np.asarray(g).ravel() for g in second])
    first = np.concatenate([np.asarray(g).ravel() for g in first])

    weights = model.get_weights()
    flat = np.concatenate([w.ravel() for w in weights])

    def loss_at(vector):
        pieces, offset = [], 0
        for w in weights:
            pieces.append(vector[offset:offset + w.size].reshape(w.shape))
            offset += w.size
        model.set_weights(pieces)
        return float(maml.meta_loss(model, tasks, first_order=False, **kwargs))

    h = 1e-6
    numeric = np.array([(loss_at(flat + h * e) - loss_at(flat - h * e)) / (2 * h) for e in np.eye(len(flat))])
    model.set_weights(weights)
    np.testing.assert_allclose(second, numeric, rtol=1e-4, atol=1e-6)
    # first-order MAML drops the Hessian terms: a different, wrong-by-design gradient
    assert np.linalg.norm(first - numeric) > 1e-3 * np.linalg.norm(numeric)
    assert np.linalg.norm(first - second) > 1e-3 * np.linalg.norm(second)


def test_adaptation_losses_and_view():
    model = tiny_net(hidden=(8,))
    source = load_sine_tasks({"k_shot": 10, "queries": 20}, seed=0, val_fraction=0.2)
    task = source.sample(rng_for(0, 1, 2))
    losses = maml.adaptation_losses(model, task, 0.01, 3)
    assert len(losses) == 4
    assert losses[1] < losses[0]  # a small SGD step on 10 points of the task lowers its loss
    view = maml.adaptation_view(model, task, 0.01, 3, epoch=2)
    series = view.value.series
    assert list(series)[:2] == ["true function", "before adaptation"]
    assert {"after 1 step", "after 2 steps", "after 3 steps", "10 support points"} <= set(series)
    x, y = series["true function"]
    np.testing.assert_allclose(y, task.amplitude * np.sin(x - task.phase), atol=1e-5)
    crosses_x, crosses_y = series["10 support points"]
    centres = crosses_y[2::6]  # the vertical stroke's middle is the point
    np.testing.assert_allclose(np.sort(np.nanmean([crosses_x[0::6], crosses_x[1::6]], axis=0)),
                               np.sort(task.support_x[:, 0]), atol=1e-5)
    assert np.isnan(centres).all()
