"""One-stage detectors (YOLO v1, SSD, RetinaNet, FCOS) and segmenters (U-Net, FCN):
losses that fall, targets that round-trip, candidates, save/load, and the shared trainer."""

import math

import keras
import numpy as np
import pytest

from workbench import catalog
from workbench.data.shapes import make_shapes
from workbench.detection import boxes as box_ops
from workbench.detection import inference
from workbench.detection.segmentation_metrics import mean_iou, per_class_iou, pixel_accuracy
from workbench.detection.training import MapCallback, evaluate_map
from workbench.errors import WorkbenchError
from workbench.training import TrainConfig, events, job
from workbench.training.job import make_optimizer

TINY = {
    "yolo_v1": {"width": 8, "hidden": 64},
    "ssd": {"width": 8},
    "retinanet": {"width": 8, "fpn_filters": 16, "head_depth": 1},
    "fcos": {"width": 8, "fpn_filters": 16, "head_depth": 1},
    "unet": {"filters": 4, "depth": 2},
    "fcn": {"width": 8, "fc_filters": 16},
}
DETECTORS = ("yolo_v1", "ssd", "retinanet", "fcos")


@pytest.fixture(scope="module")
def shapes():
    return make_shapes(32, 64, max_objects=2, seed=3)


def build(name, data, **overrides):
    entry = catalog.get(name)
    model = entry.build(entry.resolve({**TINY[name], **overrides}), data.info)
    model.compile(optimizer=make_optimizer({"learning_rate": 3e-3}))
    return model


@pytest.fixture(scope="module")
def trained(shapes):
    """Each tiny model trained for 24 steps on 32 images, with its loss history."""
    cache = {}

    def get(name):
        if name not in cache:
            keras.utils.set_random_seed(0)
            model = build(name, shapes)
            y = model.encode_targets(shapes.boxes, shapes.labels, shapes.masks)
            history = model.fit(shapes.images, y, batch_size=8, epochs=6, verbose=0).history
            cache[name] = (model, history)
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(TINY))
def test_loss_falls_and_parts_are_reported(name, trained):
    model, history = trained(name)
    assert set(model.loss_names) <= set(history)
    assert all(math.isfinite(v) for v in history["loss"])
    assert history["loss"][-1] < 0.7 * history["loss"][0], history["loss"]


@pytest.mark.parametrize("name", DETECTORS)
def test_candidates_are_boxes_inside_the_image(name, trained, shapes):
    model, _ = trained(name)
    candidates = model.predict_candidates(shapes.images[:3])
    assert len(candidates) == 3
    for c in candidates:
        k = len(c["scores"])
        assert 0 < k <= model.settings["max_candidates"]
        assert c["boxes"].shape == (k, 4) and c["labels"].shape == (k,)
        assert c["boxes"].min() >= 0 and c["boxes"][:, 0::2].max() <= 64
        assert set(np.unique(c["labels"])) <= {0, 1, 2}
        assert 0.0 <= c["scores"].min() and c["scores"].max() <= 1.0
        assert np.all(np.diff(c["scores"]) <= 0)  # best first


@pytest.mark.parametrize("name", sorted(TINY))
def test_save_and_load_give_equal_outputs(name, trained, shapes, tmp_path):
    model, _ = trained(name)
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    from workbench.models.io import load_model

    loaded = load_model(path)
    assert type(loaded) is type(model)
    assert loaded.class_names == model.class_names and loaded.settings == model.settings
    for a, b in zip(keras.tree.flatten(model.predict_on_batch(shapes.images[:4])),
                    keras.tree.flatten(loaded.predict_on_batch(shapes.images[:4]))):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)
    y = model.encode_targets(shapes.boxes[:8], shapes.labels[:8], shapes.masks[:8])
    # The optimizer state comes back too, so training can continue.
    assert loaded.evaluate(shapes.images[:8], y, verbose=0, return_dict=True)["loss"] == \
        pytest.approx(model.evaluate(shapes.images[:8], y, verbose=0, return_dict=True)["loss"], rel=1e-4)


# --- YOLO v1 -------------------------------------------------------------------------------

