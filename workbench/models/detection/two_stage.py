"""What Fast R-CNN, Faster R-CNN and Mask R-CNN share: the region-based second stage.

Girshick, "Fast R-CNN" (ICCV 2015): the image goes through the convolutional backbone
once; each region proposal is cut out of the feature map by an RoI operation (RoIPool,
or RoIAlign from He et al., "Mask R-CNN", ICCV 2017) into a fixed grid, and two fully
connected layers feed a softmax over ``K + 1`` classes (0 = background) and
class-specific box offsets. Training samples a mini-batch of RoIs per image (a quarter
foreground: IoU >= 0.5 with a ground-truth box) and minimises the multi-task loss
``L = L_cls + [u >= 1] L_loc`` (cross-entropy + smooth L1 on the offsets of the true
class). The subclasses differ only in where proposals come from (Selective Search or
a region proposal network) and whether a mask head is added.

``TwoStageDetector`` is a ``Detector`` (``base.py``) whose ``network`` maps an image to its
backbone features (plus the RPN outputs for Faster/Mask R-CNN), with the box ``head``
(and the ``mask_head``) as separate functional models applied to the pooled RoIs.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from workbench.detection import boxes as box_ops
from workbench.errors import WorkbenchError
from workbench.layers.roi_align import RoIAlign
from workbench.layers.roi_pool import RoIPooling
from workbench.models.detection.backbones import conv_backbone
from workbench.models.detection.base import Detector

ROI_OPS = ("roi_align", "roi_pool")
FEATURE_STRIDES = (4, 8, 16)
#: Fast R-CNN normalises its box targets by these standard deviations (SSD's variances).
HEAD_VARIANCES = box_ops.DEFAULT_VARIANCES


# --- building blocks -------------------------------------------------------------------

def roi_layer(op: str, pooled_size: int, stride: int, sampling_ratio: int = 2, name: str = "roi"):
    """The RoI operation by name: ``roi_align`` (bilinear, no rounding) or ``roi_pool``."""
    if op == "roi_align":
        return RoIAlign(pooled_size, 1.0 / stride, sampling_ratio, name=name)
    if op == "roi_pool":
        return RoIPooling(pooled_size, 1.0 / stride, name=name)
    raise WorkbenchError(f"roi_op={op!r} is not one of {', '.join(ROI_OPS)}")


def check_stride(stride: int, image_size) -> int:
    if int(stride) not in FEATURE_STRIDES:
        raise WorkbenchError(f"feature_stride={stride} is not one of "
                             f"{', '.join(map(str, FEATURE_STRIDES))}")
    if min(image_size) < 2 * int(stride):
        raise WorkbenchError(f"feature_stride={stride} is too coarse for {image_size[0]}x"
                             f"{image_size[1]} images")
    return int(stride)


def backbone_features(image, stride: int, width: int, norm: str = "batch", activation: str = "relu",
                      pooling: str = "stride"):
    """The shared convolutional features: ``log2(stride)`` stages of conv_backbone, each halving
    the resolution by a stride-2 convolution or a 2x2 pooling (``pooling``)."""
    levels = int(round(math.log2(stride)))
    return conv_backbone(image, levels, width, norm, name="backbone", activation=activation,
                         pooling=pooling)[levels]


def build_box_head(pooled_size: int, channels: int, num_classes: int, fc: int, dropout: float = 0.0,
                   activation: str = "relu") -> keras.Model:
    """Fast R-CNN's head: two fully connected layers (each followed by dropout when ``dropout``
    > 0, as the paper's VGG16 fc6/fc7 are), then class scores and per-class offsets."""
    pooled = keras.Input((pooled_size, pooled_size, channels), name="pooled_rois")
    x = layers.Flatten(name="head_flatten")(pooled)
    for name in ("head_fc6", "head_fc7"):
        x = layers.Dense(fc, activation=activation, name=name)(x)
        x = layers.Dropout(float(dropout), name=f"{name}_dropout")(x) if dropout else x
    logits = layers.Dense(num_classes + 1, name="head_class_logits")(x)
    deltas = layers.Dense(4 * num_classes, name="head_box_deltas",
                          kernel_initializer=keras.initializers.RandomNormal(stddev=0.001))(x)
    deltas = layers.Reshape((num_classes, 4), name="head_box_deltas_reshape")(deltas)
    return keras.Model(pooled, {"class_logits": logits, "box_deltas": deltas}, name="box_head")


