"""YOLO v1: detection as one regression from the image to an S x S grid of boxes.

Redmon, Divvala, Girshick & Farhadi, "You Only Look Once: Unified, Real-Time Object
Detection" (CVPR 2016). The image is divided into an ``S x S`` grid; the cell holding an
object's centre is responsible for it. Each cell predicts ``B`` boxes ``(x, y, sqrt w,
sqrt h, confidence)`` and one set of ``C`` class probabilities; the confidence is trained
towards ``Pr(Object) x IoU(pred, truth)``, and at test time the class-specific score of a
box is ``Pr(Class | Object) x confidence``. In the paper a convolutional backbone is
followed by fully connected layers (``head="fc"``), so any ``S`` works on any image size;
but those give every cell its own weights, which thousands of images must train: on
shapes they overfit (1,000 images: train mAP 0.65, held-out 0.13; the default 160 with
dropout 0.5 and 12 augmented copies each: held-out 0.20). The default ``head="conv"``
computes the same grid with convolutions shared by all cells, as YOLO v2 did, and
reaches held-out mAP 0.9+ from the default data.

The three-part sum-squared loss: coordinates of the responsible box (weighted by
``lambda_coord = 5``, with square roots of width and height so an error on a small box
costs more), confidence of responsible boxes towards their IoU and of all other boxes
towards 0 (weighted by ``lambda_noobj = 0.5``), and class probabilities of cells that
hold an object. Box centres, root sizes and confidences go through a logistic (as in
YOLO v2), which keeps the square roots defined and the early training stable.
"""

from __future__ import annotations

import numpy as np
import keras
from keras import layers, ops

from workbench.detection.boxes import pairwise_iou_tf
from workbench.errors import WorkbenchError
from workbench.models.detection.backbones import backbone_options, conv_backbone
from workbench.models.detection.base import Detector, check_detection_info


