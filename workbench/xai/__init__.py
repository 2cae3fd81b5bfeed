"""Explainable AI: why did an image classifier answer what it answered?

One module per method, each a pure function ``(model, image, class_index, ...) ->
MapResult`` of numpy arrays; ``explain`` adds the bookkeeping (class choice, the
model's probabilities, timing) and is what the CLI and the GUI call. Importing this
package is cheap: TensorFlow, shap and lime load when a method first runs.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import (Explanation, MethodInfo, Stopwatch, check_image, check_layer,
                                  conv_layers, default_layer, predict)
from workbench.xai.overlay import COLORMAPS, overlay

__all__ = ["METHODS", "COLORMAPS", "Explanation", "MethodInfo", "explain", "conv_layers",
           "default_layer", "cam_available", "overlay", "compare_sheet"]

#: name -> (title, help, needs_layer, image_only, "module:function" in workbench.xai)
_TABLE = (
    ("cam", "CAM", "Class activation map: last feature maps weighted by the output layer "
     "(GAP + dense heads only).", False, True, "cam:class_activation_map"),
    ("gradcam", "Grad-CAM", "Feature maps of a chosen layer weighted by the mean gradient of the "
     "class score.", True, True, "gradcam:grad_cam"),
    ("gradcam++", "Grad-CAM++", "Grad-CAM with pixel-wise weights from higher-order gradients; "
     "better for several objects.", True, True, "gradcam_plus_plus:grad_cam_plus_plus"),
    ("scorecam", "Score-CAM", "Feature maps weighted by the class probability of the image masked "
     "by each map (no gradients).", True, True, "score_cam:score_cam"),
    ("guided_backprop", "Guided Backpropagation", "Input gradient where ReLUs pass only positive "
     "signals both ways: fine pixel detail.", False, True, "guided_backprop:guided_backprop"),
    ("guided_gradcam", "Guided Grad-CAM", "Guided Backpropagation times Grad-CAM: pixel detail "
     "limited to the class region.", True, True, "guided_gradcam:guided_grad_cam"),
    ("saliency", "Saliency", "Vanilla gradient of the class score with respect to the pixels.",
     False, True, "saliency:saliency"),
    ("smoothgrad", "SmoothGrad", "Saliency averaged over noisy copies of the image.", False, True,
     "smoothgrad:smooth_grad"),
    ("integrated_gradients", "Integrated Gradients", "Gradients integrated along the path from a "
     "baseline; attributions sum to f(x) - f(baseline).", False, True,
     "integrated_gradients:integrated_gradients"),
    ("lime", "LIME", "Local linear surrogate over superpixels switched on and off; shows the top "
     "regions.", False, False, "lime_regions:lime"),
    ("shap", "SHAP", "Shapley values of image regions (Partition explainer); they add up to the "
     "prediction.", False, False, "shap_regions:shap"),
)
METHODS: dict[str, MethodInfo] = {row[0]: MethodInfo(*row[1:5]) for row in _TABLE}
_FUNCTIONS: dict[str, str] = {row[0]: row[5] for row in _TABLE}


def method_info(method: str) -> MethodInfo:
    if method not in METHODS:
        raise WorkbenchError(f"unknown explanation method {method!r}; choose one of {', '.join(METHODS)}")
    return METHODS[method]


def method_function(method: str):
    method_info(method)
    module, name = _FUNCTIONS[method].split(":")
    return getattr(importlib.import_module(f"workbench.xai.{module}"), name)


def explain(model, image, method: str = "gradcam", layer: str | None = None,
            class_index: int | None = None, seed: int = 0, **options) -> Explanation:
    """Explain ``model``'s answer for one ``image`` (``(H, W, C)`` as the model consumes it).

    ``class_index`` defaults to the predicted class; ``layer`` (for methods that use a
    feature map) defaults to the last 4-D layer; ``options`` go to the method
    (``steps`` for Integrated Gradients, ``num_samples`` for LIME, ...).
    """
    info = method_info(method)
    watch = Stopwatch()
    image = check_image(model, image)
    function = method_function(method)
    accepted = inspect.signature(function).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        allowed = [p for p in accepted if p not in ("model", "image", "class_index", "layer", "seed")]
        raise WorkbenchError(f"option(s) {', '.join(unknown)} not understood by {method}; "
                             f"it accepts: {', '.join(allowed) or 'no options'}")
    probabilities = predict(model, image[None])[0]
    class_index = check_class_index(class_index, probabilities)
    kwargs = dict(options)
    if info.needs_layer:
        kwargs["layer"] = check_layer(model, layer)
    if "seed" in accepted:
        kwargs["seed"] = seed
    result = function(model, image, class_index, **kwargs)
    return Explanation(
        heatmap=np.asarray(result.heatmap, np.float32), method=method,
        layer=kwargs.get("layer", result.info.get("layer")), class_index=class_index,
        probabilities=probabilities, elapsed_s=watch.elapsed, attribution=result.attribution,
        info=result.info)


def check_class_index(class_index, probabilities: np.ndarray) -> int:
    if class_index is None:
        return int(np.argmax(probabilities))
    count = probabilities.shape[-1]
    if not isinstance(class_index, (int, np.integer)) or not 0 <= int(class_index) < count:
        raise WorkbenchError(f"class_index={class_index!r} is not a class of this model (0..{count - 1})")
    return int(class_index)


def cam_available(model) -> tuple[bool, str]:
    """``(True, "")`` when the model ends in global average pooling + one dense layer,
    else ``(False, why)``."""
    from workbench.xai.cam import cam_head

    try:
        cam_head(model)
    except WorkbenchError as error:
        return False, str(error)
    return True, ""


def compare_sheet(model, image, methods, layer=None, class_index=None, alpha=0.5,
                  colormap="jet", **options) -> np.ndarray:
    """One RGB image: the input and one titled overlay per method with its
    deletion / insertion scores."""
    from workbench.xai.compare import compare_sheet as sheet

    return sheet(model, image, methods, layer=layer, class_index=class_index, alpha=alpha,
                 colormap=colormap, **options)