def build_mask_head(pooled_size: int, channels: int, num_classes: int, filters: int,
                    convs: int = 2, activation: str = "relu") -> keras.Model:
    """Mask R-CNN's mask branch: 3x3 convs, a 2x up-convolution, one mask logit map per class."""
    pooled = keras.Input((pooled_size, pooled_size, channels), name="pooled_mask_rois")
    x = pooled
    for i in range(1, convs + 1):
        x = layers.Conv2D(filters, 3, padding="same", activation=activation, name=f"mask_conv{i}")(x)
    x = layers.Conv2DTranspose(filters, 2, strides=2, activation=activation, name="mask_deconv")(x)
    logits = layers.Conv2D(num_classes, 1, name="mask_logits")(x)
    return keras.Model(pooled, logits, name="mask_head")


def pad_ground_truth(boxes_list, labels_list, masks_list=None, image_size=None) -> dict:
    """Per-image boxes/labels (and masks) as padded arrays: labels -1 mark padding.

    ``{"boxes": (N, G, 4) float32, "labels": (N, G) int32[, "masks": (N, G, H, W) float32]}``
    with ``G`` the most objects in one image (at least 1).
    """
    if len(boxes_list) != len(labels_list):
        raise WorkbenchError(f"{len(boxes_list)} box lists but {len(labels_list)} label lists")
    count = len(boxes_list)
    most = max([len(np.asarray(b).reshape(-1, 4)) for b in boxes_list] + [1])
    boxes = np.zeros((count, most, 4), np.float32)
    labels = np.full((count, most), -1, np.int32)
    for i, (b, l) in enumerate(zip(boxes_list, labels_list)):
        b = np.asarray(b, np.float32).reshape(-1, 4)
        boxes[i, :len(b)] = b
        labels[i, :len(b)] = np.asarray(l, np.int64).reshape(-1)
    result = {"boxes": boxes, "labels": labels}
    if masks_list is not None:
        height, width = image_size
        masks = np.zeros((count, most, height, width), np.float32)
        for i, m in enumerate(masks_list):
            m = np.asarray(m)
            if m.size:
                if m.shape[1:] != (height, width):
                    raise WorkbenchError(f"masks of image {i} are {m.shape[1:]}, the model "
                                         f"expects {height}x{width}")
                masks[i, :len(m)] = m
        result["masks"] = masks
    return result


# --- sampling and targets (tensors, batched over images) --------------------------------

def random_subset(candidates, limit):
    """Keep at most ``limit`` (int or ``(B, 1)`` tensor) random ``True`` entries per row."""
    key = tf.where(candidates, tf.random.uniform(tf.shape(candidates)), -1.0)
    rank = tf.argsort(tf.argsort(key, axis=-1, direction="DESCENDING"), axis=-1)
    return candidates & (rank < tf.cast(limit, tf.int32))


def balanced_sample(positive, negative, count: int, positive_fraction: float):
    """Faster R-CNN's mini-batch: up to ``fraction * count`` positives, negatives fill up."""
    positive = random_subset(positive, int(count * positive_fraction))
    taken = tf.reduce_sum(tf.cast(positive, tf.int32), axis=-1, keepdims=True)
    negative = random_subset(negative & ~positive, count - taken)
    return positive, negative


def match_boxes(candidates, gt_boxes, gt_labels):
    """IoU of every candidate ``(B, N, 4)`` with its best valid ground truth ``(B, G, 4)``.

    Returns ``(iou (B, N, G) with padding at -1, best_iou (B, N), best_index (B, N))``.
    """
    overlaps = box_ops.iou_tf(candidates, gt_boxes)
    overlaps = tf.where((gt_labels >= 0)[:, None, :], overlaps, -1.0)
    return overlaps, tf.reduce_max(overlaps, axis=-1), tf.argmax(overlaps, axis=-1, output_type=tf.int32)


