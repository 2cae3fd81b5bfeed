"""The equalities between normalisation layers that the notes state, computed with Keras' own layers.

On a feature map ``x`` of shape ``(N, H, W, C)`` the four layers differ only in the axes
over which they take the mean and variance:

- BatchNorm (Ioffe and Szegedy 2015): over ``(N, H, W)`` per channel, so at batch size 1
  (training mode) it is InstanceNorm (Ulyanov et al. 2016): over ``(H, W)`` per sample
  and channel;
- LayerNorm (Ba et al. 2016): over ``(H, W, C)`` per sample, which is GroupNorm (Wu and
  He 2018) with one group; GroupNorm with ``G = C`` groups is InstanceNorm again;
- LayerNorm's statistics follow the scale of its input, so multiplying the input by
  ``a > 0`` — or the whole weight matrix and bias of the layer before it — changes
  nothing (Ba et al. 2016, Table 1). Rescaling one unit's weights only is *not* an
  invariance of LayerNorm (it is one of BatchNorm's).

Each check returns the max absolute difference of the two sides. The affine parameters
stay at their initial values (γ = 1, β = 0) and ε is tiny: ε is added to the variance,
so with Keras' default ε = 1e-3 the rescaling invariance holds only to O(ε/σ²).
"""

from __future__ import annotations

import numpy as np

#: ε for every layer in the checks: small enough that the invariances hold to float32 precision.
EPSILON = 1e-8


def sample_input(shape=(4, 6, 6, 8), seed: int = 0) -> np.ndarray:
    """A feature map with a per-channel offset and scale, so the statistics differ per axis."""
    rng = np.random.default_rng(seed)
    channels = shape[-1]
    offset = rng.normal(0.0, 2.0, channels)
    scale = rng.uniform(0.5, 3.0, channels)
    return (rng.normal(size=shape) * scale + offset).astype(np.float32)


def instance_norm(x: np.ndarray, epsilon: float = EPSILON) -> np.ndarray:
    """InstanceNorm by hand: mean and (biased) variance over ``(H, W)`` per sample and channel."""
    x = np.asarray(x, np.float64)
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    return (x - mean) / np.sqrt(var + epsilon)


def batch_norm(x: np.ndarray, training: bool = True) -> np.ndarray:
    """Keras BatchNormalization over the channel axis (training mode: the batch's own statistics)."""
    import keras

    layer = keras.layers.BatchNormalization(axis=-1, epsilon=EPSILON)
    return np.asarray(layer(x, training=training))


def group_norm(x: np.ndarray, groups: int) -> np.ndarray:
    import keras

    return np.asarray(keras.layers.GroupNormalization(groups=groups, axis=-1, epsilon=EPSILON)(x))


def layer_norm(x: np.ndarray) -> np.ndarray:
    """Keras LayerNormalization over ``(H, W, C)``: the whole sample, as in Ba et al. for a conv map."""
    import keras

    axes = list(range(1, np.ndim(x)))
    return np.asarray(keras.layers.LayerNormalization(axis=axes, epsilon=EPSILON)(x))


def _gap(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def instance_equals_batch_at_one(x: np.ndarray) -> float:
    """|BatchNorm(x_i) − InstanceNorm(x_i)| with each sample alone in its batch."""
    return max(_gap(batch_norm(x[i:i + 1]), instance_norm(x[i:i + 1])) for i in range(len(x)))


def group_one_equals_layer(x: np.ndarray, groups: int = 1) -> float:
    """|GroupNorm(G) − LayerNorm|: zero for ``groups=1``."""
    return _gap(group_norm(x, groups), layer_norm(x))


def group_c_equals_instance(x: np.ndarray, groups: int | None = None) -> float:
    """|GroupNorm(G) − InstanceNorm|: zero for ``groups = C`` (the default)."""
    return _gap(group_norm(x, groups or x.shape[-1]), instance_norm(x))


def layer_norm_input_scale(x: np.ndarray, factor: float = 7.5) -> float:
    """|LayerNorm(a·x) − LayerNorm(x)|."""
    return _gap(layer_norm(x * np.float32(factor)), layer_norm(x))


def layer_norm_weight_scale(x: np.ndarray, factor: float = 7.5, units: int = 16, seed: int = 0,
                            whole_matrix: bool = True) -> float:
    """|LayerNorm(x(aW) + ab) − LayerNorm(xW + b)| for the dense layer before the norm.

    ``whole_matrix=False`` rescales one unit's weights only: LayerNorm is not invariant to that.
    """
    rng = np.random.default_rng(seed)
    rows = x.reshape(len(x), -1).astype(np.float32)
    weights = rng.normal(0.0, 1.0 / np.sqrt(rows.shape[1]), (rows.shape[1], units)).astype(np.float32)
    bias = rng.normal(0.0, 0.1, units).astype(np.float32)
    scale = np.full(units, factor, np.float32) if whole_matrix else np.eye(1, units, 0, np.float32)[0] * (factor - 1) + 1
    return _gap(layer_norm(rows @ (weights * scale) + bias * scale), layer_norm(rows @ weights + bias))


def equalities(x: np.ndarray | None = None, seed: int = 0) -> dict[str, float]:
    """The notes' equalities (each ≈ 0) and, for contrast, near misses that are not equalities."""
    x = sample_input(seed=seed) if x is None else np.asarray(x, np.float32)
    channels = x.shape[-1]
    return {
        "InstanceNorm = BatchNorm (batch size 1)": instance_equals_batch_at_one(x),
        "GroupNorm (G=1) = LayerNorm": group_one_equals_layer(x, 1),
        f"GroupNorm (G=C={channels}) = InstanceNorm": group_c_equals_instance(x),
        "LayerNorm(a·x) = LayerNorm(x)": layer_norm_input_scale(x),
        "LayerNorm after a·W, a·b = LayerNorm after W, b": layer_norm_weight_scale(x),
    }


def near_misses(x: np.ndarray | None = None, seed: int = 0) -> dict[str, float]:
    """Plausible confusions, each far from 0: what the equalities are not."""
    x = sample_input(seed=seed) if x is None else np.asarray(x, np.float32)
    return {
        f"BatchNorm (batch size {len(x)}) vs InstanceNorm": _gap(batch_norm(x), instance_norm(x)),
        "GroupNorm (G=2) vs LayerNorm": group_one_equals_layer(x, 2),
        "GroupNorm (G=C/2) vs InstanceNorm": group_c_equals_instance(x, max(1, x.shape[-1] // 2)),
        "LayerNorm after one unit's weights rescaled": layer_norm_weight_scale(x, whole_matrix=False),
    }


def report(seed: int = 0) -> dict:
    """Both tables, as plain numbers (for ``--json`` and the Insight view)."""
    return {"epsilon": EPSILON, "equalities": equalities(seed=seed), "near_misses": near_misses(seed=seed)}


def report_text(numbers: dict) -> str:
    lines = ["Normalisation equalities (max |difference|, should be ~0):"]
    lines += [f"  {name}: {value:.2e}" for name, value in numbers["equalities"].items()]
    lines.append("Near misses (not equalities, far from 0):")
    lines += [f"  {name}: {value:.3f}" for name, value in numbers["near_misses"].items()]
    return "\n".join(lines)
