"""Box arithmetic shared by every detector: IoU, NMS, anchors and box coding.

Boxes are ``float32`` arrays ``(N, 4)`` in absolute pixels ``[x1, y1, x2, y2]`` unless a
name says otherwise (``xywh`` = COCO's ``[x, y, width, height]``). A box covering pixel
columns ``0..9`` has ``x1 = 0`` and ``x2 = 10``: coordinates are pixel edges, so
``width = x2 - x1``.

The numpy functions serve data loading, evaluation and post-processing; ``iou_tf``,
``encode_tf`` and ``decode_tf`` do the same with ``keras.ops`` inside losses and
``train_step``. References: Girshick et al., "Rich feature hierarchies" (2014) for greedy
NMS; Ren et al., "Faster R-CNN" (2015) and Liu et al., "SSD" (2016) for anchors and the
``(tx, ty, tw, th)`` coding with variances.
"""

from __future__ import annotations

import math

import numpy as np

from workbench.errors import WorkbenchError

#: SSD's coding variances: centre offsets are divided by 0.1, log sizes by 0.2.
DEFAULT_VARIANCES = (0.1, 0.1, 0.2, 0.2)

#: Widest log-size delta ``decode`` accepts (log(1000/16), as in torchvision), so a wild
#: prediction early in training cannot overflow ``exp``.
MAX_LOG_DELTA = math.log(1000.0 / 16.0)


def as_boxes(boxes, name: str = "boxes") -> np.ndarray:
    """``boxes`` as a ``float32 (N, 4)`` array; an empty input becomes ``(0, 4)``."""
    array = np.asarray(boxes, dtype=np.float32)
    if array.size == 0:
        return np.zeros((0, 4), np.float32)
    if array.ndim != 2 or array.shape[1] != 4:
        raise WorkbenchError(f"{name} must have shape (N, 4), got {array.shape}")
    return array


def area(boxes) -> np.ndarray:
    """Area of each box; boxes with ``x2 < x1`` or ``y2 < y1`` have area 0."""
    boxes = as_boxes(boxes)
    return (np.clip(boxes[:, 2] - boxes[:, 0], 0, None)
            * np.clip(boxes[:, 3] - boxes[:, 1], 0, None))


