"""Reading images from disk the one way the whole workbench uses.

Every image becomes ``float32`` in ``[0, 1]`` with 1 or 3 channels: RGBA is composited
on white, palette and 16-bit images are converted, and anything that is not an
image raises ``WorkbenchError`` naming the file.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def read_image(path: str) -> np.ndarray:
    """``path`` -> ``(H, W, 1 or 3)`` float32 in [0, 1]."""
    import cv2

    if not os.path.isfile(path):
        raise WorkbenchError(f"image file not found: {path}")
    raw = np.fromfile(path, dtype=np.uint8)  # fromfile + imdecode also reads non-ASCII paths
    image = cv2.imdecode(raw, cv2.IMREAD_UNCHANGED) if raw.size else None
    if image is None:
        raise WorkbenchError(f"not a readable image: {path}")
    scale = 65535.0 if image.dtype == np.uint16 else 255.0
    image = image.astype(np.float32) / scale
    if image.ndim == 2:
        return image[..., None]
    if image.shape[2] == 4:  # BGRA: composite on white so transparent areas are background
        alpha = image[..., 3:4]
        image = image[..., :3] * alpha + (1.0 - alpha)
    return np.ascontiguousarray(image[..., 2::-1])  # BGR -> RGB


def fit_image(image: np.ndarray, input_shape: tuple[int, ...]) -> np.ndarray:
    """Resize and convert channels so ``image`` matches a model's ``(H, W, C)`` input."""
    import cv2

    height, width, channels = input_shape
    if image.shape[:2] != (height, width):
        interpolation = cv2.INTER_AREA if image.shape[0] > height else cv2.INTER_LINEAR
        image = cv2.resize(image, (width, height), interpolation=interpolation)
        if image.ndim == 2:
            image = image[..., None]
    if image.shape[2] == channels:
        return image.astype(np.float32)
    if channels == 1:  # ITU-R BT.601 luma, as cv2 and PIL use
        return (image @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return np.repeat(image, 3, axis=2).astype(np.float32)


def load_image_for(path: str, input_shape: tuple[int, ...], value_range: float = 1.0) -> np.ndarray:
    """Read ``path`` and shape it for a model whose input is ``input_shape``."""
    return fit_image(read_image(path), tuple(input_shape)) * value_range


def to_uint8_rgb(image: np.ndarray) -> np.ndarray:
    """A model input (any value range, 1 or 3 channels) -> displayable ``uint8`` RGB."""
    image = np.asarray(image, np.float32)
    if image.ndim == 2:
        image = image[..., None]
    low, high = float(image.min()), float(image.max())
    if low < 0.0 or high > 1.0:
        image = (image - low) / max(high - low, 1e-8)
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    return np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)


def write_png(path: str, rgb: np.ndarray) -> None:
    """Write a ``uint8`` RGB image atomically (temp file, then rename)."""
    import cv2

    from workbench.runs.atomic import atomic_path

    ok, encoded = cv2.imencode(".png", np.ascontiguousarray(rgb[..., ::-1]))
    if not ok:
        raise WorkbenchError(f"could not encode {path} as PNG")
    with atomic_path(path) as tmp:
        encoded.tofile(tmp)
