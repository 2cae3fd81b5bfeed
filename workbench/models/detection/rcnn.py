"""R-CNN: Selective Search proposals, a CNN per warped region, linear SVMs per class.

Girshick, Donahue, Darrell & Malik, "Rich feature hierarchies for accurate object
detection and semantic segmentation", CVPR 2014. Four stages, trained separately:

1. About 2000 Selective Search proposals per image (``selective_search.py``).
2. Each proposal, dilated by a little context, is warped to a fixed square and fed to
   a CNN, fine-tuned as a ``K + 1``-way classifier: proposals with IoU >= 0.5 with a
   ground-truth box take its class, the rest are background (a quarter of each
   mini-batch foreground). Its last hidden layer (``fc7``) is the region's feature.
3. One linear SVM per class (hinge loss, scikit-learn ``LinearSVC``) on those features:
   positives are the ground-truth boxes only, negatives the proposals with IoU < 0.3
   with every box of the class; features are scaled to a mean norm of 20, as in the paper.
4. Per-class ridge regression from the features to the box offsets ``(tx, ty, tw, th)``
   of proposals with IoU >= 0.6 (the paper's bounding-box regression, appendix C).

Stages 3 and 4 are not gradient descent, so the entry has its own trainer
(``train_rcnn``): every epoch fine-tunes the CNN on warped regions, then refits the
SVMs and regressors and reports the validation mAP. The SVM and regressor weights are
non-trainable variables of the model, so ``model.keras`` holds the whole detector.
Candidate scores are ``sigmoid(SVM margin)``: 0.5 on the SVM's decision boundary.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from workbench.data.base import DataInfo
from workbench.detection import boxes as box_ops
from workbench.errors import WorkbenchError
from workbench.layers.roi_align import roi_align
from workbench.models.detection.backbones import conv_backbone
from workbench.models.detection.base import NetworkTechnique, check_detection_info
from workbench.models.detection.selective_search import PRESETS, proposals_for_images
from workbench.models.detection.two_stage import pad_ground_truth

#: The paper's thresholds: fine-tuning positives, SVM negatives, regression samples.
FINETUNE_IOU = 0.5
SVM_NEGATIVE_IOU = 0.3
REGRESSION_IOU = 0.6
#: Features are scaled so that their mean L2 norm is this (paper, section 2.3).
FEATURE_NORM = 20.0
BOX_VARIANCES = (1.0, 1.0, 1.0, 1.0)


def build_region_cnn(warp_size: int, num_classes: int, width: int, feature_dim: int,
                     dropout: float, norm: str, activation: str = "relu",
                     pooling: str = "stride") -> keras.Model:
    """Warped region -> ``{"features": fc7, "probabilities": softmax over K + 1}``."""
    region = keras.Input((warp_size, warp_size, 3), name="warped_region")
    levels = max(1, min(3, int(math.log2(warp_size)) - 2))
    x = conv_backbone(region, levels, width, norm, name="cnn", activation=activation,
                      pooling=pooling)[levels]
    x = layers.Flatten(name="cnn_flatten")(x)
    x = layers.Dense(feature_dim, activation=activation, name="fc6")(x)
    features = layers.Dense(feature_dim, activation=activation, name="fc7")(x)
    x = layers.Dropout(dropout, name="fc7_dropout")(features)
    probabilities = layers.Dense(num_classes + 1, activation="softmax", name="predictions")(x)
    return keras.Model(region, {"features": features, "probabilities": probabilities},
                       name="rcnn_region_cnn")


@keras.saving.register_keras_serializable(package="workbench")
class RCNN(NetworkTechnique):
    """The region CNN plus per-class SVMs and box regressors (non-trainable variables)."""

    task = "detection"

    def __init__(self, network, class_names=(), settings=None, **kwargs):
        super().__init__(network, class_names, settings, **kwargs)
        self.image_size = tuple(int(v) for v in self.settings["image_size"])
        dim, classes = int(network.output["features"].shape[-1]), len(self.class_names)
        self.svm_kernel = self.add_weight((dim, classes), "zeros", name="svm_kernel", trainable=False)
        self.svm_bias = self.add_weight((classes,), "zeros", name="svm_bias", trainable=False)
        self.box_kernel = self.add_weight((dim, classes * 4), "zeros", name="box_kernel",
                                          trainable=False)
        self.box_bias = self.add_weight((classes * 4,), "zeros", name="box_bias", trainable=False)
        self.feature_scale = self.add_weight((), "ones", name="feature_scale", trainable=False)
        self.classifier = keras.Model(network.input, network.output["probabilities"],
                                      name="rcnn_classifier")
        self.built = True  # every variable exists now; call() only runs the network

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """Padded ground truth (``pad_ground_truth``); the trainer labels proposals with it."""
        return pad_ground_truth(boxes_list, labels_list)

    # --- regions ---

    def proposals(self, images) -> list[np.ndarray]:
        return proposals_for_images(images, self.settings["search"], self.settings["proposals"])

    def warp_regions(self, images, boxes, index=None) -> np.ndarray:
        """Each box dilated by ``context`` warped pixels of context, warped to ``warp x warp``.

        ``boxes (N, 4)`` lie on ``images[index]`` (on ``images[0]`` when ``index`` is None).
        Warping is RoIAlign at stride 1 with one bilinear sample per output pixel.
        """
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        index = np.zeros(len(boxes), np.int32) if index is None else np.asarray(index, np.int32)
        warp, context = self.settings["warp_size"], self.settings["context"]
        # A box of size s warps to (warp - 2 context) pixels, so context adds s * c / (warp - 2c).
        grow = context / max(warp - 2 * context, 1)
        size = boxes[:, 2:] - boxes[:, :2]
        dilated = np.concatenate([boxes[:, :2] - size * grow, boxes[:, 2:] + size * grow], axis=1)
        return _warp(tf.constant(np.asarray(images, np.float32)), tf.constant(dilated),
                     tf.constant(index), warp).numpy()

    def region_outputs(self, images, boxes_list, batch_size: int = 256) -> dict:
        """CNN features and probabilities of every box of every image, concatenated."""
        regions = [self.warp_regions(image[None], boxes) for image, boxes in zip(images, boxes_list)
                   if len(boxes)]
        dim = int(self.network.output["features"].shape[-1])
        if not regions:
            return {"features": np.zeros((0, dim), np.float32),
                    "probabilities": np.zeros((0, self.num_classes + 1), np.float32)}
        regions = np.concatenate(regions)
        outs = [self.network.predict_on_batch(regions[s:s + batch_size])
                for s in range(0, len(regions), batch_size)]
        return {k: np.concatenate([np.asarray(o[k]) for o in outs]) for k in outs[0]}

    def svm_scores(self, features) -> tuple[np.ndarray, np.ndarray]:
        """SVM margins ``(R, K)`` and class-specific box deltas ``(R, K, 4)``."""
        scaled = features * float(self.feature_scale.numpy())
        margins = scaled @ self.svm_kernel.numpy() + self.svm_bias.numpy()
        deltas = scaled @ self.box_kernel.numpy() + self.box_bias.numpy()
        return margins, deltas.reshape(len(features), self.num_classes, 4)

    def predict_candidates(self, images, batch_size: int = 32) -> list[dict]:
        """Every (proposal, class) pair: regressed box, ``sigmoid(margin)``, class."""
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or tuple(images.shape[1:3]) != self.image_size:
            raise WorkbenchError(f"{self.name} expects images of shape (N, {self.image_size[0]}, "
                                 f"{self.image_size[1]}, 3), got {images.shape}")
        results = []
        for image, proposals in zip(images, self.proposals(images)):
            features = self.region_outputs(image[None], [proposals])["features"]
            margins, deltas = self.svm_scores(features)
            classes = self.num_classes
            anchors = np.repeat(proposals, classes, axis=0)
            boxes = box_ops.clip_boxes(box_ops.decode(deltas.reshape(-1, 4), anchors, BOX_VARIANCES)
                                       if len(anchors) else np.zeros((0, 4), np.float32),
                                       self.image_size)
            scores = 1.0 / (1.0 + np.exp(-margins.reshape(-1)))
            labels = np.tile(np.arange(classes), len(proposals))
            order = np.argsort(-scores, kind="stable")[: self.settings["max_candidates"]]
            results.append({"boxes": boxes[order].astype(np.float32),
                            "scores": scores[order].astype(np.float32),
                            "labels": labels[order].astype(np.int64),
                            "indices": order.astype(np.int64)})  # proposal x classes + class
        return results


@tf.function(reduce_retracing=True)
def _warp(images, boxes, index, size):
    return roi_align(images, boxes, index, (size, size), 1.0, 1)


def build_rcnn(hp: dict, info) -> RCNN:
    """R-CNN for ``info``'s images and classes (catalog entry ``rcnn``)."""
    image_size, class_names = check_detection_info(info, "R-CNN")
    warp = int(hp.get("warp_size", 32))
    context = int(hp.get("context", 2))
    if warp < 8:
        raise WorkbenchError(f"warp_size={warp} must be at least 8 pixels")
    if not 0 <= 2 * context < warp:
        raise WorkbenchError(f"context={context} must be between 0 and half of warp_size={warp}")
    search = hp.get("search", "fast")
    if search not in PRESETS:
        raise WorkbenchError(f"search={search!r} is not one of {', '.join(PRESETS)}")
    settings = {"image_size": list(image_size), "warp_size": warp, "context": context,
                "search": search, "proposals": int(hp.get("proposals", 100)),
                "svm_c": float(hp.get("svm_c", 0.01)), "ridge_alpha": float(hp.get("ridge_alpha", 10.0)),
                "max_candidates": int(hp.get("max_candidates", 300))}
    network = build_region_cnn(warp, len(class_names), int(hp.get("width", 16)),
                               int(hp.get("feature_dim", 128)), float(hp.get("dropout", 0.3)),
                               hp.get("normalization", "batch"), hp.get("activation", "relu"),
                               hp.get("pooling", "stride"))
    return RCNN(network, class_names, settings, name="rcnn")