def test_yolo_targets_round_trip_and_cell_assignment(shapes):
    model = build("yolo_v1", shapes, grid=7)  # the paper's S
    targets = model.encode_targets([np.array([[10, 20, 30, 60]], np.float32)], [np.array([2])])
    assert targets.shape == (1, 7, 7, 8)
    # Centre (20, 40) of a 64 image on a 7 grid: column 2.1875 -> 2, row 4.375 -> 4.
    row, col = np.argwhere(targets[0, ..., 0] == 1)[0]
    assert (row, col) == (4, 2)
    np.testing.assert_allclose(targets[0, 4, 2, 1:5], [0.1875, 0.375, math.sqrt(20 / 64), math.sqrt(40 / 64)],
                               atol=1e-6)
    decoded = model.decode_targets(model.encode_targets(shapes.boxes, shapes.labels))
    for got, boxes, labels in zip(decoded, shapes.boxes, shapes.labels):
        order, back = np.lexsort(boxes.T[::-1]), np.lexsort(got["boxes"].T[::-1])
        np.testing.assert_allclose(got["boxes"][back], boxes[order], atol=1e-3)
        np.testing.assert_array_equal(got["labels"][back], labels[order])


def test_yolo_loss_parts_match_the_paper(shapes):
    model = build("yolo_v1", shapes, grid=4, boxes_per_cell=2)
    y = model.encode_targets([np.array([[8, 8, 24, 40]], np.float32)], [np.array([1])])
    # All-zero outputs: every confidence is sigmoid(0) = 0.5; 31 of the 32 boxes have no object.
    parts = {k: float(v) for k, v in model.compute_losses(y, np.zeros((1, 4, 4, 13), np.float32)).items()}
    assert parts["noobj"] == pytest.approx(0.5 * 31 * 0.25, rel=1e-5)
    assert parts["class"] == pytest.approx((2 / 3) ** 2 + 2 * (1 / 3) ** 2, rel=1e-5)
    # Outputs that reproduce the target exactly: coord and class vanish, noobj too.
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    perfect = np.zeros((1, 4, 4, 13), np.float32)
    perfect[..., 4] = perfect[..., 9] = -30.0
    row, col = 1, 1  # centre (16, 24) -> cell (1, 1) of 4
    cell = y[0, row, col]
    perfect[0, row, col, 0:4] = logit(np.clip(cell[1:5], 1e-6, 1 - 1e-6))
    perfect[0, row, col, 4] = 30.0
    perfect[0, row, col, 10:13] = [-30.0, 30.0, -30.0]
    parts = {k: float(v) for k, v in model.compute_losses(y, perfect).items()}
    assert parts["coord"] < 1e-6 and parts["class"] < 1e-6 and parts["noobj"] < 1e-6
    assert parts["obj"] < 1e-6  # confidence 1 = Pr(Object) x IoU(=1)


# --- SSD -----------------------------------------------------------------------------------

def test_ssd_default_boxes_and_target_round_trip(shapes):
    model = build("ssd", shapes, min_level=3, max_level=6)
    cells = 8 * 8 + 4 * 4 + 2 * 2 + 1 * 1  # levels 3..6 on 64 pixels
    assert model.anchors.shape == (cells * 4, 4)  # 3 ratios + the extra square box
    y = model.encode_targets(shapes.boxes, shapes.labels)
    for i in range(len(shapes)):
        positive = y["classes"][i] > 0
        decoded = box_ops.decode(y["boxes"][i][positive], model.anchors[positive])
        ious = box_ops.iou(decoded, shapes.boxes[i]).max(axis=1)
        np.testing.assert_allclose(ious, 1.0, atol=1e-4)  # every positive decodes to a true box
        covered = box_ops.iou(shapes.boxes[i], decoded).max(axis=1)
        assert np.all(covered > 0.999)  # and every true box has a positive default box


