"""The notes' detection figures (average recall, the 19-threshold AP recipe, TP/FP/FN per
threshold), FCOS's centerness and P6/P7, YOLO v1's class-specific score, and the
statistics of a detection set: each against a hand computation or pycocotools."""

import json
import math

import numpy as np
import pytest

from workbench.detection import threshold_metrics as tm
from workbench.errors import WorkbenchError

# One class, three true boxes A, B, C; five detections, hand-scored at IoU 0.5:
#   d1 on A (IoU 1, 0.9): TP;  d2 on A again (0.8): a duplicate, FP;
#   d3 beside B (IoU 50/150 = 1/3, 0.6): FP;  d4 on B (IoU 0.72, 0.3): TP;
#   d5 on C (IoU 1, 0.02): below the lowest threshold 0.05, so C stays missed.
TRUTH = [{"boxes": [[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], "labels": [0, 0, 0]}]
FOUND = [{"boxes": [[0, 0, 10, 10], [0, 0, 10, 10], [25, 20, 35, 30], [20, 20, 30, 27.2],
                    [40, 40, 50, 50]],
          "scores": [0.9, 0.8, 0.6, 0.3, 0.02], "labels": [0, 0, 0, 0, 0]}]


def test_notes_table_counts_duplicates_as_false_positives():
    rows = {r["threshold"]: r for r in tm.threshold_table(FOUND, TRUTH, 0)}
    assert list(rows) == [round(0.05 * k, 2) for k in range(1, 20)]
    expected = {0.95: (0, 0, 3), 0.9: (1, 0, 2), 0.85: (1, 0, 2), 0.8: (1, 1, 2), 0.65: (1, 1, 2),
                0.6: (1, 2, 2), 0.35: (1, 2, 2), 0.3: (2, 2, 1), 0.05: (2, 2, 1)}
    for t, (tp, fp, fn) in expected.items():
        assert (rows[t]["tp"], rows[t]["fp"], rows[t]["fn"]) == (tp, fp, fn), t
    assert math.isnan(rows[0.95]["precision"]) and rows[0.95]["recall"] == 0.0
    assert rows[0.8]["precision"] == 0.5 and rows[0.6]["precision"] == pytest.approx(1 / 3)
    assert rows[0.3]["recall"] == pytest.approx(2 / 3)


def test_notes_ap_is_the_area_under_the_sampled_points_not_vocs():
    from workbench.detection.metrics import voc_map

    # From 0.95 down: recall 0 -> 1/3 at precision 1 (0.90), 1/3 -> 2/3 at precision 1/2 (0.30).
    result = tm.notes_ap(FOUND, TRUTH, class_names=["thing"])
    assert result["per_class"]["thing"] == pytest.approx(1 / 3 * 1 + 1 / 3 * 0.5)
    assert result["mAP"] == pytest.approx(0.5)
    # VOC all-point ranks every detection (d5 finds C) and takes the precision envelope:
    # precisions 1, 1/2, 1/3, 1/2, 3/5 -> envelope 1, 3/5, 3/5, 3/5, 3/5 -> 1/3 + 2/3 * 3/5.
    assert voc_map(FOUND, TRUTH, 0.5)["mAP"] == pytest.approx(1 / 3 + 2 / 3 * 0.6)
    counts = tm.tp_fp_fn(result["tables"])
    assert counts["0.50"] == {"tp": 1, "fp": 2, "fn": 2} and counts["0.05"] == {"tp": 2, "fp": 2,
                                                                              "fn": 1}


def test_average_recall_by_hand():
    # A and C found at every IoU threshold, B (IoU 0.72) at 0.50..0.70 only: five of ten.
    result = tm.average_recall(FOUND, TRUTH, class_names=["thing"])
    assert result["per_class"]["thing"] == pytest.approx((5 * 1 + 5 * 2 / 3) / 10)
    assert result["per_iou"]["0.70"] == 1.0 and result["per_iou"]["0.75"] == pytest.approx(2 / 3)
    # Two classes, the second without true boxes: left out of the mean.
    two = tm.average_recall(FOUND, TRUTH, class_names=["thing", "other"])
    assert math.isnan(two["per_class"]["other"]) and two["mean"] == result["mean"]


def test_average_recall_equals_pycocotools_ar100():
    from workbench.data.shapes import make_shapes
    from workbench.detection.cocoeval_json import detections_to_coco
    from workbench.references.coco import cocoeval_stats

    data = make_shapes(12, 64, max_objects=3, seed=5)
    rng = np.random.default_rng(0)
    found = []
    for boxes, labels in zip(data.boxes, data.labels):
        boxes = np.asarray(boxes, np.float32)
        jitter = boxes + rng.normal(0, 2.5, boxes.shape).astype(np.float32)
        extra = rng.uniform(0, 40, (2, 2)).astype(np.float32)
        alarms = np.concatenate([extra, extra + 12], 1)
        labels = np.asarray(labels)
        flipped = np.where(rng.random(len(labels)) < 0.2, (labels + 1) % 3, labels)
        found.append({"boxes": np.concatenate([jitter, jitter + 1, alarms]),
                      "scores": rng.random(2 * len(boxes) + 2),
                      "labels": np.concatenate([flipped, labels, rng.integers(0, 3, 2)])})
    fields = [[d[k] for d in found] for k in ("boxes", "scores", "labels")]
    stats = cocoeval_stats(data.to_coco(), detections_to_coco(data.image_ids, *fields), "bbox")
    ours = tm.average_recall(found, data)
    assert 0.2 < ours["mean"] < 0.95
    assert ours["mean"] == pytest.approx(stats[8], abs=1e-12)  # AR100
    # Each row of the notes' table is a point of the VOC devkit's ranked PR sweep.
    from workbench.detection.metrics import precision_recall

    for class_id, name in enumerate(data.class_names):
        precision, recall, scores = precision_recall(found, data, 0.5, class_id)
        positives = sum(int(np.count_nonzero(np.asarray(lab) == class_id)) for lab in data.labels)
        for row in tm.notes_ap(found, data)["tables"][name]:
            kept = int(np.count_nonzero(scores >= row["threshold"]))
            assert row["tp"] == (round(recall[kept - 1] * positives) if kept else 0)
            assert row["tp"] + row["fp"] == kept and row["fn"] == positives - row["tp"]


def test_refusals():
    with pytest.raises(WorkbenchError, match=r"\[0, 1\]"):
        tm.threshold_table(FOUND, TRUTH, 0, thresholds=(0.5, 1.5))
    with pytest.raises(WorkbenchError, match="images of detections"):
        tm.notes_ap(FOUND * 2, TRUTH)
    with pytest.raises(WorkbenchError, match="max_per_image"):
        tm.average_recall(FOUND, TRUTH, max_per_image=0)


# --- FCOS and YOLO v1 ----------------------------------------------------------------------

def build(name, **hp):
    from workbench import catalog
    from workbench.data.shapes import make_shapes

    entry = catalog.get(name)
    return entry.build(entry.resolve(hp), make_shapes(2, 64, seed=1).info)


def test_fcos_centerness_on_its_own_targets():
    from workbench.models.detection.fcos import centerness

    model = build("fcos", width=4, fpn_filters=8, head_depth=1)
    box = np.array([[4, 4, 44, 36]], np.float32)  # 40 x 32: every location on stride 16
    y = model.encode_targets([box], [np.array([1])])
    positive = y["classes"][0] > 0
    assert positive.sum() == 6 and set(y["classes"][0][positive]) == {2}
    x, yy = model.points[positive, 0], model.points[positive, 1]
    left, top, right, bottom = x - 4, yy - 4, 44 - x, 36 - yy  # distances by hand, in pixels
    by_hand = np.sqrt(np.minimum(left, right) / np.maximum(left, right)
                      * np.minimum(top, bottom) / np.maximum(top, bottom))
    np.testing.assert_allclose(np.asarray(centerness(y["ltrb"][0][positive])), by_hand, rtol=1e-5)
    found = dict(zip(map(tuple, model.points[positive]), np.asarray(centerness(y["ltrb"][0][positive]))))
    assert found[(24.0, 24.0)] == pytest.approx(math.sqrt(12 / 20), rel=1e-5)  # l=r=20, t 20, b 12
    assert found[(24.0, 8.0)] == pytest.approx(math.sqrt(4 / 28), rel=1e-5)  # t 4, b 28
    assert found[(8.0, 8.0)] == pytest.approx(math.sqrt(4 / 36 * 4 / 28), rel=1e-5)
    assert float(np.asarray(centerness(np.array([3.0, 2.0, 3.0, 2.0])))) == pytest.approx(1.0)


def test_fcos_p6_p7_come_from_p5_not_the_backbone():
    model = build("fcos", width=4, fpn_filters=8, head_depth=1, min_level=2, max_level=5,
                  extra_levels=2)
    net = model.network
    names = {layer.name for layer in net.layers}
    # "P5" here is the backbone's top level P3: the levels above it have no lateral from a stage.
    assert {"fcos_fpn_p2_lateral", "fcos_fpn_p3_lateral"} <= names
    assert not {"fcos_fpn_p4_lateral", "fcos_fpn_p5_lateral"} & names
    assert not any(n.startswith("fcos_backbone_stage4") for n in names)
    p4, p5 = net.get_layer("fcos_fpn_p4_from_p3"), net.get_layer("fcos_fpn_p5_from_p4")
    assert p4.strides == (2, 2) and p5.strides == (2, 2)
    assert p4.input is net.get_layer("fcos_fpn_p3_output").output
    relu = net.get_layer("fcos_fpn_p4_relu")
    assert p5.input is relu.output and relu.input is p4.output
    assert tuple(p5.output.shape[1:3]) == (2, 2) and len(model.points) == 16 ** 2 + 8 ** 2 + 16 + 4
    plain = {layer.name for layer in build("fcos", width=4, fpn_filters=8, head_depth=1,
                                           extra_levels=0).network.layers}
    assert "fcos_fpn_p4_lateral" in plain and not any("_from_" in n for n in plain)
    with pytest.raises(WorkbenchError, match="extra_levels"):
        build("fcos", width=4, fpn_filters=8, head_depth=1, extra_levels=3)


def test_yolo_class_score_is_class_probability_times_confidence():
    model = build("yolo_v1", width=4, hidden=16, grid=2, boxes_per_cell=2)
    raw = np.zeros((1, 2, 2, 5 * 2 + 3), np.float32)
    raw[..., 4] = raw[..., 9] = -30.0  # every box's confidence about 0 ...
    raw[0, 0, 1, 9] = math.log(0.6 / 0.4)  # ... but box 2 of cell (row 0, col 1): 0.6
    raw[0, 0, 1, 10:] = np.log([0.2, 0.5, 0.3])  # Pr(class | object) by softmax
    found = model.decode(raw)[0]
    # Pr(class|object) x Pr(object) x IoU, the confidence standing for Pr(object) x IoU.
    np.testing.assert_allclose(found["scores"][:3], [0.6 * 0.5, 0.6 * 0.3, 0.6 * 0.2], rtol=1e-5)
    np.testing.assert_array_equal(found["labels"][:3], [1, 2, 0])
    # Logits 0: centre mid-cell (48, 16), root size 0.5 -> 16 pixels wide and high.
    np.testing.assert_allclose(found["boxes"][0], [40, 8, 56, 24], atol=1e-4)
    assert found["scores"][3] < 1e-9


# --- statistics of a detection set ---------------------------------------------------------

def test_statistics_by_hand():
    from workbench.data.shapes import CLASSES, DetectionData
    from workbench.detection.statistics import detection_statistics, report

    data = DetectionData(
        images=np.zeros((3, 200, 200, 3), np.float32), class_names=CLASSES, masks=None,
        boxes=[np.array([[0, 0, 10, 40], [0, 0, 50, 50], [10, 10, 130, 110]], np.float32),
               np.zeros((0, 4), np.float32), np.array([[5, 5, 25, 15]], np.float32)],
        labels=[np.array([0, 2, 2]), np.zeros(0, np.int64), np.array([2])])
    stats = detection_statistics(data)
    assert (stats["classes"], stats["images"], stats["boxes"]) == (3, 3, 4)
    assert stats["boxes_per_image"] == pytest.approx(4 / 3) and stats["images_without_boxes"] == 1
    assert stats["boxes_per_class"] == {"circle": 1, "square": 0, "triangle": 3}
    assert stats["images_per_class"] == {"circle": 1, "square": 0, "triangle": 2}
    assert stats["objects_per_image"] == {0: 1, 1: 1, 3: 1}
    # Areas 400, 2500, 12000, 200: small < 1024 <= medium < 9216 <= large.
    assert (stats["area"]["small"], stats["area"]["medium"], stats["area"]["large"]) == (2, 1, 1)
    assert stats["area"]["mean"] == pytest.approx((400 + 2500 + 12000 + 200) / 4)
    assert sum(stats["area"]["side_counts"]) == 4
    # Aspect w/h: 1/4, 1, 1.2, 2 -> "<1/3", "4/5-5/4" twice, "2-3" (2 opens its bin).
    assert stats["aspect"] == {"<1/3": 1, "1/3-1/2": 0, "1/2-4/5": 0, "4/5-5/4": 2, "5/4-2": 0,
                               "2-3": 1, ">3": 0}
    text = report(stats)
    assert "1 image(s) without boxes" in text and "MS COCO" in text and "123,287" in text


def test_datasets_stats_command(capsys, tmp_path):
    from workbench.cli import main
    from workbench.data.shapes import make_shapes
    from workbench.detection.statistics import detection_statistics

    assert main(["datasets", "stats", "shapes", "--data-option", "count=20", "--json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    expected = detection_statistics(make_shapes(20, 64, seed=0))
    assert ours["boxes_per_class"] == expected["boxes_per_class"] and ours["images"] == 20
    assert ours["boxes"] == sum(len(b) for b in make_shapes(20, 64, seed=0).boxes)
    assert main(["datasets", "stats", "shapes", "--data-option", "count=20"]) == 0
    assert "boxes per image" in capsys.readouterr().out
    for source, words in (("iris", "without boxes"), (str(tmp_path / "none.json"), "not found")):
        assert main(["datasets", "stats", source]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and words in err[0], err


def test_statistics_and_threshold_pages(qtbot):
    from ui.panels.detect_panel import DetectPanel
    from ui.session import Session
    from workbench.detection.statistics import detection_statistics
    from workbench.detection.threshold_metrics import summarize

    panel = DetectPanel(Session())
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    panel.session.set_tf_ready("CPU:0", [])
    qtbot.waitUntil(lambda: panel.annotated is not None, timeout=60_000)
    panel.views.setCurrentWidget(panel.statistics_view)
    qtbot.waitUntil(lambda: panel.statistics_view.stats is not None, timeout=30_000)
    data = panel.annotated
    labels = np.concatenate([np.asarray(lab) for lab in data.labels])
    chart = panel.statistics_view.charts["classes"]
    assert chart.counts == dict(zip(data.class_names, np.bincount(labels, minlength=3).tolist()))
    assert panel.statistics_view.stats == detection_statistics(data)
    assert f"{len(labels):,} boxes" in panel.statistics_view.summary.text()

    # The Thresholds page reads the Evaluation page's latest result when it shows.
    evaluation = {"thresholds": summarize(TRUTH, FOUND), "result": {"voc": {"mAP": 0.73,
                                                                           "per_class": {}}}}
    panel.evaluation_page.evaluation = evaluation
    panel.views.setCurrentWidget(panel.threshold_view)
    view = panel.threshold_view
    qtbot.waitUntil(lambda: view.table.rowCount() == 19, timeout=5_000)
    at_half = [view.table.item(r, c).text() for r in range(19) for c in range(4)
               if view.table.item(r, 0).text() == "0.50"]
    assert at_half == ["0.50", "1", "2", "2"]
    assert "notes' AP 0.500" in view.scores.text()
    panel.shutdown()
