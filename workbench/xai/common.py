"""What every explanation method shares: the result type, layer look-up, the
class score each method differentiates, and turning raw maps into heatmaps.

Which score is differentiated
-----------------------------
Workbench classifiers end in ``Dense(..., activation="softmax", name="predictions")``.
Gradient methods whose papers use the *class score before the softmax* (CAM, Grad-CAM,
Grad-CAM++, saliency [Simonyan et al. 2014], SmoothGrad, Guided Backpropagation) get it
without cloning or editing the model: ``ModelScores`` builds a functional view that
returns the *input* of the last layer and applies that Dense layer's kernel and bias
itself (what tf-keras-vis's ``ReplaceToLinear`` achieves by cloning the model and
swapping the activation). A last ``Activation("softmax")``/``Softmax`` layer is skipped
the same way. Methods whose papers use probabilities (Score-CAM, Integrated Gradients,
LIME, SHAP, deletion/insertion) use the model's own output.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from workbench.errors import WorkbenchError

#: Layers with 4-D outputs that only reshape or rescale pixels; not worth a Grad-CAM.
_PREPROCESSING = ("InputLayer", "Resizing", "Rescaling", "Normalization", "CenterCrop",
                  "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
                  "RandomContrast", "RandomCrop", "RandomBrightness")
#: Layers that pass values through unchanged at inference time.
_IDENTITY_AT_INFERENCE = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise",
                          "GaussianDropout", "AlphaDropout", "ActivityRegularization")


class MethodInfo(NamedTuple):
    """How a method appears in the GUI and CLI (unpacks as a 4-tuple)."""

    title: str
    help: str
    needs_layer: bool  # takes a 4-D layer (Grad-CAM family)
    image_only: bool  # False: a tabular variant exists in workbench.xai.tabular


@dataclass
class Explanation:
    """One explanation of one image.

    ``heatmap`` is ``(H, W)`` float32 in ``[0, 1]`` at the image's size (1 = most
    important); ``attribution`` is the method's raw, signed result where it has one
    (``(H, W)`` or ``(H, W, C)``); ``info`` holds method-specific numbers (for
    Integrated Gradients the completeness check, for LIME the top regions, ...).
    """

    heatmap: np.ndarray
    method: str
    layer: str | None
    class_index: int
    probabilities: np.ndarray
    elapsed_s: float
    attribution: np.ndarray | None = None
    info: dict = field(default_factory=dict)


@dataclass
class MapResult:
    """What each method function returns before ``explain`` adds the bookkeeping."""

    heatmap: np.ndarray
    attribution: np.ndarray | None = None
    info: dict = field(default_factory=dict)


class Stopwatch:
    def __init__(self):
        self.start = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start


# ----------------------------------------------------------------------------- layers
def output_rank(layer) -> int | None:
    try:
        shape = layer.output.shape
    except (AttributeError, ValueError):
        return None  # a layer called several times or never built has no single output
    return len(shape)


def conv_layers(model) -> list[str]:
    """Names of the layers whose output is a 4-D feature map (model order)."""
    return [layer.name for layer in model.layers
            if type(layer).__name__ not in _PREPROCESSING and output_rank(layer) == 4]


def default_layer(model) -> str:
    """The last 4-D layer that is not a pooling or dropout layer: the last convolutional
    feature map, the usual Grad-CAM choice (Selvaraju et al. 2017; tf-keras-vis's default).
    A trailing pooling layer only halves the map's resolution without adding evidence."""
    names = conv_layers(model)
    if not names:
        raise WorkbenchError(f"model {model.name!r} has no layer with a 4-D (image-like) output, "
                             "so there is no feature map to explain")
    for name in reversed(names):
        kind = type(model.get_layer(name)).__name__
        if "Pooling" not in kind and "Dropout" not in kind:
            return name
    return names[-1]


def check_layer(model, layer: str | None) -> str:
    """``layer`` (or the default) after checking it is a 4-D layer of ``model``."""
    if layer is None:
        return default_layer(model)
    names = conv_layers(model)
    if layer not in names:
        shown = ", ".join(names[-6:]) if names else "none"
        raise WorkbenchError(f"layer {layer!r} is not a 4-D feature map of model {model.name!r}; "
                             f"choose one of: {shown}")
    return layer


def inbound_layers(layer) -> list:
    """Layers feeding ``layer`` in the functional graph (first call site)."""
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return []
    return [tensor._keras_history[0] for tensor in nodes[0].input_tensors]


def skip_identity_back(layer):
    """Walk back over dropout-like layers, which are identities at inference."""
    while type(layer).__name__ in _IDENTITY_AT_INFERENCE:
        parents = inbound_layers(layer)
        if len(parents) != 1:
            break
        layer = parents[0]
    return layer


# ----------------------------------------------------------------------------- scores
def _activation_name(fn) -> str:
    return getattr(fn, "__name__", str(fn))


class ModelScores:
    """``x -> (features at the named layers, pre-softmax class scores, model outputs)``.

    Built once per (model, layers) and cached: making the functional view costs more
    than an explanation of a small image.
    """

    def __init__(self, model, layer_names: tuple[str, ...] = ()):
        import keras

        if len(model.inputs) != 1 or len(model.outputs) != 1:
            raise WorkbenchError(f"model {model.name!r} must have one input and one output to be explained")
        last = model.layers[-1]
        self.kernel = self.bias = None
        kind = type(last).__name__
        activation = _activation_name(getattr(last, "activation", None))
        if kind == "Dense" and activation in ("softmax", "sigmoid"):
            feed = last.input  # scores = feed @ kernel + bias, the logits
            self.kernel, self.bias = last.kernel, last.bias
            self.score_kind = "logit"
        elif (kind == "Softmax") or (kind == "Activation" and activation in ("softmax", "sigmoid")):
            feed = last.input
            self.score_kind = "logit"
        else:
            feed = model.outputs[0]
            self.score_kind = "output"
        outputs = [model.get_layer(name).output for name in layer_names] + [feed, model.outputs[0]]
        # one tensor, not a list: the view is then called with a plain array, without warnings
        self.graph = keras.Model(model.inputs[0], outputs, name=f"{model.name}_scores")

    def __call__(self, x):
        import tensorflow as tf

        *features, feed, probabilities = self.graph(x, training=False)
        scores = feed
        if self.kernel is not None:
            scores = tf.matmul(feed, self.kernel)
            if self.bias is not None:
                scores = scores + self.bias
        return features, scores, probabilities

    def _signature(self):
        import tensorflow as tf

        return tf.TensorSpec((None,) + tuple(self.graph.inputs[0].shape[1:]), tf.float32)

    def feature_gradients(self, x, class_index: int):
        """``(features, d score / d features, score)`` of a batch; compiled on first use
        (a traced graph runs a MobileNet-sized network several times faster than eager)."""
        import tensorflow as tf

        if not hasattr(self, "_feature_gradients"):
            def run(x, class_index):
                with tf.GradientTape() as tape:
                    features, scores, _ = self(x)
                    target = tf.gather(scores, class_index, axis=1)
                return features, tape.gradient(target, features), target

            self._feature_gradients = tf.function(
                run, input_signature=[self._signature(), tf.TensorSpec((), tf.int32)])
        features, grads, target = self._feature_gradients(tf.convert_to_tensor(x, tf.float32),
                                                          tf.constant(class_index, tf.int32))
        return [f.numpy() for f in features], [g.numpy() for g in grads], target.numpy()

    def input_gradients(self, x, class_index: int, target: str = "logit"):
        """``(d target / d x, target)`` of a batch, ``target`` "logit" or "probability"."""
        import tensorflow as tf

        compiled = self.__dict__.setdefault("_input_gradients", {})
        if target not in compiled:
            def run(x, class_index):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    _, scores, probabilities = self(x)
                    chosen = tf.gather(scores if target == "logit" else probabilities, class_index, axis=1)
                return tape.gradient(chosen, x), chosen

            compiled[target] = tf.function(run, input_signature=[self._signature(),
                                                                 tf.TensorSpec((), tf.int32)])
        grads, chosen = compiled[target](tf.convert_to_tensor(x, tf.float32), tf.constant(class_index, tf.int32))
        return grads.numpy(), chosen.numpy()


_SCORE_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def model_scores(model, layer_names: tuple[str, ...] = ()) -> ModelScores:
    per_model = _SCORE_CACHE.setdefault(model, {})
    if layer_names not in per_model:
        per_model[layer_names] = ModelScores(model, layer_names)
    return per_model[layer_names]


_FORWARD_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def compiled_forward(model):
    """``model(x, training=False)`` as a traced function, one per model (cached).

    It holds the model only weakly, so the cache does not keep dropped models alive.
    """
    import tensorflow as tf

    if model not in _FORWARD_CACHE:
        reference = weakref.ref(model)
        shape = (None,) + tuple(model.inputs[0].shape[1:])
        _FORWARD_CACHE[model] = tf.function(lambda x: reference()(x, training=False),
                                            input_signature=[tf.TensorSpec(shape, tf.float32)])
    return _FORWARD_CACHE[model]


def predict(model, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """Model outputs for a batch, in chunks, without ``model.predict``'s per-call set-up."""
    forward = compiled_forward(model)
    outputs = []
    for start in range(0, len(images), batch_size):
        chunk = np.asarray(images[start:start + batch_size], np.float32)
        outputs.append(np.asarray(forward(chunk)))
    return np.concatenate(outputs, axis=0)


# ----------------------------------------------------------------------------- arrays
def check_image(model, image) -> np.ndarray:
    image = np.asarray(image, np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if image.ndim != 3:
        raise WorkbenchError(f"expected one image of shape (H, W, C), got an array of shape {image.shape}")
    if len(expected) != 3 or any(e is not None and e != s for e, s in zip(expected, image.shape)):
        raise WorkbenchError(f"image of shape {image.shape} does not fit the model's input {expected}")
    return image


def resize_map(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of an ``(h, w)`` map to ``size=(H, W)``."""
    import cv2

    values = np.asarray(values, np.float32)
    if values.shape[:2] == tuple(size):
        return values
    return cv2.resize(values, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)


def normalize_positive(values: np.ndarray) -> np.ndarray:
    """Divide by the maximum (keeps ratios, so maps equal up to scale stay equal)."""
    values = np.maximum(np.asarray(values, np.float32), 0.0)
    peak = float(values.max()) if values.size else 0.0
    return values / peak if peak > 0 else np.zeros_like(values)


def magnitude_map(attribution: np.ndarray, reduce: str = "max") -> np.ndarray:
    """``(H, W, C)`` signed attribution -> ``(H, W)`` heatmap in [0, 1].

    ``max`` of |value| over channels is Simonyan et al.'s choice for saliency;
    ``sum`` suits attributions that add up (Integrated Gradients, SHAP).
    """
    values = np.asarray(attribution, np.float32)
    if values.ndim == 3:
        values = np.abs(values).max(axis=2) if reduce == "max" else np.abs(values.sum(axis=2))
    return normalize_positive(np.abs(values))


def cam_result(cam: np.ndarray, size: tuple[int, int], **info) -> MapResult:
    """A class activation map at feature resolution -> heatmap at image size.

    ReLU first (only evidence *for* the class, as in Grad-CAM), then upsample,
    then scale by the maximum; the signed map is kept as ``attribution`` (image size)
    and as ``info["cam"]`` (feature-map size).
    """
    cam = np.asarray(cam, np.float32)
    heatmap = normalize_positive(resize_map(np.maximum(cam, 0.0), size))
    return MapResult(heatmap, resize_map(cam, size), dict(info, cam=cam))
