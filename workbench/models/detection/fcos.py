"""FCOS: anchor-free detection, one prediction per feature-map location.

Tian, Shen, Chen & He, "FCOS: Fully Convolutional One-Stage Object Detection" (ICCV 2019).
There are no anchors: every location ``(x, y)`` of every FPN level that falls inside a
true box is a positive and regresses its distances ``(l, t, r, b)`` to the four sides of
that box. Each level handles one range of object sizes: a location on level ``P_i``
(stride ``s_i``) is kept only when ``max(l, t, r, b)`` lies in
``(range_scale * s_(i-1), range_scale * s_i]`` (the paper's 0, 64, 128, ... is
``range_scale = 8``); a location inside several boxes takes the smallest. Distances are
predicted as ``exp(x) * stride``. A centerness branch, parallel to classification,
learns ``sqrt(min(l, r)/max(l, r) x min(t, b)/max(t, b))`` (1 at an object's centre,
0 at its edge); at test time a box's score is ``class score x centerness``, which
pushes down the poor boxes of locations far from the centre. Losses: focal loss on the
classes, IoU loss ``-log IoU`` on the boxes and binary cross-entropy on centerness, all
normalised by the number of positive locations. Heads are shared by all levels and use
GroupNorm, as in the paper. The top ``extra_levels`` pyramid levels are built as the
paper's P6 and P7 are, by stride-2 convolutions from the FPN level below ("from P5",
where RetinaNet takes C5), not from backbone stages.
"""

from __future__ import annotations

import numpy as np
import keras
from keras import ops

from workbench.errors import WorkbenchError
from workbench.models.detection.backbones import (backbone_options, check_levels, conv_backbone,
                                                  feature_dropout, feature_pyramid, shared_output,
                                                  shared_tower)
from workbench.models.detection.base import (Detector, check_detection_info, feature_size,
                                             focal_loss, prior_bias)

#: exp() of a larger raw distance would overflow; e^8 strides is far outside any image.
MAX_LOG_DISTANCE = 8.0


def locations(image_size, levels):
    """Centres ``(P, 2)`` of every location of every level, and each one's stride ``(P,)``."""
    points, strides = [], []
    for level in levels:
        stride = 2 ** level
        h, w = feature_size(image_size, level)
        ys, xs = np.meshgrid((np.arange(h) + 0.5) * stride, (np.arange(w) + 0.5) * stride,
                             indexing="ij")
        points.append(np.stack([xs.ravel(), ys.ravel()], -1))
        strides.append(np.full(h * w, stride, np.float32))
    return np.concatenate(points).astype(np.float32), np.concatenate(strides)


def size_ranges(strides: np.ndarray, levels, range_scale: float):
    """Per location, the ``(lower, upper]`` range of ``max(l, t, r, b)`` its level handles."""
    levels = list(levels)
    bounds = {level: (0.0 if k == 0 else range_scale * 2 ** levels[k - 1],
                      np.inf if k == len(levels) - 1 else range_scale * 2 ** level)
              for k, level in enumerate(levels)}
    lower = np.array([bounds[int(np.log2(s))][0] for s in strides], np.float32)
    upper = np.array([bounds[int(np.log2(s))][1] for s in strides], np.float32)
    return lower, upper


def centerness(ltrb):
    """``sqrt(min(l, r)/max(l, r) * min(t, b)/max(t, b))`` of distances ``(..., 4)`` (numpy or ops)."""
    left, top, right, bottom = (ltrb[..., k] for k in range(4))
    horizontal = ops.minimum(left, right) / ops.maximum(ops.maximum(left, right), 1e-6)
    vertical = ops.minimum(top, bottom) / ops.maximum(ops.maximum(top, bottom), 1e-6)
    return ops.sqrt(ops.maximum(horizontal * vertical, 0.0))


