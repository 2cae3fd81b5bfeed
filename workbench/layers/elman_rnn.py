"""The simple (Elman) RNN of the BPTT exercise, as a Keras layer for prediction and saving.

    u_t = x_t W_in + z_(t-1) W + b,   z_t = f(u_t),   y_t = sigmoid(z_t W_out + c)

(row vectors: the notes' ``u = W_in x + W z + b`` with the matrices transposed, the
layout Keras uses). Training does not use this layer's autodiff: ``rnn_bptt.py``
computes the gradients by hand and writes them into these same weights.
"""

from __future__ import annotations

import keras
from keras import layers, ops

#: The hidden activations the hand-written backward pass knows the derivative of.
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")


@keras.saving.register_keras_serializable(package="workbench")
class ElmanRNN(layers.Layer):
    """``(batch, steps, inputs)`` -> ``(batch, steps, outputs)`` sigmoid outputs, one per step."""

    def __init__(self, units: int, outputs: int = 1, activation: str = "tanh", **kwargs):
        super().__init__(**kwargs)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation={activation!r} is not one of {', '.join(ACTIVATIONS)}")
        self.units, self.outputs, self.activation = int(units), int(outputs), activation

    def build(self, input_shape):
        if input_shape[1] is None:
            raise ValueError("ElmanRNN needs a fixed number of time steps")
        self.w_in = self.add_weight(name="w_in", shape=(input_shape[-1], self.units))
        self.w = self.add_weight(name="w", shape=(self.units, self.units), initializer="orthogonal")
        self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros")
        self.w_out = self.add_weight(name="w_out", shape=(self.units, self.outputs))
        self.c = self.add_weight(name="c", shape=(self.outputs,), initializer="zeros")

    def call(self, inputs):
        f = keras.activations.get(self.activation)
        z = ops.zeros((ops.shape(inputs)[0], self.units), dtype=self.compute_dtype)
        outputs = []
        for t in range(inputs.shape[1]):  # unrolled: the step count is fixed and small
            z = f(ops.matmul(inputs[:, t], self.w_in) + ops.matmul(z, self.w) + self.b)
            outputs.append(ops.sigmoid(ops.matmul(z, self.w_out) + self.c))
        return ops.stack(outputs, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], self.outputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "outputs": self.outputs,
                "activation": self.activation}
