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


#: Images above this many pixels are read reduced, and a sentence says so: an 8000 x 8000
#: photo is 768 MB as float32 before any model sees it (a 24 MP camera photo is below).
MAX_PIXELS = 36_000_000
#: The longer side of the copies the window draws and blends heatmaps on: a screen shows
#: no more, and blending a 4000 x 3000 photo at full size takes the GUI thread ~1 s.
DISPLAY_SIDE = 1024


def read_image(path: str) -> np.ndarray:
    """``path`` -> ``(H, W, 1 or 3)`` float32 in [0, 1] (reduced above ``MAX_PIXELS``)."""
    return read_image_capped(path)[0]


def read_image_capped(path: str, max_pixels: int = MAX_PIXELS) -> tuple[np.ndarray, str]:
    """``read_image``, and the sentence to show when the image was too large: read with
    libjpeg's 1/2, 1/4 or 1/8 scaling (a JPEG whose header gives its size, so the full
    pixels are never held) or resized by area, to at most ``max_pixels``; "" otherwise."""
    import cv2

    if not os.path.isfile(path):
        raise WorkbenchError(f"image file not found: {path}")
    raw = np.fromfile(path, dtype=np.uint8)  # fromfile + imdecode also reads non-ASCII paths
    size, factor = _header_size(path), 1
    if size and size[0] * size[1] > max_pixels and raw[:3].tobytes() == b"\xff\xd8\xff":
        factor = next((f for f in (2, 4, 8) if size[0] * size[1] / f**2 <= max_pixels), 8)
        flag = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}
        image = cv2.imdecode(raw, flag[factor])
    else:
        image = cv2.imdecode(raw, cv2.IMREAD_UNCHANGED) if raw.size else None
    if image is None:
        raise WorkbenchError(f"not a readable image: {path}")
    full = size or image.shape[:2]
    if image.shape[0] * image.shape[1] > max_pixels:
        scale = (max_pixels / (image.shape[0] * image.shape[1])) ** 0.5
        image = cv2.resize(image, (max(1, int(image.shape[1] * scale)), max(1, int(image.shape[0] * scale))),
                           interpolation=cv2.INTER_AREA)
    note = ""
    if image.shape[:2] != tuple(full):
        note = (f"{os.path.basename(path)} is {full[1]}×{full[0]} ({full[0] * full[1] / 1e6:.0f} MP): read at "
                f"{image.shape[1]}×{image.shape[0]} (images above {max_pixels / 1e6:.0f} MP are reduced)")
    return _as_float_rgb(image), note


def _header_size(path: str) -> tuple[int, int] | None:
    """``(height, width)`` from a JPEG's or PNG's header, without decoding; None otherwise."""
    import struct

    from workbench.data.streaming import read_header

    try:
        header = read_header(path)
    except (OSError, ValueError, struct.error):
        return None
    return (header.height, header.width) if header.height and header.width else None


def _as_float_rgb(image: np.ndarray) -> np.ndarray:
    scale = 65535.0 if image.dtype == np.uint16 else 255.0
    image = image.astype(np.float32) / scale
    if image.ndim == 2:
        return image[..., None]
    if image.shape[2] == 4:  # BGRA: composite on white so transparent areas are background
        alpha = image[..., 3:4]
        image = image[..., :3] * alpha + (1.0 - alpha)
    return np.ascontiguousarray(image[..., 2::-1])  # BGR -> RGB


def display_copy(image: np.ndarray, side: int = DISPLAY_SIDE) -> np.ndarray:
    """``image`` as ``to_uint8_rgb`` gives it, its longer side at most ``side`` (area
    resampling): what a window draws and blends on, off its own thread."""
    import cv2

    height, width = image.shape[:2]
    if max(height, width) > side:
        scale = side / max(height, width)
        image = cv2.resize(np.asarray(image, np.float32), (max(1, round(width * scale)), max(1, round(height * scale))),
                           interpolation=cv2.INTER_AREA)
    return to_uint8_rgb(image)


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
