"""The training loop every detector and segmenter entry shares: ``train_detector(ctx)``.

A detection entry names ``trainer="workbench.detection.training:train_detector"``. The
run's data is a ``DetectionData`` (``shapes``, ``voc``, ``coco``); the model is one of
``workbench.models.detection``'s ``Detector`` subclasses, whose ``encode_targets`` turns
boxes, labels and masks into arrays, so the training itself is the workbench's ordinary
``fit_arrays`` (live curves, Stop/Pause, checkpoints, run directory). After every
complete epoch ``MapCallback`` adds the validation VOC mAP@0.5 (``val_mAP``) to the
logs, or ``MeanIoUCallback`` the validation mean IoU (``val_mean_iou``) for semantic
segmentation, so both appear as curves beside the losses.
"""

from __future__ import annotations

import numpy as np
import keras

from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError

#: Candidates scoring below this are not worth ranking for AP (as in the VOC/COCO tools).
EVAL_SCORE_THRESHOLD = 0.01
EVAL_IOU_THRESHOLD = 0.5
EVAL_MAX_DETECTIONS = 100


def train_detector(ctx):
    """Train ``ctx.entry``'s detector (or segmenter) on ``ctx.dataset``; returns ``ctx.finish``'s result."""
    import tensorflow as tf

    from workbench.data import detection_stream
    from workbench.training import devices
    from workbench.training.job import build_compiled, fit_arrays, fit_stream

    data = prepare_data(ctx.dataset, ctx.hp, ctx.entry.name, ctx.entry.task)
    train, val = training_split(data, ctx.hp, ctx.config.seed)
    info = DataInfo(data.name, "image", ctx.entry.task, tuple(data.images.shape[1:]),
                    tuple(data.class_names))
    with tf.device(f"/{devices.resolve(ctx.config.device)}"):
        # Builds, applies L2 and compiles with the shared optimizer; the loss is the model's own.
        model = build_compiled(ctx.entry, ctx.hp, info, ctx.config.mixed_precision)
    metric = MeanIoUCallback if ctx.entry.task == "segmentation" else MapCallback
    if detection_stream.is_streamed(data):  # images decoded and targets encoded per batch
        source = detection_stream.DetectionStream(model, train, val, data.problems)
        val_data = source.validation_data(ctx.config.batch_size)  # decoded once, for the mAP
        callbacks = [metric(val_data, ctx.control, batch_size=ctx.config.batch_size)] if len(val_data) else []
        return fit_stream(ctx, model, source, extra_callbacks=callbacks)
    y = model.encode_targets(train.boxes, train.labels, train.masks)
    callbacks = []
    x_val = y_val = None
    if len(val):
        x_val, y_val = val.images, model.encode_targets(val.boxes, val.labels, val.masks)
        callbacks.append(metric(val, ctx.control, batch_size=ctx.config.batch_size))
    return fit_arrays(ctx, model, train.images, y, x_val, y_val, extra_callbacks=callbacks)


train_detector.resumable = True  # it trains through fit_arrays, which restores checkpoints


def training_split(data, hp: dict, seed: int):
    """``(train, val)`` of the run's data, the training part grown by ``augment_copies``
    augmented copies of each image (validation stays as it is)."""
    from workbench.data.detection_stream import is_streamed
    from workbench.detection.augment import augment_data

    train, val = data.train_val()
    copies = augment_copies(hp.get("augment_copies", 0), len(train), is_streamed(data))
    if is_streamed(data) and copies:
        raise WorkbenchError("augment_copies makes copies of the images in memory: load the set with "
                             "stream=no, or set augment_copies=0")
    return augment_data(train, copies, seed), val


#: ``augment_copies = -1`` ("auto", the one-stage detectors' default): enough copies for about
#: this many training images, at most ``AUTO_MAX_COPIES`` (12 for the 160 of the default shapes);
#: none for a set that large already, or streamed from its files (copies live in memory).
AUTO_AUGMENT_IMAGES = 2000
AUTO_MAX_COPIES = 12


