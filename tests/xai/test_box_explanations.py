"""Explanations per detected box: Grad-CAM tied to the raw prediction behind a box, D-RISE,
and `keras-workbench explain --box`.

The invariant "a box's heatmap lies inside the box" is checked on an SSD whose weights are
set by hand, so it must hold: a 1x1 colour convolution puts red in channel 0 and green in
channel 1, 8x8 average pooling gives the stride-8 map, and the class logit of anchor ``a``
for class ``c`` is ``6 x`` channel ``c`` at ``a``'s cell. A red and a green square, each
24 px (3 x 3 cells) with a bright centre cell, then give exactly two detections.
"""

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.xai import box_explain, box_gradcam, drise

RED_BOX = np.array([0, 0, 24, 24], np.float32)  # centre cell (1, 1)
GREEN_BOX = np.array([32, 32, 56, 56], np.float32)  # centre cell (5, 5)


def square_image():
    image = np.zeros((64, 64, 3), np.float32)
    for (x1, y1, x2, y2), channel, centre in ((RED_BOX, 0, 1.0), (GREEN_BOX, 1, 0.9)):
        x1, y1, x2, y2 = (int(v) for v in (x1, y1, x2, y2))
        image[y1:y2, x1:x2, channel] = 0.2
        image[y1 + 8:y2 - 8, x1 + 8:x2 - 8, channel] = centre
    return image


def hand_set_ssd():
    """SSD class, hand-set network: see the module docstring (2 anchors a cell: 24 px and 39 px)."""
    import keras
    from keras import layers

    from workbench.models.detection.ssd import SSD

    inputs = keras.Input((64, 64, 3), name="input")
    colour = layers.Conv2D(2, 1, use_bias=False, name="colour")(inputs)
    features = layers.AveragePooling2D(8, name="features")(colour)
    scores = layers.Conv2D(2 * 3, 1, name="ssd_p3_class")(features)  # 2 anchors x (bg + 2 classes)
    offsets = layers.Conv2D(2 * 4, 1, name="ssd_p3_box")(features)
    network = keras.Model(inputs, [layers.Reshape((-1, 3))(scores), layers.Reshape((-1, 4))(offsets)])
    kernel = np.zeros((1, 1, 3, 2), np.float32)
    kernel[0, 0, 0, 0] = kernel[0, 0, 1, 1] = 1.0
    network.get_layer("colour").set_weights([kernel])
    class_kernel = np.zeros((1, 1, 2, 6), np.float32)
    class_kernel[0, 0, 0, 1] = class_kernel[0, 0, 1, 2] = 6.0  # the 24 px anchor's class logits
    class_bias = np.array([2.0, 0, 0, 2.0, 0, 0], np.float32)  # background logit 2
    network.get_layer("ssd_p3_class").set_weights([class_kernel, class_bias])
    network.get_layer("ssd_p3_box").set_weights([np.full((1, 1, 2, 8), 1e-3, np.float32),
                                                 np.zeros(8, np.float32)])
    settings = {"min_level": 3, "max_level": 3, "min_scale": 0.375, "max_scale": 0.375,
                "aspect_ratios": [1.0], "neg_pos_ratio": 3.0, "match_iou": 0.5, "max_candidates": 1000}
    return SSD(network, ("red", "green"), settings, name="ssd")


@pytest.fixture(scope="module")
def ssd():
    return hand_set_ssd()


@pytest.fixture(scope="module")
def found(ssd):
    return box_explain.detections(ssd, square_image(), 0.3, 0.5)


def inside_share(heatmap, box):
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    return float(heatmap[y1:y2, x1:x2].sum() / heatmap.sum())


def test_each_box_carries_the_index_of_its_raw_prediction(found):
    selected = found["selected"]
    assert selected["labels"].tolist() == [0, 1]  # red (brighter) first
    np.testing.assert_allclose(selected["boxes"], [RED_BOX, GREEN_BOX], atol=0.05)
    # anchor = cell x 2 anchors + 0 (the 24 px one); index = anchor x 2 classes + class
    assert selected["indices"].tolist() == [(1 * 8 + 1) * 2 * 2 + 0, (5 * 8 + 5) * 2 * 2 + 1]


