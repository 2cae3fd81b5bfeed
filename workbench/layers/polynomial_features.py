"""Polynomial basis expansion as a layer: ``x -> [x, x^2, ..., x^degree]``.

Putting the expansion inside the model (rather than in the data) keeps the saved
model a function of the raw ``x``: prediction, export and the GUI's plots need no
separate preprocessing step. Each input feature gets its own powers; there are no
cross terms (``x1 * x2``), which keeps one weight per power and per feature so the
fitted coefficients can be read back directly.
"""

from __future__ import annotations

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="workbench")
class PolynomialFeatures(layers.Layer):
    """``(batch, features)`` -> ``(batch, features * degree)``, ordered by power then feature."""

    def __init__(self, degree: int = 2, **kwargs):
        super().__init__(**kwargs)
        if int(degree) != degree or not 1 <= degree <= 10:
            raise ValueError(f"PolynomialFeatures degree={degree!r} must be a whole number from 1 to 10")
        self.degree = int(degree)

    def call(self, inputs):
        return ops.concatenate([inputs ** power for power in range(1, self.degree + 1)], axis=-1)

    def compute_output_shape(self, input_shape):
        features = input_shape[-1]
        return (*input_shape[:-1], None if features is None else features * self.degree)

    def get_config(self):
        return {**super().get_config(), "degree": self.degree}