def augment_copies(setting, count: int, streamed: bool = False) -> int:
    """The copies of each training image to add: ``setting``, or for -1 the automatic number."""
    setting = int(setting)
    if setting >= 0:
        return setting
    if streamed or count <= 0:
        return 0
    return int(min(AUTO_MAX_COPIES, max(0, -(-AUTO_AUGMENT_IMAGES // count) - 1)))


def prepare_data(data, hp: dict, model_name: str = "this detector", task: str = "detection"):
    """The run's ``DetectionData``, checked, with images of one size (``input_size`` if set)."""
    if not hasattr(data, "boxes") or not hasattr(data, "labels"):
        name = getattr(getattr(data, "info", None), "name", type(data).__name__)
        raise WorkbenchError(f"{model_name} needs detection data with boxes and labels "
                             f"(shapes, a VOC or COCO folder), but {name!r} has none")
    if task == "segmentation" and data.masks is None:
        raise WorkbenchError(f"{model_name} needs masks to learn per-pixel classes, but "
                             f"{data.name!r} has only boxes (use shapes or a COCO set with "
                             "segmentations)")
    if len(data) < 2:
        raise WorkbenchError(f"{model_name} needs at least 2 images, {data.name!r} has {len(data)}")
    size = int(hp.get("input_size") or 0)
    if size:
        return data.resized(size)
    if not isinstance(data.images, np.ndarray):  # a folder of mixed sizes: the first one's size
        return data.resized(data.image_size(0))
    return data


def evaluate_map(model, data, batch_size: int = 32, iou_threshold: float = 0.5) -> dict:
    """VOC mAP@``iou_threshold`` of ``model`` on ``data`` (all-point interpolated AP).

    Returns ``metrics.voc_map``'s dict (``mAP`` and the per-class APs).
    """
    from workbench.detection import metrics

    return metrics.voc_map(detect_all(model, data.images, batch_size), data,
                           iou_threshold=iou_threshold, class_names=tuple(data.class_names))


def detect_all(model, images, batch_size: int = 32, score_threshold: float = EVAL_SCORE_THRESHOLD,
               iou_threshold: float = EVAL_IOU_THRESHOLD,
               max_detections: int = EVAL_MAX_DETECTIONS) -> list[dict]:
    """Selected detections for each image (at the model's input size), for evaluation."""
    from workbench.detection import inference

    results = []
    for start in range(0, len(images), batch_size):  # bounded memory for any detector
        results += [inference.select(c, score_threshold, iou_threshold, max_detections)
                    for c in model.predict_candidates(images[start:start + batch_size])]
    return results


def evaluate_mean_iou(model, data, batch_size: int = 32) -> dict:
    """Mean IoU (and per-class IoU) of a segmenter's class maps on ``data``."""
    from workbench.detection import inference
    from workbench.detection.segmentation_metrics import per_class_iou

    predicted = inference.segment_batch(model, data.images, batch_size=batch_size)
    ious = per_class_iou(predicted, data.semantic_masks(), model.num_classes + 1)
    return {"mean_iou": float(np.nanmean(ious)), "per_class_iou": ious}


class _ValidationMetric(keras.callbacks.Callback):
    """Adds one validation figure to the epoch logs after each complete epoch."""

    key = ""

    def __init__(self, data, control=None, batch_size: int = 32, every: int = 1):
        super().__init__()
        self.data, self.control = data, control
        self.batch_size, self.every = int(batch_size), max(1, int(every))

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or (self.control is not None and self.control.stop_requested):
            return  # a Stop ends the run within one batch: no evaluation pass after it
        if (epoch + 1) % self.every == 0:
            logs[self.key] = self.compute()

    def compute(self) -> float:
        raise NotImplementedError


class MapCallback(_ValidationMetric):
    """``logs["val_mAP"]``: VOC mAP@0.5 on the validation images."""

    key = "val_mAP"

    def compute(self) -> float:
        return float(evaluate_map(self.model, self.data, self.batch_size)["mAP"])


class MeanIoUCallback(_ValidationMetric):
    """``logs["val_mean_iou"]``: mean IoU over background and classes on the validation images."""

    key = "val_mean_iou"

    def compute(self) -> float:
        return evaluate_mean_iou(self.model, self.data, self.batch_size)["mean_iou"]
