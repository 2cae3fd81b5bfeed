"""Region-based detectors: Selective Search, R-CNN, Fast R-CNN, Faster R-CNN, Mask R-CNN."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from workbench import catalog  # noqa: E402
from workbench.data.base import DataInfo  # noqa: E402
from workbench.data.shapes import make_shapes  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.layers.roi_pool import RoIPooling  # noqa: E402
from workbench.models.detection import two_stage  # noqa: E402
from workbench.models.detection.fast_rcnn import build_fast_rcnn  # noqa: E402
from workbench.models.detection.faster_rcnn import build_faster_rcnn  # noqa: E402
from workbench.models.detection.mask_rcnn import build_mask_rcnn  # noqa: E402
from workbench.models.detection.selective_search import proposal_recall, selective_search  # noqa: E402
from workbench.models.io import load_model  # noqa: E402
from workbench.training import TrainConfig, job  # noqa: E402

TINY = {"width": 8, "fc": 32, "rpn_filters": 16, "pooled_size": 5, "proposals": 32,
        "roi_batch": 16, "mask_pooled_size": 7, "mask_filters": 8}


@pytest.fixture(scope="module")
def shapes():
    return make_shapes(16, 64, max_objects=3, seed=3)


def _info(data):
    return DataInfo("shapes", "image", "detection", data.images.shape[1:], data.class_names)


def _train(model, x, y, epochs=12, batch_size=8):
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(2e-3))
    return model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0).history


def _check_candidates(candidates, count, with_masks=False):
    assert len(candidates) == count
    for c in candidates:
        k = len(c["scores"])
        assert k > 0 and c["boxes"].shape == (k, 4) and c["labels"].shape == (k,)
        assert np.all((c["scores"] >= 0) & (c["scores"] <= 1))
        assert np.all(c["boxes"] >= 0) and np.all(c["boxes"] <= 64)
        assert set(np.unique(c["labels"])) <= {0, 1, 2}
        if with_masks:
            assert c["masks"].shape == (k, 64, 64)
            assert 0.0 <= c["masks"].min() and c["masks"].max() <= 1.0


# --- Selective Search ------------------------------------------------------------------

def test_selective_search_recalls_the_shapes_with_few_proposals():
    data = make_shapes(20, 64, max_objects=3, seed=11)
    proposals = [selective_search(image, max_proposals=300) for image in data.images]
    counts = [len(p) for p in proposals]
    assert max(counts) <= 300
    assert proposal_recall(proposals, data.boxes, 0.5) >= 0.9
    for p in proposals:  # unique, inside the image, non-degenerate
        assert len(np.unique(p, axis=0)) == len(p)
        assert p.min() >= 0 and p.max() <= 64 and np.all(p[:, 2:] - p[:, :2] >= 2)
    # The first few boxes already cover most objects (the pseudo-random ranking).
    assert proposal_recall([p[:30] for p in proposals], data.boxes, 0.5) >= 0.8


def test_selective_search_checks_its_input():
    with pytest.raises(WorkbenchError, match="colour space 'xyz'"):
        selective_search(np.zeros((16, 16, 3)), strategies=[("xyz", 50)])
    with pytest.raises(WorkbenchError, match=r"\(16, 16\)"):
        selective_search(np.zeros((16, 16)))


# --- shared two-stage pieces -------------------------------------------------------------

def test_sample_rois_labels_foreground_and_codes_exact_matches_as_zero():
    gt = tf.constant([[[10.0, 10.0, 30.0, 30.0], [0.0, 0.0, 0.0, 0.0]]])
    labels = tf.constant([[2, -1]])
    proposals = tf.constant([[[11.0, 11.0, 30.0, 30.0], [40.0, 40.0, 60.0, 60.0],
                              [0.0, 0.0, 64.0, 64.0], [0.0, 0.0, 0.0, 0.0]]])
    valid = tf.constant([[True, True, True, False]])
    sample = two_stage.sample_rois(proposals, valid, gt, labels, count=8, fg_fraction=0.5)
    got = sample["labels"].numpy()[0]
    # Foreground: the near-copy (IoU 0.9) and the ground-truth box itself, class 2 -> label 3;
    # background: the two far boxes; the padded proposal and padded truth are never drawn
    # (6 candidates in all, so at most 6 of the 8 requested RoIs).
    assert sorted(got.tolist()) == [-1, -1, 0, 0, 3, 3]
    rois = sample["rois"].numpy()[0]
    exact = np.flatnonzero((got == 3) & np.all(rois == [10, 10, 30, 30], axis=1))
    np.testing.assert_allclose(sample["targets"].numpy()[0][exact], 0.0, atol=1e-6)


def test_paste_masks_fills_the_box():
    boxes = np.array([[10.0, 20.0, 30.0, 44.0]], np.float32)
    pasted = two_stage.paste_masks(np.ones((1, 14, 14), np.float32), boxes, (64, 64))
    assert pasted.shape == (1, 64, 64)
    assert pasted[0, 20:44, 10:30].min() > 0.45  # inside (edges are bilinear, > 1/2)
    assert pasted[0, 22:42, 12:28].min() == pytest.approx(1.0)
    assert pasted[0, :, :9].max() == 0.0 and pasted[0, 45:, :].max() == 0.0
    assert pasted.sum() == pytest.approx(20 * 24, rel=0.1)


# --- Faster R-CNN ----------------------------------------------------------------------

def test_faster_rcnn_has_nine_anchors_per_position_and_learns(shapes):
    model = build_faster_rcnn(TINY, _info(shapes))
    assert len(model.anchors) == 8 * 8 * 9  # stride 8 on 64x64, 3 scales x 3 ratios
    history = _train(model, shapes.images, model.encode_targets(shapes.boxes, shapes.labels))
    for part in ("rpn_obj", "rpn_box", "cls", "box"):
        assert np.isfinite(history[part]).all()
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert history["rpn_obj"][-1] < 0.5 * history["rpn_obj"][0]
    _check_candidates(model.predict_candidates(shapes.images[:3]), 3)


def test_faster_rcnn_roi_op_is_selectable(shapes):
    pooled = build_faster_rcnn({**TINY, "roi_op": "roi_pool"}, _info(shapes))
    assert isinstance(pooled.roi_op, RoIPooling)
    with pytest.raises(WorkbenchError, match="anchor_scales"):
        build_faster_rcnn({**TINY, "anchor_scales": "12,-3"}, _info(shapes))
    with pytest.raises(WorkbenchError, match="rpn_negative_iou=0.8"):
        build_faster_rcnn({**TINY, "rpn_negative_iou": 0.8}, _info(shapes))


# --- Mask R-CNN --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mask_rcnn(shapes):
    model = build_mask_rcnn(TINY, _info(shapes))
    y = model.encode_targets(shapes.boxes, shapes.labels, shapes.masks)
    return model, _train(model, shapes.images, y)


def test_mask_rcnn_loss_decreases_and_candidates_carry_masks(mask_rcnn, shapes):
    model, history = mask_rcnn
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert history["mask"][-1] < history["mask"][0]
    candidates = model.predict_candidates(shapes.images[:2])
    _check_candidates(candidates, 2, with_masks=True)
    # Masks are pasted inside their boxes: nothing outside a candidate's box.
    c = candidates[0]
    x1, y1, x2, y2 = np.floor(c["boxes"][0]).astype(int)
    outside = c["masks"][0].copy()
    outside[max(y1 - 1, 0):y2 + 2, max(x1 - 1, 0):x2 + 2] = 0
    assert outside.max() == 0.0


def test_mask_rcnn_needs_masks(mask_rcnn, shapes):
    with pytest.raises(WorkbenchError, match="masks"):
        mask_rcnn[0].encode_targets(shapes.boxes, shapes.labels, None)


def test_mask_rcnn_save_load_round_trip(mask_rcnn, shapes, tmp_path):
    model = mask_rcnn[0]
    path = str(tmp_path / "mask_rcnn.keras")
    model.save(path)
    loaded = load_model(path)
    before = model.predict_candidates(shapes.images[:2])
    after = loaded.predict_candidates(shapes.images[:2])
    assert type(loaded).__name__ == "MaskRCNN" and loaded.class_names == model.class_names
    for a, b in zip(before, after):
        for key in ("boxes", "scores", "labels", "masks"):
            np.testing.assert_allclose(a[key], b[key], atol=1e-5)


# --- Fast R-CNN --------------------------------------------------------------------------

def test_fast_rcnn_learns_on_selective_search_proposals_and_reloads(shapes, tmp_path):
    model = build_fast_rcnn({**TINY, "search": "fast"}, _info(shapes))
    assert isinstance(model.roi_op, RoIPooling)  # the paper's RoI pooling by default
    x = model.inputs_for(shapes.images)
    assert x["proposals"].shape == (16, 32, 4)
    history = _train(model, x, model.encode_targets(shapes.boxes, shapes.labels), epochs=10)
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    before = model.predict_candidates(shapes.images[:2])
    _check_candidates(before, 2)
    model.save(str(tmp_path / "fast.keras"))
    after = load_model(str(tmp_path / "fast.keras")).predict_candidates(shapes.images[:2])
    np.testing.assert_allclose(before[0]["scores"], after[0]["scores"], atol=1e-6)


# --- R-CNN, through the training job (its own trainer) -------------------------------------

def test_rcnn_trainer_fits_cnn_svms_and_regressors(tmp_path):
    entry = catalog.get("rcnn")
    assert entry.trainer.endswith("train_rcnn")
    hp = {"search": "fast", "proposals": 40, "warp_size": 16, "width": 8, "feature_dim": 32}
    config = TrainConfig("rcnn", "shapes", epochs=2, batch_size=32, hparams=hp, seed=0,
                         data_options={"count": 30}, val_split=0.2, out=str(tmp_path / "run"))
    result = job.run_training(config)
    history = result.history
    assert history["epoch"] == [1, 2]
    assert history["loss"][-1] < 1.0 and history["svm_hinge"][-1] < 0.5
    assert 0.0 <= history["val_mAP"][-1] <= 1.0
    model = result.model
    assert np.abs(model.svm_kernel.numpy()).sum() > 0  # the SVMs were written into the model
    images = make_shapes(2, 64, seed=99).images
    before = model.predict_candidates(images)
    _check_candidates(before, 2)
    loaded = load_model(result.run_dir)
    after = loaded.predict_candidates(images)
    np.testing.assert_allclose(before[0]["scores"], after[0]["scores"], atol=1e-6)
    np.testing.assert_allclose(before[0]["boxes"], after[0]["boxes"], atol=1e-4)


def test_two_stage_entries_are_in_the_catalog():
    for name in ("rcnn", "fast_rcnn", "faster_rcnn", "mask_rcnn"):
        entry = catalog.get(name)
        assert entry.family == "C. Detection and segmentation"
        assert entry.default_data == "shapes" and entry.task == "detection"
    assert catalog.get("faster_rcnn").hparam("roi_op").choices == ("roi_align", "roi_pool")
    assert catalog.get("mask_rcnn").trainer == "workbench.detection.training:train_detector"
