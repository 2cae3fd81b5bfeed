"""Multi-layer perceptron (Rumelhart, Hinton & Williams, 1986)."""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import output_layer


def parse_units(text: str) -> list[int]:
    """``"64,32"`` -> ``[64, 32]``; ``""`` -> ``[]`` (no hidden layer: a linear model)."""
    try:
        units = [int(part) for part in str(text).replace(" ", "").split(",") if part]
    except ValueError:
        raise WorkbenchError(f"hidden_units={text!r} must be comma-separated whole numbers") from None
    if any(u < 1 or u > 65536 for u in units):
        raise WorkbenchError(f"hidden_units={text!r}: each layer needs 1 to 65536 units")
    return units


def build_mlp(hp: dict, info) -> keras.Model:
    """Fully connected layers over flattened inputs (tabular rows or images)."""
    inputs = keras.Input(shape=info.input_shape, name="input")
    x = layers.Flatten(name="flatten")(inputs) if len(info.input_shape) > 1 else inputs
    for i, units in enumerate(parse_units(hp["hidden_units"]), start=1):
        x = layers.Dense(units, activation=hp["activation"], name=f"dense_{i}")(x)
        if hp["dropout"]:
            x = layers.Dropout(hp["dropout"], name=f"dropout_{i}")(x)
    return keras.Model(inputs, output_layer(x, info), name="mlp")
