"""Detection metrics: VOC AP by hand, COCO AP equal to pycocotools' COCOeval."""

import contextlib
import copy
import io
import json

import numpy as np
import pytest

from workbench.data.shapes import make_shapes
from workbench.detection import metrics as M
from workbench.detection.cocoeval_json import (detections_to_coco, encode_counts_string,
                                                mask_to_rle)
from workbench.errors import WorkbenchError

COCO_KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]


def test_average_precision_hand_made_curve():
    # Ranked detections TP, FP, TP, TP, FP with 4 true objects.
    precision = np.array([1, 1 / 2, 2 / 3, 3 / 4, 3 / 5])
    recall = np.array([0.25, 0.25, 0.5, 0.75, 0.75])
    # All-point: 0.25 * 1 + 0.25 * 0.75 + 0.25 * 0.75 (envelope), recall 1 never reached.
    assert M.average_precision(precision, recall, "all_point") == pytest.approx(0.625)
    # 11-point: levels 0..0.2 -> 1, 0.3..0.7 -> 0.75, 0.8..1.0 -> 0.
    assert M.average_precision(precision, recall, "11_point") == pytest.approx(6.75 / 11)
    with pytest.raises(WorkbenchError, match="'13_point'"):
        M.average_precision(precision, recall, "13_point")


