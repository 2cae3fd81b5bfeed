"""Drawing a heatmap over an image with an OpenCV colormap."""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError

COLORMAPS = ("jet", "viridis", "inferno", "magma", "turbo", "hot", "plasma", "parula", "bone")


def colormap_id(name: str) -> int:
    import cv2

    if name not in COLORMAPS:
        raise WorkbenchError(f"colormap={name!r} is not one of {', '.join(COLORMAPS)}")
    return getattr(cv2, f"COLORMAP_{name.upper()}")


def as_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """Accept uint8 RGB/gray or a float model input; return ``(H, W, 3)`` uint8."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        from workbench.data.images import to_uint8_rgb

        return to_uint8_rgb(image)
    if image.ndim == 2:
        image = image[..., None]
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    return image[..., :3]


def colorize(heatmap: np.ndarray, colormap: str = "jet") -> np.ndarray:
    """``(H, W)`` values in [0, 1] -> ``(H, W, 3)`` uint8 RGB."""
    import cv2

    levels = np.clip(np.nan_to_num(np.asarray(heatmap, np.float32)) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return cv2.applyColorMap(levels, colormap_id(colormap))[..., ::-1]


def overlay(image_rgb_uint8: np.ndarray, heatmap: np.ndarray, alpha: float = 0.5,
            colormap: str = "jet") -> np.ndarray:
    """Blend the colored ``heatmap`` over the image: ``(1 - alpha) image + alpha color``.

    The heatmap is resized (bilinear) to the image when their sizes differ.
    """
    import cv2

    if not 0.0 <= float(alpha) <= 1.0:
        raise WorkbenchError(f"alpha={alpha!r} must be between 0 and 1")
    image = as_rgb_uint8(image_rgb_uint8)
    heatmap = np.asarray(heatmap, np.float32)
    if heatmap.ndim != 2:
        raise WorkbenchError(f"a heatmap must be 2-D (H, W), got shape {heatmap.shape}")
    if heatmap.shape != image.shape[:2]:
        heatmap = cv2.resize(heatmap, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    color = colorize(heatmap, colormap).astype(np.float32)
    blended = (1.0 - alpha) * image.astype(np.float32) + alpha * color
    return np.clip(blended + 0.5, 0, 255).astype(np.uint8)
