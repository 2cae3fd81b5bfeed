"""Guided Backpropagation: input gradients through ReLUs that pass only positive
signals in both directions.

Springenberg et al., "Striving for Simplicity: The All Convolutional Net", ICLR
workshop 2015. At every ReLU the backward signal is ``dy * [x > 0] * [dy > 0]``.

How: the model is cloned once (``keras.models.clone_model``, recursively) with every
ReLU replaced by a ``tf.custom_gradient`` function with that backward rule: the
``relu`` activation of any layer (``Conv2D(activation="relu")``,
``Activation("relu")``, also ``relu6``) is swapped on the cloned layer, and
``layers.ReLU`` becomes an ``Activation`` layer applying the guided function with the
same ``max_value``/``threshold``. The clone is cached per model and its weights are
copied from the model (layer by layer, by name) on every call, so further training is
seen. The gradient is that of the pre-softmax class score, as in Guided Grad-CAM.
Networks without ReLUs (EfficientNet's swish) get a WorkbenchError saying so.
"""

from __future__ import annotations

import weakref

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, ModelScores, magnitude_map

_GUIDED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def guided_relu(max_value: float | None = None, threshold: float = 0.0):
    """A ReLU (optionally capped, as relu6) whose gradient is the guided one."""
    import tensorflow as tf

    @tf.custom_gradient
    def guided(x):
        y = tf.where(x > threshold, x, tf.zeros_like(x))
        passing = x > threshold
        if max_value is not None:
            y = tf.minimum(y, max_value)
            passing = tf.logical_and(passing, x < max_value)

        def backward(dy):
            keep = tf.logical_and(passing, dy > 0)
            return tf.where(keep, dy, tf.zeros_like(dy))

        return y, backward

    return guided


def _activation_name(fn) -> str:
    return getattr(fn, "__name__", "")


def _guided_layer(layer, counter: list):
    """Clone ``layer``, replacing its ReLU (if any) by a guided one."""
    from keras import layers

    if isinstance(layer, layers.ReLU):
        if layer.negative_slope:
            raise WorkbenchError(f"layer {layer.name!r} is a leaky ReLU; Guided Backpropagation is "
                                 "defined for plain ReLUs only")
        counter.append(layer.name)
        return layers.Activation(guided_relu(layer.max_value, layer.threshold), name=layer.name)
    clone = layer.__class__.from_config(layer.get_config())
    name = _activation_name(getattr(layer, "activation", None))
    if name in ("relu", "relu6"):
        counter.append(layer.name)
        clone.activation = guided_relu(6.0 if name == "relu6" else None)
    return clone


def guided_model(model):
    """The cached guided clone of ``model``, with ``model``'s current weights."""
    import keras

    if model not in _GUIDED:
        replaced: list[str] = []
        clone = keras.models.clone_model(model, clone_function=lambda layer: _guided_layer(layer, replaced),
                                         recursive=True)
        if not replaced:
            raise WorkbenchError(f"model {model.name!r} has no ReLU layers, so Guided Backpropagation "
                                 "has nothing to guide; use saliency or Integrated Gradients")
        _GUIDED[model] = (clone, ModelScores(clone), tuple(replaced))
    clone, scores, replaced = _GUIDED[model]
    copy_weights(model, clone)
    return scores, replaced


def copy_weights(source, target) -> None:
    """Copy weights layer by layer, matched by name: a clone of a branching network
    may order its layers (hence ``get_weights()``) differently from the original."""
    for layer in source.layers:
        if not layer.weights:
            continue  # input layers (renamed by the clone), pooling, activations
        twin = target.get_layer(layer.name)
        if getattr(layer, "layers", None):  # a nested model: descend, its names are its own
            copy_weights(layer, twin)
        else:
            twin.set_weights(layer.get_weights())


def guided_gradients(model, image: np.ndarray, class_index: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """``(H, W, C)`` guided gradient of the pre-softmax score of ``class_index``."""
    scores_of, replaced = guided_model(model)
    grads, _ = scores_of.input_gradients(image[None], class_index, "logit")
    return grads[0], replaced


def guided_backprop(model, image: np.ndarray, class_index: int) -> MapResult:
    """Guided Backpropagation of ``class_index``: fine, edge-like pixel detail."""
    grads, replaced = guided_gradients(model, image, class_index)
    return MapResult(magnitude_map(grads, "max"), grads, {"guided_relus": len(replaced)})
