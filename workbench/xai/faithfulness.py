"""Faithfulness of a heatmap: deletion and insertion curves.

Petsiuk, Das and Saenko, "RISE: Randomized Input Sampling for Explanation of
Black-box Models", BMVC 2018. Pixels are removed (deletion) or put back (insertion)
in the heatmap's order, most important first, in ``steps`` equal steps, and the class
probability is recorded. A faithful map makes the deletion curve fall fast (low area
under it) and the insertion curve rise fast (high area). As in the paper, deleted
pixels become black and insertion starts from a blurred copy; ``baseline="zero"`` or
``"blur"`` uses one of them for both. Equal heatmap values are ordered by a seeded
random draw, not by position, so a flat map does not sweep the image row by row.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import predict

BASELINES = ("rise", "zero", "blur")


def blurred(image: np.ndarray) -> np.ndarray:
    import cv2

    sigma = max(image.shape[:2]) / 10.0
    return cv2.GaussianBlur(image, (0, 0), sigma).reshape(image.shape).astype(np.float32)


def pixel_order(heatmap: np.ndarray, seed: int = 0) -> np.ndarray:
    """Flat pixel indices, highest heatmap value first, ties in seeded random order."""
    values = np.asarray(heatmap, np.float64).ravel()
    tie_break = np.random.default_rng(seed).random(values.size)
    return np.lexsort((tie_break, -values))


def _curve(model, start: np.ndarray, end: np.ndarray, order: np.ndarray, steps: int,
           class_index: int, batch_size: int) -> np.ndarray:
    """Probabilities along the way from ``start`` to ``end``, switching pixels in ``order``."""
    height, width = start.shape[:2]
    counts = np.round(np.linspace(0, order.size, steps + 1)).astype(int)
    rank = np.empty(order.size, np.int64)
    rank[order] = np.arange(order.size)
    rank = rank.reshape(height, width)
    batch = np.stack([np.where((rank < count)[..., None], end, start) for count in counts])
    return predict(model, batch, batch_size)[:, class_index].astype(np.float64)


def auc(curve: np.ndarray) -> float:
    """Area under a curve sampled at evenly spaced fractions of [0, 1] (trapezoid)."""
    curve = np.asarray(curve, np.float64)
    return float(((curve[:-1] + curve[1:]) / 2.0).mean()) if curve.size > 1 else float(curve[0])


def deletion_insertion(model, image: np.ndarray, heatmap: np.ndarray, class_index: int | None = None,
                       steps: int = 20, baseline: str = "rise", seed: int = 0,
                       batch_size: int = 64) -> dict:
    """``dict(deletion_auc, insertion_auc, deletion_curve, insertion_curve, class_index)``."""
    image = np.asarray(image, np.float32)
    heatmap = np.asarray(heatmap, np.float32)
    if heatmap.shape != image.shape[:2]:
        raise WorkbenchError(f"heatmap of shape {heatmap.shape} does not match the image {image.shape[:2]}")
    if int(steps) < 2:
        raise WorkbenchError(f"steps={steps!r} must be at least 2")
    if baseline not in BASELINES:
        raise WorkbenchError(f"baseline={baseline!r} is not one of {', '.join(BASELINES)}")
    if class_index is None:
        class_index = int(np.argmax(predict(model, image[None])[0]))
    removed = np.zeros_like(image) if baseline in ("rise", "zero") else blurred(image)
    inserted_from = np.zeros_like(image) if baseline == "zero" else blurred(image)
    order = pixel_order(heatmap, seed)
    deletion = _curve(model, image, removed, order, int(steps), class_index, batch_size)
    insertion = _curve(model, inserted_from, image, order, int(steps), class_index, batch_size)
    return {"deletion_auc": auc(deletion), "insertion_auc": auc(insertion),
            "deletion_curve": deletion, "insertion_curve": insertion, "class_index": int(class_index)}
