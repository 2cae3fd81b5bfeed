"""Integrated Gradients: gradients integrated along a straight path from a baseline.

Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks", ICML 2017.
``IG_i = (x_i - x'_i) * integral_0^1 dF(x' + a (x - x')) / dx_i da``, computed with the
trapezoidal rule over ``steps`` intervals. Completeness: the attributions add up to
``F(x) - F(x')``; ``info`` reports both sides so the GUI (and the tests) can show how
close ``steps`` got. ``F`` is the class probability (the model's output, as in the
paper); ``target="logit"`` integrates the pre-softmax score instead.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, magnitude_map
from workbench.xai.saliency import input_gradients

BASELINES = ("black", "white", "blur", "noise")


def make_baseline(image: np.ndarray, baseline, seed: int = 0) -> np.ndarray:
    """The reference image: black (zeros), white (the image's maximum), blurred, noise,
    or an array of the image's shape."""
    if isinstance(baseline, np.ndarray):
        if baseline.shape != image.shape:
            raise WorkbenchError(f"baseline of shape {baseline.shape} does not match the image {image.shape}")
        return baseline.astype(np.float32)
    if baseline == "black":
        return np.zeros_like(image)
    if baseline == "white":
        return np.full_like(image, max(float(image.max()), 1.0))
    if baseline == "blur":
        import cv2

        sigma = max(image.shape[:2]) / 10.0
        return cv2.GaussianBlur(image, (0, 0), sigma).reshape(image.shape).astype(np.float32)
    if baseline == "noise":
        rng = np.random.default_rng(seed)
        return rng.uniform(float(image.min()), float(image.max()), image.shape).astype(np.float32)
    raise WorkbenchError(f"baseline={baseline!r} is not one of {', '.join(BASELINES)} or an array")


def integrated_gradients(model, image: np.ndarray, class_index: int, baseline="black",
                         steps: int = 64, target: str = "probability", seed: int = 0) -> MapResult:
    """Integrated Gradients of ``class_index`` from ``baseline`` to ``image``."""
    if int(steps) < 1:
        raise WorkbenchError(f"steps={steps!r} must be at least 1")
    if target not in ("probability", "logit"):
        raise WorkbenchError(f"target={target!r} is not one of probability, logit")
    reference = make_baseline(image, baseline, seed)
    alphas = np.linspace(0.0, 1.0, int(steps) + 1, dtype=np.float32)
    path = reference[None] + alphas[:, None, None, None] * (image - reference)[None]
    grads, values = input_gradients(model, path, class_index, target)
    trapezoid = (grads[:-1] + grads[1:]).mean(axis=0) / 2.0
    attribution = (image - reference) * trapezoid
    total, change = float(attribution.sum()), float(values[-1] - values[0])
    info = {"sum_attributions": total, "output": float(values[-1]), "baseline_output": float(values[0]),
            "completeness_error": abs(total - change) / max(abs(change), 1e-12), "steps": int(steps),
            "target": target}
    return MapResult(magnitude_map(attribution, "sum"), attribution, info)
