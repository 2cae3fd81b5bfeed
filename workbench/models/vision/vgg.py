"""VGG-16 and VGG-19 (Simonyan & Zisserman, 2015, "Very Deep Convolutional Networks
for Large-Scale Image Recognition", ICLR; configurations D and E of table 1).

Stacks of 3x3 convolutions (two 3x3 see what one 5x5 sees, with fewer weights and
one more non-linearity), 2x2 max pooling after each stack, then two fully connected
layers of 4096 and the classifier. At the defaults the layout (layer names, shapes
and parameter counts) is that of ``keras.applications.VGG16`` / ``VGG19``.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import image_input, normalization, output_layer, to_vector

#: Convolutions per block; the filters are 64, 128, 256, 512, 512.
BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
FILTERS = (64, 128, 256, 512, 512)
#: Five 2x2 poolings need at least a 32x32 input.
MIN_SIZE = 32


def build_vgg(hp: dict, info, variant: str) -> keras.Model:
    """Generic VGG; ``hp`` keys: width, fc_units, pooling, normalization, dropout, input_size."""
    if variant not in BLOCKS:
        raise WorkbenchError(f"unknown VGG variant {variant!r}; known: {', '.join(BLOCKS)}")
    if hp["width"] <= 0:
        raise WorkbenchError(f"width={hp['width']} must be positive")
    if hp["pooling"] not in ("max", "average"):
        raise WorkbenchError(f"pooling={hp['pooling']!r} is not one of max, average")
    if hp["input_size"] and hp["input_size"] < MIN_SIZE:
        raise WorkbenchError(f"input_size={hp['input_size']} is too small for VGG; use at least {MIN_SIZE}")
    inputs, x = image_input(info, hp["input_size"], min_size=MIN_SIZE)
    for block, (convs, filters) in enumerate(zip(BLOCKS[variant], FILTERS), start=1):
        x = vgg_block(x, max(1, int(round(filters * hp["width"]))), convs,
                      hp["normalization"], hp["pooling"], name=f"block{block}",
                      activation=hp.get("activation", "relu"))
    x = to_vector(x, hp.get("head", "flatten"))
    for i in (1, 2):
        x = layers.Dense(hp["fc_units"], activation=hp.get("activation", "relu"), name=f"fc{i}")(x)
        if hp["dropout"]:  # the paper regularises both fc layers with dropout 0.5
            x = layers.Dropout(hp["dropout"], name=f"fc{i}_dropout")(x)
    return keras.Model(inputs, output_layer(x, info), name=variant)


def vgg_block(x, filters: int, convs: int, norm: str, pooling: str, name: str, activation: str = "relu"):
    """``convs`` 3x3 convolutions + ``activation`` (ReLU in the paper), then a 2x2 pooling (``block1_conv1`` ... ``block1_pool``)."""
    for i in range(1, convs + 1):
        conv_name = f"{name}_conv{i}"
        if norm == "none":  # keras.applications' layout: the activation inside the conv
            x = layers.Conv2D(filters, 3, padding="same", activation=activation, name=conv_name)(x)
            continue
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=conv_name)(x)
        x = normalization(x, norm, conv_name)
        x = layers.Activation(activation, name=f"{conv_name}_relu")(x)
    pool = layers.MaxPooling2D if pooling == "max" else layers.AveragePooling2D
    return pool(2, strides=2, name=f"{name}_pool")(x)


def build_vgg16(hp: dict, info) -> keras.Model:
    return build_vgg(hp, info, "vgg16")


def build_vgg19(hp: dict, info) -> keras.Model:
    return build_vgg(hp, info, "vgg19")
