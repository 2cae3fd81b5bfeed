"""Keypoint R-CNN (Mask R-CNN's keypoint head): targets, loss, decoding, PCK, data, training."""

import json
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from workbench.data.shapes import DetectionData, make_shapes
from workbench.detection import inference
from workbench.models.detection.keypoint_rcnn import (
    decode_heatmaps,
    keypoint_loss,
    keypoint_targets,
    pck,
)


def test_target_is_the_keypoints_cell_of_the_roi_grid():
    roi = np.array([[10.0, 20.0, 30.0, 40.0]], np.float32)  # 20 x 20 pixels, m = 4: 5-pixel cells
    points = np.array([[[18.5, 33.0, 2.0],    # col floor(8.5/5) = 1, row floor(13/5) = 2 -> 9
                        [30.0, 40.0, 2.0],    # on the right/bottom edge: the last cell (15)
                        [5.0, 25.0, 2.0],     # left of the RoI: not a target
                        [12.0, 22.0, 0.0],    # not labelled
                        [10.0, 24.9, 1.0]]],  # labelled, hidden: col 0, row 0 -> 0
                      np.float32)
    index, valid = keypoint_targets(roi, points, 4)
    assert valid.numpy().tolist() == [[True, True, False, False, True]]
    assert index.numpy()[0, [0, 1, 4]].tolist() == [9, 15, 0]


def test_loss_is_zero_on_the_target_and_minus_log_p_otherwise():
    m, k = 3, 2
    index = np.array([[4, 7]], np.int32)
    valid = np.array([[True, True]])
    peaked = np.zeros((1, m, m, k), np.float32)
    peaked[0, 1, 1, 0] = 200.0  # cell 4 = (row 1, col 1)
    peaked[0, 2, 1, 1] = 200.0  # cell 7 = (row 2, col 1)
    assert float(keypoint_loss(peaked, index, valid)) == pytest.approx(0.0, abs=1e-6)

    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (1, m, m, k)).astype(np.float32)
    expected = []
    for j in range(k):
        flat = logits[0, :, :, j].reshape(-1).astype(np.float64)
        p = np.exp(flat) / np.exp(flat).sum()
        expected.append(-math.log(p[index[0, j]]))
    assert float(keypoint_loss(logits, index, valid)) == pytest.approx(np.mean(expected), rel=1e-5)
    # An invalid keypoint adds nothing: only the first one's -log p remains.
    only_first = np.array([[True, False]])
    assert float(keypoint_loss(logits, index, only_first)) == pytest.approx(expected[0], rel=1e-5)


def test_argmax_maps_back_to_the_cell_centre_in_the_image():
    logits = np.zeros((1, 4, 4, 2), np.float32)
    logits[0, 2, 1, 0] = 5.0  # keypoint 0: row 2, col 1
    logits[0, 0, 3, 1] = 1.0  # keypoint 1: row 0, col 3
    box = np.array([[10.0, 20.0, 30.0, 40.0]])  # 5-pixel cells
    points = decode_heatmaps(logits, box)
    assert points.shape == (1, 2, 3)
    np.testing.assert_allclose(points[0, 0], [10 + 1.5 * 5, 20 + 2.5 * 5,
                                              math.exp(5) / (math.exp(5) + 15)], rtol=1e-5)
    np.testing.assert_allclose(points[0, 1, :2], [10 + 3.5 * 5, 20 + 0.5 * 5])


def _one_image(keypoints, boxes, labels):
    return DetectionData(np.zeros((1, 64, 64, 3), np.float32), [np.asarray(boxes, np.float32)],
                         [np.asarray(labels)], None, ("a", "b"),
                         keypoints=[np.asarray(keypoints, np.float32)])


def test_pck_by_hand():
    # Object 0 (class a, box 20 wide -> 0.2 * 20 = 4 px), object 1 (class b, box 10 -> 2 px).
    truth = [[[10, 10, 2], [30, 10, 2], [30, 30, 0]],
             [[45, 45, 2], [55, 45, 2], [50, 55, 1]]]
    data = _one_image(truth, [[10, 10, 30, 30], [45, 45, 55, 55]], [0, 1])
    found = {"boxes": np.array([[10, 10, 30, 30], [45, 45, 55, 55]], np.float32),
             "scores": np.array([0.9, 0.8]), "labels": np.array([0, 1]),
             "keypoints": np.array([[[13, 10, 1], [30, 15, 1], [0, 0, 1]],     # 3 <= 4 ok; 5 > 4
                                    [[45, 47, 1], [55, 45, 1], [50, 58, 1]]],  # ok, ok, 3 > 2
                                   np.float32)}
    assert pck([found], data) == pytest.approx(3 / 5)
    assert pck([found], data, alpha=0.25) == pytest.approx(4 / 5)  # 5 px and 2.5 px now
    # A detection of the wrong class pairs with nothing: object 1's keypoints all count wrong.
    wrong = dict(found, labels=np.array([0, 0]))
    assert pck([wrong], data) == pytest.approx(1 / 5)