# --- training --------------------------------------------------------------------------

def label_regions(model: RCNN, images, gt_boxes, gt_labels) -> dict:
    """Proposals (plus ground-truth boxes) of every image with their best IoU and class."""
    rows = {"image": [], "boxes": [], "iou": [], "gt_class": [], "gt_box": [], "is_gt": []}
    for i, proposals in enumerate(model.proposals(images)):
        gt = np.asarray(gt_boxes[i], np.float32).reshape(-1, 4)
        labels = np.asarray(gt_labels[i], np.int64).reshape(-1)
        boxes = np.concatenate([gt, proposals])
        if len(gt):
            overlaps = box_ops.iou(boxes, gt)
            best = overlaps.argmax(axis=1)
            rows["iou"].append(overlaps.max(axis=1))
            rows["gt_class"].append(labels[best])
            rows["gt_box"].append(gt[best])
        else:
            rows["iou"].append(np.zeros(len(boxes), np.float32))
            rows["gt_class"].append(np.full(len(boxes), -1, np.int64))
            rows["gt_box"].append(np.zeros((len(boxes), 4), np.float32))
        rows["image"].append(np.full(len(boxes), i))
        rows["boxes"].append(boxes)
        rows["is_gt"].append(np.arange(len(boxes)) < len(gt))
    regions = {k: np.concatenate(v) for k, v in rows.items()}
    # Fine-tuning label: the class (+1) at IoU >= 0.5, else background 0.
    regions["label"] = np.where(regions["iou"] >= FINETUNE_IOU, regions["gt_class"] + 1, 0)
    return regions


