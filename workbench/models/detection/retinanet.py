"""RetinaNet: a feature pyramid, anchors on every level and the focal loss.

Lin, Goyal, Girshick, He & Dollar, "Focal Loss for Dense Object Detection" (ICCV 2017).
A one-stage detector sees tens of thousands of anchors, nearly all easy background, and
their many small cross-entropy losses swamp the few objects. The focal loss
``FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t)`` down-weights the well-classified ones
(``gamma = 2``, ``alpha = 0.25`` in the paper; ``gamma = 0`` is plain alpha-balanced
cross-entropy). The network is a backbone with an FPN (Lin et al., CVPR 2017); on each
level ``A = 3 scales x 3 aspect ratios`` anchors per position (scales ``2^0, 2^(1/3),
2^(2/3)`` times ``anchor_size x stride``); two small subnets, shared by all levels,
give ``C`` sigmoid class scores and 4 box offsets per anchor. Anchors with IoU >= 0.5
are positives, below 0.4 background, in between ignored; the class bias starts at the
prior ``pi = 0.01``. Losses are normalised by the number of positive anchors.
"""

from __future__ import annotations

import numpy as np
import keras
from keras import ops

from workbench.detection import boxes as box_ops
from workbench.models.detection.backbones import (backbone_options, check_levels, conv_backbone,
                                                  feature_dropout, feature_pyramid, shared_output,
                                                  shared_tower)
from workbench.models.detection.base import (Detector, assign_anchors, check_detection_info,
                                             feature_size, focal_loss, parse_floats, prior_bias,
                                             smooth_l1)

#: Plain Faster R-CNN box coding (Detectron's RetinaNet), with smooth L1 at beta = 0.11:
#: SSD's 0.1/0.2 variances would scale the box loss up ~7x against the focal loss.
VARIANCES = (1.0, 1.0, 1.0, 1.0)


def pyramid_anchors(image_size, levels, anchor_size: float, scales, ratios) -> np.ndarray:
    """RetinaNet's anchors, level by level: sides ``anchor_size * stride * scale``."""
    per_level = []
    for level in levels:
        stride = 2 ** level
        per_level.append(box_ops.make_anchors(feature_size(image_size, level), image_size,
                                              [anchor_size * stride * s for s in scales], ratios))
    return np.concatenate(per_level).astype(np.float32)


@keras.saving.register_keras_serializable(package="workbench")
class RetinaNet(Detector):
    """RetinaNet (``settings``: levels, anchor_size, scales, ratios, alpha, gamma)."""

    loss_names = ("loss", "focal", "box")

    def __init__(self, network, class_names=(), settings=None, **kwargs):
        super().__init__(network, class_names, settings, **kwargs)
        s = self.settings
        self.anchors = pyramid_anchors(self.image_size, range(s["min_level"], s["max_level"] + 1),
                                       s["anchor_size"], s["scales"], s["ratios"])

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """``classes`` ``(N, A)`` (-1 ignored, 0 background, label + 1) and ``boxes`` offsets."""
        s = self.settings
        classes = np.zeros((len(boxes_list), len(self.anchors)), np.int32)
        deltas = np.zeros((len(boxes_list), len(self.anchors), 4), np.float32)
        for i, (boxes, labels) in enumerate(zip(boxes_list, labels_list)):
            classes[i], matched = assign_anchors(boxes, labels, self.anchors,
                                                 s["positive_iou"], s["negative_iou"])
            deltas[i] = box_ops.encode(matched, self.anchors, VARIANCES)
        return {"classes": classes, "boxes": deltas}

    def compute_losses(self, y, outputs):
        logits, deltas = (ops.cast(t, "float32") for t in outputs)
        classes = ops.cast(y["classes"], "int32")
        positive = ops.cast(classes > 0, "float32")
        valid = ops.cast(classes >= 0, "float32")
        # One-hot over the C object classes; background is all zeros (sigmoid, no softmax).
        targets = ops.one_hot(ops.maximum(classes - 1, 0), self.num_classes) * positive[..., None]
        normaliser = ops.maximum(ops.sum(positive), 1.0)
        focal = ops.sum(ops.sum(focal_loss(logits, targets, float(self.settings["alpha"]),
                                           float(self.settings["gamma"])), -1) * valid) / normaliser
        box = ops.sum(ops.sum(smooth_l1(deltas - ops.cast(y["boxes"], "float32"), 0.11), -1)
                      * positive) / normaliser
        return {"loss": focal + box, "focal": focal, "box": box}

    def decode(self, outputs) -> list[dict]:
        """Every anchor x every class, scored by its sigmoid probability."""
        logits, deltas = outputs
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        classes = self.num_classes
        return [self.top_candidates(np.repeat(box_ops.decode(deltas[i], self.anchors, VARIANCES),
                                              classes, 0),
                                    probabilities[i].reshape(-1),
                                    np.tile(np.arange(classes), len(self.anchors)))
                for i in range(len(logits))]


def build_retinanet(hp: dict, info) -> RetinaNet:
    """RetinaNet: small backbone, FPN on ``min_level..max_level``, shared class and box subnets."""
    image_size, class_names = check_detection_info(info, "RetinaNet")
    min_level, max_level = int(hp.get("min_level", 2)), int(hp.get("max_level", 4))
    check_levels(min_level, max_level, image_size)
    scales = parse_floats(hp.get("anchor_scales", "1,1.26,1.587"), "anchor_scales")
    ratios = parse_floats(hp.get("anchor_ratios", "0.5,1,2"), "anchor_ratios")
    filters, depth = int(hp.get("fpn_filters", 64)), int(hp.get("head_depth", 2))
    per_position = len(scales) * len(ratios)
    inputs = keras.Input(shape=info.input_shape, name="input")
    options = backbone_options(hp)
    act = options["activation"]
    features = conv_backbone(inputs, max_level, int(hp.get("width", 16)), name="retinanet_backbone",
                             **options)
    pyramid = feature_pyramid(features, min_level, max_level, filters, name="retinanet_fpn",
                              activation=act)
    pyramid = feature_dropout(pyramid, hp.get("dropout", 0.0), "retinanet_fpn")
    classes = len(class_names)
    logits = shared_output(shared_tower(pyramid, filters, depth, "retinanet_class", activation=act),
                           per_position * classes, classes, "retinanet_class",
                           bias_initializer=prior_bias(0.01))
    deltas = shared_output(shared_tower(pyramid, filters, depth, "retinanet_box", activation=act),
                           per_position * 4, 4, "retinanet_box")
    network = keras.Model(inputs, [logits, deltas], name="retinanet_network")
    settings = {"min_level": min_level, "max_level": max_level,
                "anchor_size": float(hp.get("anchor_size", 2.0)), "scales": list(scales),
                "ratios": list(ratios), "alpha": float(hp.get("alpha", 0.25)),
                "gamma": float(hp.get("gamma", 2.0)), "positive_iou": float(hp.get("positive_iou", 0.5)),
                "negative_iou": float(hp.get("negative_iou", 0.4)),
                "max_candidates": int(hp.get("max_candidates", 1000))}
    return RetinaNet(network, class_names, settings, name="retinanet")