def test_shape_corners_are_the_vertices_of_the_drawn_polygons():
    import cv2

    data = make_shapes(6, 64, max_objects=3, seed=5, keypoints=True)
    plain = make_shapes(6, 64, max_objects=3, seed=5)
    np.testing.assert_array_equal(data.images, plain.images)  # the option changes no pixel
    ys, xs = np.mgrid[0:64, 0:64] + 0.5
    seen = set()
    for i in range(len(data)):
        for mask, label, points in zip(data.masks[i], data.labels[i], data.keypoints[i]):
            kind = data.class_names[label]
            seen.add(kind)
            visible = points[points[:, 2] > 0, :2]
            if kind == "circle":
                assert len(visible) == 0
                continue
            assert len(visible) == (4 if kind == "square" else 3)
            polygon = visible.reshape(-1, 1, 2).astype(np.float32)
            inside = np.array([[cv2.pointPolygonTest(polygon, (float(x), float(y)), True)
                                for x, y in zip(rx, ry)] for rx, ry in zip(xs, ys)])
            # Every painted pixel centre lies in the polygon, every unpainted one outside (or on it).
            assert (inside[mask] >= 0).all() and (inside[~mask] <= 0).all()
    assert {"square", "triangle"} <= seen
    # Per class, the keypoints it has: none for circles, the 4th never for triangles.
    assert data.class_keypoints() == ((), (0, 1, 2, 3), (0, 1, 2))


def test_shapes_keypoints_option():
    from workbench.data.registry import load
    from workbench.errors import WorkbenchError

    with_points = load("shapes", {"count": 4, "keypoints": "true"})
    assert with_points.keypoint_names == ("corner 1", "corner 2", "corner 3", "corner 4")
    assert load("shapes", {"count": 4}).keypoints is None  # unchanged without the option
    with pytest.raises(WorkbenchError, match="true or false"):
        load("shapes", {"count": 4, "keypoints": "maybe"})


def test_coco_keypoint_annotations_load(tmp_path):
    from workbench.data.coco import load_coco
    from workbench.data.images import write_png

    write_png(str(tmp_path / "a.png"), np.zeros((40, 60, 3), np.uint8))
    payload = {
        "images": [{"id": 7, "file_name": "a.png", "width": 60, "height": 40}],
        "categories": [{"id": 1, "name": "person", "keypoints": ["nose", "left_eye", "right_eye"],
                        "skeleton": [[1, 2], [1, 3]]}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 1, "bbox": [10, 5, 20, 30],
             "keypoints": [20, 10, 2, 15, 8, 1, 0, 0, 0], "num_keypoints": 2},
            {"id": 2, "image_id": 7, "category_id": 1, "bbox": [35, 5, 20, 30],
             "keypoints": [45, 12, 2, 99, 8, 2, 50, 9, 2], "num_keypoints": 3}],
    }
    path = tmp_path / "person_keypoints.json"
    path.write_text(json.dumps(payload))
    data, _ = load_coco(str(path))
    assert data.keypoint_names == ("nose", "left_eye", "right_eye")
    assert data.skeletons == (((0, 1), (0, 2)),)
    np.testing.assert_array_equal(data.keypoints[0][0], [[20, 10, 2], [15, 8, 1], [0, 0, 0]])
    # x = 99 lies outside the 60-pixel-wide image: not labelled.
    np.testing.assert_array_equal(data.keypoints[0][1], [[45, 12, 2], [0, 0, 0], [50, 9, 2]])
    half = data.resized((20, 30))
    np.testing.assert_allclose(half.keypoints[0][0], [[10, 5, 2], [7.5, 4, 1], [0, 0, 0]])
    assert data.info.keypoint_names == ("nose", "left_eye", "right_eye")


def test_keypoints_drawn_as_dots_and_skeleton_lines():
    canvas = np.zeros((40, 40, 3), np.uint8)
    selected = {"boxes": np.array([[2, 2, 38, 38]], np.float32), "scores": np.array([0.9]),
                "labels": np.array([1]), "skeletons": ((), ((0, 1),)),
                "keypoints": np.array([[[8, 20, 1], [32, 20, 1]]], np.float32)}
    picture = inference.draw_detections(canvas, selected, ["a", "b"], show_scores=False)
    colour = inference.class_colour(1)
    assert tuple(picture[20, 8]) == colour and tuple(picture[20, 32]) == colour  # the dots
    # The (anti-aliased) line between them, half-way: the class colour within rounding.
    assert np.abs(picture[20, 20].astype(int) - colour).max() <= 16
    no_lines = inference.draw_detections(canvas, dict(selected, skeletons=()), ["a", "b"])
    assert tuple(no_lines[20, 20]) == (0, 0, 0)


def test_two_training_steps_report_pck_and_keypoints(tmp_path):
    from workbench import catalog
    from workbench.detection import evaluation
    from workbench.training import TrainConfig, job

    entry = catalog.get("keypoint_rcnn")
    run = tmp_path / "run"
    config = TrainConfig("keypoint_rcnn", "shape_keypoints", epochs=1, batch_size=8,
                         steps_per_epoch=2, hparams=dict(entry.smoke), val_split=0.2,
                         data_options={"count": 20}, eager=True, out=str(run))
    result = job.run_training(config)
    history = result.history
    assert math.isfinite(history["keypoint"][0]) and history["keypoint"][0] > 0
    assert 0.0 <= history["val_pck"][0] <= 1.0
    model = result.model
    candidates = model.predict_candidates(make_shapes(2, 64, seed=9).images)
    found = candidates[0]
    assert found["keypoints"].shape == (len(found["boxes"]), 4, 3)
    # A circle has no corner and a triangle no 4th one: probability 0, so never drawn.
    assert (found["keypoints"][found["labels"] == 0][..., 2] == 0).all()
    assert (found["keypoints"][found["labels"] == 2][:, 3, 2] == 0).all()
    assert (found["keypoints"][found["labels"] == 1][..., 2] > 0).all()
    evaluated, _, _ = evaluation.evaluate_run(str(run))
    figures = evaluation.as_json(evaluated)
    assert "pck" in figures and "voc_map50" in figures
    assert figures["pck"] == pytest.approx(pck(evaluated["detections"], evaluated["data"]))
