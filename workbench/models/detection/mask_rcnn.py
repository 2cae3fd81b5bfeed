"""Mask R-CNN: Faster R-CNN plus a mask branch, with RoIAlign instead of RoIPool.

He, Gkioxari, Dollar & Girshick, "Mask R-CNN", ICCV 2017. For every RoI a small fully
convolutional head predicts one ``m x m`` binary mask per class (28x28 from a 14x14
RoIAlign in the paper); the loss is the per-pixel sigmoid cross-entropy of the mask of
the RoI's true class only, so classes do not compete for pixels (the classification
branch decides the class). At test time the mask head runs on the final boxes and the
mask of the predicted class is resized into its box and pasted into the image. RoIAlign
(bilinear sampling, no rounding) keeps the pixel-to-pixel alignment masks need;
``roi_op=roi_pool`` swaps in RoIPool to see the difference.
"""

from __future__ import annotations

import keras

from workbench.errors import WorkbenchError
from workbench.models.detection.faster_rcnn import FasterRCNN, build_network_and_head
from workbench.models.detection.two_stage import build_mask_head


@keras.saving.register_keras_serializable(package="workbench")
class MaskRCNN(FasterRCNN):
    """Faster R-CNN with a per-class mask head; candidates carry ``masks`` ``(K, H, W)``."""

    loss_names = ("loss", "rpn_obj", "rpn_box", "cls", "box", "mask")

    def __init__(self, network, head, mask_head=None, class_names=(), settings=None, **kwargs):
        if mask_head is None:
            raise WorkbenchError("Mask R-CNN needs its mask head")
        super().__init__(network, head, mask_head, class_names, settings, **kwargs)


def build_mask_rcnn(hp: dict, info) -> MaskRCNN:
    """Mask R-CNN for ``info``'s images and classes (catalog entry ``mask_rcnn``)."""
    network, head, class_names, settings = build_network_and_head(hp, info, "Mask R-CNN")
    size = int(hp.get("mask_pooled_size", 14))
    if size < 2:
        raise WorkbenchError(f"mask_pooled_size={size} must be at least 2")
    settings["mask_pooled_size"] = size
    channels = int(network.output["features"].shape[-1])
    mask_head = build_mask_head(size, channels, len(class_names), int(hp.get("mask_filters", 32)),
                                int(hp.get("mask_convs", 2)), hp.get("activation", "relu"))
    return MaskRCNN(network, head, mask_head, class_names, settings, name="mask_rcnn")
