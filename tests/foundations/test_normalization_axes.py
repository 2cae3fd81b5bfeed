"""Which axes BatchNorm, LayerNorm, InstanceNorm and GroupNorm normalize over (NHWC).

Each normalization splits the tensor's elements into sets and makes every set mean 0,
std 1. A set is labelled by the indices it keeps:

- batch: per channel c, over (N, H, W)
- layer: per sample n, over (H, W, C)
- instance: per (n, c), over (H, W)
- group: per (n, channel group), over (H, W, channels of the group)

Any partition made of whole such sets is then also mean 0 / std 1 (instance norm
also zeroes the per-channel mean over the batch); every other one is not, which the
input's offsets per sample, per channel and per row make visible.
"""

import numpy as np
import pytest

N, H, W, C, GROUPS = 4, 5, 6, 8, 4

#: For each labelling, the index tuple naming the set an element (n, h, w, c) belongs to.
PARTITIONS = {
    "batch": lambda n, h, w, c: (c,),
    "layer": lambda n, h, w, c: (n,),
    "instance": lambda n, h, w, c: (n, c),
    "group": lambda n, h, w, c: (n, c // (C // GROUPS)),
    "position": lambda n, h, w, c: (n, h, w),  # across channels at one pixel: none of the four
}


def _labels(kind):
    n, h, w, c = np.meshgrid(*map(np.arange, (N, H, W, C)), indexing="ij")
    keys = PARTITIONS[kind](n, h, w, c)
    return np.ravel_multi_index(keys, [k.max() + 1 for k in keys])


def _set_stats(y, kind):
    labels = _labels(kind).ravel()
    values = y.ravel()
    means = np.array([values[labels == k].mean() for k in np.unique(labels)])
    stds = np.array([values[labels == k].std() for k in np.unique(labels)])
    return means, stds


def _is_union_of(coarse, fine):
    """True when every set of ``fine`` lies inside one set of ``coarse``."""
    fine_labels, coarse_labels = _labels(fine).ravel(), _labels(coarse).ravel()
    return all(len(np.unique(coarse_labels[fine_labels == k])) == 1 for k in np.unique(fine_labels))


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(0)
    n, h, _, c = np.meshgrid(*map(np.arange, (N, H, W, C)), indexing="ij")
    scale = 1.0 + rng.random((N, 1, 1, C)) * 3  # every (sample, channel) has its own spread
    return (rng.standard_normal((N, H, W, C)) * scale + 3.0 * n - 2.0 * c + 1.5 * h).astype(np.float32)


def _normalize(x, kind):
    import keras

    from workbench.models.common import normalization

    inputs = keras.Input(shape=x.shape[1:])
    model = keras.Model(inputs, normalization(inputs, kind, "norm", groups=GROUPS))
    return np.asarray(model(x, training=True), dtype=np.float64)  # batch statistics, gamma 1, beta 0


@pytest.mark.parametrize("kind", ["batch", "layer", "instance", "group"])
def test_normalizes_exactly_over_its_axes(inputs, kind):
    y = _normalize(inputs, kind)
    means, stds = _set_stats(y, kind)
    assert np.abs(means).max() < 1e-4
    np.testing.assert_allclose(stds, 1.0, atol=5e-3)  # epsilon 1e-3 shrinks std a little
    for other in PARTITIONS:
        if other == kind:
            continue
        other_means, _ = _set_stats(y, other)
        if _is_union_of(other, kind):  # whole normalized sets: zero mean follows
            assert np.abs(other_means).max() < 1e-4, other
        else:
            assert np.abs(other_means).max() > 0.1, other  # 1000 times the tolerance above


def test_the_input_is_not_normalized_over_any_of_them(inputs):
    for kind in PARTITIONS:
        assert np.abs(_set_stats(inputs.astype(np.float64), kind)[0]).max() > 1.0


def test_group_norm_sits_between_instance_and_layer_norm():
    assert _is_union_of("group", "instance") and _is_union_of("layer", "group")
    assert not _is_union_of("batch", "group") and not _is_union_of("group", "batch")
