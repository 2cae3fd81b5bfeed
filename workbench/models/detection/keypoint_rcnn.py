"""Keypoint R-CNN: Mask R-CNN's keypoint head for pose estimation (He et al. 2017, section 5).

He, Gkioxari, Dollar & Girshick, "Mask R-CNN", ICCV 2017. A keypoint's location is
modelled as a one-hot mask: for every RoI a small fully convolutional head predicts K
heatmaps (one per keypoint type; 3x3 convs on a 14x14 RoIAlign grid, a stride-2
up-convolution to 28x28; the paper uses eight 512-filter convs and a 56x56 output). For
each *visible* ground-truth keypoint the target is the single cell of the RoI's ``m x m``
grid it falls into, and the loss is the softmax cross-entropy over the ``m^2`` cells of
that keypoint's heatmap (so each heatmap picks one location, unlike the mask head's
per-pixel sigmoids). At test time the head runs on the final boxes and each heatmap's
argmax cell centre, mapped back into the box, is the keypoint. The detector around it
is Faster R-CNN (``faster_rcnn.py``): RPN, RoI sampling and box head are shared.

Its data need keypoints: ``shape_keypoints`` (the shapes with their corners) or a COCO
keypoint file. Validation reports ``val_pck`` after every epoch (``pck`` below).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.detection.faster_rcnn import FasterRCNN, build_network_and_head
from workbench.models.detection.two_stage import (
    pad_ground_truth,
    roi_layer,
)

#: PCK's default threshold: a keypoint is correct within this share of the box's longer side.
PCK_ALPHA = 0.2


def build_keypoint_head(pooled_size: int, channels: int, num_keypoints: int, filters: int,
                        convs: int = 2, activation: str = "relu") -> keras.Model:
    """3x3 convs on the pooled RoI, then a 4x4 stride-2 up-convolution to K heatmap logits."""
    pooled = keras.Input((pooled_size, pooled_size, channels), name="pooled_keypoint_rois")
    x = pooled
    for i in range(1, convs + 1):
        x = layers.Conv2D(filters, 3, padding="same", activation=activation, name=f"keypoint_conv{i}")(x)
    logits = layers.Conv2DTranspose(num_keypoints, 4, strides=2, padding="same",
                                    name="keypoint_heatmaps")(x)
    return keras.Model(pooled, logits, name="keypoint_head")


# --- targets, loss, decoding ----------------------------------------------------------------

def keypoint_targets(rois, keypoints, size: int):
    """Each keypoint's cell in its RoI's ``size x size`` grid (Detectron's heatmap labels).

    ``rois (..., 4)`` xyxy and ``keypoints (..., K, 3)`` ``(x, y, v)`` -> ``index (..., K)``
    = ``row * size + col`` with ``col = floor((x - x1) / (x2 - x1) * size)`` (a point on the
    right or bottom edge goes to the last cell), and ``valid (..., K)``: visible (v > 0) and
    inside the RoI.
    """
    rois = tf.cast(rois, tf.float32)[..., None, :]
    keypoints = tf.cast(keypoints, tf.float32)
    x, y, v = keypoints[..., 0], keypoints[..., 1], keypoints[..., 2]
    width = tf.maximum(rois[..., 2] - rois[..., 0], 1e-6)
    height = tf.maximum(rois[..., 3] - rois[..., 1], 1e-6)
    col = tf.floor((x - rois[..., 0]) / width * size)
    row = tf.floor((y - rois[..., 1]) / height * size)
    col = tf.where(x == rois[..., 2], float(size - 1), col)
    row = tf.where(y == rois[..., 3], float(size - 1), row)
    valid = (v > 0) & (col >= 0) & (row >= 0) & (col < size) & (row < size)
    index = tf.cast(tf.where(valid, row * size + col, 0.0), tf.int32)
    return index, valid


def keypoint_loss(logits, index, valid):
    """Mean softmax cross-entropy over the ``m^2`` cells, for the valid keypoints only.

    ``logits (..., m, m, K)``, ``index``/``valid (..., K)``. Zero when nothing is valid.
    """
    shape = tf.shape(logits)
    cells = shape[-3] * shape[-2]
    # (..., m, m, K) -> (..., K, m*m): one distribution over the cells per keypoint.
    flat = tf.reshape(logits, tf.concat([shape[:-3], [cells, shape[-1]]], axis=0))
    rank = len(logits.shape)
    flat = tf.transpose(flat, list(range(rank - 3)) + [rank - 2, rank - 3])
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(index, flat)
    weight = tf.cast(valid, ce.dtype)
    return tf.reduce_sum(ce * weight) / tf.maximum(tf.reduce_sum(weight), 1.0)


def decode_heatmaps(logits, boxes) -> np.ndarray:
    """``logits (N, m, m, K)`` in ``boxes (N, 4)`` -> keypoints ``(N, K, 3)``: ``(x, y, p)``.

    The argmax cell ``(row, col)`` maps back to ``x = x1 + (col + 0.5) * (x2 - x1) / m``
    (its centre), and ``p`` is its softmax probability over the cells.
    """
    logits = np.asarray(logits, np.float64)
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    count, size, _, keypoints = logits.shape
    flat = logits.reshape(count, size * size, keypoints)
    best = flat.argmax(axis=1)  # (N, K)
    shifted = np.exp(flat - flat.max(axis=1, keepdims=True))
    probability = np.take_along_axis(shifted, best[:, None, :], axis=1)[:, 0] / shifted.sum(axis=1)
    row, col = np.divmod(best, size)
    x = boxes[:, 0:1] + (col + 0.5) * (boxes[:, 2:3] - boxes[:, 0:1]) / size
    y = boxes[:, 1:2] + (row + 0.5) * (boxes[:, 3:4] - boxes[:, 1:2]) / size
    return np.stack([x, y, probability], axis=-1).astype(np.float32)


# --- the model ---------------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="workbench")
class KeypointRCNN(FasterRCNN):
    """Faster R-CNN with a keypoint head; candidates carry ``keypoints`` ``(N, K, 3)``."""

    loss_names = ("loss", "rpn_obj", "rpn_box", "cls", "box", "keypoint")

    def __init__(self, network, head, mask_head=None, class_names=(), settings=None,
                 keypoint_head=None, **kwargs):
        if keypoint_head is None:
            raise WorkbenchError("Keypoint R-CNN needs its keypoint head")
        super().__init__(network, head, mask_head, class_names, settings, **kwargs)
        self.keypoint_head = keypoint_head
        s = self.settings
        self.keypoint_roi_op = roi_layer(s["roi_op"], s["keypoint_pooled_size"], s["feature_stride"],
                                         s.get("sampling_ratio", 2), name="keypoint_roi")
        self._keypoint_function = None

    def get_config(self):
        config = super().get_config()
        config["keypoint_head"] = keras.saving.serialize_keras_object(self.keypoint_head)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["keypoint_head"] = keras.saving.deserialize_keras_object(config["keypoint_head"])
        return super().from_config(config)

    @property
    def heatmap_size(self) -> int:
        return 2 * int(self.settings["keypoint_pooled_size"])

    def encode_targets(self, boxes_list, labels_list, masks_list=None, keypoints_list=None):
        """Padded boxes and labels plus ``keypoints (N, G, K, 3)`` (zeros pad)."""
        if keypoints_list is None:
            raise WorkbenchError(f"{self.name} learns keypoints, but the data has none (use "
                                 "shape_keypoints or a COCO keypoint file)")
        padded = pad_ground_truth(boxes_list, labels_list)
        count, most = padded["labels"].shape
        k = int(self.settings["num_keypoints"])
        points = np.zeros((count, most, k, 3), np.float32)
        for i, p in enumerate(keypoints_list):
            p = np.asarray(p, np.float32).reshape(-1, k, 3) if np.size(p) else np.zeros((0, k, 3))
            points[i, :len(p)] = p
        padded["keypoints"] = points
        return padded

    def keypoint_logits(self, features, rois, training=False):
        """Keypoint head on ``(B, S, 4)`` RoIs -> ``(B, S, m, m, K)`` heatmap logits."""
        pooled = self.keypoint_roi_op([features, rois])
        shape = tf.shape(pooled)
        out = self.keypoint_head(tf.reshape(pooled, tf.concat([[-1], shape[2:]], axis=0)),
                                 training=training)
        size = self.heatmap_size
        return tf.reshape(out, [shape[0], shape[1], size, size, int(self.settings["num_keypoints"])])

    def forward_losses(self, x, y, training: bool) -> dict:
        """Faster R-CNN's four losses plus the keypoint loss on the foreground RoIs."""
        outputs, sample, parts = self.sampled_losses(x, y, training)
        sample = self.foreground_sample(sample)
        heatmaps = self.keypoint_logits(outputs["features"], sample["rois"], training)
        matched = tf.gather(tf.cast(y["keypoints"], tf.float32), sample["matched"], batch_dims=1)
        index, visible = keypoint_targets(sample["rois"], matched, self.heatmap_size)
        visible &= (sample["labels"] > 0)[..., None]  # foreground RoIs only
        parts["keypoint"] = keypoint_loss(heatmaps, index, visible)
        parts["loss"] = tf.add_n([v for k, v in parts.items() if k != "loss"])
        return parts

    def call(self, inputs, training=False):
        outputs = self.network(self.images_of(inputs), training=training)
        proposals, valid = self.proposals(inputs, outputs)
        logits, deltas = self.pool_and_classify(outputs["features"], proposals)
        return {"proposals": proposals, "valid": valid, "probabilities": tf.nn.softmax(logits),
                "deltas": deltas, "features": outputs["features"]}

    def decode(self, outputs) -> list[dict]:
        results = super().decode(outputs)
        for i, candidates in enumerate(results):
            candidates["keypoints"] = self.own_keypoints(
                self.predict_keypoints(outputs["features"][i:i + 1], candidates["boxes"]),
                candidates["labels"])
            candidates["skeletons"] = tuple(tuple(map(tuple, s))
                                            for s in self.settings.get("skeletons", ()))
        return results

    def own_keypoints(self, keypoints, labels) -> np.ndarray:
        """Keypoints a class never has in the training data (a circle's corners, a triangle's
        fourth) get probability 0, so they are not drawn (nor written as ``v = 1``)."""
        owned = self.settings.get("class_keypoints")
        if not owned:
            return keypoints
        has = np.zeros((len(owned), keypoints.shape[1]), bool)
        for c, indices in enumerate(owned):
            has[c, list(indices)] = True
        keypoints = keypoints.copy()
        keypoints[..., 2] *= has[np.asarray(labels, np.int64)]
        return keypoints

    def predict_keypoints(self, features, boxes) -> np.ndarray:
        """``(N, K, 3)`` keypoints ``(x, y, probability)`` of the final boxes."""
        k = int(self.settings["num_keypoints"])
        if len(boxes) == 0:
            return np.zeros((0, k, 3), np.float32)
        if self._keypoint_function is None:
            self._keypoint_function = tf.function(self.keypoint_logits, reduce_retracing=True)
        logits = self._keypoint_function(tf.constant(features), tf.constant(boxes[None]))
        return decode_heatmaps(logits.numpy()[0], boxes)


def build_keypoint_rcnn(hp: dict, info) -> KeypointRCNN:
    """Keypoint R-CNN for ``info``'s images, classes and keypoints (entry ``keypoint_rcnn``)."""
    names = tuple(getattr(info, "keypoint_names", ()) or ())
    if not names:
        raise WorkbenchError(f"Keypoint R-CNN needs data with keypoints, but {info.name!r} has none "
                             "(use shape_keypoints, shapes with keypoints=true, or a COCO keypoint "
                             "file)")
    network, head, class_names, settings = build_network_and_head(hp, info, "Keypoint R-CNN")
    size = int(hp.get("keypoint_pooled_size", 14))
    if size < 2:
        raise WorkbenchError(f"keypoint_pooled_size={size} must be at least 2")
    settings.update(keypoint_pooled_size=size, num_keypoints=len(names), keypoint_names=list(names),
                    skeletons=[[list(p) for p in s] for s in getattr(info, "skeletons", ())],
                    class_keypoints=[list(k) for k in getattr(info, "class_keypoints", ())])
    channels = int(network.output["features"].shape[-1])
    keypoint_head = build_keypoint_head(size, channels, len(names), int(hp.get("keypoint_filters", 32)),
                                        int(hp.get("keypoint_convs", 2)), hp.get("activation", "relu"))
    return KeypointRCNN(network, head, None, class_names, settings, keypoint_head,
                        name="keypoint_rcnn")


# --- PCK and training ------------------------------------------------------------------------

def pck(detections, data, alpha: float = PCK_ALPHA, iou_threshold: float = 0.5) -> float:
    """Percentage of correct keypoints over every visible ground-truth keypoint of ``data``.

    Each ground-truth object is paired with the detection of its class that overlaps it
    most (IoU >= ``iou_threshold``; each detection pairs once, best-scoring first, as in
    VOC matching); its visible keypoints are correct when the paired detection's keypoint
    lies within ``alpha * max(box width, height)`` of them (Yang & Ramanan's PCK with the
    object's box as the scale). Unpaired objects' keypoints count as wrong. NaN when the
    data has no visible keypoint.
    """
    from workbench.detection.boxes import iou

    if data.keypoints is None:
        raise WorkbenchError(f"{data.name} has no keypoints, so PCK cannot be measured")
    correct = total = 0
    for i, found in enumerate(detections):
        truth = np.asarray(data.keypoints[i], np.float32).reshape(len(data.boxes[i]), -1, 3)
        gt_boxes = np.asarray(data.boxes[i], np.float32).reshape(-1, 4)
        gt_labels = np.asarray(data.labels[i]).reshape(-1)
        visible = truth[..., 2] > 0
        total += int(visible.sum())
        if found.get("keypoints") is None or not len(found["boxes"]) or not len(gt_boxes):
            continue
        overlaps = iou(np.asarray(found["boxes"], np.float32), gt_boxes)  # (D, G)
        taken = np.zeros(len(gt_boxes), bool)
        for d in np.argsort(-np.asarray(found["scores"]), kind="stable"):
            candidates = np.where(~taken & (gt_labels == found["labels"][d]),
                                  overlaps[d], -1.0)
            g = int(np.argmax(candidates))
            if candidates[g] < iou_threshold:
                continue
            taken[g] = True
            side = float(max(gt_boxes[g, 2] - gt_boxes[g, 0], gt_boxes[g, 3] - gt_boxes[g, 1]))
            distance = np.hypot(*(np.asarray(found["keypoints"][d])[:, :2] - truth[g, :, :2]).T)
            correct += int(np.count_nonzero(visible[g] & (distance <= alpha * side)))
    return correct / total if total else float("nan")


def evaluate_pck(model, data, batch_size: int = 32, alpha: float = PCK_ALPHA) -> float:
    """PCK of ``model``'s selected detections (evaluation thresholds) on ``data``."""
    from workbench.detection.training import detect_all

    return pck(detect_all(model, data.images, batch_size), data, alpha)


class PckCallback(keras.callbacks.Callback):
    """``logs["val_pck"]``: PCK@0.2 on the validation images after each complete epoch."""

    def __init__(self, data, control=None, batch_size: int = 32):
        super().__init__()
        self.data, self.control, self.batch_size = data, control, int(batch_size)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or (self.control is not None and self.control.stop_requested):
            return
        logs["val_pck"] = float(evaluate_pck(self.model, self.data, self.batch_size))


def train_keypoint_rcnn(ctx):
    """``train_detector`` for keypoints: targets carry them, and ``val_pck`` joins ``val_mAP``."""
    import tensorflow as tf

    from workbench.data.detection_stream import is_streamed
    from workbench.detection.training import MapCallback, prepare_data
    from workbench.training import devices
    from workbench.training.job import build_compiled, fit_arrays

    data = prepare_data(ctx.dataset, ctx.hp, ctx.entry.name, ctx.entry.task)
    if is_streamed(data) or data.keypoints is None:
        raise WorkbenchError(f"{ctx.entry.name} needs keypoints loaded in memory: use "
                             "shape_keypoints, shapes with keypoints=true, or a COCO keypoint file "
                             "with stream=no")
    train, val = data.train_val()
    with tf.device(f"/{devices.resolve(ctx.config.device)}"):
        model = build_compiled(ctx.entry, ctx.hp, data.info, ctx.config.mixed_precision)
    y = model.encode_targets(train.boxes, train.labels, None, train.keypoints)
    x_val = y_val = None
    callbacks = []
    if len(val):
        x_val = val.images
        y_val = model.encode_targets(val.boxes, val.labels, None, val.keypoints)
        callbacks = [MapCallback(val, ctx.control, batch_size=ctx.config.batch_size),
                     PckCallback(val, ctx.control, batch_size=ctx.config.batch_size)]
    return fit_arrays(ctx, model, train.images, y, x_val, y_val, extra_callbacks=callbacks)


train_keypoint_rcnn.resumable = True  # fit_arrays restores checkpoints
