"""The recurrent family: SimpleRNN, LSTM (with or without peepholes), GRU and bidirectional.

- SimpleRNN (Elman 1990): ``h_t = tanh(x_t W + h_(t-1) U + b)``. Backpropagated through
  time, the error is multiplied by ``U^T diag(f')`` at every step and vanishes over long
  gaps (Hochreiter 1991; Bengio, Simard & Frasconi 1994).
- LSTM (Hochreiter & Schmidhuber 1997; forget gate Gers et al. 2000): an additive cell
  state, the constant error carousel, guarded by input, forget and output gates
  (``peephole_lstm.py`` has the equations and the peephole variant).
- GRU (Cho et al. 2014): update and reset gates, ``h_t = (1 - z) * h_(t-1) + z * h~_t``
  (Keras's convention swaps z and 1 - z): the same additive path with fewer weights.
- Bidirectional (Schuster & Paliwal 1997): one RNN reads left to right, another right to
  left, and their states are concatenated, so the output at step t sees the whole input.

Every model is a stack ``input -> "rnn" -> "predictions"``: one label per sequence
(``long_gap``, a classification source) from the last state, or one label per step
(``lookahead``) from every state. ``gradient_flow.py`` unrolls the ``"rnn"`` layer to
draw ``||dL/dh_t||`` over the steps each epoch.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.errors import WorkbenchError
from workbench.models.sequence.gradient_flow import GradientNormViews
from workbench.models.sequence.peephole_lstm import PeepholeLSTMCell

CELLS = ("simple_rnn", "lstm", "gru")
#: Sequences in the batch the gradient-norm view is computed on (cheap, once per epoch).
GRADIENT_BATCH = 32


def recurrent_layer(cell: str, units: int, return_sequences: bool, peephole: bool = False,
                    name: str | None = None, dropout: float = 0.0, recurrent_dropout: float = 0.0):
    """A Keras recurrent layer of kind ``cell``; ``peephole`` uses ``PeepholeLSTMCell`` for the LSTM.
    ``dropout`` drops inputs x_t, ``recurrent_dropout`` the carried state h_(t-1) (SimpleRNN)."""
    if cell == "simple_rnn":
        return keras.layers.SimpleRNN(units, return_sequences=return_sequences, name=name, dropout=dropout,
                                      recurrent_dropout=recurrent_dropout)
    if cell == "lstm" and peephole:
        return keras.layers.RNN(PeepholeLSTMCell(units), return_sequences=return_sequences, name=name)
    if cell == "lstm":
        return keras.layers.LSTM(units, return_sequences=return_sequences, name=name)
    if cell == "gru":
        return keras.layers.GRU(units, return_sequences=return_sequences, name=name)
    raise WorkbenchError(f"cell={cell!r} is not one of {', '.join(CELLS)}")


def build_recurrent(cell: str, hp: dict, info, bidirectional: bool = False) -> keras.Model:
    """``(steps, symbols)`` one-hot sequences -> class probabilities, per sequence or per step."""
    if len(info.input_shape) != 2:
        raise WorkbenchError(
            f"a recurrent classifier reads sequences of one-hot vectors (steps, symbols); {info.name} has "
            f"inputs of shape {tuple(info.input_shape)} (string pairs go to seq2seq or seq2seq_attention)")
    if not info.class_names:
        raise WorkbenchError(f"{info.name} has no classes to predict")
    per_step = info.task != "classification"  # lookahead labels every step, long_gap the sequence
    name = ("bidirectional_" if bidirectional else "") + cell + ("_peephole" if hp.get("peephole") else "")
    inputs = keras.Input(shape=tuple(info.input_shape), name="input")
    layer = recurrent_layer(cell, hp["units"], per_step, hp.get("peephole", False),
                            name=None if bidirectional else "rnn", dropout=hp.get("input_dropout", 0.0),
                            recurrent_dropout=hp.get("recurrent_dropout", 0.0))
    if bidirectional:
        layer = keras.layers.Bidirectional(layer, merge_mode="concat", name="rnn")
    outputs = keras.layers.Dense(len(info.class_names), activation="softmax", name="predictions")(layer(inputs))
    if cell == "lstm" and hp.get("forget_bias", 1.0) != 1.0:
        for part in (layer.forward_layer, layer.backward_layer) if bidirectional else (layer,):
            set_forget_bias(part, hp["forget_bias"])
    return keras.Model(inputs, outputs, name=name)


def set_forget_bias(layer, value: float) -> None:
    """Start the LSTM's forget gates at ``sigmoid(value)``: the carousel passes ``f`` of its
    error back per step, so ``f = sigmoid(1) = 0.73`` (Keras's default) leaves
    ``0.73^50 ~ 1e-7`` of it after 50 steps and ``sigmoid(3) = 0.95`` leaves ``0.08``
    (Gers, Schmidhuber & Cummins 2000; Tallec & Ollivier 2018 set it from the time scale)."""
    cell = layer.cell
    bias = np.array(cell.bias.numpy())
    bias[cell.units:2 * cell.units] = value  # the gates are laid out i, f, c, o
    cell.bias.assign(bias)


def build_simple_rnn(hp: dict, info) -> keras.Model:
    return build_recurrent("simple_rnn", hp, info)


def build_lstm(hp: dict, info) -> keras.Model:
    return build_recurrent("lstm", hp, info)


def build_gru(hp: dict, info) -> keras.Model:
    return build_recurrent("gru", hp, info)


def build_bidirectional(hp: dict, info) -> keras.Model:
    return build_recurrent(hp["cell"], hp, info, bidirectional=True)


def train_recurrent(ctx):
    """``fit`` with a per-sequence or per-step cross-entropy, the gradient-norm view each
    epoch and, on ``lookahead``, the accuracy on the steps that need the future."""
    from workbench.training.job import apply_l2, fit_arrays, make_optimizer

    data, hp = ctx.dataset, ctx.hp
    if data.x_train.ndim != 3:
        raise WorkbenchError(f"{ctx.entry.name} needs one-hot sequences (samples, steps, symbols); "
                             f"{data.info.name} has x of shape {data.x_train.shape}")
    model = ctx.entry.build(hp, data.info)
    apply_l2(model, hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(hp), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x_probe, y_probe = (data.x_val, data.y_val) if len(data.x_val) else (data.x_train, data.y_train)
    callbacks = [GradientNormViews(ctx.emit, x_probe[:GRADIENT_BATCH], y_probe[:GRADIENT_BATCH], ctx.initial_epoch)]
    if data.y_train.ndim == 2 and "end" in data.info.class_names and len(data.x_val):
        callbacks.insert(0, AheadAccuracy(data.x_val[:1000], data.y_val[:1000],
                                          data.info.class_names.index("end")))
    return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val, extra_callbacks=callbacks)


train_recurrent.resumable = True  # it trains through fit_arrays


class AheadAccuracy(keras.callbacks.Callback):
    """``val_ahead_accuracy``: accuracy on the steps whose label is a symbol still to come
    (not ``end``). A one-way RNN stays at ``1/symbols`` there; a bidirectional one can reach 1."""

    def __init__(self, x, y, end_class: int):
        super().__init__()
        self.x, self.y, self.end_class = x, y, end_class

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        predicted = self.model.predict(self.x, verbose=0, batch_size=256).argmax(-1)
        ahead = self.y != self.end_class
        logs["val_ahead_accuracy"] = float((predicted == self.y)[ahead].mean())


def future_sensitivity(model, x: np.ndarray, t: int) -> tuple[float, float]:
    """``(max |d(r . y_t) / dx_s| for s <= t, the same for s > t)`` for one sequence ``x``, with
    ``r`` a fixed weighting of the classes (the probabilities sum to 1, so their plain sum
    has no gradient): how much the per-step output at ``t`` depends on the inputs up to
    ``t`` and after it. The second is exactly 0 for a one-way RNN (it has not read them)
    and not for a bidirectional one."""
    import tensorflow as tf

    inputs = tf.convert_to_tensor(x[None], tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = model(inputs, training=False)[0, t]
        weighted = tf.reduce_sum(output * tf.linspace(1.0, 2.0, output.shape[-1]))
    sensitivity = np.abs(tape.gradient(weighted, inputs).numpy()[0]).max(axis=1)  # per input step
    return float(sensitivity[: t + 1].max()), float(sensitivity[t + 1:].max() if t + 1 < len(sensitivity) else 0.0)
