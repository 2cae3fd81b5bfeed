"""What every workbench detector and segmenter shares: the ``Detector`` model class.

A detector is a plain functional ``network`` (image in, raw head outputs out) wrapped
in a registered ``keras.Model`` subclass that knows the technique: ``encode_targets``
turns boxes, labels and masks into the arrays ``fit`` trains on, ``compute_losses``
returns the technique's loss and its named parts (YOLO's coord/obj/noobj/class,
SSD's loc/conf, ...), and ``decode`` turns raw outputs into candidate boxes before any
score threshold or NMS (``workbench.detection.inference.select`` does that, so the
GUI's sliders re-select without running the network again). ``train_step`` and
``test_step`` are the keras.io "customizing fit" pattern, so ``fit``, the live curves,
Stop/Pause and checkpoints work unchanged.
"""

from __future__ import annotations

import numpy as np
import keras
from keras import ops

from workbench.errors import WorkbenchError


def parse_floats(text, name: str) -> tuple[float, ...]:
    """``"0.5, 1, 2"`` -> ``(0.5, 1.0, 2.0)``: list hyperparameters are comma-separated text."""
    if isinstance(text, (list, tuple)):
        values = text
    else:
        values = [v for v in str(text).replace(";", ",").split(",") if v.strip()]
    try:
        result = tuple(float(v) for v in values)
    except ValueError:
        raise WorkbenchError(f"{name}={text!r} is not a comma-separated list of numbers") from None
    if not result or min(result) <= 0:
        raise WorkbenchError(f"{name}={text!r} must list one or more positive numbers")
    return result


class NetworkTechnique(keras.Model):
    """A technique wrapped around a functional ``network``: its class names and its own
    numbers (``settings``, plain JSON values) travel with it in ``model.keras``."""

    def __init__(self, network, class_names=(), settings=None, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.class_names = tuple(class_names)
        self.settings = dict(settings or {})

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "network": keras.saving.serialize_keras_object(self.network),
                "class_names": list(self.class_names), "settings": dict(self.settings)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="workbench")
class Detector(NetworkTechnique):
    """A detection or segmentation technique around a functional ``network``.

    ``settings`` holds the technique's own numbers (grid size, anchor scales, loss
    weights, ...) as plain JSON values, so ``get_config`` can store them in
    ``model.keras``. Subclasses set ``loss_names`` (the parts their loss reports) and
    implement ``encode_targets``, ``compute_losses`` and ``decode``.
    """

    loss_names: tuple[str, ...] = ("loss",)
    task = "detection"

    def __init__(self, network, class_names=(), settings=None, **kwargs):
        super().__init__(network, class_names, settings, **kwargs)
        self.image_size = tuple(int(v) for v in network.input_shape[1:3])
        self._trackers = [keras.metrics.Mean(name=name) for name in self.loss_names]
        self.built = True  # the network is built already: its weights are ours

    # --- Keras plumbing --------------------------------------------------------------

    @property
    def metrics(self):
        return list(self._trackers)

    def train_step(self, data):
        import tensorflow as tf

        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            outputs = self(x, training=True)
            parts = self.compute_losses(y, outputs)
            total = parts["loss"]
            if self.losses:  # L2 on kernels set by the training job
                total = total + ops.sum(ops.stack(self.losses))
        gradients = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        return self._track(parts)

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self._track(self.compute_losses(y, self(x, training=False)))

    def _track(self, parts: dict) -> dict:
        for tracker in self._trackers:
            tracker.update_state(parts[tracker.name])
        return {tracker.name: tracker.result() for tracker in self._trackers}

    # --- the technique -----------------------------------------------------------------

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """Per-image boxes, labels (and masks) -> what ``fit`` trains on."""
        raise NotImplementedError

    def compute_losses(self, y, outputs) -> dict:
        """``{"loss": total, part: value, ...}`` for a batch (tensors)."""
        raise NotImplementedError

    def decode(self, outputs) -> list[dict]:
        """Raw outputs of a batch (numpy) -> per-image candidate dicts."""
        raise NotImplementedError

    def predict_candidates(self, images, batch_size: int = 32) -> list[dict]:
        """All candidate boxes per image, before score thresholding and NMS.

        ``images``: ``(N, H, W, 3)`` float in [0, 1] at the model's input size. Each dict
        has ``boxes`` ``(K, 4)`` xyxy pixels, ``scores`` ``(K,)`` and ``labels`` ``(K,)``.
        """
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or tuple(images.shape[1:3]) != self.image_size:
            raise WorkbenchError(f"{self.name} expects images of shape (N, {self.image_size[0]}, "
                                 f"{self.image_size[1]}, 3), got {images.shape}")
        results = []
        for start in range(0, len(images), batch_size):
            outputs = self.predict_on_batch(images[start:start + batch_size])
            results.extend(self.decode(keras.tree.map_structure(np.asarray, outputs)))
        return results

    def top_candidates(self, boxes, scores, labels, limit: int | None = None) -> dict:
        """Keep the ``limit`` best-scoring candidates (``settings['max_candidates']``), boxes clipped."""
        limit = int(limit or self.settings.get("max_candidates", 1000))
        order = np.argsort(-scores, kind="stable")[:limit]
        height, width = self.image_size
        boxes = np.asarray(boxes[order], np.float32)
        boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, width)
        boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, height)
        # ``indices``: each candidate's place in the flat (position x class) list it was
        # cut from, tying a box to the raw output behind it (per-box explanations).
        return {"boxes": boxes, "scores": np.asarray(scores[order], np.float32),
                "labels": np.asarray(labels[order], np.int64), "indices": order.astype(np.int64)}


