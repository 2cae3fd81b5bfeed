"""Grad-CAM of one detected box: which features made this detection, and moved its box.

Grad-CAM (Selvaraju et al., ICCV 2017) weights the feature maps ``A^k`` of a conv layer by
the spatial mean of ``d y / d A^k`` and keeps ``ReLU(sum_k w_k A^k)``. For a detector the
scalar ``y`` belongs to *one* raw prediction: ``inference.select`` hands every kept box
the ``index`` of the raw output behind it (``position x classes + class``; the position is
an anchor for SSD and RetinaNet, a grid cell's box for YOLO v1, a feature-map location for
FCOS and a proposal (RoI) for the R-CNN family), and the gradient is taken of that output
alone, so two boxes of one image get two different maps.

Two scalars per box, two maps:

* **class** -- the raw class score of the box: the pre-softmax logit of its class for SSD
  and the R-CNN heads, the pre-sigmoid logit for RetinaNet and FCOS (without FCOS's
  centerness factor), the SVM margin for R-CNN; for YOLO v1, whose score is a product of
  two heads, ``log sigmoid(confidence) + log softmax(class)``, the log of the box's score.
* **box** -- the box regression: the *sum* of the box's four raw regression outputs
  (offsets ``tx, ty, tw, th``; FCOS's four log distances; for the R-CNN family the
  offsets of the box's own class). The sum is one scalar whose gradient shows what moved
  the box at all; opposite pushes on two edges cancel in it.

``weighting="odam"`` keeps the gradient per location instead of averaging it over the
map: ``ReLU(sum_k dy/dA^k * A^k)`` (ODAM, Zhao & Chan, ICLR 2023). Grad-CAM's one weight per
channel lights every object that has those channels (two squares: both light up for
either box); ODAM's per-location weights keep the map on the box's own evidence.

The layer defaults to the backbone's last stage that the prediction depends on: the last
one for single-map detectors; for SSD a box from an early map is explained on that map's
stage (later stages have no gradient for it). ``layer`` picks any 4-D layer of the network.

R-CNN (Girshick et al. 2014) runs its CNN on each warped proposal, so its feature maps
belong to the crop, not the image: its map is Grad-CAM on the proposal's crop (the dilated
box it warps), placed back into the image over that crop; zero elsewhere by construction.
Fast, Faster and Mask R-CNN pool their RoIs out of one image-wide feature map, so their
maps are ordinary Grad-CAM on it, with the proposals held fixed.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import cam_result, conv_layers
from workbench.xai.gradcam import weighted_map

#: Backbone stage outputs (``conv_backbone``'s ``<name>_stage<k>_2_relu``): the default layers.
_STAGE = re.compile(r"stage(\d+)_2_relu$")
TARGETS = ("class", "box")
WEIGHTINGS = ("gradcam", "odam")


def odam_map(features: np.ndarray, grads: np.ndarray) -> np.ndarray:
    """ODAM's instance-specific map: gradient times feature, per location, summed over channels."""
    return (np.asarray(features) * np.asarray(grads)).sum(axis=-1)


def weighting_function(weighting: str):
    if weighting not in WEIGHTINGS:
        raise WorkbenchError(f"weighting={weighting!r} is not one of {', '.join(WEIGHTINGS)}")
    return weighted_map if weighting == "gradcam" else odam_map


@dataclass
class BoxCams:
    """Grad-CAM of one box: ``maps["class"]`` and ``maps["box"]`` (``MapResult``, image size)."""

    maps: dict
    layer: str
    index: int
    label: int
    meaning: str
    scores: dict = field(default_factory=dict)  # the differentiated values


def family(model) -> str:
    """``yolo``, ``ssd``, ``retinanet``, ``fcos``, ``two_stage`` or ``rcnn``, else WorkbenchError."""
    from workbench.models.detection.fcos import FCOS
    from workbench.models.detection.rcnn import RCNN
    from workbench.models.detection.retinanet import RetinaNet
    from workbench.models.detection.ssd import SSD
    from workbench.models.detection.two_stage import TwoStageDetector
    from workbench.models.detection.yolo_v1 import YOLOv1

    for kind, name in ((YOLOv1, "yolo"), (SSD, "ssd"), (RetinaNet, "retinanet"), (FCOS, "fcos"),
                       (TwoStageDetector, "two_stage"), (RCNN, "rcnn")):
        if isinstance(model, kind):
            return name
    raise WorkbenchError(f"{getattr(model, 'name', model)!r} is not one of the workbench detectors; "
                         "per-box Grad-CAM needs to know which raw output made a box")


