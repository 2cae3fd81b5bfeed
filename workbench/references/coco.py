"""The workbench's COCO metrics against pycocotools' COCOeval on one fixed detection set.

The set is synthetic and generated from fixed seeds (no download): shapes of small,
medium and large sizes, detections that miss some objects, shift the others, add false
alarms and tie their rounded scores, the cases where a re-implementation goes wrong.
"""

from __future__ import annotations

import contextlib
import copy
import io

import numpy as np

#: COCOeval.stats in its order.
STATS = ("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")
#: Both sides round nothing; only float summation order differs.
TOLERANCE = 1e-6


def fixed_set(iou_type: str = "bbox") -> tuple[dict, list]:
    """``(ground truth, detections)`` in COCO form, the same on every machine."""
    from workbench.data.shapes import make_shapes
    from workbench.detection.cocoeval_json import detections_to_coco

    data = make_shapes(12, 200, max_objects=5, seed=7, min_size=6, max_size=150)
    rng = np.random.default_rng(7)
    boxes, scores, labels, masks = [], [], [], []
    for i, (b, lab) in enumerate(zip(data.boxes, data.labels)):
        keep = rng.random(len(b)) > 0.2  # about one object in five missed
        shift = rng.integers(-3, 4, (int(keep.sum()), 2))
        found = b[keep] + np.tile(shift, 2)
        alarm = np.array([[10.0, 10.0, 40.0, 30.0]])  # a false alarm in every image
        boxes.append(np.concatenate([found, alarm]).astype(np.float32))
        labels.append(np.concatenate([lab[keep], [0]]))
        scores.append(rng.random(len(found) + 1).round(1))  # rounded: ties across images
        if iou_type == "segm":
            moved = [np.roll(np.roll(m, dy, 0), dx, 1) for m, (dx, dy) in zip(data.masks[i][keep], shift)]
            false = np.zeros(data.masks[i].shape[1:], bool)
            false[10:30, 10:40] = True
            masks.append(np.array(moved + [false]))
    detections = detections_to_coco(data.image_ids, boxes, scores, labels, masks if iou_type == "segm" else None)
    return data.to_coco(), detections


def cocoeval_stats(gt: dict, dt: list, iou_type: str) -> list[float]:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):  # COCOeval prints its table
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(gt)
        coco_gt.createIndex()
        evaluator = COCOeval(coco_gt, coco_gt.loadRes(copy.deepcopy(dt)), iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return [float(v) for v in evaluator.stats]


def check(name: str, reference) -> dict:
    from workbench.detection.metrics import coco_evaluate

    gt, dt = fixed_set(reference.iou_type)
    theirs = cocoeval_stats(gt, dt, reference.iou_type)
    mine = coco_evaluate(gt, dt, reference.iou_type)
    worst, worst_key = max((abs(float(mine[k]) - t), k) for k, t in zip(STATS, theirs))
    ok = worst <= TOLERANCE
    if ok:
        detail = f"all 12 COCO {reference.iou_type} numbers equal pycocotools' (largest difference {worst:.1e})"
    else:
        detail = (f"COCO {worst_key} is {float(mine[worst_key]):.6f} but pycocotools gives "
                  f"{theirs[STATS.index(worst_key)]:.6f}")
    return {"expected": round(theirs[0], 6), "measured": round(float(mine["AP"]), 6), "ok": ok, "detail": detail,
            "stats": {k: [round(float(mine[k]), 6), round(t, 6)] for k, t in zip(STATS, theirs)}}
