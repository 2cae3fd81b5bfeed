"""D-RISE: a saliency map for one detected box from randomly masked images, no gradients.

Petsiuk, Jain, Manjunatha, Nguyen, Ordonez & Saenko, "Black-box Explanation of Object
Detectors via Saliency Maps", CVPR 2021. As in RISE (Petsiuk et al. 2018), each mask is a
small random binary grid (``grid x grid`` cells, a cell on with probability ``p``)
upsampled bilinearly to ``(grid + 1)`` cells' size and cropped at a random shift, so the
masks are smooth and not tied to the grid. Every masked image goes through the detector;
a detection ``d_j`` is compared with the target ``d_t`` by

    s(d_t, d_j) = IoU(L_t, L_j) x cos(P_t, P_j) [x O_j where the model has an objectness]

(``L`` box, ``P`` class-probability vector, ``O`` objectness), and the mask's weight is the
best match over the masked image's detections. The saliency is ``sum_i w_i M_i / (N p)``
(RISE's normalisation: a pixel the detector ignores gets ``mean(w)`` in expectation). The
raw saliency is kept as ``attribution``; the heatmap shows it above that chance level,
``ReLU(S - mean(w))``, scaled to [0, 1].

The detector is any function ``images (B, H, W, 3) -> per image {"boxes" (K, 4),
"probabilities" (K, C)[, "objectness" (K,)]}``; ``model_detections`` makes one from a
workbench detector's candidates.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, normalize_positive


def generate_masks(count: int, size, grid: int = 16, p: float = 0.5, seed: int = 0) -> np.ndarray:
    """``count`` RISE masks ``(count, H, W)`` in [0, 1], a function of ``seed`` alone."""
    import cv2

    if grid < 1:
        raise WorkbenchError(f"grid={grid} must be at least 1")
    if not 0.0 < p < 1.0:
        raise WorkbenchError(f"p={p} must be between 0 and 1 (the share of cells left visible)")
    height, width = (int(v) for v in size)
    rng = np.random.default_rng(seed)
    cell_h, cell_w = int(np.ceil(height / grid)), int(np.ceil(width / grid))
    up_h, up_w = (grid + 1) * cell_h, (grid + 1) * cell_w
    cells = (rng.random((count, grid, grid)) < p).astype(np.float32)
    shifts = np.stack([rng.integers(0, cell_h, count), rng.integers(0, cell_w, count)], 1)
    masks = np.empty((count, height, width), np.float32)
    for i in range(count):
        big = cv2.resize(cells[i], (up_w, up_h), interpolation=cv2.INTER_LINEAR)
        dy, dx = shifts[i]
        masks[i] = big[dy:dy + height, dx:dx + width]
    return masks


def iou_with(box, boxes) -> np.ndarray:
    from workbench.detection.boxes import iou

    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    if not len(boxes):
        return np.zeros(0, np.float32)
    return iou(np.asarray(box, np.float32).reshape(1, 4), boxes)[0]


def similarity(target_box, target_probabilities, detections: dict) -> float:
    """D-RISE's ``max_j IoU x cos(P_t, P_j) [x O_j]`` over one image's detections (0 if none)."""
    boxes = np.asarray(detections["boxes"], np.float32).reshape(-1, 4)
    if not len(boxes):
        return 0.0
    probabilities = np.asarray(detections["probabilities"], np.float32).reshape(len(boxes), -1)
    target = np.asarray(target_probabilities, np.float32).reshape(-1)
    norms = np.linalg.norm(probabilities, axis=1) * max(float(np.linalg.norm(target)), 1e-12)
    cosine = probabilities @ target / np.maximum(norms, 1e-12)
    scores = iou_with(target_box, boxes) * cosine
    if detections.get("objectness") is not None:
        scores = scores * np.asarray(detections["objectness"], np.float32).reshape(-1)
    return float(max(scores.max(), 0.0))


def drise(detector, image: np.ndarray, target_box, target_probabilities, n_masks: int = 1000,
          grid: int = 16, p: float = 0.5, seed: int = 0, batch_size: int = 32, progress=None,
          should_stop=None) -> MapResult | None:
    """D-RISE saliency of the detection ``(target_box, target_probabilities)`` on ``image``.

    ``progress(done, total)`` is called after each batch of masks; when ``should_stop()``
    turns true the run ends and ``None`` is returned. Deterministic from ``seed``.
    """
    if int(n_masks) < 1:
        raise WorkbenchError(f"n_masks={n_masks} must be at least 1")
    if int(batch_size) < 1:
        raise WorkbenchError(f"batch_size={batch_size} must be at least 1")
    image = np.asarray(image, np.float32)
    masks = generate_masks(int(n_masks), image.shape[:2], int(grid), float(p), int(seed))
    weights = np.zeros(len(masks), np.float32)
    for start in range(0, len(masks), int(batch_size)):
        if should_stop is not None and should_stop():
            return None
        chunk = masks[start:start + int(batch_size)]
        found = detector(image[None] * chunk[..., None])
        weights[start:start + len(chunk)] = [similarity(target_box, target_probabilities, d)
                                             for d in found]
        if progress is not None:
            progress(min(start + len(chunk), len(masks)), len(masks))
    saliency = np.tensordot(weights, masks, axes=1) / (len(masks) * float(p))
    chance = float(weights.mean())
    return MapResult(normalize_positive(saliency - chance), saliency.astype(np.float32),
                     {"weights": weights, "chance": chance, "n_masks": int(n_masks), "grid": int(grid),
                      "p": float(p), "seed": int(seed)})


# ----------------------------------------------------------------------------- detectors
def position_vectors(candidates: dict, num_classes: int, background: bool = True) -> dict:
    """Workbench candidates (one per position x class, with ``indices``) -> one row per
    candidate: its box and the class-score vector of its raw position, led by a background
    entry ``1 - sum(scores)`` (clipped at 0) when ``background``."""
    indices = np.asarray(candidates["indices"], np.int64)
    positions, labels = np.divmod(indices, num_classes)
    unique, row = np.unique(positions, return_inverse=True)
    table = np.zeros((len(unique), num_classes), np.float32)
    table[row, labels] = np.asarray(candidates["scores"], np.float32)
    if background:
        table = np.concatenate([np.maximum(1.0 - table.sum(axis=1, keepdims=True), 0.0), table], axis=1)
    return {"boxes": np.asarray(candidates["boxes"], np.float32), "probabilities": table[row],
            "positions": positions}


def model_detections(model, batch_size: int = 32):
    """A D-RISE detector function for a workbench detector at its input size.

    Each candidate's class vector gathers the scores of all classes at its raw position.
    YOLO v1's scores are ``confidence x Pr(class)``, so their sum is the cell box's
    confidence, D-RISE's objectness ``O``. The other detectors have no objectness (``O = 1``);
    their vectors lead with a background entry ``1 - sum(scores)``, the softmax's own
    background probability for SSD and the R-CNN heads (as the paper does for Faster R-CNN),
    so a masked image where the box fades towards background weighs less -- without it the
    cosine, blind to scale, would not see a score drop at all.
    """
    from workbench.xai.box_gradcam import family

    yolo = family(model) == "yolo"

    def detect(images):
        found = []
        for candidates in model.predict_candidates(images, batch_size=batch_size):
            rows = position_vectors(candidates, model.num_classes, background=not yolo)
            if yolo:
                rows["objectness"] = np.minimum(rows["probabilities"].sum(axis=1), 1.0)
            found.append(rows)
        return found
    return detect