def candidate_layers(network, layer: str | None) -> list[str]:
    """``[layer]`` checked, or the backbone stage outputs (every 4-D layer when there are none)."""
    names = conv_layers(network)
    if layer is not None:
        if layer not in names:
            shown = ", ".join(names[-8:]) if names else "none"
            raise WorkbenchError(f"layer {layer!r} is not a 4-D feature map of {network.name!r}; "
                                 f"choose one of: {shown}")
        return [layer]
    stages = [n for n in names if _STAGE.search(n)]
    return stages or names


_PROBES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def probe(network, layers: tuple[str, ...]):
    """``x -> (features at layers, network outputs)`` in one pass (cached per network)."""
    import keras

    per_network = _PROBES.setdefault(network, {})
    if layers not in per_network:
        outputs = keras.tree.flatten(network.output)
        view = keras.Model(network.inputs, [network.get_layer(n).output for n in layers] + outputs,
                           name=f"{network.name}_box_probe")
        per_network[layers] = view
    view = per_network[layers]

    def run(x):
        flat = view(x, training=False)
        return flat[:len(layers)], keras.tree.pack_sequence_as(network.output, flat[len(layers):])
    return run


# ----------------------------------------------------------------------------- scores
def one_stage_scores(model, kind: str, outputs, index: int):
    """``(class score, box score)`` tensors of raw prediction ``index`` of image 0."""
    import tensorflow as tf

    classes = model.num_classes
    position, label = divmod(int(index), classes)
    if kind == "yolo":
        per_cell = model.boxes_per_cell
        cell, box = divmod(position, per_cell)
        row, col = divmod(cell, model.grid)
        raw = outputs[0, row, col]
        class_score = (tf.math.log_sigmoid(raw[5 * box + 4])
                       + tf.nn.log_softmax(raw[5 * per_cell:])[label])
        return class_score, tf.reduce_sum(raw[5 * box:5 * box + 4])
    if kind == "ssd":
        logits, deltas = outputs
        return logits[0, position, label + 1], tf.reduce_sum(deltas[0, position])
    if kind == "retinanet":
        logits, deltas = outputs
        return logits[0, position, label], tf.reduce_sum(deltas[0, position])
    logits, distances, _ = outputs  # FCOS
    return logits[0, position, label], tf.reduce_sum(distances[0, position])


def check_index(model, index: int, positions: int) -> None:
    if not 0 <= int(index) < positions * model.num_classes:
        raise WorkbenchError(f"raw prediction {index} is not one of the {positions} x "
                             f"{model.num_classes} outputs of {model.name}")


def _gradients(tape, scores, features):
    import tensorflow as tf

    grads = {}
    for target, score in zip(TARGETS, scores):
        # RoI pooling's gather can hand back IndexedSlices: made dense here
        grads[target] = [None if g is None else tf.convert_to_tensor(g).numpy()[0]
                         for g in tape.gradient(score, features)]
    return grads


def network_cams(model, kind: str, image: np.ndarray, index: int, layer: str | None):
    """Features and both gradients at every candidate layer of the image-wide network."""
    import tensorflow as tf

    layers = tuple(candidate_layers(model.network, layer))
    run = probe(model.network, layers)
    x = np.asarray(image, np.float32)[None]
    inputs = model.inputs_for(x) if hasattr(model, "inputs_for") else x  # Fast R-CNN: + proposals
    with tf.GradientTape(persistent=True) as tape:
        features, outputs = run(tf.constant(model.images_of(inputs)) if kind == "two_stage"
                                else tf.constant(x))
        if kind == "two_stage":
            proposals, _ = model.proposals(inputs, outputs)
            check_index(model, index, int(proposals.shape[1]))
            roi, label = divmod(int(index), model.num_classes)
            logits, deltas = model.pool_and_classify(outputs["features"], proposals[:, roi:roi + 1])
            scores = (logits[0, 0, label + 1], tf.reduce_sum(deltas[0, 0, label]))
        else:
            flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            positions = int(np.prod(flat[0].shape[1:-1])) * (model.boxes_per_cell if kind == "yolo" else 1)
            check_index(model, index, positions)
            scores = one_stage_scores(model, kind, outputs if kind != "yolo" else flat[0], index)
    grads = _gradients(tape, scores, features)
    del tape
    return layers, [f.numpy()[0] for f in features], grads, [float(s) for s in scores]


def deepest_with_gradient(layers, grads) -> int:
    """The last layer whose class gradient is not all zero (the map the box depends on)."""
    for k in range(len(layers) - 1, -1, -1):
        g = grads["class"][k]
        if g is not None and np.any(g != 0):
            return k
    return len(layers) - 1


