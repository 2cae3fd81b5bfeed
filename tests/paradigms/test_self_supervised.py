"""SimCLR's NT-Xent, BYOL's EMA target, the augmentations, and a SimCLR run's probe and view."""

import numpy as np
import pytest

from workbench.data.base import DataInfo

TINY = DataInfo("tiny", "image", "classification", (8, 8, 1), tuple(str(d) for d in range(10)))


def nt_xent_by_hand(z1, z2, tau):
    """Chen et al.'s definition, loop by loop: l(i, j) = -log e^{s_ij/tau} / sum_{k != i} e^{s_ik/tau}."""
    z = np.concatenate([z1, z2]).astype(np.float64)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    n = len(z1)
    total = 0.0
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        denominator = sum(np.exp(z[i] @ z[k] / tau) for k in range(2 * n) if k != i)
        total += -np.log(np.exp(z[i] @ z[j] / tau) / denominator)
    return total / (2 * n)


@pytest.mark.parametrize("tau", [0.5, 0.1])
def test_nt_xent_matches_the_hand_computation_on_four_embeddings(tau):
    from workbench.models.paradigms.simclr import nt_xent

    z1 = np.array([[1.0, 0.0, 0.5], [0.2, 1.0, -0.3]], np.float32)
    z2 = np.array([[0.9, 0.1, 0.4], [-0.5, 0.8, 0.1]], np.float32)
    assert float(nt_xent(z1, z2, tau)) == pytest.approx(nt_xent_by_hand(z1, z2, tau), rel=1e-5)
    # a partner swapped with a negative must cost more
    assert float(nt_xent(z1, z2[::-1].copy(), tau)) > float(nt_xent(z1, z2, tau))


def _byol(tau=0.9):
    from workbench.models.paradigms.byol import build_byol

    model = build_byol({"width": 2, "feature_dim": 4, "projection_dim": 3, "tau": tau, "augment_strength": 1.0,
                        "seed": 1}, TINY)
    return model


def test_byol_target_moves_only_by_the_ema_of_the_online_weights():
    import keras

    tau = 0.9
    model = _byol(tau)
    # make the target differ from the online network, so the average is not trivially equal
    rng = np.random.default_rng(0)
    for w in model.target_encoder.weights + model.target_projector.weights:
        w.assign(rng.normal(size=w.shape).astype(np.float32))
    model.compile(optimizer=keras.optimizers.SGD(0.5))
    before = [np.array(w.numpy()) for w in model.target_pairs[0]]
    images = rng.uniform(size=(6, 8, 8, 1)).astype(np.float32)
    model.train_step((images, np.zeros(6)))
    target, online = model.target_pairs
    for old, t, o in zip(before, target, online):
        np.testing.assert_allclose(t.numpy(), tau * old + (1 - tau) * o.numpy(), rtol=1e-5, atol=1e-6)
    # the target is not among what the optimizer updates
    online_ids = {id(v) for v in model.online_variables}
    assert not any(id(v) in online_ids for v in target)
    assert not model.target_encoder.trainable_variables and not model.target_projector.trainable_variables


def test_no_gradient_reaches_the_byol_target():
    import tensorflow as tf

    model = _byol()
    images = np.random.default_rng(1).uniform(size=(4, 8, 8, 1)).astype(np.float32)
    target_weights = model.target_encoder.weights + model.target_projector.weights
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([w.value for w in target_weights])
        loss = model.loss_of(images, images[::-1], training=True)
    grads = tape.gradient(loss, [w.value for w in target_weights])
    assert all(g is None for g in grads)
    online_grads = tape.gradient(loss, model.online_variables)
    assert any(g is not None and float(tf.reduce_sum(tf.abs(g))) > 0 for g in online_grads)


def test_byol_loss_is_two_minus_two_cosine():
    from workbench.models.paradigms.byol import byol_loss

    p = np.array([[1.0, 0.0], [1.0, 1.0]], np.float32)
    t = np.array([[0.0, 2.0], [3.0, 3.0]], np.float32)  # cos = 0 and 1
    assert float(byol_loss(p, t)) == pytest.approx((2.0 + 0.0) / 2)


def test_augmentations_are_a_function_of_the_seed_state():
    import keras

    from workbench.models.paradigms.augment import augment

    images = np.random.default_rng(2).uniform(size=(5, 8, 8, 1)).astype(np.float32)
    a = np.asarray(augment(images, keras.random.SeedGenerator(3)))
    b = np.asarray(augment(images, keras.random.SeedGenerator(3)))
    np.testing.assert_array_equal(a, b)  # a resumed run draws the same views
    assert np.abs(a - images).mean() > 0.02 and a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_allclose(np.asarray(augment(images, keras.random.SeedGenerator(3), 0.0)), images, atol=1e-6)


def test_linear_probe_reads_frozen_features():
    import keras

    from workbench.models.paradigms.encoders import linear_probe_accuracy

    rng = np.random.default_rng(4)
    y = np.repeat([0, 1, 2], 40)
    x = (rng.normal(size=(120, 2)) * 0.3 + np.array([[0, 0], [3, 0], [0, 3]])[y]).astype(np.float32)
    inputs = keras.Input((2,))
    identity = keras.Model(inputs, keras.layers.Identity()(inputs))
    assert linear_probe_accuracy(identity, x[::2], y[::2], x[1::2], y[1::2]) == 1.0
    shuffled = rng.permutation(y)
    assert linear_probe_accuracy(identity, x[::2], shuffled[::2], x[1::2], shuffled[1::2]) < 0.7


def test_simclr_run_logs_the_probe_and_shows_the_embedding(tmp_path):
    from workbench.training import TrainConfig, job
    from workbench.views.types import Scatter, View

    collected = []
    config = TrainConfig("simclr", "digits", epochs=1, batch_size=16, steps_per_epoch=2, val_split=0.1, eager=True,
                         hparams={"width": 4, "feature_dim": 8, "projection_dim": 4}, out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    probe = result.history["probe_accuracy"][0]
    assert 0.0 <= probe <= 1.0 and "val_loss" in result.history
    views = [e for e in collected if isinstance(e, View) and e.name == "embedding"]
    assert views and isinstance(views[-1].value, Scatter)
    assert len(set(views[-1].value.labels.tolist())) == 10  # coloured by the ten classes
    assert (tmp_path / "run" / "encoder.keras").exists() and (tmp_path / "run" / "projection_head.keras").exists()


def test_a_resumed_byol_run_draws_the_same_views_and_ends_with_the_same_weights(tmp_path):
    """The augmentation seed, the online and the EMA target weights are all in the resume point:
    stopped in epoch 2 and resumed, the run ends exactly where an uninterrupted one does."""
    from workbench.training import TrainConfig, events, job
    from workbench.training.control import RunControl

    def config(out):
        return TrainConfig("byol", "digits", epochs=2, batch_size=16, steps_per_epoch=2, val_split=0.1, eager=True,
                           hparams={"width": 2, "feature_dim": 4, "projection_dim": 3}, out=str(tmp_path / out))

    straight = job.run_training(config("straight"))
    control = RunControl()

    def stop_in_second_epoch(event):
        if isinstance(event, events.BatchEnd) and event.epoch == 1:
            control.stop()

    first = job.run_training(config("parts"), emit=stop_in_second_epoch, control=control)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    for a, b in zip(straight.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert straight.history["loss"] == resumed.history["loss"]
