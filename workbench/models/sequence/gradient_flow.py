"""How far back the gradient reaches: ``||dL/dh_t||`` over the time steps of a recurrent model.

One view, ``gradient_norms``, shared by the hand-written BPTT entry of section A
(``workbench/models/rnn_bptt.py``, numpy) and the Keras recurrent entries of section D
(SimpleRNN, LSTM, GRU, bidirectional): curves of the gradient norm of the loss with
respect to the hidden state at each step, on a log scale. For SimpleRNN on a long gap it
falls geometrically towards the first steps (Hochreiter 1991; Bengio, Simard & Frasconi
1994); the LSTM's additive cell update (the constant error carousel) keeps it up.

``dL/dh_t`` is the *total* gradient: through the output at step ``t`` and through every
later step. Keras's recurrent layers do not expose it, so ``hidden_state_gradient_norms``
unrolls the layer's own cell step by step and adds a zero tensor ``e_t`` to each hidden
state, ``h_t' = h_t + e_t``; since ``h_t'`` feeds both the output and step ``t + 1``,
``dL/de_t = dL/dh_t``.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.errors import WorkbenchError
from workbench.views.types import Curves, View

VIEW_NAME = "gradient_norms"
X_LABEL = "time step t"
Y_LABEL = "||dL/dh_t||"
TITLE = "Gradient norm ||dL/dh_t|| over time steps"


def gradient_norm_view(series: dict, title: str = TITLE, step: int = 0) -> View:
    """The shared view: ``series`` maps a label to ``(t, ||dL/dh_t||)`` (t from 1)."""
    return View(VIEW_NAME, Curves(series, X_LABEL, Y_LABEL, log_y=True), title, step)


def hidden_state_gradient_norms(model, x, y, layer_name: str = "rnn") -> dict[str, np.ndarray]:
    """``{direction: ||dL/dh_t|| for t = 1..T}`` for one batch, ``L`` the model's mean sparse
    cross-entropy (per sequence or per step, whichever ``y`` is).

    ``model`` is a stack: its layers before ``layer_name`` prepare the input, ``layer_name``
    is a Keras recurrent layer (``SimpleRNN``, ``LSTM``, ``GRU``, ``RNN(cell)``) or a
    ``Bidirectional`` one, and the layers after it map its output to class probabilities.
    The direction is ``""`` for a one-way layer, ``"forward"``/``"backward"`` for a
    bidirectional one. The norm is taken over the batch and the units together.
    """
    import keras
    import tensorflow as tf

    layer = model.get_layer(layer_name)
    index = model.layers.index(layer)
    before = [l for l in model.layers[:index] if not isinstance(l, keras.layers.InputLayer)]
    after = model.layers[index + 1:]
    h = tf.convert_to_tensor(x, tf.float32)
    for l in before:
        h = l(h)
    bidirectional = isinstance(layer, keras.layers.Bidirectional)
    parts = [layer.forward_layer, layer.backward_layer] if bidirectional else [layer]
    steps = int(h.shape[1])
    with tf.GradientTape() as tape:
        probes = [[tf.zeros((h.shape[0], part.cell.units)) for _ in range(steps)] for part in parts]
        for row in probes:
            for probe in row:
                tape.watch(probe)
        outputs = [_unroll(part, h, row) for part, row in zip(parts, probes)]
        out = _merge(outputs, layer, bidirectional)
        for l in after:
            out = l(out)
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, out))
    grads = tape.gradient(loss, probes)
    names = ["forward", "backward"] if bidirectional else [""]
    return {name: np.array([float(tf.norm(g)) if g is not None else 0.0 for g in row])
            for name, row in zip(names, grads)}


def _unroll(layer, inputs, probes):
    """The layer's cell applied step by step (backwards for ``go_backwards``), each hidden
    state plus its probe; returns the outputs in time order ``(batch, T, units)`` (or the
    last one, as the layer would)."""
    import tensorflow as tf

    if not hasattr(layer, "cell"):
        raise WorkbenchError(f"layer {layer.name!r} is not a recurrent layer with a cell")
    cell = layer.cell
    batch, steps = inputs.shape[0], inputs.shape[1]
    states = cell.get_initial_state(batch)
    states = list(states) if isinstance(states, (list, tuple)) else [states]
    order = range(steps - 1, -1, -1) if layer.go_backwards else range(steps)
    outputs = [None] * steps
    last = None
    for t in order:
        output, states = cell(inputs[:, t], states)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        output = output + probes[t]
        states[0] = output  # h is the first state of SimpleRNN, GRU and LSTM cells alike
        outputs[t] = last = output
    if layer.return_sequences:
        return tf.stack(outputs, axis=1)
    return last


def _merge(outputs, layer, bidirectional):
    import keras

    if not bidirectional:
        return outputs[0]
    if layer.merge_mode != "concat":
        raise WorkbenchError(f"gradient norms need a bidirectional layer that concatenates its "
                             f"directions, not merge_mode={layer.merge_mode!r}")
    return keras.ops.concatenate(outputs, axis=-1)



class GradientNormViews(keras.callbacks.Callback):
    """Emits ``gradient_norms`` for one small batch: before training and after each epoch,
    the curve of the weights the run started from beside the current one (one view per epoch)."""

    def __init__(self, emit, x, y, initial_epoch: int = 0, layer_name: str = "rnn"):
        super().__init__()
        self.emit, self.x, self.y, self.layer_name = emit, x, y, layer_name
        self.initial_epoch = initial_epoch
        self.first: dict = {}

    def on_train_begin(self, logs=None):
        self.first = self._curves(f"epoch {self.initial_epoch}")

    def on_epoch_end(self, epoch, logs=None):
        series = {**self.first, **self._curves(f"epoch {epoch + 1}")}
        self.emit(gradient_norm_view(series, TITLE + " (one validation batch)", epoch + 1))

    def _curves(self, label: str) -> dict:
        norms = hidden_state_gradient_norms(self.model, self.x, self.y, self.layer_name)
        return {f"{direction} {label}".strip(): (np.arange(1, len(n) + 1), n) for direction, n in norms.items()}