def box_grad_cam(model, image: np.ndarray, index: int, layer: str | None = None,
                 weighting: str = "gradcam") -> BoxCams:
    """Grad-CAM of raw prediction ``index`` (``selected["indices"][k]``) on ``image``.

    ``image``: ``(H, W, 3)`` float in [0, 1] at the model's input size. Returns both maps
    at the image's size. ``weighting``: ``gradcam`` (channel means) or ``odam`` (per location).
    """
    kind = family(model)
    combine = weighting_function(weighting)
    label = int(index) % model.num_classes
    if kind == "rcnn":
        return rcnn_crop_cam(model, image, index, layer, combine)
    layers, features, grads, scores = network_cams(model, kind, image, index, layer)
    k = deepest_with_gradient(layers, grads) if layer is None else 0
    size = image.shape[:2]
    maps = {}
    for target in TARGETS:
        g = grads[target][k]
        g = np.zeros_like(features[k]) if g is None else g
        maps[target] = cam_result(combine(features[k], g), size, layer=layers[k])
    meaning = ("Grad-CAM on the image-wide feature map, proposals held fixed" if kind == "two_stage"
               else "Grad-CAM on the image-wide feature map")
    return BoxCams(maps, layers[k], int(index), label, meaning, dict(zip(TARGETS, scores)))


# ----------------------------------------------------------------------------- R-CNN
def dilated_box(model, box) -> np.ndarray:
    """The image region R-CNN warps for ``box``: the box plus its context (``warp_regions``)."""
    warp, context = model.settings["warp_size"], model.settings["context"]
    grow = context / max(warp - 2 * context, 1)
    box = np.asarray(box, np.float64)
    size = box[2:] - box[:2]
    return np.concatenate([box[:2] - size * grow, box[2:] + size * grow])


def paste_crop_map(cam: np.ndarray, region, image_size) -> np.ndarray:
    """A map over the crop of ``region`` (xyxy pixels) -> the image: cell ``(i, j)`` of the
    ``(h, w)`` map covers ``region`` split in ``h x w``; bilinear between cell centres,
    zero outside the region."""
    import cv2

    cam = np.asarray(cam, np.float32)
    height, width = (int(v) for v in image_size)
    x1, y1, x2, y2 = (float(v) for v in region)
    sx, sy = (x2 - x1) / cam.shape[1], (y2 - y1) / cam.shape[0]
    # cell centre j + 0.5 lands on x1 + (j + 0.5) sx; pixel centres are at i + 0.5
    matrix = np.array([[sx, 0.0, x1 + 0.5 * sx - 0.5], [0.0, sy, y1 + 0.5 * sy - 0.5]], np.float32)
    placed = cv2.warpAffine(cam, matrix, (width, height), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    inside = (xs >= x1) & (xs <= x2) & (ys >= y1) & (ys <= y2)
    return np.where(inside, placed, 0.0).astype(np.float32)


def rcnn_crop_cam(model, image: np.ndarray, index: int, layer: str | None,
                  combine=weighted_map) -> BoxCams:
    """R-CNN: Grad-CAM of the SVM margin (and summed box regression) on the proposal's warped crop."""
    import tensorflow as tf

    proposals = model.proposals(np.asarray(image, np.float32)[None])[0]
    check_index(model, index, len(proposals))
    roi, label = divmod(int(index), model.num_classes)
    crop = model.warp_regions(image[None], proposals[roi:roi + 1])
    layers = tuple(candidate_layers(model.network, layer))
    run = probe(model.network, layers)
    scale = float(model.feature_scale.numpy())
    with tf.GradientTape(persistent=True) as tape:
        features, outputs = run(tf.constant(crop))
        scaled = outputs["features"] * scale
        margin = tf.reduce_sum(scaled[0] * model.svm_kernel[:, label]) + model.svm_bias[label]
        span = slice(4 * label, 4 * label + 4)
        box = tf.reduce_sum(tf.linalg.matvec(tf.transpose(model.box_kernel[:, span]), scaled[0])
                            + model.box_bias[span])
    grads = _gradients(tape, (margin, box), features)
    del tape
    k = deepest_with_gradient(layers, grads) if layer is None else 0
    feats = features[k].numpy()[0]
    region = dilated_box(model, proposals[roi])
    maps = {}
    for target in TARGETS:
        g = grads[target][k]
        cam = combine(feats, np.zeros_like(feats) if g is None else g)
        maps[target] = cam_result(paste_crop_map(cam, region, image.shape[:2]), image.shape[:2],
                                  layer=layers[k], crop_cam=cam, region=[float(v) for v in region])
    meaning = ("Grad-CAM on the proposal's warped crop (R-CNN runs its CNN per crop), placed back "
               "over the crop's region of the image; zero outside it")
    return BoxCams(maps, layers[k], int(index), label, meaning,
                   {"class": float(margin), "box": float(box)})