@keras.saving.register_keras_serializable(package="workbench")
class YOLOv1(Detector):
    """The YOLO v1 grid detector (``settings``: grid, boxes_per_cell, lambda_coord, lambda_noobj)."""

    loss_names = ("loss", "coord", "obj", "noobj", "class")

    @property
    def grid(self) -> int:
        return int(self.settings["grid"])

    @property
    def boxes_per_cell(self) -> int:
        return int(self.settings["boxes_per_cell"])

    # --- targets ---------------------------------------------------------------------

    def encode_targets(self, boxes_list, labels_list, masks_list=None):
        """``(N, S, S, 5 + C)``: object flag, centre offset in the cell, sqrt of the
        relative size, one-hot class. A cell holding two centres keeps the larger object."""
        s, (height, width) = self.grid, self.image_size
        targets = np.zeros((len(boxes_list), s, s, 5 + self.num_classes), np.float32)
        for i, (boxes, labels) in enumerate(zip(boxes_list, labels_list)):
            boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
            sizes = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
            for k in np.argsort(sizes):  # smaller first, so the larger overwrites
                x1, y1, x2, y2 = boxes[k]
                gx, gy = (x1 + x2) / 2 / width * s, (y1 + y2) / 2 / height * s
                col, row = min(int(gx), s - 1), min(int(gy), s - 1)
                targets[i, row, col, :5] = (1.0, gx - col, gy - row,
                                            np.sqrt(max(x2 - x1, 0) / width),
                                            np.sqrt(max(y2 - y1, 0) / height))
                targets[i, row, col, 5:] = 0.0
                targets[i, row, col, 5 + int(labels[k])] = 1.0
        return targets

    def decode_targets(self, targets) -> list[dict]:
        """Inverse of ``encode_targets``: per image ``boxes`` (xyxy pixels) and ``labels``."""
        s, (height, width) = self.grid, self.image_size
        results = []
        for target in np.asarray(targets):
            rows, cols = np.nonzero(target[..., 0] > 0.5)
            cell = target[rows, cols]
            cx, cy = (cols + cell[:, 1]) / s * width, (rows + cell[:, 2]) / s * height
            w, h = cell[:, 3] ** 2 * width, cell[:, 4] ** 2 * height
            results.append({"boxes": np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
                                              -1).astype(np.float32).reshape(-1, 4),
                            "labels": np.argmax(cell[:, 5:], -1).astype(np.int64)})
        return results

    # --- loss ------------------------------------------------------------------------

    def _split(self, outputs):
        """Raw ``(N, S, S, 5B + C)`` -> xy, sqrt wh, confidence ``(N, S, S, B, .)``, class probs."""
        b = self.boxes_per_cell
        raw = ops.reshape(outputs[..., :5 * b], (-1, self.grid, self.grid, b, 5))
        xy, sqrt_wh = ops.sigmoid(raw[..., 0:2]), ops.sigmoid(raw[..., 2:4])
        confidence = ops.sigmoid(raw[..., 4])
        return xy, sqrt_wh, confidence, ops.softmax(outputs[..., 5 * b:], axis=-1)

    def _corners(self, xy, sqrt_wh):
        """Cell-relative centre and root size -> image-relative ``[x1, y1, x2, y2]``."""
        s = self.grid
        cols = ops.reshape(ops.arange(s, dtype="float32"), (1, 1, s, 1))
        rows = ops.reshape(ops.arange(s, dtype="float32"), (1, s, 1, 1))
        cx, cy = (xy[..., 0] + cols) / s, (xy[..., 1] + rows) / s
        w, h = ops.square(sqrt_wh[..., 0]), ops.square(sqrt_wh[..., 1])
        return ops.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)

    def compute_losses(self, y, outputs):
        outputs = ops.cast(outputs, "float32")
        y = ops.cast(y, "float32")
        xy, sqrt_wh, confidence, class_probs = self._split(outputs)
        has_object = y[..., 0]
        true_xy, true_sqrt_wh = y[..., None, 1:3], y[..., None, 3:5]
        ious = pairwise_iou_tf(self._corners(xy, sqrt_wh), self._corners(true_xy, true_sqrt_wh))
        # The predictor with the highest IoU is "responsible" for the object.
        responsible = ops.one_hot(ops.argmax(ious, axis=-1), self.boxes_per_cell) * has_object[..., None]
        batch = ops.cast(ops.shape(outputs)[0], "float32")
        coord = ops.sum(responsible * (ops.sum(ops.square(xy - true_xy), -1)
                                       + ops.sum(ops.square(sqrt_wh - true_sqrt_wh), -1)))
        obj = ops.sum(responsible * ops.square(confidence - ops.stop_gradient(ious)))
        noobj = ops.sum((1.0 - responsible) * ops.square(confidence))
        classes = ops.sum(has_object * ops.sum(ops.square(class_probs - y[..., 5:]), -1))
        parts = {"coord": float(self.settings["lambda_coord"]) * coord / batch, "obj": obj / batch,
                 "noobj": float(self.settings["lambda_noobj"]) * noobj / batch,
                 "class": classes / batch}
        parts["loss"] = parts["coord"] + parts["obj"] + parts["noobj"] + parts["class"]
        return parts

    # --- candidates ------------------------------------------------------------------

    def decode(self, outputs) -> list[dict]:
        """Every box x every class, scored ``Pr(Class | Object) x confidence``."""
        xy, sqrt_wh, confidence, class_probs = (np.asarray(t) for t in self._split(outputs))
        corners = np.asarray(self._corners(xy, sqrt_wh))
        height, width = self.image_size
        scale = np.array([width, height, width, height], np.float32)
        results = []
        for i in range(len(outputs)):
            boxes = corners[i].reshape(-1, 4) * scale  # (S*S*B, 4)
            scores = (confidence[i][..., None] * class_probs[i][:, :, None, :]).reshape(
                -1, self.num_classes)  # (S*S*B, C)
            count = len(boxes)
            results.append(self.top_candidates(
                np.repeat(boxes, self.num_classes, axis=0), scores.reshape(-1),
                np.tile(np.arange(self.num_classes), count)))
        return results


