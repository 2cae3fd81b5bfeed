"""Faster R-CNN: a region proposal network replaces Selective Search.

Ren, He, Girshick & Sun, "Faster R-CNN: Towards Real-Time Object Detection with Region
Proposal Networks", NeurIPS 2015. A 3x3 convolution slides over the backbone features;
at every position it scores ``k = len(scales) * len(ratios)`` anchors (9 = 3 scales x
3 aspect ratios in the paper) for "object vs not" and regresses their offsets
``(tx, ty, tw, th)``. Anchors with IoU >= 0.7 with a ground-truth box (or the best
anchor of each box) are positive, IoU < 0.3 negative; 256 of them (here ``rpn_batch``)
are sampled per image, half positive at most. The decoded boxes, after NMS at IoU 0.7,
are the proposals of the Fast R-CNN head (``two_stage.py``), pooled by RoIPool or
RoIAlign. Training is the paper's "approximate joint training": one backward pass
through ``L_rpn_obj + L_rpn_box + L_cls + L_box``, with the proposals treated as
constants.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from workbench.detection import boxes as box_ops
from workbench.errors import WorkbenchError
from workbench.models.detection.base import check_detection_info, parse_floats
from workbench.models.detection.two_stage import (
    TwoStageDetector, backbone_features, balanced_sample, build_box_head, head_settings,
    match_boxes, smooth_l1)

#: The RPN codes anchors without variances, as in the paper.
RPN_VARIANCES = (1.0, 1.0, 1.0, 1.0)


def build_rpn_network(input_shape, stride: int, width: int, norm: str, rpn_filters: int,
                      anchors_per_cell: int, activation: str = "relu", pooling: str = "stride") -> keras.Model:
    """Image -> ``{"features", "rpn_scores" (K,), "rpn_deltas" (K, 4)}`` with K = h * w * k."""
    image = keras.Input(input_shape, name="image")
    features = backbone_features(image, stride, width, norm, activation, pooling)
    x = layers.Conv2D(rpn_filters, 3, padding="same", activation=activation, name="rpn_conv")(features)
    scores = layers.Conv2D(anchors_per_cell, 1, name="rpn_objectness")(x)
    deltas = layers.Conv2D(4 * anchors_per_cell, 1, name="rpn_box",
                           kernel_initializer=keras.initializers.RandomNormal(stddev=0.01))(x)
    # Cell by cell (row-major), then anchor: the order of boxes.make_anchors.
    scores = layers.Reshape((-1,), name="rpn_objectness_flat")(scores)
    deltas = layers.Reshape((-1, 4), name="rpn_box_flat")(deltas)
    return keras.Model(image, {"features": features, "rpn_scores": scores, "rpn_deltas": deltas},
                       name="faster_rcnn_network")


def rpn_settings(hp: dict, image_size) -> dict:
    """Anchor and proposal numbers, checked."""
    scales = parse_floats(hp.get("anchor_scales", "12,24,40"), "anchor_scales")
    ratios = parse_floats(hp.get("anchor_ratios", "0.5,1,2"), "anchor_ratios")
    proposals = int(hp.get("proposals", 64))
    if proposals < 1:
        raise WorkbenchError(f"proposals={proposals} must be at least 1")
    negative, positive = float(hp.get("rpn_negative_iou", 0.3)), float(hp.get("rpn_positive_iou", 0.7))
    if not 0.0 <= negative <= positive <= 1.0:
        raise WorkbenchError(f"rpn_negative_iou={negative} and rpn_positive_iou={positive} must "
                             "satisfy 0 <= negative <= positive <= 1")
    return {"anchor_scales": list(scales), "anchor_ratios": list(ratios),
            "proposals": proposals, "pre_nms": int(hp.get("pre_nms", 4 * proposals)),
            "rpn_nms_iou": float(hp.get("rpn_nms_iou", 0.7)),
            "rpn_batch": int(hp.get("rpn_batch", 64)),
            "rpn_positive_iou": positive, "rpn_negative_iou": negative}


@keras.saving.register_keras_serializable(package="workbench")
class FasterRCNN(TwoStageDetector):
    """RPN proposals + the Fast R-CNN head, trained end to end in one ``train_step``."""

    loss_names = ("loss", "rpn_obj", "rpn_box", "cls", "box")

    def __init__(self, network, head, mask_head=None, class_names=(), settings=None, **kwargs):
        super().__init__(network, head, mask_head, class_names, settings, **kwargs)
        s = self.settings
        feature_size = tuple(int(v) for v in network.output["features"].shape[1:3])
        self.anchors = box_ops.make_anchors(feature_size, self.image_size,
                                            s["anchor_scales"], s["anchor_ratios"])
        if len(self.anchors) != int(network.output["rpn_scores"].shape[1]):
            raise WorkbenchError(f"the RPN scores {network.output['rpn_scores'].shape[1]} anchors "
                                 f"but the grid has {len(self.anchors)}")

    def rpn_boxes(self, outputs):
        """Every anchor's decoded box (clipped) and objectness logit."""
        anchors = tf.constant(self.anchors)
        boxes = box_ops.decode_tf(outputs["rpn_deltas"], anchors, RPN_VARIANCES)
        height, width = self.image_size
        limits = tf.constant([width, height, width, height], tf.float32)
        return tf.clip_by_value(boxes, 0.0, limits), outputs["rpn_scores"]

    def proposals(self, x, outputs):
        """The ``pre_nms`` best anchors' boxes, NMS at ``rpn_nms_iou``, at most ``proposals`` kept."""
        s = self.settings
        boxes, scores = self.rpn_boxes(outputs)
        boxes, scores = tf.stop_gradient(boxes), tf.stop_gradient(scores)
        best = tf.math.top_k(scores, min(s["pre_nms"], len(self.anchors)))
        boxes = tf.gather(boxes, best.indices, batch_dims=1)
        # combined_non_max_suppression is TF's batched NMS; IoU is symmetric in x and y,
        # so xyxy boxes can stand in for its yxyx ones.
        nms = tf.image.combined_non_max_suppression(
            boxes[:, :, None, :], tf.sigmoid(best.values)[:, :, None], s["proposals"],
            s["proposals"], iou_threshold=s["rpn_nms_iou"], clip_boxes=False)
        valid = tf.range(s["proposals"])[None, :] < nms.valid_detections[:, None]
        return nms.nmsed_boxes, valid

    def proposal_losses(self, outputs, y) -> dict:
        """RPN losses: objectness cross-entropy and smooth L1 (beta 1/9) on the sampled anchors."""
        s = self.settings
        gt_boxes = tf.cast(y["boxes"], tf.float32)
        gt_labels = tf.cast(y["labels"], tf.int32)
        anchors = tf.constant(self.anchors)
        overlaps, best, index = match_boxes(anchors, gt_boxes, gt_labels)
        # Each ground-truth box also claims its best anchor(s), however low the IoU.
        best_for_gt = tf.reduce_max(overlaps, axis=1, keepdims=True)
        claimed = tf.reduce_any((overlaps == best_for_gt) & (best_for_gt > 0), axis=-1)
        positive = (best >= s["rpn_positive_iou"]) | claimed
        negative = best < s["rpn_negative_iou"]  # -1 everywhere when an image has no objects
        positive, negative = balanced_sample(positive, negative & ~positive, s["rpn_batch"], 0.5)
        sampled = tf.cast(positive | negative, tf.float32)
        count = tf.maximum(tf.reduce_sum(sampled), 1.0)
        bce = tf.nn.sigmoid_cross_entropy_with_logits(tf.cast(positive, tf.float32),
                                                      outputs["rpn_scores"])
        targets = box_ops.encode_tf(tf.gather(gt_boxes, index, batch_dims=1), anchors,
                                    RPN_VARIANCES)
        targets = tf.where(positive[..., None], targets, 0.0)  # keep NaN out of the gradients
        box = tf.where(positive, smooth_l1(outputs["rpn_deltas"] - targets, 1.0 / 9.0), 0.0)
        return {"rpn_obj": tf.reduce_sum(bce * sampled) / count,
                "rpn_box": tf.reduce_sum(box) / count}