def finetune_batches(regions: dict, batch_size: int, rng, fg_fraction: float = 0.25) -> list:
    """One epoch of region indices, a quarter foreground per batch as in the paper."""
    fg = rng.permutation(np.flatnonzero(regions["label"] > 0))
    bg = rng.permutation(np.flatnonzero(regions["label"] == 0))
    per_fg = max(1, int(round(batch_size * fg_fraction)))
    steps = max(1, math.ceil(len(fg) / per_fg)) if len(fg) else max(1, math.ceil(len(bg) / batch_size))
    batches = []
    for step in range(steps):
        take_fg = fg[step * per_fg:(step + 1) * per_fg]
        need_bg = batch_size - len(take_fg)
        take_bg = bg[(step * need_bg) % max(len(bg), 1):][:need_bg] if len(bg) else bg
        batches.append(rng.permutation(np.concatenate([take_fg, take_bg])))
    return batches


def warp_subset(model: RCNN, images, regions: dict, index) -> np.ndarray:
    """The warped regions ``index`` of ``label_regions``' table, in one batched op."""
    return model.warp_regions(images, regions["boxes"][index], regions["image"][index])


def fit_svms_and_regressors(model: RCNN, images, regions: dict) -> dict:
    """Stages 3 and 4: LinearSVC (hinge) per class and ridge box regression per class."""
    from sklearn.linear_model import Ridge
    from sklearn.svm import LinearSVC

    # label_regions stored the regions image by image, the order region_outputs walks.
    features = model.region_outputs(images, [regions["boxes"][regions["image"] == i]
                                             for i in range(len(images))])["features"]
    norm = float(np.mean(np.linalg.norm(features, axis=1))) or 1.0
    scale = FEATURE_NORM / norm
    scaled = features * scale
    dim, classes = scaled.shape[1], model.num_classes
    kernel, bias = np.zeros((dim, classes)), np.full(classes, -1.0)
    box_kernel, box_bias = np.zeros((dim, classes * 4)), np.zeros(classes * 4)
    hinge = []
    for c in range(classes):
        positive = regions["is_gt"] & (regions["gt_class"] == c)
        # IoU with this class's boxes only: a proposal on another class is a negative.
        negative = ~regions["is_gt"] & ((regions["gt_class"] != c) | (regions["iou"] < SVM_NEGATIVE_IOU))
        if positive.any() and negative.any():
            x = np.concatenate([scaled[positive], scaled[negative]])
            t = np.concatenate([np.ones(positive.sum()), -np.ones(negative.sum())])
            svm = LinearSVC(C=model.settings["svm_c"], loss="hinge", dual=True, max_iter=5000)
            svm.fit(x, t)
            kernel[:, c], bias[c] = svm.coef_[0], svm.intercept_[0]
            hinge.append(float(np.mean(np.maximum(0.0, 1.0 - t * svm.decision_function(x)))))
        close = ~regions["is_gt"] & (regions["gt_class"] == c) & (regions["iou"] >= REGRESSION_IOU)
        if close.sum() >= 2:
            targets = box_ops.encode(regions["gt_box"][close], regions["boxes"][close], BOX_VARIANCES)
            ridge = Ridge(alpha=model.settings["ridge_alpha"]).fit(scaled[close], targets)
            box_kernel[:, 4 * c:4 * c + 4], box_bias[4 * c:4 * c + 4] = ridge.coef_.T, ridge.intercept_
    model.svm_kernel.assign(kernel.astype(np.float32))
    model.svm_bias.assign(bias.astype(np.float32))
    model.box_kernel.assign(box_kernel.astype(np.float32))
    model.box_bias.assign(box_bias.astype(np.float32))
    model.feature_scale.assign(np.float32(scale))
    return {"svm_hinge": float(np.mean(hinge)) if hinge else 0.0}