def iou(boxes_a, boxes_b) -> np.ndarray:
    """Intersection over union, ``(N, M)``: the Jaccard index of every pair of boxes.

    For a predicted box against a true box this is ``TP / (TP + FP + FN)`` counted in
    pixels. Pairs where either box has zero area have IoU 0.
    """
    a, b = as_boxes(boxes_a, "boxes_a"), as_boxes(boxes_b, "boxes_b")
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(bottom_right - top_left, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = area(a)[:, None] + area(b)[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
    return result.astype(np.float32)


def _tf_style_iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one box with many, computed as TensorFlow's NMS kernel does.

    TensorFlow orders each box's corners first (so flipped boxes work), treats any box
    with non-positive area as overlapping nothing, and works in float32; matching it
    operation by operation keeps the selection identical at the threshold.
    """
    x_lo, x_hi = min(box[0], box[2]), max(box[0], box[2])
    y_lo, y_hi = min(box[1], box[3]), max(box[1], box[3])
    ox_lo, ox_hi = np.minimum(others[:, 0], others[:, 2]), np.maximum(others[:, 0], others[:, 2])
    oy_lo, oy_hi = np.minimum(others[:, 1], others[:, 3]), np.maximum(others[:, 1], others[:, 3])
    area_box = (y_hi - y_lo) * (x_hi - x_lo)
    area_others = (oy_hi - oy_lo) * (ox_hi - ox_lo)
    inter_w = np.maximum(np.minimum(x_hi, ox_hi) - np.maximum(x_lo, ox_lo), np.float32(0))
    inter_h = np.maximum(np.minimum(y_hi, oy_hi) - np.maximum(y_lo, oy_lo), np.float32(0))
    inter = inter_h * inter_w
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = inter / (area_box + area_others - inter)
    valid = (area_box > 0) & (area_others > 0)
    return np.where(valid, overlap, np.float32(0)).astype(np.float32)


def nms(boxes, scores, iou_threshold: float = 0.5, score_threshold: float = -math.inf,
        max_output: int | None = None) -> np.ndarray:
    """Greedy non-maximum suppression; returns kept indices, best score first.

    Gives exactly what ``tf.image.non_max_suppression`` gives: boxes scoring at or below
    ``score_threshold`` are dropped, equal scores keep the lower index first, and a box is
    suppressed when its IoU with a kept box is strictly greater than ``iou_threshold``.
    """
    boxes = as_boxes(boxes)
    scores = np.asarray(scores, np.float32).reshape(-1)
    if len(scores) != len(boxes):
        raise WorkbenchError(f"nms got {len(boxes)} boxes but {len(scores)} scores")
    if not 0.0 <= iou_threshold <= 1.0:
        raise WorkbenchError(f"iou_threshold {iou_threshold} must be in [0, 1]")
    limit = len(boxes) if max_output is None else int(max_output)
    if limit < 0:
        raise WorkbenchError(f"max_output {max_output} must be >= 0")
    candidates = np.flatnonzero(scores > np.float32(score_threshold))
    # A stable sort on -score keeps equal scores in index order, as TF's queue does.
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    keep: list[int] = []
    while order.size and len(keep) < limit:
        best, order = order[0], order[1:]
        keep.append(int(best))
        if order.size:
            order = order[_tf_style_iou(boxes[best], boxes[order]) <= np.float32(iou_threshold)]
    return np.asarray(keep, np.int64)


def batched_nms(boxes, scores, classes, iou_threshold: float = 0.5,
                score_threshold: float = -math.inf, max_output: int | None = None,
                max_output_per_class: int | None = None) -> np.ndarray:
    """NMS run separately per class; kept indices sorted by score (best first).

    Boxes of different classes never suppress each other. ``max_output_per_class``
    caps each class, ``max_output`` the total.
    """
    boxes = as_boxes(boxes)
    scores = np.asarray(scores, np.float32).reshape(-1)
    classes = np.asarray(classes).reshape(-1)
    if not len(boxes) == len(scores) == len(classes):
        raise WorkbenchError(f"batched_nms got {len(boxes)} boxes, {len(scores)} scores "
                             f"and {len(classes)} classes")
    kept = [np.flatnonzero(classes == c)[nms(boxes[classes == c], scores[classes == c],
                                              iou_threshold, score_threshold,
                                              max_output_per_class)]
            for c in np.unique(classes)]
    if not kept:
        return np.zeros((0,), np.int64)
    kept = np.concatenate(kept)
    kept = kept[np.lexsort((kept, -scores[kept]))]
    return kept if max_output is None else kept[: int(max_output)]


def make_anchors(feature_size, image_size, scales=(32.0, 64.0, 128.0),
                 ratios=(0.5, 1.0, 2.0)) -> np.ndarray:
    """Anchor boxes centred on the cells of a ``feature_size`` grid over the image.

    ``scales`` are anchor side lengths in pixels (the square root of the anchor area) and
    ``ratios`` are width / height. Rows are ordered cell by cell (row-major over the grid),
    then scale, then ratio, so a head with ``len(scales) * len(ratios)`` outputs per cell
    reshapes straight onto them. Result: ``(h * w * len(scales) * len(ratios), 4)``.
    """
    h, w = (int(v) for v in feature_size)
    height, width = (float(v) for v in image_size)
    if h <= 0 or w <= 0 or height <= 0 or width <= 0:
        raise WorkbenchError(f"feature size {feature_size} and image size {image_size} "
                             "must be positive")
    scales = np.asarray(scales, np.float64).reshape(-1)
    ratios = np.asarray(ratios, np.float64).reshape(-1)
    if scales.size == 0 or ratios.size == 0 or (scales <= 0).any() or (ratios <= 0).any():
        raise WorkbenchError(f"anchor scales {scales.tolist()} and ratios {ratios.tolist()} "
                             "must be non-empty and positive")
    stride_y, stride_x = height / h, width / w
    cy, cx = np.meshgrid((np.arange(h) + 0.5) * stride_y, (np.arange(w) + 0.5) * stride_x,
                         indexing="ij")
    # Same area s*s for every ratio r = w/h: w = s*sqrt(r), h = s/sqrt(r).
    aw = (scales[:, None] * np.sqrt(ratios)[None, :]).reshape(-1)
    ah = (scales[:, None] / np.sqrt(ratios)[None, :]).reshape(-1)
    cx, cy = cx.reshape(-1, 1), cy.reshape(-1, 1)
    anchors = np.stack([cx - aw / 2, cy - ah / 2, cx + aw / 2, cy + ah / 2], axis=-1)
    return anchors.reshape(-1, 4).astype(np.float32)


def _check_variances(variances) -> tuple[float, float, float, float]:
    variances = tuple(float(v) for v in variances)
    if len(variances) != 4 or min(variances) <= 0:
        raise WorkbenchError(f"variances {variances} must be four positive numbers")
    return variances


def encode(boxes, anchors, variances=DEFAULT_VARIANCES) -> np.ndarray:
    """Boxes relative to their anchors as ``(tx, ty, tw, th)`` (Faster R-CNN / SSD).

    ``tx = (cx - cx_a) / w_a / v0``, ``tw = log(w / w_a) / v2`` and likewise for y;
    ``variances=(1, 1, 1, 1)`` gives the plain Faster R-CNN coding.
    """
    boxes, anchors = as_boxes(boxes), as_boxes(anchors, "anchors")
    if boxes.shape != anchors.shape:
        raise WorkbenchError(f"encode needs one anchor per box, got {boxes.shape} boxes and "
                             f"{anchors.shape} anchors")
    v = np.asarray(_check_variances(variances), np.float64)
    b, a = boxes.astype(np.float64), anchors.astype(np.float64)
    bw, bh = np.maximum(b[:, 2] - b[:, 0], 1e-6), np.maximum(b[:, 3] - b[:, 1], 1e-6)
    aw, ah = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
    deltas = np.stack([
        ((b[:, 0] + b[:, 2]) / 2 - (a[:, 0] + a[:, 2]) / 2) / aw,
        ((b[:, 1] + b[:, 3]) / 2 - (a[:, 1] + a[:, 3]) / 2) / ah,
        np.log(bw / aw), np.log(bh / ah)], axis=-1) / v
    return deltas.astype(np.float32)


def decode(deltas, anchors, variances=DEFAULT_VARIANCES) -> np.ndarray:
    """Inverse of ``encode``: ``(tx, ty, tw, th)`` on anchors -> xyxy boxes."""
    deltas, anchors = as_boxes(deltas, "deltas"), as_boxes(anchors, "anchors")
    if deltas.shape != anchors.shape:
        raise WorkbenchError(f"decode needs one anchor per delta, got {deltas.shape} deltas "
                             f"and {anchors.shape} anchors")
    d = deltas.astype(np.float64) * np.asarray(_check_variances(variances), np.float64)
    a = anchors.astype(np.float64)
    aw, ah = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
    cx = (a[:, 0] + a[:, 2]) / 2 + d[:, 0] * aw
    cy = (a[:, 1] + a[:, 3]) / 2 + d[:, 1] * ah
    w = aw * np.exp(np.minimum(d[:, 2], MAX_LOG_DELTA))
    h = ah * np.exp(np.minimum(d[:, 3], MAX_LOG_DELTA))
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1).astype(np.float32)


def xyxy_to_xywh(boxes) -> np.ndarray:
    """``[x1, y1, x2, y2]`` -> COCO's ``[x, y, width, height]``."""
    boxes = as_boxes(boxes).copy()
    boxes[:, 2:] -= boxes[:, :2]
    return boxes


def xywh_to_xyxy(boxes) -> np.ndarray:
    """COCO's ``[x, y, width, height]`` -> ``[x1, y1, x2, y2]``."""
    boxes = as_boxes(boxes).copy()
    boxes[:, 2:] += boxes[:, :2]
    return boxes


def clip_boxes(boxes, image_size) -> np.ndarray:
    """Clip boxes to an image of ``(H, W)`` pixels."""
    height, width = (float(v) for v in image_size[:2])
    boxes = as_boxes(boxes).copy()
    boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, width)
    boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, height)
    return boxes


