"""Distillation's loss against a hand computation; the teacher stays frozen."""

import keras
import numpy as np
import pytest

from workbench.compression.distillation import (
    Distiller,
    distillation_loss,
    logits_of,
    soft_logits,
)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_loss_equals_a_hand_computation_at_temperature_t():
    teacher_logits = np.array([[2.0, 1.0, -1.0], [0.5, 3.0, 0.0]])
    student_logits = np.array([[1.0, 1.5, 0.0], [0.0, 1.0, 2.0]])
    y = np.array([0, 2])
    T, alpha = 3.0, 0.7
    # by hand: KL(p_t || p_s) of the softened distributions, and the hard cross-entropy
    p_t, p_s = _softmax(teacher_logits / T), _softmax(student_logits / T)
    kl = np.mean(np.sum(p_t * np.log(p_t / p_s), axis=1))
    ce = np.mean(-np.log(_softmax(student_logits)[np.arange(2), y]))
    expected = alpha * T ** 2 * kl + (1 - alpha) * ce
    t, s = teacher_logits.astype("float32"), student_logits.astype("float32")
    assert float(distillation_loss(y, t, s, T, alpha)) == pytest.approx(expected, rel=1e-5)
    # T = 1 and alpha = 0: only the cross-entropy; the soft term alone is T^2 KL
    assert float(distillation_loss(y, t, s, 1.0, 0.0)) == pytest.approx(ce, rel=1e-5)
    assert float(distillation_loss(y, t, s, T, 1.0)) == pytest.approx(T ** 2 * kl, rel=1e-5)
    # log p stands in for the logits of a model that ends otherwise: softmax ignores the constant
    assert float(distillation_loss(y, soft_logits(_softmax(teacher_logits).astype("float32")),
                                   soft_logits(_softmax(student_logits).astype("float32")), T, alpha)) == \
        pytest.approx(expected, rel=1e-5)


def test_a_confident_teachers_dark_knowledge_survives():
    """A teacher sure of class 0 (logit margins 20 and 30): its wrong classes' probabilities
    (2e-9, 9e-14) are below float32's log clip, yet at T = 4 they are 0.7% and 0.06% of
    the soft target, and their ratio (e^2.5) is what the student should learn."""
    T = 4.0
    teacher = _classifier("teacher", 5)
    x = np.random.default_rng(1).standard_normal((6, 4)).astype("float32")
    hidden = keras.Model(teacher.inputs[0], teacher.layers[-1].input).predict(x, verbose=0)
    # the last layer maps every sample to the logits (30, 10, 0) + a sample's own offset
    kernel = np.zeros((5, 3), "float32")
    kernel[0] = 1.0
    teacher.layers[-1].set_weights([kernel, np.array([30.0, 10.0, 0.0], "float32")])
    logits = hidden[:, :1] + np.array([30.0, 10.0, 0.0])
    np.testing.assert_allclose(logits_of(teacher)(x), logits, rtol=1e-5)
    student_logits = np.tile(np.array([[3.0, 1.0, 0.0]], "float32"), (6, 1))
    p_t, p_s = _softmax(logits / T), _softmax(student_logits / T)
    kl = np.mean(np.sum(p_t * np.log(p_t / p_s), axis=1))
    got = distillation_loss(np.zeros(6, int), logits_of(teacher)(x), student_logits, T, 1.0)
    assert float(got) == pytest.approx(T ** 2 * kl, rel=1e-4)
    # log(clip(p)) would have lifted both wrong classes to 1e-7: another target altogether
    clipped = distillation_loss(np.zeros(6, int), soft_logits(teacher.predict(x, verbose=0)), student_logits, T, 1.0)
    assert abs(float(clipped) - T ** 2 * kl) > 0.5