def test_select_keeps_each_box_with_its_own_index():
    from workbench.detection import inference

    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 40, (30, 2))
    candidates = {"boxes": np.concatenate([corners, corners + rng.uniform(5, 20, (30, 2))], 1),
                  "scores": rng.uniform(0, 1, 30), "labels": rng.integers(0, 3, 30),
                  "indices": rng.permutation(1000)[:30]}
    selected = inference.select(candidates, 0.2, 0.3)
    assert 3 < len(selected["scores"]) < 30
    for box, index in zip(selected["boxes"], selected["indices"]):
        row = int(np.flatnonzero(candidates["indices"] == index)[0])
        np.testing.assert_allclose(box, candidates["boxes"][row])


def test_box_gradcam_lies_in_its_own_box_and_follows_the_box_chosen(ssd, found):
    red = box_explain.explain_box(ssd, square_image(), 0, "gradcam", layer="features", found=found)
    green = box_explain.explain_box(ssd, square_image(), 1, "gradcam", layer="features", found=found)
    assert red.heatmap.shape == (64, 64) and red.layer == "features"
    assert inside_share(red.heatmap, RED_BOX) > 0.85
    assert inside_share(green.heatmap, GREEN_BOX) > 0.85
    assert inside_share(red.heatmap, GREEN_BOX) < 0.05  # the tie: another box, another map
    # the differentiated score is the box's own: softmax of (bg 2, red 6, green 0) at the centre
    logits = np.array([2.0, 6.0, 0.0])
    assert red.info["scores"]["class"] == pytest.approx(6.0, abs=1e-4)
    assert red.score == pytest.approx(np.exp(6.0) / np.exp(logits).sum(), abs=1e-4)
    # the box map: the offsets read both colour channels at the anchor's cell
    assert red.box_heatmap is not None and red.box_heatmap.max() == pytest.approx(1.0)
    # ODAM keeps the gradient per location: only the anchor's own cell (1, 1) -> the centre cell
    odam = box_explain.explain_box(ssd, square_image(), 0, "gradcam", layer="features", found=found,
                                   weighting="odam")
    assert odam.info["weighting"] == "odam" and inside_share(odam.heatmap, (4, 4, 20, 20)) > 0.95
    with pytest.raises(WorkbenchError, match="weighting='cam'"):
        box_explain.explain_box(ssd, square_image(), 0, "gradcam", found=found, weighting="cam")


def test_default_layer_and_scores_match_each_catalog_detector():
    """On real (untrained) detectors: the raw output differentiated is the box's score."""
    import keras

    from workbench import catalog
    from workbench.data.shapes import make_shapes

    data = make_shapes(2, 64, max_objects=2, seed=3)
    tiny = {"yolo_v1": {"width": 4, "hidden": 16}, "retinanet": {"width": 4, "fpn_filters": 8, "head_depth": 1},
            "faster_rcnn": {"width": 4, "fc": 16}}
    for name, hp in tiny.items():
        keras.utils.set_random_seed(1)
        entry = catalog.get(name)
        model = entry.build(entry.resolve(hp), data.info)
        image = data.images[0]
        found = box_explain.detections(model, image, 0.0, 0.5)
        result = box_explain.explain_box(model, image, 2, "gradcam", found=found)
        assert result.layer.endswith("_2_relu") and "stage" in result.layer
        class_score = result.info["scores"]["class"]
        if name == "yolo_v1":  # log sigmoid(confidence) + log softmax(class)
            assert np.exp(class_score) == pytest.approx(result.score, rel=1e-4)
        elif name == "retinanet":
            assert 1 / (1 + np.exp(-class_score)) == pytest.approx(result.score, rel=1e-4)
        else:  # the head's logit of the box's class, for the RoI behind it
            assert result.index // model.num_classes < model.settings["proposals"]
        with pytest.raises(WorkbenchError, match="is not a 4-D feature map"):
            box_gradcam.box_grad_cam(model, found["resized"], result.index, layer="nope")


