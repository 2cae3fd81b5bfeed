"""The study notes' detection figures: average recall, the notes' AP recipe, and TP / FP / FN
against the confidence threshold.

* ``average_recall``: for each IoU threshold 0.50, 0.55, ..., 0.95 the share of true
  boxes found, averaged over the ten thresholds, per class and over the classes (Hosang
  et al., "What makes for effective detection proposals?", 2016). Detections are matched
  as COCOeval matches them (ranked by score, each takes the best still unmatched true
  box with IoU >= t), so on a set without crowd boxes and with at most 100 detections
  per image the mean equals pycocotools' ``AR100``.
* ``notes_ap``: the notes' recipe (001 物体検出): IoU fixed at 0.5, the confidence
  threshold swept 0.05, 0.10, ..., 0.95; at each threshold the kept detections of one
  class are matched in score order, a detection whose best true box exceeds IoU 0.5 is a
  TP unless that object was already found (then, although above both thresholds, it is
  a FP: a duplicate); precision and recall per threshold give the PR points and AP is the
  area under them, ``sum (R_k - R_(k+1)) * P_k`` from the highest threshold down.
  Unlike the VOC devkit's all-point AP it samples only 19 operating points (every
  detection's score is one in VOC), drops detections scoring under 0.05, and does not
  replace precision by its monotone envelope. Boxes marked difficult neither count nor
  penalise, as in VOC.
* ``tp_fp_fn``: the same table summed over classes: how many true positives, false
  positives and missed objects each threshold leaves.
"""

from __future__ import annotations

import numpy as np

from workbench.detection.boxes import iou
from workbench.detection.metrics import COCO_IOU_THRESHOLDS, _detections, _ground_truth
from workbench.errors import WorkbenchError

#: The notes' confidence thresholds 0.05, 0.10, ..., 0.95 (rounded so they print and key well).
NOTES_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))
NOTES_IOU = 0.5


def _inputs(detections, ground_truth, class_names):
    dets, gts = _detections(detections), _ground_truth(ground_truth)
    if len(dets) != len(gts):
        raise WorkbenchError(f"{len(dets)} images of detections but {len(gts)} of ground truth")
    if class_names is None:
        class_names = getattr(ground_truth, "class_names", None)
    if class_names is None:
        labels = [lab for _, labs, _ in gts for lab in labs]
        class_names = tuple(str(c) for c in range(max(labels) + 1)) if labels else ()
    return dets, gts, tuple(class_names)


def _groups(dets, gts):
    """Per image and class: detection boxes best score first, their scores, true boxes and
    their difficult flags (one pass; a large set is matched group by group)."""
    for image, ((boxes, scores, labels), (t_boxes, t_labels, difficult)) in enumerate(zip(dets, gts)):
        for class_id in np.union1d(labels, t_labels).tolist():
            mine = labels == class_id
            order = np.argsort(-scores[mine], kind="stable")
            truth = t_labels == class_id
            yield (image, int(class_id), boxes[mine][order], scores[mine][order], t_boxes[truth],
                   difficult[truth])


# --- average recall ----------------------------------------------------------------------

def _found(overlaps, thresholds) -> np.ndarray:
    """COCO's greedy matching in one image: per IoU threshold, the true boxes found."""
    taken = np.zeros((len(thresholds), overlaps.shape[1]), bool)  # all thresholds at once
    every = np.arange(len(thresholds))
    for row in overlaps:
        free = np.where(taken, -1.0, row[None, :])
        best = free.argmax(1)
        hit = free[every, best] >= thresholds
        taken[every[hit], best[hit]] = True
    return taken.sum(1).astype(np.float64)


