"""Magnitude pruning: the schedule and masks by hand, the exact sparsity reached and kept."""

import keras
import numpy as np
import pytest

from workbench.compression.pruning import (
    MagnitudePruning,
    magnitude_mask,
    polynomial_sparsity,
    prunable_kernels,
    sparsity_of,
)


def test_polynomial_schedule_by_hand():
    # s_t = s_f + (s_i - s_f)(1 - t/n)^3 with s_i = 0, s_f = 0.8, n = 10
    assert polynomial_sparsity(0, 0.8, 10) == 0.0
    assert polynomial_sparsity(5, 0.8, 10) == pytest.approx(0.8 - 0.8 * 0.5 ** 3)
    assert polynomial_sparsity(9, 0.8, 10) == pytest.approx(0.8 - 0.8 * 0.1 ** 3)
    assert polynomial_sparsity(10, 0.8, 10) == polynomial_sparsity(50, 0.8, 10) == 0.8


def test_mask_zeroes_exactly_the_smallest_magnitudes():
    w = np.array([[0.5, -0.1], [0.05, -2.0], [0.3, 0.0]])
    np.testing.assert_array_equal(magnitude_mask(w, 0.5), [[1, 0], [0, 1], [1, 0]])
    assert magnitude_mask(w, 0.0).sum() == 6 and magnitude_mask(w, 0.34).sum() == 4  # round(2.04) = 2


class ZerosStayZero(keras.callbacks.Callback):
    """After the ramp, every weight once zero must still be zero after each later step."""

    def __init__(self, pruning, end_step):
        super().__init__()
        self.pruning, self.end_step, self.zeros, self.checked = pruning, end_step, None, 0

    def on_train_batch_end(self, batch, logs=None):
        if self.pruning.step < self.end_step:
            return
        now = [np.asarray(k) == 0 for k in prunable_kernels(self.model)]
        if self.zeros is not None:
            assert all(np.all(new[old]) for old, new in zip(self.zeros, now))
            self.checked += 1
        self.zeros = now


def test_retraining_reaches_the_sparsity_exactly_and_keeps_it():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6, 6, 1))
    x = keras.layers.Conv2D(4, 3, name="conv")(inputs)
    x = keras.layers.Flatten()(x)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax", name="out")(x))
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 6, 6, 1), dtype=np.float32), rng.integers(0, 3, 64)
    assert [k.path for k in prunable_kernels(model)] == ["conv/kernel", "out/kernel"]
    pruning = MagnitudePruning(0.75, end_step=6)
    watch = ZerosStayZero(pruning, end_step=6)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[pruning, watch])  # 16 steps
    assert watch.checked >= 8  # momentum kept pushing on pruned weights for 8+ steps
    for kernel in map(np.asarray, prunable_kernels(model)):
        assert np.sum(kernel == 0) == round(0.75 * kernel.size)
    assert sparsity_of(model) == pytest.approx((round(0.75 * 36) + round(0.75 * 256 * 3)) / (36 + 768))
    assert np.count_nonzero(model.get_layer("conv").bias) > 0  # biases are not pruned
