"""Rosenblatt's single-layer perceptron (Psychological Review, 1958).

One layer of weights ``u = W x + b`` and a hard-limit output. Training is the
perceptron learning rule, written as the model's ``train_step`` (not autodiff: the
step function has no useful gradient)::

    w <- w + lr * (t - y) x        b <- b + lr * (t - y)

with ``t`` the target and ``y`` the perceptron's 0/1 output (two classes, one unit),
or, for more classes, the multi-class rule: the true class's weights move towards
``x`` and the wrongly predicted class's weights away from it (both are "target
one-hot minus output one-hot"). The batch's mean update is handed to the compiled
optimizer as a gradient, so with ``sgd`` this is exactly the classic rule (with
batch size 1, Rosenblatt's online rule) and the other optimizers apply their own step
sizes to the same direction. Weights start at zero, as in the classic algorithm.

The perceptron convergence theorem (Novikoff, 1962) guarantees 100 % on linearly
separable data (AND, OR); XOR is not separable, so at most 3 of its 4 points are right.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from workbench.errors import WorkbenchError
from workbench.layers.hard_limit import HardLimit


@keras.saving.register_keras_serializable(package="workbench")
class Perceptron(keras.Model):
    """A functional model ``inputs -> Dense "predictions" -> HardLimit`` trained by the perceptron rule."""

    def train_step(self, data):
        x, y = data[0], data[1]
        dense = self.get_layer("predictions")
        features = ops.reshape(ops.cast(x, dense.compute_dtype), (ops.shape(x)[0], -1))
        y_pred = self(x, training=True)
        error = _targets(y, dense.units, y_pred.dtype) - _outputs(y_pred, dense.units)  # (t - y)
        batch = ops.cast(ops.shape(x)[0], features.dtype)
        # The rule's update is +lr * error * x; an optimizer steps *against* its gradient.
        kernel_step = -ops.matmul(ops.transpose(features), error) / batch
        decay = getattr(dense.kernel, "regularizer", None)  # the shared l2: d(l2 |W|^2)/dW = 2 l2 W
        if decay is not None:
            kernel_step = kernel_step + 2.0 * decay.l2 * dense.kernel
        bias_step = -ops.mean(error, axis=0)
        self.optimizer.apply([kernel_step, bias_step], [dense.kernel, dense.bias])
        return self._report(x, y, y_pred)

    def test_step(self, data):
        x, y = data[0], data[1]
        return self._report(x, y, self(x, training=False))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The error rate: the fraction of samples the hard limit gets wrong (the 0-1 loss)."""
        wrong = ops.not_equal(ops.argmax(y_pred, axis=-1), ops.cast(ops.reshape(y, (-1,)), "int64"))
        return ops.mean(ops.cast(wrong, "float32"))

    def _report(self, x, y, y_pred):
        loss = self.compute_loss(x, y, y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
        return self.compute_metrics(x, y, y_pred, sample_weight=None)


def _targets(y, units: int, dtype):
    """Class indices -> the rule's targets: a 0/1 column for one unit, one-hot otherwise."""
    y = ops.cast(ops.reshape(y, (-1,)), "int32")
    if units == 1:
        return ops.cast(ops.expand_dims(y, -1), dtype)
    return ops.one_hot(y, units, dtype=dtype)


def _outputs(y_pred, units: int):
    """The hard limit's one-hot output -> the same encoding as ``_targets``."""
    return y_pred[:, 1:] if units == 1 else y_pred


def build_perceptron(hp: dict, info) -> keras.Model:
    """One unit for two classes (the classic perceptron), one unit per class otherwise."""
    if info.task != "classification" or info.num_classes < 2:
        raise WorkbenchError(f"the perceptron classifies; {info.name} is {info.task} data "
                             f"with {info.num_classes} class(es)")
    inputs = keras.Input(shape=info.input_shape, name="input")
    x = layers.Flatten(name="flatten")(inputs) if len(info.input_shape) > 1 else inputs
    units = 1 if info.num_classes == 2 else info.num_classes
    u = layers.Dense(units, kernel_initializer="zeros", bias_initializer="zeros", name="predictions")(x)
    return Perceptron(inputs, HardLimit(name="hard_limit")(u), name="perceptron")
