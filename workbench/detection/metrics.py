"""Detection metrics: precision/recall, VOC AP and mAP, COCO AP, inference speed.

* ``precision_recall`` and ``average_precision`` follow the Pascal VOC devkit
  (Everingham et al., "The PASCAL Visual Object Classes Challenge", IJCV 2010): detections
  of one class are ranked by score, each is a true positive when its IoU with a still
  unmatched true box exceeds the threshold, and AP is the area under the interpolated
  PR curve ("all_point", VOC2010+) or its mean at 11 recall levels ("11_point", VOC2007).
* ``coco_evaluate`` re-implements the algorithm of pycocotools' ``COCOeval`` (Lin et al.,
  "Microsoft COCO", 2014): greedy matching per image and class at ten IoU thresholds
  0.50:0.05:0.95, crowd regions that absorb detections, area ranges (small < 32^2 <
  medium < 96^2 < large) and 1/10/100 detections per image, precision interpolated at 101
  recall points. It gives the same numbers as ``COCOeval`` without importing pycocotools.

Per-image detections are ``{"boxes": (k, 4) xyxy, "scores": (k,), "labels": (k,)}`` dicts
or ``(boxes, scores, labels)`` tuples; ground truth is a ``DetectionData`` or per-image
``{"boxes", "labels", optional "difficult"}`` dicts / ``(boxes, labels)`` tuples.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

from workbench.detection.boxes import as_boxes, iou
from workbench.errors import WorkbenchError

#: COCOeval's defaults, built the same way so the IoU thresholds compare equal.
COCO_IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1,
                                  endpoint=True)
COCO_RECALL_THRESHOLDS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1,
                                     endpoint=True)
COCO_MAX_DETS = (1, 10, 100)
COCO_AREA_RANGES = {"all": (0.0, 1e10), "small": (0.0, 32.0 ** 2),
                    "medium": (32.0 ** 2, 96.0 ** 2), "large": (96.0 ** 2, 1e10)}


# --- inputs ------------------------------------------------------------------------------

def _detections(per_image) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    out = []
    for i, det in enumerate(per_image):
        if isinstance(det, dict):
            det = (det.get("boxes", ()), det.get("scores", ()), det.get("labels", ()))
        boxes, scores, labels = det
        boxes = as_boxes(boxes, f"detection boxes of image {i}")
        scores = np.asarray(scores, np.float64).reshape(-1)
        labels = np.asarray(labels, np.int64).reshape(-1)
        if not len(boxes) == len(scores) == len(labels):
            raise WorkbenchError(f"image {i} has {len(boxes)} detection boxes, {len(scores)} "
                                 f"scores and {len(labels)} labels")
        out.append((boxes, scores, labels))
    return out


def _ground_truth(truth) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    if hasattr(truth, "boxes") and hasattr(truth, "labels"):  # DetectionData
        flags = getattr(truth, "difficult", None)
        truth = [{"boxes": b, "labels": lab, "difficult": None if flags is None else flags[i]}
                 for i, (b, lab) in enumerate(zip(truth.boxes, truth.labels))]
    out = []
    for i, gt in enumerate(truth):
        difficult = None
        if isinstance(gt, dict):
            difficult = gt.get("difficult")
            gt = (gt.get("boxes", ()), gt.get("labels", ()))
        boxes = as_boxes(gt[0], f"true boxes of image {i}")
        labels = np.asarray(gt[1], np.int64).reshape(-1)
        difficult = (np.zeros(len(boxes), bool) if difficult is None
                     else np.asarray(difficult, bool).reshape(-1))
        if not len(boxes) == len(labels) == len(difficult):
            raise WorkbenchError(f"image {i} has {len(boxes)} true boxes but {len(labels)} labels")
        out.append((boxes, labels, difficult))
    return out


# --- Pascal VOC --------------------------------------------------------------------------

def precision_recall(detections, ground_truth, iou_threshold: float = 0.5, class_id: int = 0):
    """Precision and recall after each detection of ``class_id``, ranked by score.

    Returns ``(precision, recall, scores)``, one entry per detection: entry ``j`` is the
    precision and recall when every detection scoring at least ``scores[j]`` is kept, so
    the arrays are the PR curve swept over the confidence threshold. A detection is a
    true positive when its best IoU with a true box of its image exceeds
    ``iou_threshold`` and that box is not yet taken; boxes marked difficult neither count
    nor penalise (VOC).
    """
    if not 0.0 <= iou_threshold <= 1.0:
        raise WorkbenchError(f"iou_threshold {iou_threshold} must be in [0, 1]")
    dets, gts = _detections(detections), _ground_truth(ground_truth)
    if len(dets) != len(gts):
        raise WorkbenchError(f"{len(dets)} images of detections but {len(gts)} of ground truth")
    positives = sum(int(np.count_nonzero((labels == class_id) & ~difficult))
                    for _, labels, difficult in gts)
    entries = [(score, i, box) for i, (boxes, scores, labels) in enumerate(dets)
               for box, score, label in zip(boxes, scores, labels) if label == class_id]
    order = np.argsort([-e[0] for e in entries], kind="stable")
    taken = [np.zeros(int(np.count_nonzero(labels == class_id)), bool) for _, labels, _ in gts]
    tp, fp = np.zeros(len(entries)), np.zeros(len(entries))
    for rank, j in enumerate(order):
        _, image, box = entries[j]
        gt_boxes, gt_labels, gt_difficult = gts[image]
        mine = gt_labels == class_id
        overlaps = iou(box[None], gt_boxes[mine])[0] if mine.any() else np.zeros(0)
        best = int(np.argmax(overlaps)) if overlaps.size else -1
        if best >= 0 and overlaps[best] > iou_threshold:
            if gt_difficult[mine][best]:
                continue  # neither true nor false positive
            if not taken[image][best]:
                tp[rank], taken[image][best] = 1, True
            else:
                fp[rank] = 1
        else:
            fp[rank] = 1
    kept = (tp + fp) > 0
    tp, fp = np.cumsum(tp[kept]), np.cumsum(fp[kept])
    scores = np.asarray([entries[j][0] for j in order], np.float64)[kept]
    recall = tp / positives if positives else np.zeros_like(tp)
    precision = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    return precision, recall, scores


def average_precision(precision, recall, method: str = "all_point") -> float:
    """Area under a PR curve: VOC2010+ ``"all_point"`` or VOC2007 ``"11_point"``.

    All-point: precision is first made monotone (each value replaced by the best
    precision at any higher recall), then summed over the recall steps. 11-point: the
    mean over recall levels 0, 0.1, ..., 1 of the best precision at that recall or above.
    """
    precision = np.asarray(precision, np.float64).reshape(-1)
    recall = np.asarray(recall, np.float64).reshape(-1)
    if precision.shape != recall.shape:
        raise WorkbenchError(f"precision ({precision.size}) and recall ({recall.size}) "
                             "must have the same length")
    if method == "11_point":
        return float(np.mean([precision[recall >= t].max() if (recall >= t).any() else 0.0
                              for t in np.linspace(0.0, 1.0, 11)]))
    if method != "all_point":
        raise WorkbenchError(f"AP method {method!r} must be 'all_point' or '11_point'")
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.flatnonzero(mrec[1:] != mrec[:-1])
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def voc_map(detections, ground_truth, iou_threshold: float = 0.5, method: str = "all_point",
            class_names=None) -> dict:
    """Pascal VOC mean average precision over the classes present in the ground truth.

    Returns ``{"mAP", "per_class": {name: AP}, "curves": {name: {"precision", "recall",
    "scores"}}, "iou_threshold", "method"}``; classes with no true box are left out of
    the mean (their AP is ``nan``).
    """
    gts = _ground_truth(ground_truth)
    if class_names is None:
        class_names = getattr(ground_truth, "class_names", None)
    if class_names is None:
        labels = [lab for _, labs, _ in gts for lab in labs]
        class_names = tuple(str(c) for c in range(max(labels) + 1)) if labels else ()
    per_class, curves = {}, {}
    for class_id, name in enumerate(class_names):
        precision, recall, scores = precision_recall(detections, gts, iou_threshold, class_id)
        has_truth = any(((labels == class_id) & ~difficult).any() for _, labels, difficult in gts)
        per_class[name] = (average_precision(precision, recall, method) if has_truth
                           else float("nan"))
        curves[name] = {"precision": precision.tolist(), "recall": recall.tolist(),
                        "scores": scores.tolist()}
    present = [ap for ap in per_class.values() if not np.isnan(ap)]
    return {"mAP": float(np.mean(present)) if present else float("nan"),
            "per_class": per_class, "curves": curves, "iou_threshold": float(iou_threshold),
            "method": method}


# --- COCO --------------------------------------------------------------------------------

def _check_coco_gt(gt: dict) -> None:
    if not isinstance(gt, dict) or not all(k in gt for k in ("images", "annotations",
                                                             "categories")):
        raise WorkbenchError("COCO ground truth must be a dict with 'images', 'annotations' "
                             "and 'categories'")
    for ann in gt["annotations"]:
        missing = [k for k in ("id", "image_id", "category_id", "bbox") if k not in ann]
        if missing:
            raise WorkbenchError(f"ground-truth annotation {ann.get('id', '?')} lacks "
                                 f"{', '.join(missing)}")


def _prepare_results(dt_list, gt_image_ids: set, iou_type: str) -> list[dict]:
    """What ``COCO.loadRes`` does: copy results, number them, set area and iscrowd."""
    from workbench.detection.cocoeval_json import rle_bbox, rle_to_mask

    if not isinstance(dt_list, list):
        raise WorkbenchError("COCO results must be a list of detection dicts")
    results = []
    use_bbox = bool(dt_list) and "bbox" in dt_list[0] and dt_list[0]["bbox"] != []
    for index, raw in enumerate(dt_list):
        if not isinstance(raw, dict):
            raise WorkbenchError(f"result {index} is not a dict")
        missing = [k for k in ("image_id", "category_id", "score") if k not in raw]
        if missing or not ("bbox" in raw or "segmentation" in raw):
            raise WorkbenchError(f"result {index} lacks {', '.join(missing) or 'bbox'}")
        dt = dict(raw)
        if use_bbox:
            dt["area"] = float(dt["bbox"][2]) * float(dt["bbox"][3])
        else:
            dt["area"] = float(np.count_nonzero(rle_to_mask(dt["segmentation"])))
            dt.setdefault("bbox", rle_bbox(dt["segmentation"]))
        if iou_type == "segm" and "segmentation" not in dt:
            raise WorkbenchError(f"result {index} has no 'segmentation' for mask evaluation")
        dt["id"], dt["iscrowd"] = index + 1, 0
        results.append(dt)
    unknown = {dt["image_id"] for dt in results} - gt_image_ids
    if unknown:
        raise WorkbenchError(f"results refer to image ids not in the ground truth: "
                             f"{sorted(unknown)[:5]}")
    return results


def _box_iou_xywh(dts: list[dict], gts: list[dict], crowd: np.ndarray) -> np.ndarray:
    """``maskUtils.iou`` for boxes: crowd regions use the detection's area as the union."""
    d = np.asarray([x["bbox"] for x in dts], np.float64).reshape(-1, 4)
    g = np.asarray([x["bbox"] for x in gts], np.float64).reshape(-1, 4)
    w = np.minimum(d[:, None, 0] + d[:, None, 2], g[None, :, 0] + g[None, :, 2]) - np.maximum(
        d[:, None, 0], g[None, :, 0])
    h = np.minimum(d[:, None, 1] + d[:, None, 3], g[None, :, 1] + g[None, :, 3]) - np.maximum(
        d[:, None, 1], g[None, :, 1])
    inter = np.where((w > 0) & (h > 0), w * h, 0.0)
    d_area, g_area = d[:, 2] * d[:, 3], g[:, 2] * g[:, 3]
    union = np.where(crowd[None, :], d_area[:, None], d_area[:, None] + g_area[None, :] - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inter > 0, inter / union, 0.0)