def test_alpha_zero_trains_exactly_as_cross_entropy():
    """With alpha = 0 the distiller's steps are plain cross-entropy training's: the same
    weights after the same batches from the same initialisation."""
    x = np.random.default_rng(2).standard_normal((24, 4)).astype("float32")
    y = np.arange(24) % 3
    keras.utils.set_random_seed(3)
    alone = _classifier("alone", 6)
    start = alone.get_weights()
    alone.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    keras.utils.set_random_seed(4)
    student = _classifier("student", 6)
    student.set_weights(start)
    distiller = Distiller(student, _classifier("teacher", 8), temperature=4.0, alpha=0.0)
    distiller.compile(optimizer=keras.optimizers.Adam(0.05))
    for step in range(5):
        batch = slice(8 * (step % 3), 8 * (step % 3) + 8)
        alone.train_on_batch(x[batch], y[batch])
        distiller.train_on_batch(x[batch], y[batch])
    assert not np.allclose(start[0], alone.get_weights()[0])
    for a, b in zip(alone.get_weights(), student.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def _classifier(name, units):
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(units, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(hidden), name=name)


def test_the_teacher_stays_frozen_and_the_student_learns():
    keras.utils.set_random_seed(0)
    teacher, student = _classifier("teacher", 16), _classifier("student", 4)
    model = Distiller(student, teacher, temperature=2.0, alpha=0.5)
    model.compile(optimizer=keras.optimizers.SGD(0.5))
    x = np.random.default_rng(0).standard_normal((8, 4)).astype("float32")
    y = np.arange(8) % 3
    teacher_before = [w.copy() for w in teacher.get_weights()]
    student_before = [w.copy() for w in student.get_weights()]
    logs = model.train_on_batch(x, y, return_dict=True)
    # the logged loss is the loss of the weights before the step, by the same formula
    assert logs["loss"] == pytest.approx(float(distillation_loss(
        y, logits_of(teacher)(x), _before_step(student_before, x), 2.0, 0.5)), rel=1e-4)
    for a, b in zip(teacher_before, teacher.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(student_before, student.get_weights()))
    # the teacher's weights are not the distiller's: the run saves and resumes the student only
    assert {id(v) for v in model.trainable_variables} == {id(v) for v in student.trainable_variables}
    assert not {id(v) for v in teacher.weights} & {id(v) for v in model.weights}


def _before_step(weights, x):
    copy = _classifier("copy", 4)
    copy.set_weights(weights)
    return logits_of(copy)(x)


def test_the_student_alone_is_the_alpha_zero_run(tmp_path):
    """compare_alone's curve is what a run with alpha = 0 gives under the same settings:
    the comparison is honest (same initial weights, batches, epochs, optimizer)."""
    from workbench.training import TrainConfig
    from workbench.training.job import run_training
    from workbench.views.types import View

    hp = {"teacher_epochs": 1, "teacher_width": 1, "student_units": "8", "transfer_fraction": 0.3,
          "alpha": 0.7, "temperature": 3.0, "compare_alone": True}
    views = []
    run_training(TrainConfig("distillation", "digits", epochs=2, batch_size=16, steps_per_epoch=3, hparams=hp,
                             seed=5, out=str(tmp_path / "distilled")),
                 emit=lambda event: views.append(event) if isinstance(event, View) else None)
    curves = [v for v in views if v.name == "distilled_vs_alone"][-1].value.series
    alone = run_training(TrainConfig("distillation", "digits", epochs=2, batch_size=16, steps_per_epoch=3,
                                     hparams={**hp, "alpha": 0.0}, seed=5, out=str(tmp_path / "alone")),
                         emit=lambda event: None)
    np.testing.assert_allclose(curves["student alone (alpha 0)"][1], alone.history["val_accuracy"], atol=1e-6)
    assert len(curves["distilled"][1]) == 2


def test_stop_during_the_comparison_ends_the_run(tmp_path):
    """Stop pressed while the student trains alone (the comparison, before distilling)
    ends the whole run within a batch, as Stop does anywhere else."""
    from workbench.training import TrainConfig, events
    from workbench.training.control import RunControl
    from workbench.training.job import run_training

    control = RunControl()
    batches = []

    def emit(event):
        if isinstance(event, events.Status) and "alone" in event.text:
            control.stop()  # as soon as the comparison starts
        if isinstance(event, events.BatchEnd):
            batches.append(event)

    hp = {"teacher_epochs": 1, "teacher_width": 1, "student_units": "8", "transfer_fraction": 0.3,
          "compare_alone": True}
    result = run_training(TrainConfig("distillation", "digits", epochs=50, batch_size=16, hparams=hp,
                                      out=str(tmp_path / "run")), emit=emit, control=control)
    assert result.stopped and len(batches) <= 1
