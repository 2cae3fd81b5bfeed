"""Fast R-CNN: convolutional features once per image, RoI pooling of Selective Search proposals.

Girshick, "Fast R-CNN", ICCV 2015. R-CNN ran the CNN once per proposal; Fast R-CNN runs
it once per image and cuts each proposal out of the shared feature map with RoI
pooling (``RoIPooling``; ``roi_op=roi_align`` to compare with Mask R-CNN's RoIAlign),
then classifies it and refines its box with two sibling heads trained together by the
multi-task loss (``two_stage.py``). Proposals still come from Selective Search
(``selective_search.py``), computed once per image before training starts.

The model's inputs are ``{"images": (N, H, W, 3), "proposals": (N, R, 4)}`` (zero boxes
pad); ``predict_candidates`` runs Selective Search itself, so callers pass images only.
Its trainer ``train_fast_rcnn`` is ``train_detector`` with those two inputs.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError
from workbench.models.detection.base import check_detection_info
from workbench.models.detection.selective_search import PRESETS, pad_proposals, proposals_for_images
from workbench.models.detection.two_stage import (
    TwoStageDetector, backbone_features, build_box_head, head_settings)


@keras.saving.register_keras_serializable(package="workbench")
class FastRCNN(TwoStageDetector):
    """Shared conv features + RoI op on Selective Search proposals + classification/box heads."""

    loss_names = ("loss", "cls", "box")

    def images_of(self, x):
        return x["images"]

    def proposals(self, x, outputs):
        proposals = tf.cast(x["proposals"], tf.float32)
        area = (proposals[..., 2] - proposals[..., 0]) * (proposals[..., 3] - proposals[..., 1])
        return proposals, area > 0

    def inputs_for(self, images, should_stop=None) -> dict | None:
        """``{"images", "proposals"}`` for ``images``; ``None`` when ``should_stop()`` turns true."""
        images = np.asarray(images, np.float32)
        found = []
        for start in range(0, len(images), 16):
            if should_stop is not None and should_stop():
                return None
            found += proposals_for_images(images[start:start + 16], self.settings["search"],
                                          self.settings["proposals"])
        return {"images": images, "proposals": pad_proposals(found, self.settings["proposals"])}

    def predict_candidates(self, images, batch_size: int = 32) -> list[dict]:
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or tuple(images.shape[1:3]) != self.image_size:
            raise WorkbenchError(f"{self.name} expects images of shape (N, {self.image_size[0]}, "
                                 f"{self.image_size[1]}, 3), got {images.shape}")
        inputs = self.inputs_for(images)
        results = []
        for start in range(0, len(images), batch_size):
            batch = {k: v[start:start + batch_size] for k, v in inputs.items()}
            outputs = self.predict_on_batch(batch)
            results.extend(self.decode(keras.tree.map_structure(np.asarray, outputs)))
        return results


def build_fast_rcnn(hp: dict, info) -> FastRCNN:
    """Fast R-CNN for ``info``'s images and classes (catalog entry ``fast_rcnn``)."""
    image_size, class_names = check_detection_info(info, "Fast R-CNN")
    settings = head_settings({"roi_op": "roi_pool", **hp}, image_size)
    search = hp.get("search", "fast")
    if search not in PRESETS:
        raise WorkbenchError(f"search={search!r} is not one of {', '.join(PRESETS)}")
    proposals = int(hp.get("proposals", 100))
    if proposals < 1:
        raise WorkbenchError(f"proposals={proposals} must be at least 1")
    settings.update(search=search, proposals=proposals)
    image = keras.Input(tuple(info.input_shape), name="image")
    act = hp.get("activation", "relu")
    features = backbone_features(image, settings["feature_stride"], int(hp.get("width", 16)),
                                 hp.get("normalization", "batch"), act, hp.get("pooling", "stride"))
    network = keras.Model(image, {"features": features}, name="fast_rcnn_network")
    head = build_box_head(settings["pooled_size"], int(features.shape[-1]), len(class_names),
                          int(hp.get("fc", 128)), float(hp.get("dropout", 0.0)), act)
    return FastRCNN(network, head, None, class_names, settings, name="fast_rcnn")


def train_fast_rcnn(ctx):
    """``train_detector`` with Selective Search proposals as a second input (computed once)."""
    from workbench.detection.training import MapCallback, prepare_data, training_split
    from workbench.training import devices, events
    from workbench.models.initializers import apply_initializer
    from workbench.training.job import apply_l2, fit_arrays, make_optimizer

    data = prepare_data(ctx.dataset, ctx.hp, ctx.entry.name)
    train, val = training_split(data, ctx.hp, ctx.config.seed)
    config = ctx.config
    if config.steps_per_epoch:  # a quick look: search only the images those steps cover
        train = train.subset(range(min(len(train), config.steps_per_epoch * config.batch_size)))
    info = DataInfo(data.name, "image", "detection", tuple(data.images.shape[1:]),
                    tuple(data.class_names))
    with tf.device(f"/{devices.resolve(ctx.config.device)}"):
        model = ctx.entry.build(ctx.hp, info)
    apply_initializer(model, ctx.hp)  # "default" keeps the builder's own initial weights
    apply_l2(model, ctx.hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(ctx.hp))
    ctx.emit(events.Status(f"Selective Search on {len(train)} training and {len(val)} "
                           "validation images"))
    stop = lambda: ctx.control.stop_requested  # noqa: E731 - a plain callable, not a layer
    x = model.inputs_for(train.images, stop)
    x_val = model.inputs_for(val.images, stop) if len(val) else None
    if x is None or (len(val) and x_val is None):
        return ctx.finish(None, stopped=True)
    y = model.encode_targets(train.boxes, train.labels)
    callbacks, y_val = [], None
    if len(val):
        y_val = model.encode_targets(val.boxes, val.labels)
        callbacks.append(MapCallback(val, ctx.control, batch_size=ctx.config.batch_size))
    return fit_arrays(ctx, model, x, y, x_val, y_val, extra_callbacks=callbacks)


train_fast_rcnn.resumable = True  # it trains through fit_arrays, which restores checkpoints
