"""``epoch_stream`` cuts each epoch's permutation into batches by one reshape (as Keras's
array adapter does) rather than batching scalars: the batches must still be exactly the
permutation's, the short last batch included, and a ``steps`` cap must cut each epoch."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.training.data_order import epoch_permutation, epoch_stream


@pytest.mark.parametrize("samples, batch, steps", [(10, 4, 3), (10, 4, 2), (12, 4, 3), (3, 4, 1), (10, 5, 9)])
def test_batches_are_the_epochs_permutation_in_order(samples, batch, steps):
    x = np.arange(samples, dtype=np.float64)[:, None] * np.ones((1, 2))  # float64 arrives as float32
    y = np.arange(samples, dtype=np.int64) * 10
    got = list(epoch_stream(x, y, batch, seed=3, first_epoch=1, epochs=4, steps=steps))
    expected = []
    for epoch in (1, 2, 3):
        order = epoch_permutation(3, epoch, samples)
        cuts = [order[i:i + batch] for i in range(0, samples, batch)][:steps]
        expected += cuts
    assert [len(b[1]) for b in got] == [len(c) for c in expected]
    for (xb, yb), indices in zip(got, expected):
        assert xb.dtype.name == "float32"
        np.testing.assert_array_equal(yb.numpy(), indices * 10)
        np.testing.assert_array_equal(xb.numpy()[:, 0], indices.astype(np.float32))


def test_inputs_without_targets_and_dicts_of_arrays():
    x = {"a": np.arange(6, dtype=np.float32), "b": np.arange(6, dtype=np.int32) * 2}
    got = list(epoch_stream(x, None, 4, seed=0, first_epoch=0, epochs=1, steps=2))
    order = epoch_permutation(0, 0, 6)
    np.testing.assert_array_equal(np.concatenate([b["a"].numpy() for b in got]), order.astype(np.float32))
    np.testing.assert_array_equal(np.concatenate([b["b"].numpy() for b in got]), order * 2)
