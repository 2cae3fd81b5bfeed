"""SSD: default boxes on several feature maps, each scored and refined by a 3x3 convolution.

Liu, Anguelov, Erhan, Szegedy, Reed, Fu & Berg, "SSD: Single Shot MultiBox Detector"
(ECCV 2016). Where YOLO v1 predicts from its last map only, SSD attaches a small
convolutional predictor to several maps of decreasing resolution: map ``k`` of ``m``
carries default boxes of scale ``s_k = s_min + (s_max - s_min)(k - 1)/(m - 1)`` (a fraction
of the image side) at every aspect ratio, plus one square box of scale ``sqrt(s_k s_k+1)``.
Training matches each default box to the true box it overlaps best (IoU >= 0.5, and each
true box to its best default box), then minimises softmax cross-entropy over the ``C + 1``
classes plus smooth L1 on the ``(tx, ty, tw, th)`` offsets of the matched boxes. Because
almost every default box is background, only the negatives with the highest loss are
kept, at most 3 per positive (hard negative mining).
"""

from __future__ import annotations

import math

import numpy as np
import keras
from keras import layers, ops

from workbench.detection import boxes as box_ops
from workbench.errors import WorkbenchError
from workbench.models.detection.backbones import (backbone_options, check_levels, concat_levels,
                                                  conv_backbone, feature_dropout)
from workbench.models.detection.base import (Detector, assign_anchors, check_detection_info,
                                             feature_size, parse_floats, smooth_l1)


def default_boxes(image_size, levels, min_scale: float, max_scale: float, ratios) -> np.ndarray:
    """SSD's default boxes over the maps at ``levels``, map by map, cell by cell.

    Per cell: one box per aspect ratio at scale ``s_k``, then the extra square box at
    ``sqrt(s_k * s_k+1)`` (``s_m+1 = 1``), so each cell has ``len(ratios) + 1`` boxes.
    """
    side = float(min(image_size))
    count = len(levels)
    scales = [min_scale + (max_scale - min_scale) * k / max(count - 1, 1) for k in range(count)]
    scales.append(1.0)
    per_level = []
    for k, level in enumerate(levels):
        size = feature_size(image_size, level)
        cells = size[0] * size[1]
        main = box_ops.make_anchors(size, image_size, [scales[k] * side], ratios)
        extra = box_ops.make_anchors(size, image_size, [math.sqrt(scales[k] * scales[k + 1]) * side],
                                     [1.0])
        per_level.append(np.concatenate([main.reshape(cells, len(ratios), 4),
                                         extra.reshape(cells, 1, 4)], axis=1).reshape(-1, 4))
    return np.concatenate(per_level).astype(np.float32)


def hard_negatives(classes, losses, ratio: float = 3.0):
    """``(N, A)`` 0/1 mask of the background boxes with the highest loss, ``ratio`` per positive.

    Per image, at most ``ratio x max(positives, 1)`` negatives are kept, ranked by their
    classification loss (SSD section 2.2, "Hard negative mining").
    """
    classes = ops.convert_to_tensor(classes)
    losses = ops.stop_gradient(ops.cast(losses, "float32"))
    positive = ops.cast(classes > 0, "float32")
    negative = ops.cast(ops.equal(classes, 0), "float32")
    ranked = ops.where(negative > 0, losses, -1.0)  # positives (and ignored) rank last
    rank = ops.argsort(ops.argsort(-ranked, axis=1), axis=1)
    limit = ratio * ops.maximum(ops.sum(positive, axis=1, keepdims=True), 1.0)
    return ops.cast(ops.cast(rank, "float32") < limit, "float32") * negative


