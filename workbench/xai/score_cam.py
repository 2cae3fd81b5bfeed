"""Score-CAM: feature maps weighted by how much each, used as a mask, keeps the class.

Wang et al., "Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural
Networks", CVPR workshops 2020. Each channel ``A^k`` is upsampled to the image,
scaled to [0, 1] and multiplied into the image; the class probability of that masked
image is the channel's weight (no gradients). With more than ``max_channels``
channels only those with the largest spatial standard deviation are used (the
"Faster Score-CAM" shortcut of tf-keras-vis): flat channels mask nothing in particular.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, cam_result, check_layer, model_scores, predict, resize_map


def score_cam(model, image: np.ndarray, class_index: int, layer: str | None = None,
              max_channels: int | None = 128, batch_size: int = 32) -> MapResult:
    """Score-CAM of ``class_index`` at ``layer`` (default: the last 4-D layer)."""
    if max_channels is not None and int(max_channels) < 1:
        raise WorkbenchError(f"max_channels={max_channels!r} must be at least 1 (or None for all)")
    layer = check_layer(model, layer)
    (features,), _, _ = model_scores(model, (layer,))(image[None].astype(np.float32))
    features = np.asarray(features[0], np.float32)
    channels = np.arange(features.shape[-1])
    if max_channels is not None and len(channels) > int(max_channels):
        spread = features.reshape(-1, features.shape[-1]).std(axis=0)
        channels = np.sort(np.argsort(-spread, kind="stable")[: int(max_channels)])
    masks = np.stack([_unit_mask(features[..., k], image.shape[:2]) for k in channels])
    weights = predict(model, image[None] * masks[..., None], batch_size)[:, class_index]
    cam = features[..., channels] @ weights.astype(np.float32)
    return cam_result(cam, image.shape[:2], channels_used=int(len(channels)))


def _unit_mask(activation: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    upsampled = resize_map(activation, size)
    low, high = float(upsampled.min()), float(upsampled.max())
    return (upsampled - low) / (high - low) if high > low else np.zeros_like(upsampled)