def _mask_iou(dts: list[dict], gts: list[dict], crowd: np.ndarray, masks) -> np.ndarray:
    d = np.stack([masks(x).ravel() for x in dts]).astype(np.float64)
    g = np.stack([masks(x).ravel() for x in gts]).astype(np.float64)
    inter = d @ g.T
    d_area, g_area = d.sum(1), g.sum(1)
    union = np.where(crowd[None, :], d_area[:, None], d_area[:, None] + g_area[None, :] - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def _match(dts, gts, ious, area_range, max_det, thresholds):
    """``COCOeval.evaluateImg`` for one image, class and area range."""
    ignore = np.asarray([bool(g["ignore"]) or not area_range[0] <= g["area"] <= area_range[1]
                         for g in gts], bool)
    gt_order = np.argsort(ignore, kind="mergesort")  # regular boxes are matched first
    gt_ignore = ignore[gt_order]
    crowd = np.asarray([bool(gts[i]["iscrowd"]) for i in gt_order], bool)
    gt_ids = [gts[i]["id"] for i in gt_order]
    dts = dts[:max_det]  # already sorted by score
    ious = ious[: len(dts)][:, gt_order] if ious.size else ious
    n_t, n_g, n_d = len(thresholds), len(gts), len(dts)
    gt_match, dt_match = np.zeros((n_t, n_g)), np.zeros((n_t, n_d))
    dt_ignore = np.zeros((n_t, n_d), bool)
    if ious.size:
        for t, threshold in enumerate(thresholds):
            for d in range(n_d):
                best_iou, m = min(threshold, 1 - 1e-10), -1
                for g in range(n_g):
                    if gt_match[t, g] > 0 and not crowd[g]:
                        continue  # already taken (crowds can absorb many detections)
                    if m > -1 and not gt_ignore[m] and gt_ignore[g]:
                        break  # a regular match beats any ignored one
                    if ious[d, g] < best_iou:
                        continue
                    best_iou, m = ious[d, g], g
                if m == -1:
                    continue
                dt_ignore[t, d] = gt_ignore[m]
                dt_match[t, d] = gt_ids[m]
                gt_match[t, m] = dts[d]["id"]
    outside = np.asarray([not area_range[0] <= d["area"] <= area_range[1] for d in dts], bool)
    dt_ignore |= (dt_match == 0) & outside[None, :]
    return {"scores": np.asarray([d["score"] for d in dts], np.float64),
            "matched": dt_match, "dt_ignore": dt_ignore, "gt_ignore": gt_ignore}


def _accumulate(evals: list[dict], max_det: int, n_thresholds: int):
    """``COCOeval.accumulate`` for one class, area range and detection limit."""
    n_r = len(COCO_RECALL_THRESHOLDS)
    precision = -np.ones((n_thresholds, n_r))
    recall = -np.ones(n_thresholds)
    if not evals:
        return precision, recall
    scores = np.concatenate([e["scores"][:max_det] for e in evals])
    order = np.argsort(-scores, kind="mergesort")
    matched = np.concatenate([e["matched"][:, :max_det] for e in evals], axis=1)[:, order]
    dt_ignore = np.concatenate([e["dt_ignore"][:, :max_det] for e in evals], axis=1)[:, order]
    gt_ignore = np.concatenate([e["gt_ignore"] for e in evals])
    positives = np.count_nonzero(gt_ignore == 0)
    if positives == 0:
        return precision, recall
    tp_sum = np.cumsum((matched != 0) & ~dt_ignore, axis=1).astype(np.float64)
    fp_sum = np.cumsum((matched == 0) & ~dt_ignore, axis=1).astype(np.float64)
    for t in range(n_thresholds):
        tp, fp = tp_sum[t], fp_sum[t]
        rc = tp / positives
        pr = tp / (fp + tp + np.spacing(1))
        recall[t] = rc[-1] if len(tp) else 0.0
        pr = np.maximum.accumulate(pr[::-1])[::-1]  # precision envelope
        at = np.searchsorted(rc, COCO_RECALL_THRESHOLDS, side="left")
        reachable = at < len(pr)  # recall levels never reached keep precision 0
        precision[t] = 0.0
        precision[t, reachable] = pr[at[reachable]]
    return precision, recall


def _mean_valid(values) -> float:
    values = np.asarray(values, np.float64)
    valid = values[values > -1]
    return float(np.mean(valid)) if valid.size else -1.0


def coco_evaluate(gt_coco: dict, dt_list: list, iou_type: str = "bbox") -> dict:
    """COCO detection metrics, equal to pycocotools ``COCOeval`` on the same inputs.

    ``gt_coco`` is a COCO ground-truth dict (``DetectionData.to_coco()``), ``dt_list`` COCO
    results (``cocoeval_json.detections_to_coco``). ``iou_type`` is ``"bbox"`` or
    ``"segm"`` (mask IoU from RLE or polygon segmentations). Returns AP (0.50:0.95), AP50,
    AP75, APs/APm/APl, AR1/AR10/AR100, ARs/ARm/ARl, ``per_class`` (AP by category name),
    ``per_class_AP50`` and ``VOC_AP`` (mean over classes of VOC all-point AP at IoU 0.5,
    crowd boxes treated as difficult). A value of -1 means "nothing to measure", as in
    COCOeval.
    """
    if iou_type not in ("bbox", "segm"):
        raise WorkbenchError(f"iou_type {iou_type!r} must be 'bbox' or 'segm'")
    _check_coco_gt(gt_coco)
    images = {img["id"]: img for img in gt_coco["images"]}
    image_ids = sorted(images)
    categories = sorted(gt_coco["categories"], key=lambda c: c["id"])
    cat_ids = [c["id"] for c in categories]
    dts_all = _prepare_results(dt_list, set(image_ids), iou_type)

    gts, dts = defaultdict(list), defaultdict(list)
    for ann in gt_coco["annotations"]:
        if ann["image_id"] in images and ann["category_id"] in cat_ids:
            g = dict(ann)
            g["iscrowd"] = int(g.get("iscrowd", 0))
            g["ignore"] = bool(g["iscrowd"])  # COCOeval: ignore = iscrowd
            g.setdefault("area", float(g["bbox"][2]) * float(g["bbox"][3]))
            gts[g["image_id"], g["category_id"]].append(g)
    for dt in dts_all:
        if dt["category_id"] in cat_ids:
            dts[dt["image_id"], dt["category_id"]].append(dt)

    mask_cache: dict = {}

    def mask_of(ann):
        from workbench.detection.cocoeval_json import segmentation_to_mask

        key = id(ann)
        if key not in mask_cache:
            img = images[ann["image_id"]]
            mask_cache[key] = segmentation_to_mask(ann["segmentation"], img["height"],
                                                   img["width"])
        return mask_cache[key]

    thresholds = COCO_IOU_THRESHOLDS
    area_names = list(COCO_AREA_RANGES)
    per_key: dict = {}
    for cat in cat_ids:
        for img in image_ids:
            g, d = gts[img, cat], dts[img, cat]
            if not g and not d:
                continue
            order = np.argsort([-x["score"] for x in d], kind="mergesort")
            d = [d[i] for i in order][: COCO_MAX_DETS[-1]]
            crowd = np.asarray([bool(x["iscrowd"]) for x in g], bool)
            if g and d:
                ious = (_box_iou_xywh(d, g, crowd) if iou_type == "bbox"
                        else _mask_iou(d, g, crowd, mask_of))
            else:
                ious = np.zeros((0, 0))
            for a, name in enumerate(area_names):
                per_key.setdefault((cat, a), []).append(
                    _match(d, g, ious, COCO_AREA_RANGES[name], COCO_MAX_DETS[-1], thresholds))

    n_t, n_r, n_k = len(thresholds), len(COCO_RECALL_THRESHOLDS), len(cat_ids)
    precision = -np.ones((n_t, n_r, n_k, len(area_names), len(COCO_MAX_DETS)))
    recall = -np.ones((n_t, n_k, len(area_names), len(COCO_MAX_DETS)))
    for k, cat in enumerate(cat_ids):
        for a in range(len(area_names)):
            for m, max_det in enumerate(COCO_MAX_DETS):
                precision[:, :, k, a, m], recall[:, k, a, m] = _accumulate(
                    per_key.get((cat, a), []), max_det, n_t)

    def ap(iou_thr=None, area="all", max_det=100):
        s = precision[..., area_names.index(area), COCO_MAX_DETS.index(max_det)]
        return _mean_valid(s if iou_thr is None else s[np.where(iou_thr == thresholds)[0]])

    def ar(area="all", max_det=100):
        return _mean_valid(recall[..., area_names.index(area), COCO_MAX_DETS.index(max_det)])

    names = {c["id"]: c.get("name", str(c["id"])) for c in categories}
    result = {
        "AP": ap(), "AP50": ap(0.5), "AP75": ap(0.75),
        "APs": ap(area="small"), "APm": ap(area="medium"), "APl": ap(area="large"),
        "AR1": ar(max_det=1), "AR10": ar(max_det=10), "AR100": ar(),
        "ARs": ar("small"), "ARm": ar("medium"), "ARl": ar("large"),
        "per_class": {names[c]: _mean_valid(precision[:, :, k, 0, -1])
                      for k, c in enumerate(cat_ids)},
        "per_class_AP50": {names[c]: _mean_valid(precision[0, :, k, 0, -1])
                           for k, c in enumerate(cat_ids)},
        "iou_type": iou_type,
    }
    result["VOC_AP"] = _voc_ap_from_coco(gts, dts, image_ids, cat_ids)
    return result


def _voc_ap_from_coco(gts, dts, image_ids, cat_ids) -> float:
    """Mean VOC all-point AP at IoU 0.5 over classes with boxes, on COCO dicts."""
    from workbench.detection.boxes import xywh_to_xyxy

    index = {c: k for k, c in enumerate(cat_ids)}
    truth, found = [], []
    for img in image_ids:
        g = [x for c in cat_ids for x in gts[img, c]]
        d = [x for c in cat_ids for x in dts[img, c]]
        truth.append({"boxes": xywh_to_xyxy([x["bbox"] for x in g]),
                      "labels": [index[x["category_id"]] for x in g],
                      "difficult": [bool(x["iscrowd"]) for x in g]})
        found.append({"boxes": xywh_to_xyxy([x["bbox"] for x in d]),
                      "scores": [x["score"] for x in d],
                      "labels": [index[x["category_id"]] for x in d]})
    result = voc_map(found, truth, 0.5, "all_point", class_names=[str(c) for c in cat_ids])
    return result["mAP"] if not np.isnan(result["mAP"]) else -1.0


def evaluate_detection_files(gt_json_path: str, dt_json_path: str, iou_type: str = "bbox") -> dict:
    """``coco_evaluate`` on a COCO ground-truth file and a COCO results file."""
    from workbench.detection.cocoeval_json import read_json

    gt = read_json(gt_json_path, "COCO ground-truth")
    dt = read_json(dt_json_path, "COCO results")
    if isinstance(dt, dict) and "annotations" in dt:  # a ground-truth-style file of results
        dt = dt["annotations"]
    try:
        return coco_evaluate(gt, dt, iou_type)
    except WorkbenchError as exc:
        raise WorkbenchError(f"{gt_json_path} / {dt_json_path}: {exc}") from None
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise WorkbenchError(f"malformed COCO file {gt_json_path} or {dt_json_path}: "
                             f"{type(exc).__name__} {exc}") from None


#: A predicted mask probability at or above this is the object's pixel (Mask R-CNN's 0.5).
MASK_THRESHOLD = 0.5


def evaluate_detections(ground_truth, detections, iou_type: str = "bbox") -> dict:
    """COCO and VOC metrics of per-image detections on a ``DetectionData``.

    ``detections[i]`` holds the boxes, scores, labels (and, for ``iou_type="segm"``,
    ``"masks"`` ``(k, H, W)``, boolean or probabilities, kept where >= 0.5 as
    ``inference.to_coco_results`` does) found in image ``i`` of ``ground_truth``.
    """
    from workbench.detection.cocoeval_json import detections_to_coco

    dets = _detections(detections)
    masks = None
    if iou_type == "segm":
        # Mask R-CNN's pasted masks are probabilities, non-zero well beyond the object:
        # taken as bool, every pixel above 0 counted (a triangle's mask became its box).
        masks = [np.asarray(d["masks"] if isinstance(d, dict) else d[3]) >= MASK_THRESHOLD
                 for d in detections]
    results = detections_to_coco(ground_truth.image_ids, [d[0] for d in dets],
                                 [d[1] for d in dets], [d[2] for d in dets], masks)
    if iou_type == "segm":
        for r in results:  # masks are scored on their own regions, as loadRes does
            r.pop("bbox")
    scores = coco_evaluate(ground_truth.to_coco(), results, iou_type)
    scores["voc"] = voc_map(dets, ground_truth, 0.5, "all_point")
    return scores


def time_inference(fn, images, warmup: int = 1, batch_size: int | None = None) -> dict:
    """Time ``fn`` over ``images``: ``{"ms_per_image", "fps", "images", "seconds"}``.

    ``fn`` takes a batch (all images, or ``batch_size`` at a time). The first ``warmup``
    calls (graph tracing, memory allocation) are run but not timed.
    """
    count = len(images)
    if count == 0:
        raise WorkbenchError("time_inference needs at least one image")
    if warmup < 0:
        raise WorkbenchError(f"warmup {warmup} must be >= 0")
    size = count if batch_size is None else int(batch_size)
    if size < 1:
        raise WorkbenchError(f"batch_size {batch_size} must be >= 1")
    for _ in range(warmup):
        fn(images[:size])
    start = time.perf_counter()
    for i in range(0, count, size):
        fn(images[i:i + size])
    seconds = time.perf_counter() - start
    return {"ms_per_image": 1000.0 * seconds / count,
            "fps": count / seconds if seconds > 0 else float("inf"),
            "images": count, "seconds": seconds}
