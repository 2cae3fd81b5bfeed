"""Grad-CAM++: pixel-wise weighted gradients for better localization.

Chattopadhyay et al., "Grad-CAM++: Improved Visual Explanations for Deep
Convolutional Networks", WACV 2018. With ``Y = exp(S)`` (``S`` the pre-softmax class
score) the higher derivatives are powers of ``g = dS/dA``, giving

    alpha = g^2 / (2 g^2 + sum_ab A_ab g^3),     w_k = sum_ab alpha relu(exp(S) g).

``exp(S)`` is one positive factor for the whole map, dropped by the normalization.
The alphas are also normalized to sum to one per channel, as tf-keras-vis does.
"""

from __future__ import annotations

import numpy as np

from workbench.xai.common import MapResult, cam_result, check_layer
from workbench.xai.gradcam import feature_gradients


def grad_cam_plus_plus(model, image: np.ndarray, class_index: int, layer: str | None = None) -> MapResult:
    """Grad-CAM++ heatmap of ``class_index`` at ``layer`` (default: the last 4-D layer)."""
    layer = check_layer(model, layer)
    features, grads, score = feature_gradients(model, image, class_index, layer)
    grads = grads.astype(np.float64)
    second, third = grads ** 2, grads ** 3
    denominator = 2.0 * second + third * features.sum(axis=(0, 1))
    denominator = np.where(second != 0.0, denominator, 1.0)  # no gradient -> alpha = 0
    alphas = second / denominator
    totals = alphas.sum(axis=(0, 1))
    alphas = alphas / np.where(totals != 0.0, totals, 1.0)
    weights = (alphas * np.maximum(grads, 0.0)).sum(axis=(0, 1))
    cam = features @ weights.astype(np.float32)
    return cam_result(cam, image.shape[:2], score=score)
