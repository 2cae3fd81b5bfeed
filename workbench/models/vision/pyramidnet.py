"""PyramidNet (Han, Kim & Kim, 2017, "Deep Pyramidal Residual Networks", CVPR).

Instead of doubling the width at the start of each stage (where, as note 001 says,
the freshly widened layer carries too much of the load), every residual block adds
``alpha / N`` channels, N being the total number of blocks: the widths climb
linearly from 16 to 16 + alpha ("additive" PyramidNet). Blocks are BN-conv-BN-ReLU-
conv-BN (no ReLU at the entry, none after the sum). Because the width changes in
every block, the shortcut is the identity zero-padded with the missing channels
(2x2 average pooling where the resolution halves), which adds no parameters.

Widths follow the paper's equation (2), floor(16 + k * alpha / N) for block k;
bottleneck blocks output 4x that width. The block layout follows the authors' code.
"""

from __future__ import annotations

import math

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import classifier_head, image_input, normalization


def blocks_per_group(depth: int, bottleneck: bool) -> int:
    """n = (depth - 2) / 6 with basic blocks (2 convs), (depth - 2) / 9 with bottlenecks (3 convs)."""
    per_block = 9 if bottleneck else 6
    if depth < per_block + 2 or (depth - 2) % per_block:
        kind = "bottleneck" if bottleneck else "basic"
        raise WorkbenchError(
            f"depth={depth} must be {per_block}n + 2 for {kind} blocks "
            f"(e.g. {'164, 200, 236, 272' if bottleneck else '20, 56, 110, 164'})")
    return (depth - 2) // per_block


def block_widths(depth: int, alpha: float, bottleneck: bool) -> list[int]:
    """Width of every block, first to last: floor(16 + k * alpha / N) for k = 1..N (eq. 2).

    The paper floors; the authors' code rounds, which gives 1.77 M parameters for
    PyramidNet-110 (alpha=48) where the paper's table says 1.7 M (flooring: 1.74 M).
    """
    n = blocks_per_group(depth, bottleneck)
    total = 3 * n
    return [int(math.floor(16 + k * alpha / total + 1e-9)) for k in range(1, total + 1)]


def build_pyramidnet(hp: dict, info) -> keras.Model:
    """Build PyramidNet; ``hp`` keys: depth, alpha, bottleneck, normalization, dropout, input_size."""
    if hp["alpha"] < 0:
        raise WorkbenchError(f"alpha={hp['alpha']} must not be negative")
    bottleneck = hp["bottleneck"]
    n = blocks_per_group(hp["depth"], bottleneck)
    norm, act = hp["normalization"], hp.get("activation", "relu")
    inputs, x = image_input(info, hp["input_size"])
    x = layers.Conv2D(16, 3, padding="same", use_bias=norm == "none", name="conv1")(x)
    x = normalization(x, norm, "conv1")
    for index, width in enumerate(block_widths(hp["depth"], hp["alpha"], bottleneck)):
        group, i = divmod(index, n)
        stride = 2 if group > 0 and i == 0 else 1
        x = pyramid_block(x, width, stride, bottleneck, norm, name=f"conv{group + 2}_block{i + 1}",
                          act=act)
    x = normalization(x, norm, "post")
    x = layers.Activation(act, name="post_relu")(x)
    name = f"pyramidnet_{hp['depth']}_{hp['alpha']:g}" + ("_bottleneck" if bottleneck else "")
    return keras.Model(inputs, classifier_head(x, info, hp["dropout"], head=hp.get("head", "global_average")),
                       name=name)


def pyramid_block(x, width: int, stride: int, bottleneck: bool, norm: str, name: str, act: str = "relu"):
    """One residual unit whose output has ``width`` (x4 for bottlenecks) channels."""
    bias = norm == "none"  # a bias before a normalization is redundant
    y = normalization(x, norm, f"{name}_0")
    if bottleneck:
        convs = ((width, 1, 1), (width, 3, stride), (4 * width, 1, 1))
    else:
        convs = ((width, 3, stride), (width, 3, 1))
    for j, (filters, kernel, s) in enumerate(convs, start=1):
        if kernel == 3 and s == 2:  # symmetric padding, as PyTorch's padding=1
            y = layers.ZeroPadding2D(1, name=f"{name}_{j}_pad")(y)
            y = layers.Conv2D(filters, 3, strides=2, use_bias=bias, name=f"{name}_{j}_conv")(y)
        else:
            y = layers.Conv2D(filters, kernel, padding="same", use_bias=bias, name=f"{name}_{j}_conv")(y)
        y = normalization(y, norm, f"{name}_{j}")
        if j < len(convs):
            y = layers.Activation(act, name=f"{name}_{j}_relu")(y)
    return layers.Add(name=f"{name}_add")([zero_padded_shortcut(x, y.shape[-1], stride, name), y])


def zero_padded_shortcut(x, channels: int, stride: int, name: str):
    """Identity (2x2 average pooled when ``stride`` is 2) with zero channels appended up to ``channels``."""
    if stride != 1:
        x = layers.AveragePooling2D(2, strides=2, padding="same", name=f"{name}_shortcut_pool")(x)
    extra = channels - x.shape[-1]
    if extra < 0:
        raise WorkbenchError(f"block {name} would shrink from {x.shape[-1]} to {channels} channels")
    if extra == 0:
        return x
    # Pad the channel axis with built-in layers only (no Lambda): view the map as a
    # 3-D volume with one feature, zero-pad its third axis, and view it back.
    height, width, have = x.shape[1], x.shape[2], x.shape[3]
    x = layers.Reshape((height, width, have, 1), name=f"{name}_shortcut_volume")(x)
    x = layers.ZeroPadding3D(((0, 0), (0, 0), (0, extra)), name=f"{name}_shortcut_zeropad")(x)
    return layers.Reshape((height, width, channels), name=f"{name}_shortcut")(x)