def test_ssd_hard_negative_mining_keeps_three_per_positive():
    from workbench.models.detection.ssd import hard_negatives

    classes = np.zeros((2, 20), np.int32)
    classes[0, :2] = 1  # two positives -> six negatives
    losses = np.tile(np.arange(20, dtype=np.float32), (2, 1))
    mask = np.asarray(hard_negatives(classes, losses, 3.0))
    assert mask[0].sum() == 6 and mask[1].sum() == 3  # no positive: 3 x max(0, 1)
    np.testing.assert_array_equal(np.flatnonzero(mask[0]), np.arange(14, 20))  # the hardest
    assert mask[0, :2].sum() == 0


# --- RetinaNet ------------------------------------------------------------------------------

def test_retinanet_nine_anchors_and_ignored_band(shapes):
    model = build("retinanet", shapes, min_level=3, max_level=5, anchor_size=1.5)
    assert model.anchors.shape == ((8 * 8 + 4 * 4 + 2 * 2) * 9, 4)
    y = model.encode_targets(shapes.boxes, shapes.labels)
    best = np.concatenate([box_ops.iou(b, model.anchors).max(axis=0) for b in shapes.boxes])
    classes = y["classes"].ravel()
    band = classes[(best >= 0.4) & (best < 0.5)]
    # Between the thresholds anchors are ignored, except a box's own best anchor (forced positive).
    assert np.sum(band == -1) > 0 and np.sum(band > 0) <= sum(len(b) for b in shapes.boxes)
    assert set(np.unique(band)) <= {-1, 1, 2, 3}
    assert np.sum(classes[best < 0.4] > 0) <= sum(len(b) for b in shapes.boxes)
    assert np.all(classes[best >= 0.5] > 0)
    assert np.sum(classes > 0) >= sum(len(b) for b in shapes.boxes)


def test_focal_loss_down_weights_easy_examples():
    from workbench.models.detection.base import focal_loss

    logits = np.array([math.log(9.0), -math.log(9.0)], np.float32)  # p = 0.9 and 0.1
    targets = np.array([1.0, 1.0], np.float32)
    ce = -np.log([0.9, 0.1])
    np.testing.assert_allclose(np.asarray(focal_loss(logits, targets, 0.25, 0.0)), 0.25 * ce, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(focal_loss(logits, targets, 0.25, 2.0)),
                               0.25 * ce * np.array([0.1, 0.9]) ** 2, rtol=1e-5)
    negatives = np.asarray(focal_loss(logits, np.zeros(2, np.float32), 0.25, 2.0))
    np.testing.assert_allclose(negatives, 0.75 * -np.log([0.1, 0.9]) * np.array([0.9, 0.1]) ** 2,
                               rtol=1e-5)


# --- FCOS ----------------------------------------------------------------------------------

def test_fcos_targets_rebuild_the_boxes_and_pick_levels(shapes):
    model = build("fcos", shapes)
    big, small = np.array([[2, 2, 62, 50]], np.float32), np.array([[30, 30, 38, 38]], np.float32)
    y = model.encode_targets([big, small], [np.array([0]), np.array([2])])
    for i, box in enumerate((big, small)):
        positive = y["classes"][i] > 0
        assert positive.any()
        ltrb = y["ltrb"][i][positive] * model.strides[positive, None]
        points = model.points[positive]
        rebuilt = np.concatenate([points - ltrb[:, :2], points + ltrb[:, 2:]], -1)
        np.testing.assert_allclose(rebuilt, np.repeat(box, len(rebuilt), 0), atol=1e-4)
    # Range 2 x stride: the 60-pixel box lives on the coarsest level, the 8-pixel one on the finest.
    assert set(model.strides[y["classes"][0] > 0]) == {16.0}
    assert set(model.strides[y["classes"][1] > 0]) == {4.0}
    assert set(y["classes"][1][y["classes"][1] > 0]) == {3}