@keras.saving.register_keras_serializable(package="workbench")
class SSD(Detector):
    """Single Shot MultiBox Detector (``settings``: levels, scales, ratios, neg_pos_ratio)."""

    loss_names = ("loss", "loc", "conf")

    def __init__(self, network, class_names=(), settings=None, **kwargs):
        super().__init__(network, class_names, settings, **kwargs)
        s = self.settings
        self.anchors = default_boxes(self.image_size, list(range(s["min_level"], s["max_level"] + 1)),
                                     s["min_scale"], s["max_scale"], s["aspect_ratios"])

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """``classes`` ``(N, A)`` (0 = background) and ``boxes`` ``(N, A, 4)`` offsets."""
        threshold = float(self.settings.get("match_iou", 0.5))
        classes = np.zeros((len(boxes_list), len(self.anchors)), np.int32)
        deltas = np.zeros((len(boxes_list), len(self.anchors), 4), np.float32)
        for i, (boxes, labels) in enumerate(zip(boxes_list, labels_list)):
            classes[i], matched = assign_anchors(boxes, labels, self.anchors, threshold, threshold)
            deltas[i] = box_ops.encode(matched, self.anchors)
        return {"classes": classes, "boxes": deltas}

    def compute_losses(self, y, outputs):
        logits, deltas = (ops.cast(t, "float32") for t in outputs)
        classes = ops.cast(y["classes"], "int32")
        positive = ops.cast(classes > 0, "float32")
        cross_entropy = ops.sparse_categorical_crossentropy(classes, logits, from_logits=True)
        hard_negative = hard_negatives(classes, cross_entropy, float(self.settings["neg_pos_ratio"]))
        total_positive = ops.maximum(ops.sum(positive), 1.0)
        conf = ops.sum(cross_entropy * (positive + hard_negative)) / total_positive
        loc = ops.sum(ops.sum(smooth_l1(deltas - ops.cast(y["boxes"], "float32")), -1)
                      * positive) / total_positive
        return {"loss": conf + float(self.settings.get("loc_weight", 1.0)) * loc,
                "loc": loc, "conf": conf}

    def decode(self, outputs) -> list[dict]:
        """Every default box x every object class, scored by its softmax probability."""
        logits, deltas = outputs
        shifted = logits - logits.max(axis=-1, keepdims=True)
        probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
        classes = self.num_classes
        results = []
        for i in range(len(logits)):
            decoded = box_ops.decode(deltas[i], self.anchors)
            results.append(self.top_candidates(
                np.repeat(decoded, classes, axis=0), probabilities[i, :, 1:].reshape(-1),
                np.tile(np.arange(classes), len(decoded))))
        return results


def build_ssd(hp: dict, info) -> SSD:
    """SSD on the small backbone: predictors on the maps of ``min_level..max_level``."""
    image_size, class_names = check_detection_info(info, "SSD")
    min_level, max_level = int(hp.get("min_level", 2)), int(hp.get("max_level", 5))
    check_levels(min_level, max_level, image_size)
    ratios = parse_floats(hp.get("aspect_ratios", "1,2,0.5"), "aspect_ratios")
    min_scale, max_scale = float(hp.get("min_scale", 0.12)), float(hp.get("max_scale", 0.6))
    if not 0 < min_scale <= max_scale <= 1:
        raise WorkbenchError(f"SSD scales min_scale={min_scale}, max_scale={max_scale} must "
                             "satisfy 0 < min_scale <= max_scale <= 1")
    per_cell = len(ratios) + 1
    depth = len(class_names) + 1
    inputs = keras.Input(shape=info.input_shape, name="input")
    features = conv_backbone(inputs, max_level, int(hp.get("width", 16)), name="ssd_backbone",
                             **backbone_options(hp))
    features = feature_dropout(features, hp.get("dropout", 0.0), "ssd_features")
    class_maps, box_maps = [], []
    for level in range(min_level, max_level + 1):
        # SSD's predictors are per map (not shared): each map has its own scale.
        scores = layers.Conv2D(per_cell * depth, 3, padding="same",
                               name=f"ssd_p{level}_class")(features[level])
        offsets = layers.Conv2D(per_cell * 4, 3, padding="same", name=f"ssd_p{level}_box")(
            features[level])
        class_maps.append(layers.Reshape((-1, depth), name=f"ssd_p{level}_class_flat")(scores))
        box_maps.append(layers.Reshape((-1, 4), name=f"ssd_p{level}_box_flat")(offsets))
    logits = concat_levels(class_maps, "ssd_class_logits")
    deltas = concat_levels(box_maps, "ssd_box_deltas")
    network = keras.Model(inputs, [logits, deltas], name="ssd_network")
    settings = {"min_level": min_level, "max_level": max_level, "min_scale": min_scale,
                "max_scale": max_scale, "aspect_ratios": list(ratios),
                "neg_pos_ratio": float(hp.get("neg_pos_ratio", 3.0)),
                "match_iou": float(hp.get("match_iou", 0.5)),
                "max_candidates": int(hp.get("max_candidates", 1000))}
    return SSD(network, class_names, settings, name="ssd")