@keras.saving.register_keras_serializable(package="workbench")
class FCOS(Detector):
    """FCOS (``settings``: levels, range_scale, alpha, gamma)."""

    loss_names = ("loss", "focal", "iou", "centerness")

    def __init__(self, network, class_names=(), settings=None, **kwargs):
        super().__init__(network, class_names, settings, **kwargs)
        levels = range(self.settings["min_level"], self.settings["max_level"] + 1)
        self.points, self.strides = locations(self.image_size, levels)
        self.lower, self.upper = size_ranges(self.strides, levels, self.settings["range_scale"])

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """``classes`` ``(N, P)`` (0 = background, label + 1) and ``ltrb`` distances in strides."""
        classes = np.zeros((len(boxes_list), len(self.points)), np.int32)
        distances = np.zeros((len(boxes_list), len(self.points), 4), np.float32)
        x, y = self.points[:, 0:1], self.points[:, 1:2]
        for i, (boxes, labels) in enumerate(zip(boxes_list, labels_list)):
            boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
            if not len(boxes):
                continue
            ltrb = np.stack([x - boxes[:, 0], y - boxes[:, 1], boxes[:, 2] - x, boxes[:, 3] - y],
                            -1)  # (P, G, 4)
            reach = ltrb.max(-1)
            valid = (ltrb.min(-1) > 0) & (reach > self.lower[:, None]) & (reach <= self.upper[:, None])
            areas = np.where(valid, ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]))[None],
                             np.inf)
            best = areas.argmin(axis=1)  # the smallest box containing the location
            positive = np.isfinite(areas.min(axis=1))
            classes[i] = np.where(positive, np.asarray(labels, np.int64)[best] + 1, 0)
            distances[i] = np.where(positive[:, None], ltrb[np.arange(len(best)), best], 0.0) \
                / self.strides[:, None]
        return {"classes": classes, "ltrb": distances}

    def compute_losses(self, y, outputs):
        logits, raw_distances, centerness_logits = (ops.cast(t, "float32") for t in outputs)
        classes = ops.cast(y["classes"], "int32")
        target_ltrb = ops.cast(y["ltrb"], "float32")
        positive = ops.cast(classes > 0, "float32")
        normaliser = ops.maximum(ops.sum(positive), 1.0)
        targets = ops.one_hot(ops.maximum(classes - 1, 0), self.num_classes) * positive[..., None]
        focal = ops.sum(focal_loss(logits, targets, float(self.settings["alpha"]),
                                   float(self.settings["gamma"]))) / normaliser
        predicted = ops.exp(ops.minimum(raw_distances, MAX_LOG_DISTANCE))
        iou = _ltrb_iou(predicted, target_ltrb)
        iou_loss = ops.sum(-ops.log(ops.maximum(iou, 1e-6)) * positive) / normaliser
        ctr_target = ops.stop_gradient(centerness(target_ltrb))
        ctr = ops.binary_crossentropy(ctr_target, centerness_logits[..., 0], from_logits=True)
        ctr_loss = ops.sum(ctr * positive) / normaliser
        return {"loss": focal + iou_loss + ctr_loss, "focal": focal, "iou": iou_loss,
                "centerness": ctr_loss}

    def decode(self, outputs) -> list[dict]:
        """Every location x every class, scored ``sigmoid(class) x sigmoid(centerness)``."""
        logits, raw_distances, centerness_logits = outputs
        classes = self.num_classes
        results = []
        for i in range(len(logits)):
            distances = np.exp(np.minimum(raw_distances[i], MAX_LOG_DISTANCE)) * self.strides[:, None]
            boxes = np.concatenate([self.points - distances[:, :2], self.points + distances[:, 2:]], -1)
            scores = _sigmoid(logits[i]) * _sigmoid(centerness_logits[i])  # (P, C) x (P, 1)
            results.append(self.top_candidates(np.repeat(boxes, classes, 0), scores.reshape(-1),
                                               np.tile(np.arange(classes), len(boxes))))
        return results


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _ltrb_iou(predicted, target):
    """IoU of two boxes given as distances from the same point (UnitBox)."""
    area_p = (predicted[..., 0] + predicted[..., 2]) * (predicted[..., 1] + predicted[..., 3])
    area_t = (target[..., 0] + target[..., 2]) * (target[..., 1] + target[..., 3])
    width = ops.minimum(predicted[..., 0], target[..., 0]) + ops.minimum(predicted[..., 2], target[..., 2])
    height = ops.minimum(predicted[..., 1], target[..., 1]) + ops.minimum(predicted[..., 3], target[..., 3])
    inter = width * height
    return inter / ops.maximum(area_p + area_t - inter, 1e-6)


def build_fcos(hp: dict, info) -> FCOS:
    """FCOS: small backbone, FPN, shared GroupNorm towers; classes, ltrb and centerness per location."""
    image_size, class_names = check_detection_info(info, "FCOS")
    min_level, max_level = int(hp.get("min_level", 2)), int(hp.get("max_level", 4))
    check_levels(min_level, max_level, image_size)
    range_scale = float(hp.get("range_scale", 2.0))
    if range_scale <= 0:
        raise WorkbenchError(f"range_scale={range_scale} must be positive")
    filters, depth = int(hp.get("fpn_filters", 64)), int(hp.get("head_depth", 2))
    extra = int(hp.get("extra_levels", 1))
    if not 0 <= extra <= max_level - min_level:
        raise WorkbenchError(f"extra_levels={extra} must be between 0 and max_level - min_level "
                             f"= {max_level - min_level}")
    inputs = keras.Input(shape=info.input_shape, name="input")
    # The paper's P6, P7 come from P5, so the backbone stops below them (at "C5").
    options = backbone_options(hp)
    act = options["activation"]
    features = conv_backbone(inputs, max_level - extra, int(hp.get("width", 16)), name="fcos_backbone",
                             **options)
    pyramid = feature_pyramid(features, min_level, max_level, filters, name="fcos_fpn",
                              extra_levels=extra, activation=act)
    pyramid = feature_dropout(pyramid, hp.get("dropout", 0.0), "fcos_fpn")
    class_tower = shared_tower(pyramid, filters, depth, "fcos_class", norm_groups=8, activation=act)
    box_tower = shared_tower(pyramid, filters, depth, "fcos_box", norm_groups=8, activation=act)
    classes = len(class_names)
    logits = shared_output(class_tower, classes, classes, "fcos_class", prior_bias(0.01))
    distances = shared_output(box_tower, 4, 4, "fcos_ltrb")
    ctr = shared_output(class_tower, 1, 1, "fcos_centerness")  # parallel to classification
    network = keras.Model(inputs, [logits, distances, ctr], name="fcos_network")
    settings = {"min_level": min_level, "max_level": max_level, "range_scale": range_scale,
                "alpha": float(hp.get("alpha", 0.25)), "gamma": float(hp.get("gamma", 2.0)),
                "max_candidates": int(hp.get("max_candidates", 1000))}
    return FCOS(network, class_names, settings, name="fcos")