def _fully_connected_head(features, grid: int, depth: int, hp: dict):
    """The paper's head: flatten, a fully connected layer (leaky ReLU), then ``S*S*(5B + C)``
    numbers from a second one. Every cell's output has its own weights, so each position of
    an object must be seen in training: it needs thousands of images (VOC's 16k in the paper)."""
    x = layers.Flatten(name="yolo_flatten")(features)
    x = layers.Dense(int(hp.get("hidden", 64)), name="yolo_fc1")(x)
    x = layers.LeakyReLU(0.1, name="yolo_fc1_leaky")(x)  # the paper's leaky rectifier
    if hp.get("dropout", 0.0):
        x = layers.Dropout(float(hp["dropout"]), name="yolo_fc1_dropout")(x)
    x = layers.Dense(grid * grid * depth, name="yolo_predictions")(x)
    return layers.Reshape((grid, grid, depth), name="yolo_grid")(x)


def _convolutional_head(features, grid: int, depth: int, hp: dict):
    """The same ``S x S x (5B + C)`` output from convolutions over the last map (brought to
    ``S x S`` when its side differs), as YOLO v2 replaced v1's fully connected layers: the
    weights are shared by all cells, so an object learnt in one place is found in every
    other, and a few hundred images are enough. The loss and decoding stay v1's."""
    x = features
    if tuple(x.shape[1:3]) != (grid, grid):
        x = layers.Resizing(grid, grid, interpolation="bilinear", name="yolo_to_grid")(x)
    x = layers.Conv2D(int(hp.get("hidden", 64)), 3, padding="same", name="yolo_conv1")(x)
    x = layers.LeakyReLU(0.1, name="yolo_conv1_leaky")(x)
    if hp.get("dropout", 0.0):
        x = layers.Dropout(float(hp["dropout"]), name="yolo_conv1_dropout")(x)
    return layers.Conv2D(depth, 1, name="yolo_grid")(x)


def build_yolo_v1(hp: dict, info) -> YOLOv1:
    """YOLO v1 for ``info``'s images: backbone, fully connected layers, ``S x S x (5B + C)``."""
    image_size, class_names = check_detection_info(info, "YOLO v1")
    grid, per_cell = int(hp.get("grid", 8)), int(hp.get("boxes_per_cell", 2))
    if grid < 1 or per_cell < 1:
        raise WorkbenchError(f"YOLO needs grid >= 1 and boxes_per_cell >= 1, got grid={grid}, "
                             f"boxes_per_cell={per_cell}")
    levels = int(hp.get("levels", 3))
    if min(image_size) < 2 ** levels:
        raise WorkbenchError(f"levels={levels} halves the {image_size[0]}x{image_size[1]} image "
                             "below one pixel")
    inputs = keras.Input(shape=info.input_shape, name="input")
    features = conv_backbone(inputs, levels, int(hp.get("width", 16)), name="yolo_backbone",
                             **backbone_options(hp))[levels]
    depth = 5 * per_cell + len(class_names)
    head = hp.get("head", "conv")
    if head == "fc":
        outputs = _fully_connected_head(features, grid, depth, hp)
    elif head == "conv":
        outputs = _convolutional_head(features, grid, depth, hp)
    else:
        raise WorkbenchError(f"head={head!r} must be fc or conv")
    network = keras.Model(inputs, outputs, name="yolo_v1_network")
    settings = {"grid": grid, "boxes_per_cell": per_cell,
                "lambda_coord": float(hp.get("lambda_coord", 5.0)),
                "lambda_noobj": float(hp.get("lambda_noobj", 0.5)),
                "max_candidates": int(hp.get("max_candidates", 1000))}
    return YOLOv1(network, class_names, settings, name="yolo_v1")