def test_rcnn_crop_map_is_placed_over_its_region():
    cam = np.array([[0.0, 1.0], [0.0, 0.0]], np.float32)  # top-right cell of the crop
    placed = box_gradcam.paste_crop_map(cam, (8, 16, 24, 48), (64, 32))
    assert placed.shape == (64, 32)
    assert placed[:16].sum() == 0 and placed[48:].sum() == 0 and placed[:, :8].sum() == 0
    assert placed[:, 24:].sum() == 0
    top_right, others = placed[16:32, 16:24].sum(), placed[16:48, 8:16].sum() + placed[32:48, 16:24].sum()
    assert top_right > 3 * others
    assert placed[20, 20] == pytest.approx(1.0)  # the cell centre (20, 24) region, replicated edge


# ----------------------------------------------------------------------------- D-RISE
def region_detector(region):
    """A toy detector: one fixed box whose class vector depends only on pixels in ``region``."""
    x1, y1, x2, y2 = region

    def detect(images):
        seen = images[:, y1:y2, x1:x2].mean(axis=(1, 2, 3))
        return [{"boxes": np.array([[0, 0, 10, 20]], np.float32),  # IoU 0.5 with the target
                 "probabilities": np.array([[v, 1 - v]], np.float32)} for v in seen]
    return detect


def test_drise_masks_repeat_by_seed_and_change_with_it():
    a, b = drise.generate_masks(8, (20, 30), grid=4, p=0.3, seed=1), drise.generate_masks(8, (20, 30), 4, 0.3, 1)
    assert a.shape == (8, 20, 30) and np.array_equal(a, b)
    assert not np.array_equal(a, drise.generate_masks(8, (20, 30), 4, 0.3, 2))
    assert a.min() >= 0 and a.max() <= 1 and abs(a.mean() - 0.3) < 0.1
    with pytest.raises(WorkbenchError, match="p=1.5"):
        drise.generate_masks(2, (8, 8), p=1.5)


def test_drise_equals_its_definition():
    region = (24, 8, 40, 24)
    image = np.full((32, 48, 3), 0.8, np.float32)
    detect = region_detector(region)
    result = drise.drise(detect, image, [0, 0, 10, 10], [1.0, 0.0], n_masks=300, grid=6, p=0.5, seed=3,
                         batch_size=64)
    # by hand: the same masks, each weight IoU (0.5) x cosine of (v, 1 - v) with (1, 0)
    masks = drise.generate_masks(300, (32, 48), 6, 0.5, 3)
    seen = 0.8 * masks[:, 8:24, 24:40].mean(axis=(1, 2))
    weights = 0.5 * seen / np.sqrt(seen ** 2 + (1 - seen) ** 2)
    np.testing.assert_allclose(result.info["weights"], weights, rtol=1e-5)
    saliency = np.tensordot(weights, masks, 1) / (300 * 0.5)
    np.testing.assert_allclose(result.attribution, saliency, rtol=1e-4)
    above = np.maximum(saliency - weights.mean(), 0)
    np.testing.assert_allclose(result.heatmap, above / above.max(), atol=1e-5)
    again = drise.drise(detect, image, [0, 0, 10, 10], [1.0, 0.0], n_masks=300, grid=6, p=0.5, seed=3)
    assert np.array_equal(again.heatmap, result.heatmap)
    other = drise.drise(detect, image, [0, 0, 10, 10], [1.0, 0.0], n_masks=300, grid=6, p=0.5, seed=4)
    assert not np.allclose(other.heatmap, result.heatmap)


def test_drise_finds_the_only_pixels_the_detector_reads():
    """Beyond one mask cell (8 px here) from the region a pixel's mask value is independent of
    the weights, so its expected heatmap is 0; within the region it is the largest."""
    image = np.full((48, 48, 3), 0.8, np.float32)
    heat = drise.drise(region_detector((16, 16, 32, 32)), image, [0, 0, 10, 10], [1.0, 0.0],
                       n_masks=2000, grid=6, p=0.5, seed=3, batch_size=500).heatmap
    inside, near = np.zeros(heat.shape, bool), np.zeros(heat.shape, bool)
    inside[16:32, 16:32] = True
    near[8:40, 8:40] = True
    assert heat[near].sum() / heat.sum() > 0.8
    assert heat[inside].mean() > 10 * heat[~near].mean()
    assert inside[np.unravel_index(np.argmax(heat), heat.shape)]


