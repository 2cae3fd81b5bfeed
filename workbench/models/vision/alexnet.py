"""AlexNet (Krizhevsky, Sutskever & Hinton, 2012, "ImageNet Classification with Deep
Convolutional Neural Networks", NIPS).

Five convolutions (96 11x11/4, 256 5x5, 384 3x3, 384 3x3, 256 3x3) with ReLU,
local response normalization after the first two, overlapping 3x3/2 max pooling,
then two fully connected layers of 4096 with dropout 0.5 and the classifier.

The paper trained on two GPUs: conv2, conv4 and conv5 only see the feature maps of
their own GPU, which is a grouped convolution with ``groups=2``. With that split
the network has 60,965,224 parameters at 224x224x3 and 1000 classes (the paper's
"60 million"); with ``groups=1`` (one tower) it has 62,378,344. A 2-pixel zero
border turns the 224 input into the 55x55 first feature map the paper describes.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.layers.lrn import LocalResponseNormalization
from workbench.models.common import (
    image_input,
    normalization,
    output_layer,
    pooling_layer,
    to_vector,
)

#: (name, filters, kernel, stride, grouped, pool after, LRN after) per the paper's figure 2.
CONV_LAYERS = (
    ("conv1", 96, 11, 4, False, True, True),
    ("conv2", 256, 5, 1, True, True, True),
    ("conv3", 384, 3, 1, False, False, False),
    ("conv4", 384, 3, 1, True, False, False),
    ("conv5", 256, 3, 1, True, True, False),
)
#: Smallest side for which three 3x3/2 poolings still leave a 1x1 map.
MIN_SIZE = 63


def build_alexnet(hp: dict, info) -> keras.Model:
    """Build AlexNet; ``hp`` keys: width, fc_units, groups, lrn, normalization, dropout, input_size."""
    width, groups = hp["width"], hp["groups"]
    if width <= 0:
        raise WorkbenchError(f"width={width} must be positive")
    if groups not in (1, 2):
        raise WorkbenchError(f"groups={groups} must be 1 (one tower) or 2 (the paper's two GPUs)")
    if hp["input_size"] and hp["input_size"] < MIN_SIZE:
        raise WorkbenchError(f"input_size={hp['input_size']} is too small for AlexNet; use at least {MIN_SIZE}")
    inputs, x = image_input(info, hp["input_size"], min_size=MIN_SIZE)
    norm, act = hp["normalization"], hp.get("activation", "relu")
    x = layers.ZeroPadding2D(2, name="conv1_pad")(x)
    for name, filters, kernel, stride, grouped, pooled, lrn in CONV_LAYERS:
        x = layers.Conv2D(_scaled(filters, width, groups), kernel, strides=stride,
                          padding="valid" if name == "conv1" else "same",
                          groups=groups if grouped else 1,
                          use_bias=norm == "none", name=name)(x)
        x = normalization(x, norm, name)
        x = layers.Activation(act, name=f"{name}_relu")(x)
        if lrn and hp["lrn"]:
            x = LocalResponseNormalization(name=f"{name}_lrn")(x)
        if pooled:
            x = pooling_layer(hp.get("pooling", "max"), 3, strides=2, name=f"pool{name[-1]}")(x)
    x = to_vector(x, hp.get("head", "flatten"))
    for name in ("fc6", "fc7"):
        x = layers.Dense(hp["fc_units"], activation=act, name=name)(x)
        if hp["dropout"]:
            x = layers.Dropout(hp["dropout"], name=f"{name}_dropout")(x)
    return keras.Model(inputs, output_layer(x, info), name="alexnet")


def _scaled(filters: int, width: float, groups: int) -> int:
    """``filters * width`` rounded to a multiple of ``groups`` (a grouped conv needs it)."""
    return max(groups, int(round(filters * width / groups)) * groups)
