"""The peephole LSTM cell (Gers & Schmidhuber 2000), used through ``keras.layers.RNN``.

Hochreiter & Schmidhuber's (1997) memory cell keeps its state ``c`` in a loop of weight
1, the *constant error carousel*: ``c_t = f_t * c_(t-1) + i_t * g_t`` is additive, so the
error flowing back along ``c`` is only multiplied by the forget gate ``f`` (near 1 while
the cell holds something), not squashed through a weight matrix and a derivative at
every step as in a simple RNN. Gers, Schraudolph & Schmidhuber (2002) let the gates also
look at the cell state itself ("peepholes"), so they can time their opening on what the
cell holds. With row vectors and ``sigma`` the logistic function::

    i_t = sigma(x_t W_i + h_(t-1) U_i + p_i * c_(t-1) + b_i)     input gate
    f_t = sigma(x_t W_f + h_(t-1) U_f + p_f * c_(t-1) + b_f)     forget gate
    g_t = tanh (x_t W_c + h_(t-1) U_c + b_c)                     candidate
    c_t = f_t * c_(t-1) + i_t * g_t                              the carousel
    o_t = sigma(x_t W_o + h_(t-1) U_o + p_o * c_t + b_o)         output gate (sees the new c)
    h_t = o_t * tanh(c_t)

``p_i, p_f, p_o`` are diagonal (one weight per unit). The kernels are laid out as in
``keras.layers.LSTMCell`` (gates in the order i, f, c, o), so with the peepholes at zero
this cell computes exactly what Keras's does.
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="workbench")
class PeepholeLSTMCell(keras.layers.Layer):
    """One step of the peephole LSTM; ``state_size = [units, units]`` for ``[h, c]``."""

    def __init__(self, units: int, unit_forget_bias: bool = True, **kwargs):
        super().__init__(**kwargs)
        if units < 1:
            raise ValueError(f"units={units} must be at least 1")
        self.units = int(units)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        features = input_shape[-1]
        u = self.units
        self.kernel = self.add_weight(shape=(features, 4 * u), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(u, 4 * u), initializer="orthogonal",
                                                name="recurrent_kernel")

        def bias_init(shape, dtype=None):
            # a forget-gate bias of 1 starts the cell remembering (Jozefowicz et al. 2015)
            forget = ops.ones((u,), dtype) if self.unit_forget_bias else ops.zeros((u,), dtype)
            return ops.concatenate([ops.zeros((u,), dtype), forget, ops.zeros((2 * u,), dtype)])

        self.bias = self.add_weight(shape=(4 * u,), initializer=bias_init, name="bias")
        self.input_gate_peephole = self.add_weight(shape=(u,), initializer="glorot_uniform",
                                                   name="input_gate_peephole")
        self.forget_gate_peephole = self.add_weight(shape=(u,), initializer="glorot_uniform",
                                                    name="forget_gate_peephole")
        self.output_gate_peephole = self.add_weight(shape=(u,), initializer="glorot_uniform",
                                                    name="output_gate_peephole")

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel) + self.bias
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = ops.sigmoid(z_i + self.input_gate_peephole * c_prev)
        f = ops.sigmoid(z_f + self.forget_gate_peephole * c_prev)
        c = f * c_prev + i * ops.tanh(z_c)
        o = ops.sigmoid(z_o + self.output_gate_peephole * c)
        h = o * ops.tanh(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype) for _ in range(2)]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "unit_forget_bias": self.unit_forget_bias}