def build_network_and_head(hp: dict, info, what: str):
    """The RPN network, the box head and the settings for Faster and Mask R-CNN."""
    image_size, class_names = check_detection_info(info, what)
    settings = {**head_settings(hp, image_size), **rpn_settings(hp, image_size)}
    anchors_per_cell = len(settings["anchor_scales"]) * len(settings["anchor_ratios"])
    network = build_rpn_network(tuple(info.input_shape), settings["feature_stride"],
                                int(hp.get("width", 16)), hp.get("normalization", "batch"),
                                int(hp.get("rpn_filters", 64)), anchors_per_cell,
                                hp.get("activation", "relu"), hp.get("pooling", "stride"))
    channels = int(network.output["features"].shape[-1])
    head = build_box_head(settings["pooled_size"], channels, len(class_names), int(hp.get("fc", 128)),
                          float(hp.get("dropout", 0.0)), hp.get("activation", "relu"))
    return network, head, class_names, settings


def build_faster_rcnn(hp: dict, info) -> FasterRCNN:
    """Faster R-CNN for ``info``'s images and classes (catalog entry ``faster_rcnn``)."""
    network, head, class_names, settings = build_network_and_head(hp, info, "Faster R-CNN")
    return FasterRCNN(network, head, None, class_names, settings, name="faster_rcnn")

