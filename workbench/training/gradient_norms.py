"""The vanishing-gradient view: ||dL/dW_l|| for every Dense/Conv layer, input side to output side.

Backpropagation multiplies the gradient by each layer's weights and by the derivative
of its activation on the way back to the input. The sigmoid's derivative is at most
1/4, so in a deep sigmoid net the gradient shrinks layer after layer and the first
layers barely learn (note 000, 勾配消失); ReLU's derivative is 1 where it is active, so
with He initialisation the norms stay of one order of magnitude through depth.

The norms are taken on one fixed validation batch (the same samples every epoch), in
inference mode, once before training and once per epoch: a single forward and backward
pass, cheap next to the epoch itself.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.models.initializers import weighted_layers
from workbench.views.types import Curves, View

#: Samples in the fixed batch.
BATCH = 256
#: Log-scale floor for a gradient that is exactly zero (a zero-initialised layer).
FLOOR = 1e-12


def layer_gradient_norms(model, x, y, loss) -> tuple[list[str], np.ndarray]:
    """``(layer names, ||dL/dW||)`` of each weighted layer's kernel, input side first.

    ``loss`` is a Keras loss (name or callable) applied to ``y`` and ``model(x)``, averaged
    over the batch.
    """
    import tensorflow as tf

    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    found = [(layer.name, _kernel(layer)) for layer in weighted_layers(model)]
    kernels = [kernel for _, kernel in found]

    def gradients():
        with tf.GradientTape() as tape:
            prediction = model(x, training=False)
            if isinstance(prediction, (list, tuple)):  # a model with auxiliary heads: the main one
                prediction = prediction[0]
            value = tf.reduce_mean(loss_fn(y, prediction))
        grads = tape.gradient(value, kernels)
        return [tf.zeros(()) if g is None else tf.norm(tf.cast(g, tf.float32)) for g in grads]

    strategy = tf.distribute.get_strategy()
    if tf.distribute.has_strategy() and strategy.num_replicas_in_sync > 1:
        # a mirrored model's variables are read inside a replica: every replica gets the
        # same whole batch, so the first one's norms are the model's
        norms = [strategy.experimental_local_results(n)[0] for n in strategy.run(gradients)]
    else:
        norms = gradients()
    return [name for name, _ in found], np.asarray([float(n) for n in norms], np.float64)


def _kernel(layer):
    return layer.kernel if getattr(layer, "kernel", None) is not None else layer.depthwise_kernel


class GradientNorms(keras.callbacks.Callback):
    """Emits the ``gradient_norms`` view (a Curves value) before training and after each epoch."""

    def __init__(self, emit, x, y, loss):
        super().__init__()
        self.emit, self.x, self.y, self.loss = emit, x, y, loss
        self.history: dict[str, np.ndarray] = {}
        self.epochs_seen = 0

    # Three series with fixed labels (a line keeps its colour as the run goes on): the
    # weights before training, after the first epoch, and after the latest one.
    def on_train_begin(self, logs=None):
        self._record("start", 0)

    def on_epoch_end(self, epoch, logs=None):
        self._record("epoch 1" if not self.epochs_seen else "latest epoch", epoch + 1)
        self.epochs_seen += 1

    def _record(self, label: str, step: int) -> None:
        names, norms = layer_gradient_norms(self.model, self.x, self.y, self.loss)
        if not names:
            return
        self.history[label] = norms
        layers_axis = np.arange(1, len(names) + 1)
        series = {key: (layers_axis, np.maximum(values, FLOOR)) for key, values in self.history.items()}
        axis = f"layer: 1 = {names[0]} (input side) ... {len(names)} = {names[-1]} (output side)"
        self.emit(View("gradient_norms", Curves(series, x_label=axis,
                                                y_label="||dL/dW||, fixed validation batch",
                                                log_y=True), title="Gradient norm per layer", step=step))


def gradient_norm_views(ctx, x_val, y_val) -> list:
    """The callback for a classifier whose ``gradient_norms`` hyperparameter is on, given
    validation arrays (not a stream); otherwise nothing."""
    if ctx.entry.task != "classification" or not ctx.hp.get("gradient_norms"):
        return []
    if x_val is None or y_val is None or not hasattr(x_val, "shape") or len(x_val) == 0:
        return []
    from workbench.training.losses import classifier_loss

    n = min(BATCH, len(x_val))
    return [GradientNorms(ctx.emit, np.asarray(x_val[:n]), np.asarray(y_val[:n]), classifier_loss(ctx.hp)[0])]
