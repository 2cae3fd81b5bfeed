"""Geometric augmentation for detection: the boxes and masks move with the image.

A horizontal flip mirrors x (``x1' = W - x2``); a scale-crop zooms the image by a random
factor and cuts (or pads) a window of the original size, shifting and clipping the boxes
and dropping those left mostly outside, as in SSD's data augmentation (Liu et al., "SSD:
Single Shot MultiBox Detector", 2016). Every function returns an ``Augmented`` whose
``keep`` indexes the input boxes that survive, so labels follow with ``labels[out.keep]``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from workbench.detection.boxes import area, as_boxes
from workbench.errors import WorkbenchError


class Augmented(NamedTuple):
    image: np.ndarray
    boxes: np.ndarray
    masks: np.ndarray | None
    keep: np.ndarray  # indices of the input boxes still present, in order


def _rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check(image, boxes, masks):
    image = np.asarray(image)
    if image.ndim != 3:
        raise WorkbenchError(f"an image must be (H, W, C), got shape {image.shape}")
    boxes = as_boxes(boxes)
    if masks is not None:
        masks = np.asarray(masks, bool)
        if masks.shape != (len(boxes), *image.shape[:2]):
            raise WorkbenchError(f"masks of shape {masks.shape} do not match {len(boxes)} boxes "
                                 f"on a {image.shape[0]}x{image.shape[1]} image")
    return image, boxes, masks


def flip_horizontal(image, boxes, masks=None) -> Augmented:
    """Mirror left-right: ``[x1, y1, x2, y2] -> [W - x2, y1, W - x1, y2]``."""
    image, boxes, masks = _check(image, boxes, masks)
    width = image.shape[1]
    flipped = boxes.copy()
    flipped[:, 0], flipped[:, 2] = width - boxes[:, 2], width - boxes[:, 0]
    return Augmented(image[:, ::-1].copy(), flipped,
                     None if masks is None else masks[:, :, ::-1].copy(),
                     np.arange(len(boxes)))


def flip_vertical(image, boxes, masks=None) -> Augmented:
    """Mirror top-bottom: ``[x1, y1, x2, y2] -> [x1, H - y2, x2, H - y1]``."""
    image, boxes, masks = _check(image, boxes, masks)
    height = image.shape[0]
    flipped = boxes.copy()
    flipped[:, 1], flipped[:, 3] = height - boxes[:, 3], height - boxes[:, 1]
    return Augmented(image[::-1].copy(), flipped,
                     None if masks is None else masks[:, ::-1].copy(), np.arange(len(boxes)))


def random_flip(image, boxes, masks=None, rng=None, horizontal: float = 0.5,
                vertical: float = 0.0) -> Augmented:
    """Flip left-right with probability ``horizontal`` and top-bottom with ``vertical``."""
    for name, p in (("horizontal", horizontal), ("vertical", vertical)):
        if not 0.0 <= p <= 1.0:
            raise WorkbenchError(f"{name} flip probability {p} must be in [0, 1]")
    rng = _rng(rng)
    out = Augmented(*_check(image, boxes, masks), np.arange(len(as_boxes(boxes))))
    if rng.random() < horizontal:
        out = flip_horizontal(out.image, out.boxes, out.masks)
    if rng.random() < vertical:
        out = flip_vertical(out.image, out.boxes, out.masks)
    return out


def scale_crop(image, boxes, masks=None, scale: float = 1.0, offset=(0, 0),
               min_visibility: float = 0.3, fill: float = 0.0) -> Augmented:
    """Zoom by ``scale`` and take the original-size window starting at ``offset``.

    ``offset = (top, left)`` in the zoomed image; negative values pad instead (when
    zooming out). A box keeps its part inside the window and is dropped when less than
    ``min_visibility`` of its zoomed area remains.
    """
    import cv2

    image, boxes, masks = _check(image, boxes, masks)
    if scale <= 0:
        raise WorkbenchError(f"scale {scale} must be positive")
    if not 0.0 <= min_visibility <= 1.0:
        raise WorkbenchError(f"min_visibility {min_visibility} must be in [0, 1]")
    height, width = image.shape[:2]
    new_h, new_w = max(1, int(round(height * scale))), max(1, int(round(width * scale)))
    zoomed = cv2.resize(image.astype(np.float32), (new_w, new_h),
                        interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    zoomed = zoomed.reshape(new_h, new_w, image.shape[2])
    top, left = (int(v) for v in offset)
    canvas = np.full((height, width, image.shape[2]), fill, np.float32)
    # Rows/cols of the zoomed image that land on the canvas, and where.
    src_y0, src_x0 = max(top, 0), max(left, 0)
    src_y1, src_x1 = min(top + height, new_h), min(left + width, new_w)
    dst_y0, dst_x0 = src_y0 - top, src_x0 - left
    if src_y1 > src_y0 and src_x1 > src_x0:
        canvas[dst_y0:dst_y0 + src_y1 - src_y0, dst_x0:dst_x0 + src_x1 - src_x0] = \
            zoomed[src_y0:src_y1, src_x0:src_x1]
    sx, sy = new_w / width, new_h / height
    moved = boxes * np.array([sx, sy, sx, sy], np.float32) - np.array([left, top, left, top],
                                                                      np.float32)
    clipped = moved.copy()
    clipped[:, 0::2] = np.clip(moved[:, 0::2], 0, width)
    clipped[:, 1::2] = np.clip(moved[:, 1::2], 0, height)
    full = area(moved)
    visible = np.where(full > 0, area(clipped) / np.maximum(full, 1e-12), 0.0)
    keep = np.flatnonzero((visible >= min_visibility) & (area(clipped) > 0))
    new_masks = None
    if masks is not None:
        new_masks = np.zeros((len(keep), height, width), bool)
        for j, k in enumerate(keep):
            zm = cv2.resize(masks[k].astype(np.uint8), (new_w, new_h),
                            interpolation=cv2.INTER_NEAREST).astype(bool)
            if src_y1 > src_y0 and src_x1 > src_x0:
                new_masks[j, dst_y0:dst_y0 + src_y1 - src_y0, dst_x0:dst_x0 + src_x1 - src_x0] = \
                    zm[src_y0:src_y1, src_x0:src_x1]
    return Augmented(canvas.astype(image.dtype if image.dtype.kind == "f" else np.float32),
                     clipped[keep].astype(np.float32), new_masks, keep)


def random_scale_crop(image, boxes, masks=None, rng=None, scale_range=(0.75, 1.25),
                      min_visibility: float = 0.3, fill: float = 0.0) -> Augmented:
    """``scale_crop`` with a scale drawn from ``scale_range`` and a random window."""
    low, high = (float(v) for v in scale_range)
    if not 0 < low <= high:
        raise WorkbenchError(f"scale_range {scale_range} must satisfy 0 < low <= high")
    rng = _rng(rng)
    image = np.asarray(image)
    scale = float(rng.uniform(low, high))
    height, width = image.shape[:2]
    new_h, new_w = max(1, int(round(height * scale))), max(1, int(round(width * scale)))
    # Zooming in: any window inside; zooming out: the small image anywhere on the canvas.
    top = int(rng.integers(min(0, new_h - height), max(0, new_h - height) + 1))
    left = int(rng.integers(min(0, new_w - width), max(0, new_w - width) + 1))
    return scale_crop(image, boxes, masks, scale, (top, left), min_visibility, fill)


def random_augment(image, boxes, masks=None, rng=None, scale_range=(0.75, 1.25),
                   min_visibility: float = 0.3) -> Augmented:
    """A random horizontal flip followed by a random scale-crop (``keep`` composes both)."""
    rng = _rng(rng)
    flipped = random_flip(image, boxes, masks, rng)
    out = random_scale_crop(flipped.image, flipped.boxes, flipped.masks, rng, scale_range,
                            min_visibility)
    return out._replace(keep=flipped.keep[out.keep])


def augment_data(data, copies: int, seed: int = 0):
    """``data`` plus ``copies`` randomly flipped and scale-cropped versions of each image
    (a ``DetectionData`` of one image size); boxes, labels and masks move with them and
    objects cut away by a crop are dropped. ``copies=0`` returns ``data`` itself."""
    from dataclasses import replace

    copies = int(copies)
    if copies < 0:
        raise WorkbenchError(f"augment_copies={copies} must be 0 or more")
    if not copies:
        return data
    if not isinstance(data.images, np.ndarray):
        raise WorkbenchError("augmentation needs images of one size: set input_size")
    rng = np.random.default_rng(seed)
    images, boxes, labels = list(data.images), list(data.boxes), list(data.labels)
    masks = None if data.masks is None else list(data.masks)
    for _ in range(copies):
        for i in range(len(data)):
            out = random_augment(data.images[i], data.boxes[i],
                                 None if data.masks is None else data.masks[i], rng)
            images.append(out.image)
            boxes.append(out.boxes)
            labels.append(np.asarray(data.labels[i])[out.keep])
            if masks is not None:
                masks.append(out.masks)
    first_id = max(data.image_ids, default=0) + 1
    # Keypoints are not carried into the copies (a flip would also swap left and right names).
    return replace(data, images=np.stack(images).astype(np.float32), boxes=boxes, labels=labels,
                   masks=masks, difficult=None, file_names=(), keypoints=None,
                   image_ids=tuple(data.image_ids) + tuple(range(first_id, first_id + copies * len(data))))