def normalize_boxes(boxes, image_size) -> np.ndarray:
    """Absolute pixels -> fractions of ``(H, W)``, for heads that predict relative boxes."""
    height, width = (float(v) for v in image_size[:2])
    return (as_boxes(boxes) / np.array([width, height, width, height], np.float32)).astype(
        np.float32)


def denormalize_boxes(boxes, image_size) -> np.ndarray:
    """Fractions of ``(H, W)`` -> absolute pixels (inverse of ``normalize_boxes``)."""
    height, width = (float(v) for v in image_size[:2])
    return (as_boxes(boxes) * np.array([width, height, width, height], np.float32)).astype(
        np.float32)


# --- keras.ops versions, for losses and train_step ---------------------------------------

def iou_tf(boxes_a, boxes_b):
    """``iou`` on tensors: ``(..., N, 4)`` and ``(..., M, 4)`` -> ``(..., N, M)``."""
    from keras import ops

    a = ops.expand_dims(ops.convert_to_tensor(boxes_a, "float32"), -2)
    b = ops.expand_dims(ops.convert_to_tensor(boxes_b, "float32"), -3)
    wh = ops.maximum(ops.minimum(a[..., 2:], b[..., 2:]) - ops.maximum(a[..., :2], b[..., :2]), 0.0)
    inter = wh[..., 0] * wh[..., 1]
    area_a = ops.maximum(a[..., 2] - a[..., 0], 0.0) * ops.maximum(a[..., 3] - a[..., 1], 0.0)
    area_b = ops.maximum(b[..., 2] - b[..., 0], 0.0) * ops.maximum(b[..., 3] - b[..., 1], 0.0)
    union = area_a + area_b - inter
    return ops.where(union > 0, inter / ops.maximum(union, 1e-12), 0.0)


