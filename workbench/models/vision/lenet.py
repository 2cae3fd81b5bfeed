"""LeNet-style CNN (LeCun et al., 1998, "Gradient-based learning applied to document recognition").

conv(6, 5x5) - pool - conv(16, 5x5) - pool - fc 120 - fc 84 - classes. 'same'
padding lets the same network run on 8x8 digits and on 28x28 MNIST.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.models.common import (
    image_input,
    normalization,
    output_layer,
    pool,
    to_vector,
)


def build_lenet(hp: dict, info) -> keras.Model:
    inputs, x = image_input(info, hp["input_size"])
    for i, filters in enumerate((6 * hp["width"], 16 * hp["width"]), start=1):
        x = layers.Conv2D(filters, 5, padding="same", name=f"conv{i}")(x)
        x = normalization(x, hp["normalization"], f"conv{i}")
        x = layers.Activation(hp["activation"], name=f"conv{i}_{hp['activation']}")(x)
        x = pool(x, hp["pooling"], f"pool{i}")
    return keras.Model(inputs, lenet_head(x, info, hp["activation"], hp["dropout"], hp.get("head", "flatten")),
                       name="lenet")


def lenet_head(x, info, activation: str, dropout: float = 0.0, head: str = "flatten"):
    """Flatten (or global pooling), fc 120, fc 84, optional dropout, the classes."""
    x = to_vector(x, head)
    x = layers.Dense(120, activation=activation, name="fc1")(x)
    x = layers.Dense(84, activation=activation, name="fc2")(x)
    if dropout:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    return output_layer(x, info)