def sample_rois(proposals, proposal_valid, gt_boxes, gt_labels, count: int,
                fg_fraction: float = 0.25, fg_iou: float = 0.5) -> dict:
    """Fast R-CNN's RoI mini-batch of ``count`` RoIs per image, from proposals plus the GT boxes.

    Foreground: IoU >= ``fg_iou`` with a ground-truth box (labelled with its class + 1);
    background: IoU < ``fg_iou`` (label 0). Returns ``rois (B, S, 4)``, ``labels (B, S)``
    (-1 where an image had fewer candidates), ``matched (B, S)`` ground-truth index and
    ``targets (B, S, 4)`` (the matched box coded on the RoI).
    """
    candidates = tf.concat([proposals, gt_boxes], axis=1)
    # Proposals clipped to the image edge can collapse to zero width: never sample those.
    size = candidates[..., 2:] - candidates[..., :2]
    valid = tf.concat([proposal_valid, gt_labels >= 0], axis=1) & tf.reduce_all(size > 0.5, axis=-1)
    _, best, index = match_boxes(candidates, gt_boxes, gt_labels)
    foreground, background = balanced_sample(valid & (best >= fg_iou), valid & (best < fg_iou),
                                             count, fg_fraction)
    chosen = foreground | background
    key = tf.where(chosen, 1.0 + tf.random.uniform(tf.shape(chosen)), 0.0)
    count = min(count, int(candidates.shape[1]))
    top = tf.math.top_k(key, count)
    take = top.indices
    picked = top.values > 0
    rois = tf.gather(candidates, take, batch_dims=1)
    matched = tf.gather(index, take, batch_dims=1)
    gt_class = tf.gather(gt_labels, matched, batch_dims=1)
    is_fg = tf.gather(foreground, take, batch_dims=1) & picked
    labels = tf.where(is_fg, gt_class + 1, tf.where(picked, 0, -1))
    targets = box_ops.encode_tf(tf.gather(gt_boxes, matched, batch_dims=1), rois, HEAD_VARIANCES)
    return {"rois": rois, "labels": labels, "matched": matched, "targets": targets}


def foreground_rois(sample: dict, count: int) -> dict:
    """The sample cut to ``count`` RoIs per image, its foreground ones first.

    Mask R-CNN's mask loss (and the keypoint loss) is defined on the foreground RoIs
    only, which ``sample_rois`` caps at ``fg_fraction * roi_batch`` per image: running
    those heads on just these RoIs gives the same loss for a quarter of the work. RoIs
    taken beyond the foreground keep their labels (0 or -1), so the losses skip them.
    """
    is_fg = tf.cast(sample["labels"] > 0, tf.float32)
    count = min(int(count), int(sample["labels"].shape[1]))
    take = tf.math.top_k(is_fg, count).indices  # ties keep the lower index: stable
    return {key: tf.gather(value, take, batch_dims=1) for key, value in sample.items()}


def smooth_l1(diff, beta: float = 1.0):
    """Girshick's smooth L1: quadratic below ``beta``, linear above (summed over the last axis)."""
    absolute = tf.abs(diff)
    return tf.reduce_sum(tf.where(absolute < beta, 0.5 * absolute ** 2 / beta,
                                  absolute - 0.5 * beta), axis=-1)


def head_losses(class_logits, box_deltas, sample: dict) -> dict:
    """``cls``: softmax cross-entropy over sampled RoIs; ``box``: smooth L1 of the true class."""
    labels = sample["labels"]
    valid = tf.cast(labels >= 0, tf.float32)
    count = tf.maximum(tf.reduce_sum(valid), 1.0)
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.maximum(labels, 0), class_logits)
    cls = tf.reduce_sum(ce * valid) / count
    fg = labels > 0
    own = tf.gather(box_deltas, tf.maximum(labels - 1, 0), batch_dims=2)  # (B, S, 4)
    # Only foreground targets are read: a background or padded RoI may have zero width and
    # non-finite targets, whose NaN would leak into the gradients even through a mask.
    targets = tf.where(fg[..., None], sample["targets"], 0.0)
    box = tf.reduce_sum(tf.where(fg, smooth_l1(own - targets), 0.0)) / count
    return {"cls": cls, "box": box}


