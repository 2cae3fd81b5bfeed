"""Grad-CAM: class activation maps weighted by pooled gradients.

Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
Gradient-based Localization", ICCV 2017. The weight of channel ``k`` is the spatial
mean of ``d y^c / d A^k`` (``y^c`` the pre-softmax class score); the map is
``ReLU(sum_k w_k A^k)``. On a GAP + dense network ``w_k = W[k, c] / (h w)``, so
Grad-CAM is CAM up to a positive scale.
"""

from __future__ import annotations

import numpy as np

from workbench.xai.common import MapResult, cam_result, check_layer, model_scores


def feature_gradients(model, image: np.ndarray, class_index: int, layer: str):
    """``(A, dy/dA, y)`` at ``layer`` for one image (``y`` the pre-softmax class score)."""
    (features,), (grads,), target = model_scores(model, (layer,)).feature_gradients(image[None], class_index)
    return features[0], grads[0], float(target[0])


def weighted_map(features: np.ndarray, grads: np.ndarray) -> np.ndarray:
    """Grad-CAM's weighting: channels ``(h, w, K)`` times their spatially averaged gradients."""
    return features @ grads.mean(axis=(0, 1))


def grad_cam(model, image: np.ndarray, class_index: int, layer: str | None = None) -> MapResult:
    """Grad-CAM heatmap of ``class_index`` at ``layer`` (default: the last 4-D layer)."""
    layer = check_layer(model, layer)
    features, grads, score = feature_gradients(model, image, class_index, layer)
    cam = weighted_map(features, grads)
    return cam_result(cam, image.shape[:2], score=score)