@keras.saving.register_keras_serializable(package="workbench")
class Segmenter(Detector):
    """Semantic segmentation: per-pixel softmax over background + the classes (U-Net, FCN).

    Targets are class maps (0 = background, ``label + 1``) painted from the instance
    masks; the loss is the pixel-averaged cross-entropy, and ``pixel_accuracy`` is
    tracked beside it. ``workbench.detection.inference.segment`` gives the class map.
    """

    loss_names = ("loss", "pixel_accuracy")
    task = "segmentation"

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        if masks_list is None:
            raise WorkbenchError(f"{self.name} learns per-pixel classes and needs instance masks")
        return semantic_maps(masks_list, labels_list, self.image_size)

    def compute_losses(self, y, outputs):
        probabilities = ops.cast(outputs, "float32")
        y = ops.cast(y, "int32")
        loss = ops.mean(ops.sparse_categorical_crossentropy(y, probabilities))
        correct = ops.cast(ops.equal(ops.cast(ops.argmax(probabilities, -1), "int32"), y), "float32")
        return {"loss": loss, "pixel_accuracy": ops.mean(correct)}

    def decode(self, outputs) -> list[dict]:
        raise WorkbenchError(f"{self.name} segments pixels; it has no boxes (use segment())")


def check_detection_info(info, what: str):
    """The image shape and classes a detector is built for, checked."""
    if len(info.input_shape) != 3 or info.input_shape[-1] not in (1, 3):
        raise WorkbenchError(f"{what} needs images (H, W, 3); {info.name} has inputs of shape "
                             f"{info.input_shape}")
    if info.num_classes < 1:
        raise WorkbenchError(f"{what} needs at least one object class; {info.name} has none")
    height, width = info.input_shape[:2]
    if min(height, width) < 32:
        raise WorkbenchError(f"{what} needs images of at least 32x32 pixels, got {height}x{width}")
    return (int(height), int(width)), tuple(info.class_names)


def feature_size(image_size, level: int) -> tuple[int, int]:
    """Side lengths of the map after ``level`` stride-2 'same' convolutions."""
    return tuple(int(np.ceil(v / 2 ** level)) for v in image_size)


def assign_anchors(gt_boxes, gt_labels, anchors, positive_iou: float = 0.5,
                   negative_iou: float = 0.5):
    """Match anchors to true boxes by IoU (SSD, RetinaNet, Faster R-CNN's RPN).

    An anchor whose best IoU is at least ``positive_iou`` takes that box; below
    ``negative_iou`` it is background; in between it is ignored (class ``-1``). Every
    true box also takes its single best anchor, so small objects are never left
    without a positive. Returns ``classes`` ``(A,)`` (0 = background, ``label + 1``,
    -1 = ignored) and ``matched`` ``(A, 4)``, the box each anchor regresses to.
    """
    from workbench.detection.boxes import iou

    gt_boxes = np.asarray(gt_boxes, np.float32).reshape(-1, 4)
    classes = np.zeros(len(anchors), np.int32)
    matched = np.zeros((len(anchors), 4), np.float32)
    if len(gt_boxes) == 0:
        return classes, matched
    overlaps = iou(gt_boxes, anchors)  # (G, A)
    best_gt = overlaps.argmax(axis=0)
    best_iou = overlaps.max(axis=0)
    best_gt[overlaps.argmax(axis=1)] = np.arange(len(gt_boxes))  # each box's best anchor
    best_iou[overlaps.argmax(axis=1)] = 1.0
    classes[:] = np.where(best_iou >= positive_iou, np.asarray(gt_labels, np.int64)[best_gt] + 1,
                          np.where(best_iou < negative_iou, 0, -1))
    matched[:] = gt_boxes[best_gt]
    return classes, matched


def smooth_l1(difference, beta: float = 1.0):
    """Fast R-CNN's robust regression loss, elementwise."""
    absolute = ops.abs(difference)
    return ops.where(absolute < beta, 0.5 * ops.square(absolute) / beta, absolute - 0.5 * beta)


def focal_loss(logits, targets, alpha: float = 0.25, gamma: float = 2.0):
    """Lin et al.'s focal loss, elementwise: ``-alpha_t (1 - p_t)^gamma log(p_t)``.

    ``targets`` are 0/1 per class; ``gamma = 0`` gives alpha-weighted cross-entropy.
    """
    probabilities = ops.sigmoid(logits)
    cross_entropy = ops.binary_crossentropy(targets, logits, from_logits=True)
    p_t = targets * probabilities + (1.0 - targets) * (1.0 - probabilities)
    alpha_t = targets * alpha + (1.0 - targets) * (1.0 - alpha)
    if not gamma:  # d/dx x^0 at x = 0 is 0 * inf = nan in float arithmetic
        return alpha_t * cross_entropy
    # A floor on 1 - p_t keeps the gradient of x^gamma finite when p_t rounds to 1.
    return alpha_t * ops.power(ops.maximum(1.0 - p_t, 1e-6), gamma) * cross_entropy


def prior_bias(probability: float = 0.01):
    """Bias so every class starts at ``probability`` (RetinaNet's prior): the flood of
    easy background anchors cannot swamp the first updates."""
    return keras.initializers.Constant(-float(np.log((1.0 - probability) / probability)))


def semantic_maps(masks_list, labels_list, image_size) -> np.ndarray:
    """Instance masks -> ``int32 (N, H, W)`` class maps (0 background, ``label + 1``)."""
    out = np.zeros((len(labels_list),) + tuple(image_size), np.int32)
    for i, (masks, labels) in enumerate(zip(masks_list, labels_list)):
        for mask, label in zip(masks, labels):  # later instances paint over earlier ones
            mask = np.asarray(mask, bool)
            if mask.shape != tuple(image_size):
                raise WorkbenchError(f"mask of image {i} has shape {mask.shape}, expected {image_size}")
            out[i][mask] = int(label) + 1
    return out