# --- post-processing (numpy) -------------------------------------------------------------

def head_candidates(proposals, probabilities, deltas, image_size):
    """Every (proposal, class) pair as a candidate: refined box, class probability, label."""
    count, classes = deltas.shape[0], deltas.shape[1]
    anchors = np.repeat(proposals, classes, axis=0)
    boxes = box_ops.decode(deltas.reshape(-1, 4), anchors, HEAD_VARIANCES)
    boxes = box_ops.clip_boxes(boxes, image_size)
    scores = probabilities[:, 1:].reshape(-1)
    labels = np.tile(np.arange(classes), count)
    return boxes, scores, labels


def paste_masks(masks, boxes, image_size) -> np.ndarray:
    """``(K, M, M)`` mask probabilities predicted inside ``boxes`` -> ``(K, H, W)`` image masks.

    Each image pixel centre is mapped into its box's ``M x M`` grid and read bilinearly
    (the inverse of RoIAlign's sampling). The grid is padded with a ring of zeros, as in
    Detectron, so the mask fades to 0 over the half cell around the box; beyond it is 0.
    """
    masks = np.asarray(masks, np.float32)
    height, width = (int(v) for v in image_size)
    if len(masks) == 0:
        return np.zeros((0, height, width), np.float32)
    size = masks.shape[1]
    padded = np.pad(masks, ((0, 0), (1, 1), (1, 1)))
    b = np.asarray(boxes, np.float64)
    bw = np.maximum(b[:, 2] - b[:, 0], 1e-3)
    bh = np.maximum(b[:, 3] - b[:, 1], 1e-3)
    # Mask cell j is centred at j + 0.5 of M cells over the box (j + 1 after the padding);
    # image pixel p at p + 0.5. crop_and_resize wants both ends in units of (M + 1).
    y0 = ((0.5 - b[:, 1]) / bh * size + 0.5) / (size + 1)
    x0 = ((0.5 - b[:, 0]) / bw * size + 0.5) / (size + 1)
    y1 = y0 + size * (height - 1) / (bh * (size + 1))
    x1 = x0 + size * (width - 1) / (bw * (size + 1))
    crop = np.stack([y0, x0, y1, x1], axis=1).astype(np.float32)
    pasted = tf.image.crop_and_resize(padded[..., None], crop, np.arange(len(masks)),
                                      (height, width), extrapolation_value=0.0)
    return pasted.numpy()[..., 0]


