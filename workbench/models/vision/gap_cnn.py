"""A small CNN whose head is global average pooling + one dense layer: CAM-ready.

Class Activation Mapping (Zhou et al., 2016, "Learning Deep Features for
Discriminative Localization") needs exactly this head: the class score is a weighted
sum of the last conv layer's channel means, so the same weights map it back to space.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.models.common import classifier_head, image_input, normalization, pool


def build_gap_cnn(hp: dict, info) -> keras.Model:
    inputs, x = image_input(info, hp["input_size"])
    act = hp.get("activation", "relu")
    widths = [hp["filters"] * 2 ** i for i in range(hp["blocks"])]
    for i, filters in enumerate(widths, start=1):
        x = layers.Conv2D(filters, 3, padding="same", name=f"block{i}_conv")(x)
        x = normalization(x, hp["normalization"], f"block{i}")
        x = layers.Activation(act, name=f"block{i}_relu")(x)
        if i < len(widths):  # the last block keeps its resolution for a sharper map
            x = pool(x, hp["pooling"], f"block{i}")
    x = layers.Conv2D(widths[-1], 3, padding="same", activation=act, name="last_conv")(x)
    return keras.Model(inputs, classifier_head(x, info, hp["dropout"]), name="gap_cnn")
