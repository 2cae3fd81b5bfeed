"""Semantic segmentation scores: the confusion matrix, per-class IoU and mean IoU.

For class ``c``, ``IoU_c = TP / (TP + FP + FN)`` counted in pixels over the whole set
(the Jaccard index of the predicted and true regions); mean IoU averages it over the
classes that occur in the prediction or the ground truth (Long, Shelhamer & Darrell,
"Fully Convolutional Networks for Semantic Segmentation", CVPR 2015, section 5).
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError


def confusion_matrix(pred, gt, num_classes: int) -> np.ndarray:
    """``(C, C)`` pixel counts: row = true class, column = predicted class."""
    pred, gt = np.asarray(pred), np.asarray(gt)
    if pred.shape != gt.shape:
        raise WorkbenchError(f"predicted map shape {pred.shape} differs from ground truth {gt.shape}")
    if num_classes < 1:
        raise WorkbenchError(f"num_classes {num_classes} must be at least 1")
    pred, gt = pred.astype(np.int64).ravel(), gt.astype(np.int64).ravel()
    for name, values in (("predicted", pred), ("true", gt)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise WorkbenchError(f"{name} class ids span {values.min()}..{values.max()}, outside "
                                 f"0..{num_classes - 1}")
    return np.bincount(gt * num_classes + pred, minlength=num_classes ** 2).reshape(
        num_classes, num_classes)


def per_class_iou(pred, gt, num_classes: int) -> np.ndarray:
    """IoU of each class; ``nan`` for a class absent from both prediction and truth."""
    matrix = confusion_matrix(pred, gt, num_classes).astype(np.float64)
    true_positive = np.diag(matrix)
    union = matrix.sum(axis=0) + matrix.sum(axis=1) - true_positive
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, true_positive / np.where(union > 0, union, 1), np.nan)


def mean_iou(pred, gt, num_classes: int) -> float:
    """Mean of ``per_class_iou`` over the classes present in ``pred`` or ``gt``."""
    ious = per_class_iou(pred, gt, num_classes)
    return float(np.nanmean(ious)) if np.isfinite(ious).any() else 0.0


def pixel_accuracy(pred, gt) -> float:
    """Fraction of pixels whose predicted class is right."""
    pred, gt = np.asarray(pred), np.asarray(gt)
    if pred.shape != gt.shape:
        raise WorkbenchError(f"predicted map shape {pred.shape} differs from ground truth {gt.shape}")
    return float(np.mean(pred == gt)) if gt.size else 0.0