# --- the model -----------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="workbench")
class TwoStageDetector(Detector):
    """Backbone ``network`` + RoI op + box ``head`` (+ ``mask_head``); see the module docstring.

    Subclasses implement ``proposals(x, outputs)`` -> ``(boxes (B, N, 4), valid (B, N))``
    and may add ``proposal_losses(outputs, y)`` (the RPN's) and ``images_of`` (dict inputs).
    """

    loss_names = ("loss", "cls", "box")

    def __init__(self, network, head, mask_head=None, class_names=(), settings=None, **kwargs):
        super().__init__(network, class_names, settings, **kwargs)
        self.head = head
        self.mask_head = mask_head
        s = self.settings
        self.roi_op = roi_layer(s["roi_op"], s["pooled_size"], s["feature_stride"],
                                s.get("sampling_ratio", 2), name="roi")
        self._mask_function = None  # traced on first use by predict_masks
        if mask_head is not None:
            # The mask branch pools with the box head's op: RoIAlign, or RoIPool to compare.
            self.mask_roi_op = roi_layer(s["roi_op"], s["mask_pooled_size"], s["feature_stride"],
                                         s.get("sampling_ratio", 2), name="mask_roi")

    def get_config(self):
        config = super().get_config()
        config["head"] = keras.saving.serialize_keras_object(self.head)
        config["mask_head"] = (keras.saving.serialize_keras_object(self.mask_head)
                               if self.mask_head is not None else None)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("head", "mask_head"):
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return super().from_config(config)

    # --- targets and losses ---

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """Padded ground truth; sampling and coding happen per step (the RoIs change)."""
        use_masks = self.mask_head is not None
        if use_masks and masks_list is None:
            raise WorkbenchError(f"{self.name} learns instance masks, but the data has none "
                                 "(use shapes or a COCO set with segmentations)")
        return pad_ground_truth(boxes_list, labels_list, masks_list if use_masks else None,
                                self.image_size)

    def images_of(self, x):
        return x

    def proposals(self, x, outputs):
        raise NotImplementedError

    def proposal_losses(self, outputs, y) -> dict:
        return {}

    def pool_and_classify(self, features, rois):
        """RoI op + box head on ``(B, S, 4)`` RoIs -> class logits ``(B, S, K+1)``, deltas ``(B, S, K, 4)``."""
        pooled = self.roi_op([features, rois])
        shape = tf.shape(pooled)
        flat = tf.reshape(pooled, tf.concat([[-1], shape[2:]], axis=0))
        out = self.head(flat)
        batch, count = shape[0], shape[1]
        return (tf.reshape(out["class_logits"], [batch, count, self.num_classes + 1]),
                tf.reshape(out["box_deltas"], [batch, count, self.num_classes, 4]))

    def mask_logits(self, features, rois, training=False):
        """Mask head on ``(B, S, 4)`` RoIs -> ``(B, S, 2P, 2P, K)`` logits."""
        pooled = self.mask_roi_op([features, rois])
        shape = tf.shape(pooled)
        out = self.mask_head(tf.reshape(pooled, tf.concat([[-1], shape[2:]], axis=0)),
                             training=training)
        size = 2 * self.settings["mask_pooled_size"]
        return tf.reshape(out, [shape[0], shape[1], size, size, self.num_classes])

    def sampled_losses(self, x, y, training: bool) -> tuple[dict, dict, dict]:
        """The network's outputs, the sampled RoIs and the RPN's and box head's losses: what
        every two-stage head (masks, keypoints) adds its own loss to."""
        outputs = self.network(self.images_of(x), training=training)
        proposals, valid = self.proposals(x, outputs)
        parts = self.proposal_losses(outputs, y)
        gt_boxes = tf.cast(y["boxes"], tf.float32)
        gt_labels = tf.cast(y["labels"], tf.int32)
        sample = sample_rois(tf.stop_gradient(proposals), valid, gt_boxes, gt_labels,
                             self.settings["roi_batch"], self.settings.get("fg_fraction", 0.25))
        logits, deltas = self.pool_and_classify(outputs["features"], sample["rois"])
        parts.update(head_losses(logits, deltas, sample))
        return outputs, sample, parts

    def foreground_sample(self, sample: dict) -> dict:
        """The RoIs a foreground-only head (masks, keypoints) trains on: ``foreground_rois``."""
        s = self.settings
        return foreground_rois(sample, max(1, int(s["roi_batch"] * s.get("fg_fraction", 0.25))))

    def forward_losses(self, x, y, training: bool) -> dict:
        outputs, sample, parts = self.sampled_losses(x, y, training)
        if self.mask_head is not None:
            parts["mask"] = self.mask_loss(outputs["features"], self.foreground_sample(sample), y,
                                           training)
        parts["loss"] = tf.add_n([v for k, v in parts.items() if k != "loss"])
        return parts

    def mask_loss(self, features, sample, y, training):
        """Per-pixel sigmoid cross-entropy on the true class's mask, foreground RoIs only."""
        size = 2 * self.settings["mask_pooled_size"]
        logits = self.mask_logits(features, sample["rois"], training)
        labels = sample["labels"]
        own = _class_channel(logits, tf.maximum(labels - 1, 0))
        # Targets: the matched instance mask cut out by the same RoI (RoIAlign, stride 1).
        gt_masks = tf.transpose(tf.cast(y["masks"], tf.float32), [0, 2, 3, 1])  # (B, H, W, G)
        cut = RoIAlign(size, 1.0, 1)([gt_masks, sample["rois"]])  # (B, S, M, M, G)
        target = _class_channel(cut, sample["matched"])
        target = tf.cast(target >= 0.5, tf.float32)
        ce = tf.nn.sigmoid_cross_entropy_with_logits(target, own)
        fg = tf.cast(labels > 0, tf.float32)
        per_roi = tf.reduce_mean(ce, axis=[2, 3])
        return tf.reduce_sum(per_roi * fg) / tf.maximum(tf.reduce_sum(fg), 1.0)

    def train_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            parts = self.forward_losses(x, y, training=True)
            total = parts["loss"]
            if self.losses:  # L2 on kernels set by the training job
                total = total + tf.add_n(self.losses)
        gradients = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        return self._track(parts)

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self._track(self.forward_losses(x, y, training=False))

    # --- inference ---

    def call(self, inputs, training=False):
        outputs = self.network(self.images_of(inputs), training=training)
        proposals, valid = self.proposals(inputs, outputs)
        logits, deltas = self.pool_and_classify(outputs["features"], proposals)
        result = {"proposals": proposals, "valid": valid, "probabilities": tf.nn.softmax(logits),
                  "deltas": deltas}
        if self.mask_head is not None:
            result["features"] = outputs["features"]
        return result

    def decode(self, outputs) -> list[dict]:
        results = []
        for i in range(len(outputs["proposals"])):
            valid = outputs["valid"][i].astype(bool)
            boxes, scores, labels = head_candidates(outputs["proposals"][i][valid],
                                                    outputs["probabilities"][i][valid],
                                                    outputs["deltas"][i][valid], self.image_size)
            candidates = self.top_candidates(boxes, scores, labels)
            # back from the valid proposals to all proposals: index = proposal x classes + class
            proposal, label = np.divmod(candidates["indices"], self.num_classes)
            candidates["indices"] = np.flatnonzero(valid)[proposal] * self.num_classes + label
            if self.mask_head is not None:
                candidates["masks"] = self.predict_masks(outputs["features"][i:i + 1], candidates)
            results.append(candidates)
        return results

    def predict_masks(self, features, candidates) -> np.ndarray:
        """Masks for the final boxes (as in Mask R-CNN's inference), pasted into the image."""
        boxes = candidates["boxes"]
        if len(boxes) == 0:
            return np.zeros((0, *self.image_size), np.float32)
        if self._mask_function is None:
            self._mask_function = tf.function(self._class_masks, reduce_retracing=True)
        masks = self._mask_function(tf.constant(features), tf.constant(boxes[None]),
                                    tf.constant(candidates["labels"][None], tf.int32))
        return paste_masks(masks.numpy()[0], boxes, self.image_size)

    def _class_masks(self, features, boxes, labels):
        """Mask probabilities ``(1, K, m, m)`` of each box's own class."""
        return tf.sigmoid(_class_channel(self.mask_logits(features, boxes), labels))


def _class_channel(maps, index):
    """``maps (B, S, M, M, C)`` and ``index (B, S)`` -> ``(B, S, M, M)``: channel ``index``."""
    one_hot = tf.one_hot(index, tf.shape(maps)[-1], dtype=maps.dtype)
    return tf.reduce_sum(maps * one_hot[:, :, None, None, :], axis=-1)


def head_settings(hp: dict, image_size) -> dict:
    """The second-stage numbers every two-stage entry stores in ``settings``."""
    if hp.get("roi_op", "roi_align") not in ROI_OPS:
        raise WorkbenchError(f"roi_op={hp.get('roi_op')!r} is not one of {', '.join(ROI_OPS)}")
    return {"roi_op": hp.get("roi_op", "roi_align"), "pooled_size": int(hp.get("pooled_size", 7)),
            "sampling_ratio": int(hp.get("sampling_ratio", 2)),
            "feature_stride": check_stride(hp.get("feature_stride", 8), image_size),
            "roi_batch": int(hp.get("roi_batch", 32)),
            "fg_fraction": float(hp.get("fg_fraction", 0.25)),
            "max_candidates": int(hp.get("max_candidates", 300))}