def test_fcos_score_is_class_times_centerness(shapes):
    from workbench.models.detection.fcos import centerness

    np.testing.assert_allclose(np.asarray(centerness(np.array([[5.0, 5.0, 5.0, 5.0],
                                                              [1.0, 4.0, 4.0, 4.0]]))),
                               [1.0, 0.5], atol=1e-6)
    model = build("fcos", shapes)
    points = len(model.points)
    logits = np.full((1, points, 3), -10.0, np.float32)
    index = 3 * 16 + 3  # row 3, column 3 of the stride-4 level: centre (14, 14)
    logits[0, index, 1] = math.log(0.8 / 0.2)  # class score 0.8
    ctr = np.full((1, points, 1), -10.0, np.float32)
    ctr[0, index, 0] = 0.0  # centerness 0.5
    candidates = model.decode((logits, np.zeros((1, points, 4), np.float32), ctr))[0]
    assert candidates["scores"][0] == pytest.approx(0.4, rel=1e-4)
    assert candidates["labels"][0] == 1
    # Raw distance 0 -> exp(0) = one stride to every side.
    np.testing.assert_allclose(candidates["boxes"][0], [10, 10, 18, 18], atol=1e-4)


# --- segmentation --------------------------------------------------------------------------

def test_mean_iou_counts_pixels():
    gt = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    pred = np.array([[0, 1, 1, 1], [0, 0, 1, 1]])
    # class 0: TP 3, FP 0, FN 1 -> 3/4; class 1: TP 4, FP 1 -> 4/5; class 2 absent -> nan
    ious = per_class_iou(pred, gt, 3)
    np.testing.assert_allclose(ious[:2], [0.75, 0.8])
    assert math.isnan(ious[2])
    assert mean_iou(pred, gt, 3) == pytest.approx(0.775)
    assert mean_iou(gt, gt, 3) == 1.0
    assert pixel_accuracy(pred, gt) == pytest.approx(7 / 8)
    with pytest.raises(WorkbenchError, match="outside"):
        mean_iou(gt + 5, gt, 3)


@pytest.mark.parametrize("name", ["unet", "fcn"])
def test_segmenter_maps_match_the_image(name, trained, shapes):
    model, history = trained(name)
    assert history["pixel_accuracy"][-1] > history["pixel_accuracy"][0]
    y = model.encode_targets(shapes.boxes, shapes.labels, shapes.masks)
    np.testing.assert_array_equal(y, shapes.semantic_masks())
    class_map = inference.segment(model, (shapes.images[0] * 255).astype(np.uint8))
    assert class_map.shape == (64, 64) and class_map.min() >= 0 and class_map.max() <= 3
    bigger = inference.segment(model, np.repeat(np.repeat(shapes.images[0], 2, 0), 2, 1))
    assert bigger.shape == (128, 128)
    drawn = inference.draw_segmentation((shapes.images[0] * 255).astype(np.uint8), class_map,
                                        shapes.class_names)
    assert drawn.shape == (64, 64, 3) and drawn.dtype == np.uint8


def test_fcn_variants_differ_in_skips(shapes):
    names = {v: {layer.name for layer in build("fcn", shapes, variant=v).network.layers}
             for v in ("8s", "16s", "32s")}
    assert {"fcn_score_pool3", "fcn_score_pool4", "fcn_upsample_8x"} <= names["8s"]
    assert "fcn_score_pool4" in names["16s"] and "fcn_score_pool3" not in names["16s"]
    assert "fcn_upsample_32x" in names["32s"] and "fcn_score_pool4" not in names["32s"]


# --- inference helpers ---------------------------------------------------------------------

class _FixedDetector:
    """Stands in for a trained detector: fixed candidates for a 32x32 input."""

    image_size = (32, 32)

    def predict_candidates(self, images):
        assert images.shape == (1, 32, 32, 3)
        return [{"boxes": np.array([[0, 0, 16, 16], [1, 1, 16, 16], [16, 16, 32, 32], [0, 0, 16, 16]],
                                   np.float32),
                 "scores": np.array([0.9, 0.8, 0.5, 0.2], np.float32),
                 "labels": np.array([0, 0, 1, 1])}]


def test_select_thresholds_and_per_class_nms():
    candidates = _FixedDetector().predict_candidates(np.zeros((1, 32, 32, 3)))[0]
    selected = inference.select(candidates, score_threshold=0.3, iou_threshold=0.5)
    np.testing.assert_allclose(selected["scores"], [0.9, 0.5])  # 0.8 suppressed, 0.2 too low
    everything = inference.select(candidates, score_threshold=0.0, iou_threshold=0.5)
    assert len(everything["scores"]) == 3  # the class-1 box over the class-0 box survives
    assert len(inference.select(candidates, 0.0, 0.5, max_detections=1)["scores"]) == 1
    assert len(inference.select(candidates, 0.5, 0.5)["scores"]) == 2  # "at least" the threshold