def test_drise_on_a_detector_progress_and_stop(ssd, found):
    calls = []
    result = box_explain.explain_box(ssd, square_image(), 0, "drise", found=found, n_masks=512, grid=8,
                                     batch_size=256, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(256, 512), (512, 512)]
    heat = result.heatmap  # the red box's map is on the red square's quarter, not the green one's
    assert heat[:32, :32].mean() > 3 * heat[32:, 32:].mean()
    assert box_explain.explain_box(ssd, square_image(), 0, "drise", found=found, n_masks=96,
                                   should_stop=lambda: True) is None
    with pytest.raises(WorkbenchError, match="not understood by drise"):
        box_explain.explain_box(ssd, square_image(), 0, "drise", found=found, masks=3)


# ----------------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def saved(tmp_path_factory, ssd):
    import cv2

    folder = tmp_path_factory.mktemp("boxcam")
    ssd.save(folder / "ssd.keras")
    cv2.imwrite(str(folder / "squares.png"), (square_image()[..., ::-1] * 255).round().astype(np.uint8))
    return folder


def test_cli_explains_a_box_and_refuses_one_beyond_the_detections(saved, tmp_path, capsys):
    import cv2

    model, image = str(saved / "ssd.keras"), str(saved / "squares.png")
    out = tmp_path / "box.png"
    assert main(["explain", model, "--image", image, "--box", "1", "--layer", "features",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "box 1: green" in printed and "[32.0, 32.0, 56.0, 56.0]" in printed
    picture = cv2.imread(str(out))[..., ::-1]
    assert picture.shape == (64, 64, 3)
    assert main(["explain", model, "--image", image, "--box", "0", "--method", "drise", "--json",
                 "--option", "n_masks=32", "--seed", "2"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["class_name"] == "red" and report["info"]["n_masks"] == 32 and report["info"]["seed"] == 2
    assert main(["explain", model, "--image", image, "--box", "5"]) == 1
    assert "--box 5 is beyond the detections: there are 2 (boxes 0 to 1" in capsys.readouterr().err
    assert main(["explain", model, "--image", image, "--box", "0", "--method", "lime"]) == 1
    assert "gradcam or drise" in capsys.readouterr().err


# ----------------------------------------------------------------------------- GUI
def test_detect_tab_click_on_a_box_shows_its_heatmap(qtbot, ssd, saved):
    from PySide6.QtCore import QPoint, Qt

    from ui.panels.detect_panel import DetectPanel
    from ui.session import Session
    from ui.widgets.detect.box_picker import picture_rect

    session = Session()
    panel = DetectPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    session.set_tf_ready("CPU:0", [])
    qtbot.waitUntil(lambda: panel.annotated is not None, timeout=60_000)  # its shapes set, first
    session.set_model(ssd, class_names=ssd.class_names)
    panel.open_images([str(saved / "squares.png")])
    qtbot.waitUntil(lambda: panel.shown is not None and len(panel.shown["scores"]) == 2, timeout=60_000)
    explainer = panel.box_explainer
    assert not explainer.isVisible()
    rect = picture_rect(panel.predicted_view)  # the green square's centre, (44, 44) of 64
    spot = QPoint(round(rect.x() + rect.width() * 44 / 64), round(rect.y() + rect.height() * 44 / 64))
    qtbot.mouseClick(panel.predicted_view, Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: explainer.result is not None, timeout=60_000)
    assert explainer.isVisible() and explainer.result.box_number == 1 and explainer.result.label == 1
    assert explainer.view.pixels is not None and "box 1: green" in explainer.view.caption
    heat = explainer.result.heatmap  # default layer here: the class head; still on the green square
    assert heat[32:56, 32:56].sum() > 0.8 * heat.sum()
    explainer.masks.setValue(32)
    explainer.method.setCurrentIndex(explainer.method.count() - 1)  # D-RISE, through the same worker lane
    qtbot.waitUntil(lambda: explainer.result.method == "drise", timeout=60_000)
    assert explainer.result.info["n_masks"] == 32 and not explainer.progress.isVisible()
    panel.score.setValue(99)  # the numbering changed: the explanation goes
    assert explainer.target is None and not explainer.isVisible()
    panel.shutdown()
