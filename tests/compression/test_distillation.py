"""Distillation's loss against a hand computation; the teacher stays frozen."""

import keras
import numpy as np
import pytest

from workbench.compression.distillation import Distiller, distillation_loss


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
    # the models hand over probabilities: softmax(log p / T) must equal softmax(logits / T)
    got = distillation_loss(y, _softmax(teacher_logits).astype("float32"),
                            _softmax(student_logits).astype("float32"), T, alpha)
    assert float(got) == pytest.approx(expected, rel=1e-5)
    # T = 1 and alpha = 0: only the cross-entropy; the soft term alone is T^2 KL
    assert float(distillation_loss(y, _softmax(teacher_logits).astype("float32"),
                                   _softmax(student_logits).astype("float32"), 1.0, 0.0)) == pytest.approx(ce, rel=1e-5)
    assert float(distillation_loss(y, _softmax(teacher_logits).astype("float32"),
                                   _softmax(student_logits).astype("float32"), T, 1.0)) == pytest.approx(T ** 2 * kl, rel=1e-5)


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
        y, teacher(x), _before_step(student_before, x), 2.0, 0.5)), rel=1e-4)
    for a, b in zip(teacher_before, teacher.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(student_before, student.get_weights()))
    # the teacher's weights are not the distiller's: the run saves and resumes the student only
    assert {id(v) for v in model.trainable_variables} == {id(v) for v in student.trainable_variables}
    assert not {id(v) for v in teacher.weights} & {id(v) for v in model.weights}


def _before_step(weights, x):
    copy = _classifier("copy", 4)
    copy.set_weights(weights)
    return copy.predict(x, verbose=0)