def test_precision_recall_from_boxes_matches_the_hand_made_curve():
    truth = [{"boxes": [[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], "labels": [0, 0, 0]},
             {"boxes": [[0, 0, 10, 10]], "labels": [0]}]
    found = [{"boxes": [[0, 0, 10, 10],      # 0.9 TP
                        [0, 0, 10, 10],      # 0.8 FP: duplicate of a taken box
                        [21, 21, 31, 31],    # 0.6 TP (IoU 0.68)
                        [60, 60, 70, 70]],   # 0.3 FP: nothing there
              "scores": [0.9, 0.8, 0.6, 0.3], "labels": [0, 0, 0, 0]},
             {"boxes": [[1, 0, 11, 10], [0, 0, 10, 10]],  # 0.7 TP; other class ignored
              "scores": [0.7, 0.95], "labels": [0, 1]}]
    precision, recall, scores = M.precision_recall(found, truth, 0.5, class_id=0)
    np.testing.assert_allclose(scores, [0.9, 0.8, 0.7, 0.6, 0.3])
    np.testing.assert_allclose(precision, [1, 1 / 2, 2 / 3, 3 / 4, 3 / 5])
    np.testing.assert_allclose(recall, [0.25, 0.25, 0.5, 0.75, 0.75])
    result = M.voc_map(found, truth, class_names=("a", "b"))
    assert result["per_class"]["a"] == pytest.approx(0.625)
    assert np.isnan(result["per_class"]["b"]) and result["mAP"] == pytest.approx(0.625)


def test_voc_difficult_objects_neither_count_nor_penalise():
    truth = [{"boxes": [[0, 0, 10, 10], [20, 20, 30, 30]], "labels": [0, 0],
              "difficult": [False, True]}]
    found = [{"boxes": [[20, 20, 30, 30], [0, 0, 10, 10]], "scores": [0.9, 0.8], "labels": [0, 0]}]
    precision, recall, _ = M.precision_recall(found, truth)
    np.testing.assert_allclose(precision, [1.0])
    np.testing.assert_allclose(recall, [1.0])


def _jittered(data, seed):
    """Detections: shifted true boxes, some missed, duplicates, wrong classes, false alarms."""
    rng = np.random.default_rng(seed)
    width = data.images.shape[2]
    boxes, scores, labels = [], [], []
    for b, lab in zip(data.boxes, data.labels):
        keep = rng.random(len(b)) > 0.2
        b, lab = b[keep] + rng.normal(0, rng.uniform(0.5, 5), (keep.sum(), 4)), lab[keep]
        n_fp = int(rng.integers(0, 4))
        xy = rng.uniform(0, width - 10, (n_fp, 2))
        fp = np.concatenate([xy, xy + rng.uniform(3, 80, (n_fp, 2))], 1)
        dup = b[: rng.integers(0, len(b) + 1)] + 2.0
        b = np.concatenate([b, fp, dup])
        lab = np.concatenate([lab, rng.integers(0, 3, n_fp), lab[: len(dup)]])
        lab = np.where(rng.random(len(lab)) < 0.1, rng.integers(0, 3, len(lab)), lab)
        b[:, 2:] = np.maximum(b[:, 2:], b[:, :2] + 0.5)
        boxes.append(b)
        scores.append(rng.random(len(b)).round(2))  # rounded: many ties across images
        labels.append(lab)
    return detections_to_coco(data.image_ids, boxes, scores, labels)


def _pycocotools(gt, dt, iou_type="bbox"):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(gt)
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(copy.deepcopy(dt))
        evaluator = COCOeval(coco_gt, coco_dt, iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator


def _assert_equal_to_cocoeval(mine, evaluator, names):
    for i, key in enumerate(COCO_KEYS):
        assert mine[key] == pytest.approx(evaluator.stats[i], abs=1e-4), key
    for k, name in enumerate(names):
        p = evaluator.eval["precision"][:, :, k, 0, -1]
        expected = float(np.mean(p[p > -1])) if (p > -1).any() else -1.0
        assert mine["per_class"][name] == pytest.approx(expected, abs=1e-4), name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_coco_evaluate_equals_pycocotools(seed):
    # 200-pixel images with shapes from 8 to 130 px: small, medium and large objects.
    data = make_shapes(30, 200, max_objects=6, seed=seed, min_size=8, max_size=130)
    gt, dt = data.to_coco(), _jittered(data, seed)
    areas = [a["area"] for a in gt["annotations"]]
    assert min(areas) < 32 ** 2 and max(areas) > 96 ** 2
    mine = M.coco_evaluate(gt, dt)
    _assert_equal_to_cocoeval(mine, _pycocotools(gt, dt), data.class_names)
    assert 0.1 < mine["AP"] < 0.9 and mine["AP50"] > mine["AP75"]


def test_coco_evaluate_with_crowds_extra_images_and_over_100_detections():
    rng = np.random.default_rng(7)
    data = make_shapes(12, 120, max_objects=5, seed=7, min_size=6, max_size=90)
    gt, dt = data.to_coco(), _jittered(data, 7)
    for ann in gt["annotations"]:
        ann["iscrowd"] = int(rng.random() < 0.2)
    gt["images"].append({"id": 999, "width": 120, "height": 120, "file_name": "empty.png"})
    dt.append({"image_id": 999, "category_id": 1, "bbox": [1, 1, 10, 10], "score": 0.5})
    for _ in range(130):  # more than maxDets=100 in one image
        x, y = rng.uniform(0, 100, 2)
        dt.append({"image_id": 1, "category_id": int(rng.integers(1, 4)),
                   "bbox": [x, y, rng.uniform(2, 30), rng.uniform(2, 30)],
                   "score": float(rng.random())})
    _assert_equal_to_cocoeval(M.coco_evaluate(gt, dt), _pycocotools(gt, dt), data.class_names)


def _compressed(mask):
    """A result mask as compressed RLE, the only form ``COCO.loadRes`` reads."""
    rle = mask_to_rle(mask)
    return {"size": rle["size"], "counts": encode_counts_string(rle["counts"])}


def test_coco_segm_evaluation_equals_pycocotools():
    rng = np.random.default_rng(3)
    data = make_shapes(10, 96, max_objects=4, seed=3, min_size=6, max_size=70)
    gt, dt = data.to_coco(), []
    for i in range(len(data)):
        for k, mask in enumerate(data.masks[i]):
            if rng.random() < 0.2:
                continue  # missed
            moved = np.roll(mask, int(rng.integers(-3, 4)), axis=int(rng.integers(0, 2)))
            dt.append({"image_id": data.image_ids[i], "category_id": int(data.labels[i][k]) + 1,
                       "segmentation": _compressed(moved),
                       "score": float(rng.random())})
        false = np.zeros((96, 96), bool)
        false[10:30, 50:60] = True
        dt.append({"image_id": data.image_ids[i], "category_id": 1, "score": 0.4,
                   "segmentation": _compressed(false)})
    mine = M.coco_evaluate(gt, dt, "segm")
    _assert_equal_to_cocoeval(mine, _pycocotools(gt, dt, "segm"), data.class_names)
    assert 0.2 < mine["AP"] < 0.95


def test_perfect_and_empty_detections():
    data = make_shapes(8, 64, seed=4)
    perfect = [{"boxes": b, "scores": np.linspace(1, 0.5, len(b)), "labels": lab}
               for b, lab in zip(data.boxes, data.labels)]
    result = M.evaluate_detections(data, perfect)
    assert result["AP"] == pytest.approx(1.0) and result["VOC_AP"] == pytest.approx(1.0)
    assert result["voc"]["mAP"] == pytest.approx(1.0)
    empty = M.coco_evaluate(data.to_coco(), [])
    assert empty["AP"] == 0.0 and empty["AR100"] == 0.0
    masks = [{"boxes": b, "scores": np.ones(len(b)), "labels": lab, "masks": m}
             for b, lab, m in zip(data.boxes, data.labels, data.masks)]
    assert M.evaluate_detections(data, masks, "segm")["AP"] == pytest.approx(1.0)


def test_evaluate_detection_files(tmp_path):
    data = make_shapes(10, 128, seed=5, min_size=8, max_size=80)
    gt, dt = data.to_coco(), _jittered(data, 5)
    (tmp_path / "gt.json").write_text(json.dumps(gt))
    (tmp_path / "dt.json").write_text(json.dumps(dt))
    result = M.evaluate_detection_files(str(tmp_path / "gt.json"), str(tmp_path / "dt.json"))
    assert result["AP"] == pytest.approx(_pycocotools(gt, dt).stats[0], abs=1e-4)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(WorkbenchError, match="bad.json is not valid JSON"):
        M.evaluate_detection_files(str(tmp_path / "gt.json"), str(tmp_path / "bad.json"))
    (tmp_path / "odd.json").write_text(json.dumps([{"image_id": 1, "bbox": [0, 0, 1, 1]}]))
    with pytest.raises(WorkbenchError, match="result 0 lacks category_id, score"):
        M.evaluate_detection_files(str(tmp_path / "gt.json"), str(tmp_path / "odd.json"))
    (tmp_path / "alien.json").write_text(json.dumps(
        [{"image_id": 12345, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1.0}]))
    with pytest.raises(WorkbenchError, match="12345"):
        M.evaluate_detection_files(str(tmp_path / "gt.json"), str(tmp_path / "alien.json"))
    with pytest.raises(WorkbenchError, match="not found"):
        M.evaluate_detection_files(str(tmp_path / "missing.json"), str(tmp_path / "dt.json"))


def test_time_inference_counts_images_not_calls():
    calls = []
    result = M.time_inference(lambda batch: calls.append(len(batch)), np.zeros((10, 4, 4, 3)),
                              warmup=2, batch_size=4)
    assert calls == [4, 4, 4, 4, 2]  # two untimed warm-up calls, then 10 images in 3 batches
    assert result["images"] == 10
    assert result["fps"] == pytest.approx(1000.0 / result["ms_per_image"])
    with pytest.raises(WorkbenchError, match="batch_size 0"):
        M.time_inference(lambda b: None, np.zeros((2, 1)), batch_size=0)