def average_recall(detections, ground_truth, class_names=None, max_per_image: int = 100,
                   iou_thresholds=COCO_IOU_THRESHOLDS) -> dict:
    """Recall averaged over IoU 0.50:0.95: ``{"mean", "per_class", "per_iou"}``.

    ``per_class[name]`` is the class's AR (nan without true boxes), ``mean`` their mean
    over classes with boxes, ``per_iou`` the mean-over-classes recall at each threshold.
    """
    if max_per_image < 1:
        raise WorkbenchError(f"max_per_image {max_per_image} must be 1 or more")
    dets, gts, names = _inputs(detections, ground_truth, class_names)
    thresholds = np.asarray(iou_thresholds, np.float64)
    found = np.zeros((len(names), len(thresholds)))
    positives = np.zeros(len(names))
    for _, class_id, boxes, _, truth, difficult in _groups(dets, gts):
        if class_id >= len(names):
            continue
        truth = truth[~difficult]
        positives[class_id] += len(truth)
        if len(truth) and len(boxes):  # COCO: the best max_per_image of a class per image
            found[class_id] += _found(iou(boxes[:max_per_image], truth), thresholds)
    per_class, curves = {}, []
    for class_id, name in enumerate(names):
        if not positives[class_id]:
            per_class[name] = float("nan")
            continue
        recall = found[class_id] / positives[class_id]
        per_class[name] = float(recall.mean())
        curves.append(recall)
    return {"mean": float(np.mean([r.mean() for r in curves])) if curves else float("nan"),
            "per_class": per_class,
            "per_iou": {f"{t:.2f}": float(v) for t, v in
                        zip(thresholds, np.mean(curves, 0) if curves else np.full(len(thresholds),
                                                                                  np.nan))}}


# --- the notes' AP recipe ----------------------------------------------------------------

def _outcomes(overlaps, difficult, iou_threshold) -> np.ndarray:
    """Per detection (best score first): 1 true positive, 0 false positive, -1 ignored.

    A detection's object is its best-overlapping true box; above the IoU threshold the
    first detection of an object is a TP and every later one a duplicate, so a FP."""
    outcome = np.zeros(len(overlaps), np.int64)
    if not overlaps.size:
        return outcome
    best = overlaps.argmax(1)
    over = overlaps[np.arange(len(best)), best] > iou_threshold
    outcome[over & difficult[best]] = -1  # VOC: difficult objects neither count nor penalise
    hits = np.flatnonzero(over & ~difficult[best])
    _, first = np.unique(best[hits], return_index=True)
    outcome[hits[first]] = 1
    return outcome


def _scored(dets, gts, iou_threshold, classes: int):
    """Per class: the scores and outcomes of its detections, and its true boxes counted."""
    scores = [[] for _ in range(classes)]
    outcomes = [[] for _ in range(classes)]
    positives = np.zeros(classes, np.int64)
    for _, class_id, boxes, found, truth, difficult in _groups(dets, gts):
        if class_id >= classes:
            continue
        positives[class_id] += int(np.count_nonzero(~difficult))
        overlaps = iou(boxes, truth) if len(boxes) and len(truth) else np.zeros((len(boxes), 0))
        scores[class_id].append(found)
        outcomes[class_id].append(_outcomes(overlaps, difficult, iou_threshold))
    return ([np.concatenate(s) if s else np.zeros(0) for s in scores],
            [np.concatenate(o) if o else np.zeros(0, np.int64) for o in outcomes], positives)


def _check_thresholds(thresholds, iou_threshold) -> list[float]:
    thresholds = [float(t) for t in thresholds]
    if not thresholds or any(not 0.0 <= t <= 1.0 for t in thresholds) \
            or not 0.0 <= iou_threshold <= 1.0:
        raise WorkbenchError("confidence and IoU thresholds must lie in [0, 1]")
    return thresholds


def _rows(scores, outcome, positives, thresholds) -> list[dict]:
    rows = []
    for t in thresholds:
        kept = scores >= t - 1e-12
        tp = int(np.count_nonzero(kept & (outcome == 1)))
        fp = int(np.count_nonzero(kept & (outcome == 0)))
        rows.append({"threshold": t, "tp": tp, "fp": fp, "fn": int(positives) - tp,
                     "precision": tp / (tp + fp) if tp + fp else float("nan"),
                     "recall": tp / positives if positives else float("nan")})
    return rows


