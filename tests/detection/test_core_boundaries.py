"""Boundaries of the detection core that random data never hits (issue 9, item 6).

Each test here fails under one plausible slip that the broader tests survive: NMS with
``<`` for ``<=`` at the IoU threshold or ``>=`` for ``>`` at the score threshold, a crowd
region taking a detection from a regular box, and VOC AP at IoU 0.7 or 11-point.
"""

import contextlib
import copy
import io

import numpy as np
import pytest

from workbench.detection import metrics as M
from workbench.detection.boxes import batched_nms, nms

# Box 1 is box 0's left half: IoU exactly 0.5 in float32 (intersection 1, union 2).
HALF = np.array([[0, 0, 2, 1], [0, 0, 1, 1], [5, 5, 6, 6]], np.float32)
SCORES = np.array([0.9, 0.8, 0.5], np.float32)


def test_nms_keeps_a_box_whose_iou_equals_the_threshold():
    """tf.image.non_max_suppression suppresses only IoU > threshold: at 0.5 both stay."""
    np.testing.assert_array_equal(nms(HALF, SCORES, iou_threshold=0.5), [0, 1, 2])
    np.testing.assert_array_equal(nms(HALF, SCORES, iou_threshold=np.nextafter(np.float32(0.5), 0)),
                                  [0, 2])
    np.testing.assert_array_equal(batched_nms(HALF, SCORES, [0, 0, 0], iou_threshold=0.5), [0, 1, 2])


def test_nms_drops_a_score_equal_to_the_score_threshold():
    """TF keeps a box only when score > score_threshold: at 0.5 the third box goes."""
    np.testing.assert_array_equal(nms(HALF, SCORES, 0.3, score_threshold=0.5), [0])
    np.testing.assert_array_equal(nms(HALF, SCORES, 0.3, score_threshold=0.4999), [0, 2])
    np.testing.assert_array_equal(nms(HALF, SCORES, 0.3, score_threshold=0.8), [0])


def test_nms_boundaries_equal_tensorflow():
    import tensorflow as tf

    for iou_t, score_t in [(0.5, -np.inf), (0.4999, -np.inf), (0.3, 0.5), (0.3, 0.8), (0.5, 0.9)]:
        theirs = tf.image.non_max_suppression(HALF, SCORES, 10, iou_threshold=iou_t,
                                              score_threshold=score_t).numpy()
        np.testing.assert_array_equal(nms(HALF, SCORES, iou_t, score_t), theirs)


def _cocoeval(gt, dt):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(gt)
        coco_gt.createIndex()
        evaluator = COCOeval(coco_gt, coco_gt.loadRes(copy.deepcopy(dt)), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator.stats


def _gt(annotations):
    return {"images": [{"id": 1, "width": 100, "height": 100}],
            "categories": [{"id": 1, "name": "a"}],
            "annotations": [{"id": k + 1, "image_id": 1, "category_id": 1, "area": w * h,
                             "bbox": [x, y, w, h], "iscrowd": crowd}
                            for k, (x, y, w, h, crowd) in enumerate(annotations)]}


def test_a_crowd_region_does_not_take_a_detection_from_a_regular_box():
    """The detection overlaps the crowd more (IoU 1.0: a crowd's union is the detection)
    than the regular box (100/110 = 0.909), yet COCOeval matches regular boxes first."""
    gt = _gt([(0, 0, 12, 10, 1), (0, 0, 10, 10, 0)])  # crowd listed first on purpose
    dt = [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 11, 10], "score": 0.9}]
    mine = M.coco_evaluate(gt, dt)
    assert mine["AP50"] == pytest.approx(1.0)  # by hand: one TP, the only regular box
    assert mine["AP"] == pytest.approx(0.9)  # IoU 0.909 passes 0.50..0.90, not 0.95
    stats = _cocoeval(gt, dt)
    assert (mine["AP"], mine["AP50"]) == pytest.approx((stats[0], stats[1]), abs=1e-6)


def test_a_crowd_region_absorbs_every_detection_inside_it():
    """Two detections inside one crowd: both ignored (no false positive), the regular box
    elsewhere found by a third; a crowd matched once must still absorb the next one."""
    gt = _gt([(0, 0, 50, 50, 1), (60, 60, 20, 20, 0)])
    dt = [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 20, 20], "score": 0.9},
          {"image_id": 1, "category_id": 1, "bbox": [25, 25, 20, 20], "score": 0.8},
          {"image_id": 1, "category_id": 1, "bbox": [60, 60, 20, 20], "score": 0.7}]
    mine = M.coco_evaluate(gt, dt)
    assert mine["AP"] == pytest.approx(1.0) and mine["AP50"] == pytest.approx(1.0)
    stats = _cocoeval(gt, dt)
    assert mine["AP"] == pytest.approx(stats[0], abs=1e-6)


