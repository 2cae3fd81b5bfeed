"""The plain CIFAR ResNet of He, Zhang, Ren & Sun (2016, "Identity Mappings in Deep Residual
Networks", ECCV): a 3x3 convolution with 16 filters, three stages of n pre-activation basic
blocks with 16, 32 and 64 filters on 32x32, 16x16 and 8x8 feature maps, BN-ReLU, an 8x8
global average pool and the classifier (depth 6n + 2, plus the two 1x1 projections where the
width changes).

It is written from the ResNet paper's description, not from the Wide ResNet code, so that
"WRN-d-1 is the plain ResNet" (note 002: "k = 1 が一般的な ResNet") is a comparison of two
builders rather than of one builder with itself (``architecture_checks.wrn_vs_resnet``).
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import classifier_head, image_input, normalization

STAGE_FILTERS = (16, 32, 64)


def build_cifar_resnet(hp: dict, info) -> keras.Model:
    """``hp`` keys: blocks (n per stage), normalization, dropout, input_size."""
    n = hp["blocks"]
    if n < 1:
        raise WorkbenchError(f"blocks={n} must be at least 1")
    norm = hp["normalization"]
    bias = norm == "none"
    inputs, x = image_input(info, hp.get("input_size", 0))
    x = layers.Conv2D(STAGE_FILTERS[0], 3, padding="same", use_bias=bias, name="stem_conv")(x)
    for stage, filters in enumerate(STAGE_FILTERS):
        for block in range(n):
            downsample = stage > 0 and block == 0
            x = _preact_basic(x, filters, 2 if downsample else 1, norm, bias, f"stage{stage + 1}_{block + 1}")
    x = normalization(x, norm, "final")
    x = layers.Activation("relu", name="final_relu")(x)
    return keras.Model(inputs, classifier_head(x, info, hp.get("dropout", 0.0)), name=f"resnet{6 * n + 2}_cifar")


def _preact_basic(x, filters: int, stride: int, norm: str, bias: bool, name: str):
    """BN-ReLU-conv3x3-BN-ReLU-conv3x3 plus the input (a 1x1 projection where the shape changes)."""
    y = normalization(x, norm, f"{name}_bn1")
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=bias, name=f"{name}_project")(y)
    if stride != 1:
        y = layers.ZeroPadding2D(1, name=f"{name}_pad")(y)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same" if stride == 1 else "valid",
                      use_bias=bias, name=f"{name}_conv1")(y)
    y = normalization(y, norm, f"{name}_bn2")
    y = layers.Activation("relu", name=f"{name}_relu2")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=bias, name=f"{name}_conv2")(y)
    return layers.Add(name=f"{name}_add")([shortcut, y])