def threshold_table(detections, ground_truth, class_id: int = 0,
                    thresholds=NOTES_THRESHOLDS, iou_threshold: float = NOTES_IOU) -> list[dict]:
    """One row per confidence threshold: ``threshold, tp, fp, fn, precision, recall``.

    Precision is nan where no detection is kept (nothing to be precise about).
    """
    thresholds = _check_thresholds(thresholds, iou_threshold)
    dets, gts, _ = _inputs(detections, ground_truth, None)
    scores, outcomes, positives = _scored(dets, gts, iou_threshold, int(class_id) + 1)
    return _rows(scores[class_id], outcomes[class_id], positives[class_id], thresholds)


def area_under_table(rows) -> float:
    """``sum (R_k - R_(k+1)) * P_k`` over the rows taken from the highest threshold down
    (recall 0 above the highest): the area under the sampled PR points, no envelope."""
    ordered = sorted(rows, key=lambda r: -r["threshold"])
    area, previous = 0.0, 0.0
    for row in ordered:
        if np.isnan(row["recall"]):
            return float("nan")
        step = row["recall"] - previous
        if step > 0:
            area += step * row["precision"]
        previous = max(previous, row["recall"])
    return float(area)


def notes_ap(detections, ground_truth, class_names=None, thresholds=NOTES_THRESHOLDS,
             iou_threshold: float = NOTES_IOU) -> dict:
    """The notes' AP per class and their mean: ``{"mAP", "per_class", "tables"}``."""
    thresholds = _check_thresholds(thresholds, iou_threshold)
    dets, gts, names = _inputs(detections, ground_truth, class_names)
    scores, outcomes, positives = _scored(dets, gts, iou_threshold, len(names))
    per_class, tables = {}, {}
    for class_id, name in enumerate(names):
        rows = _rows(scores[class_id], outcomes[class_id], positives[class_id], thresholds)
        tables[name] = rows
        per_class[name] = area_under_table(rows)
    present = [v for v in per_class.values() if not np.isnan(v)]
    return {"mAP": float(np.mean(present)) if present else float("nan"), "per_class": per_class,
            "tables": tables, "iou_threshold": float(iou_threshold),
            "thresholds": [float(t) for t in thresholds]}


def tp_fp_fn(tables: dict) -> dict:
    """``{threshold: {"tp", "fp", "fn"}}`` summed over the classes of ``notes_ap``'s tables."""
    total: dict = {}
    for rows in tables.values():
        for row in rows:
            cell = total.setdefault(f"{row['threshold']:.2f}", {"tp": 0, "fp": 0, "fn": 0})
            for key in ("tp", "fp", "fn"):
                cell[key] += int(row[key])
    return total


def summarize(ground_truth, detections) -> dict:
    """Average recall, the notes' AP with its tables, and TP / FP / FN per threshold."""
    recall = average_recall(detections, ground_truth)
    recipe = notes_ap(detections, ground_truth)
    return {"average_recall": recall, "notes_ap": recipe, "tp_fp_fn": tp_fp_fn(recipe["tables"])}


def _number(value):
    value = float(value)
    return None if np.isnan(value) else value


def summary_json(summary: dict) -> dict:
    """``summarize``'s figures for ``evaluate --json`` (nan, "nothing to measure", as null)."""
    recall, recipe = summary["average_recall"], summary["notes_ap"]
    return {
        "average_recall": {"mean": _number(recall["mean"]),
                           "per_class": {k: _number(v) for k, v in recall["per_class"].items()},
                           "per_iou": {k: _number(v) for k, v in recall["per_iou"].items()}},
        "notes_ap": {"mAP": _number(recipe["mAP"]), "iou_threshold": recipe["iou_threshold"],
                     "per_class": {k: _number(v) for k, v in recipe["per_class"].items()},
                     "tables": {name: [{**row, "precision": _number(row["precision"]),
                                        "recall": _number(row["recall"])} for row in rows]
                                for name, rows in recipe["tables"].items()}},
        "tp_fp_fn": summary["tp_fp_fn"],
    }