# Two true boxes; ranked detections: TP at IoU 0.6, a false alarm, TP at IoU 1.
VOC_TRUTH = [{"boxes": [[0, 0, 10, 10], [50, 50, 60, 60]], "labels": [0, 0]}]
VOC_FOUND = [{"boxes": [[0, 0, 10, 6], [30, 30, 40, 40], [50, 50, 60, 60]],
              "scores": [0.9, 0.8, 0.7], "labels": [0, 0, 0]}]


def test_voc_map_defaults_are_iou_half_and_all_point():
    # precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1: all-point AP = 1/2 * 1 + 1/2 * 2/3 = 5/6
    assert M.voc_map(VOC_FOUND, VOC_TRUTH)["mAP"] == pytest.approx(5 / 6)
    # the same curve 11-point: (6 * 1 + 5 * 2/3) / 11; at IoU 0.7 the first is a miss: 1/6
    assert M.voc_map(VOC_FOUND, VOC_TRUTH, method="11_point")["mAP"] == pytest.approx(28 / 33)
    assert M.voc_map(VOC_FOUND, VOC_TRUTH, iou_threshold=0.7)["mAP"] == pytest.approx(1 / 6)
    result = M.voc_map(VOC_FOUND, VOC_TRUTH)
    assert (result["iou_threshold"], result["method"]) == (0.5, "all_point")


def test_coco_evaluate_reports_voc_ap_at_iou_half_all_point():
    gt = _gt([(0, 0, 10, 10, 0), (50, 50, 10, 10, 0)])
    dt = [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 6], "score": 0.9},
          {"image_id": 1, "category_id": 1, "bbox": [30, 30, 10, 10], "score": 0.8},
          {"image_id": 1, "category_id": 1, "bbox": [50, 50, 10, 10], "score": 0.7}]
    assert M.coco_evaluate(gt, dt)["VOC_AP"] == pytest.approx(5 / 6)


def test_nms_zero_area_boxes_overlap_nothing():
    """TF treats a box without area as overlapping nothing: two equal lines both stay."""
    import tensorflow as tf

    lines = np.array([[1, 1, 1, 5], [1, 1, 1, 5], [0, 0, 4, 4]], np.float32)
    scores = np.array([0.9, 0.8, 0.7], np.float32)
    np.testing.assert_array_equal(nms(lines, scores, 0.5), [0, 1, 2])
    np.testing.assert_array_equal(nms(lines, scores, 0.5),
                                  tf.image.non_max_suppression(lines, scores, 10, 0.5).numpy())


def test_decode_caps_the_log_scale_as_detectron_does():
    """A huge width delta is clamped at log(1000/16) (Detectron's bbox_xform_clip), not inf."""
    from workbench.detection.boxes import MAX_LOG_DELTA, decode

    anchor = np.array([[0, 0, 10, 10]], np.float32)
    box = decode(np.array([[0, 0, 100.0, 0]], np.float32), anchor, variances=(1, 1, 1, 1))[0]
    assert np.isfinite(box).all()
    assert box[2] - box[0] == pytest.approx(10 * np.exp(MAX_LOG_DELTA), rel=1e-5)  # 625 px
    assert box[3] - box[1] == pytest.approx(10.0)


def test_voc_needs_iou_above_the_threshold_and_coco_at_least_it():
    """IoU exactly 0.5 (a box and its half): the VOC devkit's `ovmax > ovthresh` says miss,
    COCOeval's `iou >= t` (it skips only `iou < t`) says match."""
    truth = [{"boxes": [[0, 0, 2, 1]], "labels": [0]}]
    found = [{"boxes": [[0, 0, 1, 1]], "scores": [0.9], "labels": [0]}]
    assert M.voc_map(found, truth)["mAP"] == 0.0
    assert M.voc_map(found, truth, iou_threshold=0.4999)["mAP"] == pytest.approx(1.0)
    gt = _gt([(0, 0, 2, 1, 0)])
    dt = [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.9}]
    mine = M.coco_evaluate(gt, dt)
    assert mine["AP50"] == pytest.approx(1.0) and mine["AP75"] == 0.0
    assert mine["AP50"] == pytest.approx(_cocoeval(gt, dt)[1], abs=1e-6)
