"""Guided Grad-CAM: Guided Backpropagation masked by Grad-CAM.

Selvaraju et al., ICCV 2017, section 3.1: the pixel-precise but class-insensitive
guided gradients are multiplied point-wise by the (upsampled) Grad-CAM map, which
is class-discriminative but coarse.
"""

from __future__ import annotations

import numpy as np

from workbench.xai.common import MapResult, magnitude_map
from workbench.xai.gradcam import grad_cam
from workbench.xai.guided_backprop import guided_gradients


def guided_grad_cam(model, image: np.ndarray, class_index: int, layer: str | None = None) -> MapResult:
    """Guided Grad-CAM of ``class_index`` at ``layer`` (default: the last 4-D layer)."""
    cam = grad_cam(model, image, class_index, layer)
    grads, replaced = guided_gradients(model, image, class_index)
    attribution = grads * cam.heatmap[..., None]
    return MapResult(magnitude_map(attribution, "max"), attribution,
                     {"guided_relus": len(replaced), "gradcam": cam.heatmap})
