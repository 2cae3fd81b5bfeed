"""The perceptron's hard-limit (step) output, as one-hot class "probabilities".

One unit: ``s = 1 if u > 0 else 0`` gives ``[1 - s, s]``; several units (the
multi-class perceptron): the one-hot of ``argmax(u)``. The output has the shape of a
softmax so that accuracy, prediction and the GUI treat the perceptron like any
classifier, but it is a decision, not a probability, and has no gradient.
"""

from __future__ import annotations

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="workbench")
class HardLimit(layers.Layer):
    def call(self, inputs):
        if inputs.shape[-1] == 1:
            fired = ops.cast(inputs > 0, self.compute_dtype)
            return ops.concatenate([1.0 - fired, fired], axis=-1)
        return ops.one_hot(ops.argmax(inputs, axis=-1), inputs.shape[-1], dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], max(2, input_shape[-1]))