def test_detect_rescales_to_the_original_image_and_draws():
    image = np.zeros((64, 128, 3), np.uint8)
    selected, ms = inference.detect(_FixedDetector(), image, 0.3, 0.5)
    assert ms > 0
    np.testing.assert_allclose(selected["boxes"][0], [0, 0, 64, 32])
    results = inference.to_coco_results(selected, image_id=7)
    assert results[0] == {"image_id": 7, "category_id": 1, "bbox": [0.0, 0.0, 64.0, 32.0],
                          "score": pytest.approx(0.9)}
    drawn = inference.draw_detections(image, selected, ("a", "b"))
    assert drawn.shape == image.shape and drawn.dtype == np.uint8
    assert tuple(drawn[20, 0]) == inference.class_colour(0)  # left edge of the first box
    assert drawn[50, 40].sum() == 0  # outside every box and label: untouched
    assert image.sum() == 0  # the input is not drawn on


# --- the shared trainer --------------------------------------------------------------------

def test_train_detector_reports_val_map(tmp_path):
    collected = []
    config = TrainConfig("yolo_v1", "shapes", epochs=2, batch_size=8, steps_per_epoch=2,
                         hparams=TINY["yolo_v1"], data_options={"count": 48}, val_split=0.25,
                         out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    assert len(result.history["val_mAP"]) == 2
    assert all(0.0 <= v <= 1.0 for v in result.history["val_mAP"])
    ends = [e for e in collected if isinstance(e, events.EpochEnd)]
    assert len(ends) == 2 and "val_mAP" in ends[-1].logs and "val_coord" in ends[-1].logs
    assert (tmp_path / "run" / "model.keras").exists()
    assert result.model.count_params() > 0


def test_train_detector_refuses_classification_data(tmp_path):
    config = TrainConfig("ssd", "digits", epochs=1, hparams=TINY["ssd"], out=str(tmp_path / "run"))
    with pytest.raises(WorkbenchError, match="needs images annotated with boxes or masks"):
        job.run_training(config)
    assert not (tmp_path / "run").exists()  # refused before anything was written


def test_segmenter_needs_masks(shapes):
    from workbench.detection.training import prepare_data

    no_masks = shapes.subset(range(4))
    no_masks.masks = None
    with pytest.raises(WorkbenchError, match="needs masks"):
        prepare_data(no_masks, {}, "unet", "segmentation")
    resized = prepare_data(shapes.subset(range(4)), {"input_size": 96}, "ssd")
    assert resized.images.shape == (4, 96, 96, 3)
    np.testing.assert_allclose(resized.boxes[0], shapes.boxes[0] * 1.5, atol=1e-4)


def test_map_callback_skips_after_stop(shapes, trained):
    from workbench.training.control import RunControl

    model, _ = trained("ssd")
    control = RunControl()
    callback = MapCallback(shapes.subset(range(8)), control)
    callback.set_model(model)
    logs = {}
    callback.on_epoch_end(0, logs)
    assert 0.0 <= logs["val_mAP"] <= 1.0
    assert logs["val_mAP"] == pytest.approx(evaluate_map(model, shapes.subset(range(8)))["mAP"])
    control.stop()
    stopped = {}
    callback.on_epoch_end(1, stopped)
    assert "val_mAP" not in stopped


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_focal_loss_gradient_is_finite_when_saturated(gamma):
    import tensorflow as tf

    from workbench.models.detection.base import focal_loss

    logits = tf.Variable([40.0, -40.0, 0.0])  # p_t rounds to exactly 1 for the first two
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(focal_loss(logits, tf.constant([1.0, 0.0, 1.0]), 0.25, gamma))
    gradient = tape.gradient(loss, logits).numpy()
    assert np.all(np.isfinite(gradient)) and gradient[2] < 0  # pushes the unsure logit up
