"""Wide Residual Networks, WRN-d-k (Zagoruyko & Komodakis, 2016, "Wide Residual
Networks", BMVC).

The CIFAR layout of note 002: a 3x3 convolution with 16 filters, then three groups
of N = (d - 4) / 6 pre-activation blocks B(3,3) with 16k, 32k and 64k filters (the
last two halve the resolution), BN-ReLU, global average pooling, the classifier.
Widening by k instead of deepening keeps the GPU busy with fewer, larger layers;
WRN-28-10 (36.5 M parameters) beats thousand-layer thin ResNets. Dropout between the
two convolutions of a block is the paper's "WRN-d-k-dropout" (0.3 in its tables).
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import classifier_head, image_input, normalization

GROUP_WIDTHS = (16, 32, 64)


def blocks_per_group(depth: int) -> int:
    """N = (d - 4) / 6 blocks of two convolutions per group, the paper's definition of depth."""
    if depth < 10 or (depth - 4) % 6:
        raise WorkbenchError(f"depth={depth} must be 6N + 4 for some N >= 1 (10, 16, 22, 28, 40, ...)")
    return (depth - 4) // 6


def build_wide_resnet(hp: dict, info) -> keras.Model:
    """Build WRN-depth-width; ``hp`` keys: depth, width, block_dropout, normalization, dropout, input_size."""
    n = blocks_per_group(hp["depth"])
    k = hp["width"]
    if k < 1:
        raise WorkbenchError(f"width={k} must be at least 1")
    norm, act = hp["normalization"], hp.get("activation", "relu")
    inputs, x = image_input(info, hp["input_size"])
    x = layers.Conv2D(16, 3, padding="same", use_bias=norm == "none", name="conv1")(x)
    for group, base in enumerate(GROUP_WIDTHS):
        for i in range(1, n + 1):
            stride = 2 if group > 0 and i == 1 else 1
            x = wide_block(x, base * k, stride, hp["block_dropout"], norm,
                           name=f"conv{group + 2}_block{i}", act=act)
    x = normalization(x, norm, "post")
    x = layers.Activation(act, name="post_relu")(x)
    return keras.Model(inputs, classifier_head(x, info, hp["dropout"], head=hp.get("head", "global_average")),
                       name=f"wrn_{hp['depth']}_{k}")


def wide_block(x, filters: int, stride: int, dropout: float, norm: str, name: str, act: str = "relu"):
    """B(3,3) pre-activation block: norm-ReLU-conv3x3-norm-ReLU-(dropout)-conv3x3, plus the input."""
    preact = normalization(x, norm, f"{name}_preact")
    preact = layers.Activation(act, name=f"{name}_preact_relu")(preact)
    if stride != 1 or x.shape[-1] != filters:
        # The projection reads the activated input, as in the authors' code.
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=norm == "none",
                                 name=f"{name}_0_conv")(preact)
    else:
        shortcut = x
    bias = norm == "none"  # a bias before a normalization is redundant
    y = _conv3x3(preact, filters, stride, bias, f"{name}_1")
    y = normalization(y, norm, f"{name}_1")
    y = layers.Activation(act, name=f"{name}_1_relu")(y)
    if dropout:
        y = layers.Dropout(dropout, name=f"{name}_dropout")(y)
    y = _conv3x3(y, filters, 1, bias, f"{name}_2")
    return layers.Add(name=f"{name}_add")([shortcut, y])


def _conv3x3(x, filters: int, stride: int, bias: bool, name: str):
    if stride == 1:
        return layers.Conv2D(filters, 3, padding="same", use_bias=bias, name=f"{name}_conv")(x)
    # Symmetric padding as in the paper's Torch code (keras 'same' would pad only right/bottom).
    x = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
    return layers.Conv2D(filters, 3, strides=stride, use_bias=bias, name=f"{name}_conv")(x)