def pairwise_iou_tf(boxes_a, boxes_b):
    """IoU of matching rows, ``(..., 4)`` and ``(..., 4)`` -> ``(...)`` (for IoU losses)."""
    from keras import ops

    a = ops.convert_to_tensor(boxes_a, "float32")
    b = ops.convert_to_tensor(boxes_b, "float32")
    wh = ops.maximum(ops.minimum(a[..., 2:], b[..., 2:]) - ops.maximum(a[..., :2], b[..., :2]), 0.0)
    inter = wh[..., 0] * wh[..., 1]
    area_a = ops.maximum(a[..., 2] - a[..., 0], 0.0) * ops.maximum(a[..., 3] - a[..., 1], 0.0)
    area_b = ops.maximum(b[..., 2] - b[..., 0], 0.0) * ops.maximum(b[..., 3] - b[..., 1], 0.0)
    union = area_a + area_b - inter
    return ops.where(union > 0, inter / ops.maximum(union, 1e-12), 0.0)


def encode_tf(boxes, anchors, variances=DEFAULT_VARIANCES):
    """``encode`` on tensors of shape ``(..., 4)`` (boxes and anchors broadcast)."""
    from keras import ops

    v = _check_variances(variances)
    b = ops.convert_to_tensor(boxes, "float32")
    a = ops.convert_to_tensor(anchors, "float32")
    bw = ops.maximum(b[..., 2] - b[..., 0], 1e-6)
    bh = ops.maximum(b[..., 3] - b[..., 1], 1e-6)
    aw, ah = a[..., 2] - a[..., 0], a[..., 3] - a[..., 1]
    return ops.stack([
        ((b[..., 0] + b[..., 2]) - (a[..., 0] + a[..., 2])) / 2.0 / aw / v[0],
        ((b[..., 1] + b[..., 3]) - (a[..., 1] + a[..., 3])) / 2.0 / ah / v[1],
        ops.log(bw / aw) / v[2], ops.log(bh / ah) / v[3]], axis=-1)


def decode_tf(deltas, anchors, variances=DEFAULT_VARIANCES):
    """``decode`` on tensors of shape ``(..., 4)`` (deltas and anchors broadcast)."""
    from keras import ops

    v = _check_variances(variances)
    d = ops.convert_to_tensor(deltas, "float32")
    a = ops.convert_to_tensor(anchors, "float32")
    aw, ah = a[..., 2] - a[..., 0], a[..., 3] - a[..., 1]
    cx = (a[..., 0] + a[..., 2]) / 2.0 + d[..., 0] * v[0] * aw
    cy = (a[..., 1] + a[..., 3]) / 2.0 + d[..., 1] * v[1] * ah
    w = aw * ops.exp(ops.minimum(d[..., 2] * v[2], MAX_LOG_DELTA))
    h = ah * ops.exp(ops.minimum(d[..., 3] * v[3], MAX_LOG_DELTA))
    return ops.stack([cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0], axis=-1)