def train_rcnn(ctx):
    """R-CNN's own trainer: fine-tune the region CNN, then fit SVMs and box regressors, per epoch."""
    from workbench.detection.training import evaluate_map, prepare_data, training_split
    from workbench.training import devices, events
    from workbench.models.initializers import apply_initializer
    from workbench.training.job import apply_l2, make_optimizer

    config = ctx.config
    data = prepare_data(ctx.dataset, ctx.hp, ctx.entry.name)
    train, val = training_split(data, ctx.hp, ctx.config.seed)
    if config.steps_per_epoch:  # a quick look: only the images those steps would cover
        train = train.subset(range(min(len(train), config.steps_per_epoch * config.batch_size)))
    info = DataInfo(data.name, "image", "detection", tuple(data.images.shape[1:]),
                    tuple(data.class_names))
    device = devices.resolve(config.device)
    keras.utils.set_random_seed(config.seed)
    with tf.device(f"/{device}"):
        model = ctx.entry.build(ctx.hp, info)
    apply_initializer(model, ctx.hp)  # "default" keeps the builder's own initial weights
    apply_l2(model, ctx.hp.get("l2", 0.0))
    model.classifier.compile(optimizer=make_optimizer(ctx.hp), loss="sparse_categorical_crossentropy",
                             metrics=["accuracy"])
    ctx.emit(events.Status(f"Selective Search on {len(train)} training images"))
    regions = label_regions(model, train.images, train.boxes, train.labels)
    rng = np.random.default_rng(config.seed)
    steps = len(finetune_batches(regions, config.batch_size, rng))
    steps = min(steps, config.steps_per_epoch) if config.steps_per_epoch else steps
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), devices.describe(device),
                               config.epochs, 0, steps, int(model.count_params())))
    stopped = early = False
    best, waited = -math.inf, 0  # early stopping (shared hyperparameter): val_mAP, else -loss
    for epoch in range(config.epochs):
        started = time.perf_counter()
        logs = {}
        with tf.device(f"/{device}"):
            for step, index in enumerate(finetune_batches(regions, config.batch_size, rng)[:steps]):
                ctx.control.wait_while_paused()
                if ctx.control.stop_requested:
                    stopped = True
                    break
                warped = warp_subset(model, train.images, regions, index)
                logs = model.classifier.train_on_batch(warped, regions["label"][index], return_dict=True)
                logs = {k: float(v) for k, v in logs.items()}
                ctx.emit(events.BatchEnd(epoch, step + 1, steps, logs))
            if stopped:
                break
            ctx.emit(events.Status("fitting the linear SVMs and box regressors"))
            logs.update(fit_svms_and_regressors(model, train.images, regions))
            if len(val):
                logs["val_mAP"] = float(evaluate_map(model, val, config.batch_size)["mAP"])
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        score = logs.get("val_mAP", -logs.get("loss", 0.0))
        best, waited = (score, 0) if score > best else (best, waited + 1)
        if ctx.hp.get("early_stopping", 0) and waited >= ctx.hp["early_stopping"]:
            early = True
            break
    return ctx.finish(model, stopped=stopped, early_stopped=early)
