"""The Detect tab with a tiny untrained YOLO v1: one network run per image, sliders that
only re-select, evaluation scores equal to ``metrics.evaluate_detections``, and the
messages for a classifier, an unreadable image and faulty annotations.

Thresholds, NMS and the metrics do not need a good model, so the detector is built
(not trained): its candidates have spread-out scores, which is what the sliders act on.
"""

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def detector():
    import keras

    from workbench.data.shapes import CLASSES
    from workbench.data.base import DataInfo
    from workbench.models.detection.yolo_v1 import build_yolo_v1

    keras.utils.set_random_seed(0)
    info = DataInfo("shapes", "image", "detection", (64, 64, 3), CLASSES)
    return build_yolo_v1({"width": 4, "hidden": 16, "levels": 4, "grid": 4}, info)


@pytest.fixture
def panel(qtbot):
    from ui.panels.detect_panel import DetectPanel
    from ui.session import Session

    session = Session()
    widget = DetectPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    session.set_tf_ready("CPU:0", [])
    qtbot.waitUntil(lambda: widget.annotated is not None, timeout=TIMEOUT_MS)
    yield widget
    widget.shutdown()


def counting(monkeypatch, model) -> list:
    """Record the number of images of every network run on a real (not blank) image; the
    panel's one warm-up call on a blank image when a model arrives is left out."""
    calls = []
    original = model.predict_candidates

    def counted(images, *args, **kwargs):
        if np.asarray(images).any():
            calls.append(len(images))
        return original(images, *args, **kwargs)

    monkeypatch.setattr(model, "predict_candidates", counted)
    return calls


def test_one_network_run_per_image_and_sliders_only_reselect(panel, detector, qtbot, monkeypatch):
    from workbench.detection import inference

    calls = counting(monkeypatch, detector)
    assert len(panel.annotated) == 40  # 20 % of the default 200 shapes images
    panel.session.set_model(detector, class_names=detector.class_names)
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)
    assert calls == [1]
    first = panel.item
    panel.step(1)
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)
    assert calls == [1, 1] and panel.item is not first
    panel.step(-1)  # back to an image already seen: the cache answers, no network run
    assert panel.item is first and panel.prediction is not None
    assert calls == [1, 1]

    candidates = panel.prediction.candidates
    counts = {}
    for value in (0, 40, 55, 100):
        panel.score.setValue(value)  # redraws synchronously
        counts[value] = len(panel.shown["scores"])
        expected = inference.select(candidates, value / 100, 0.5)
        assert counts[value] == len(expected["scores"])
        assert panel.table.rowCount() == counts[value]
        assert f"<b>{counts[value]}</b> of {len(candidates['scores'])} candidates" in panel.message.text()
    assert counts[0] > counts[55] >= counts[100]
    assert counts[0] == min(100, len(candidates["scores"])) or counts[0] > 10
    panel.score.setValue(0)
    panel.iou.setValue(100)  # NMS off: the duplicate boxes of each cell come back
    assert len(panel.shown["scores"]) == len(inference.select(candidates, 0.0, 1.0)["scores"])
    assert len(panel.shown["scores"]) > counts[0]
    panel.iou.setValue(50)
    assert calls == [1, 1]  # none of the slider moves ran the network
    assert " ms</b> (" in panel.message.text() and "FPS" in panel.message.text()

    panel.show_truth.setChecked(True)  # ground truth beside the predictions
    i = panel.item.index
    assert not panel.truth_view.isHidden()
    assert panel.truth_view.caption == f"ground truth · {len(panel.annotated.labels[i])} object(s)"
    assert panel.truth_view.pixels.shape == panel.predicted_view.pixels.shape == (512, 512, 3)


def test_evaluation_fills_table_with_evaluate_detections_numbers(panel, detector, qtbot):
    from workbench.detection import metrics, training

    panel.session.set_model(detector, class_names=detector.class_names)
    qtbot.waitUntil(lambda: panel.eval_button.isEnabled(), timeout=TIMEOUT_MS)
    panel.start_evaluation()
    assert not panel.eval_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.evaluation is not None, timeout=TIMEOUT_MS)
    evaluation = panel.evaluation
    data = evaluation["data"]
    assert len(data) == 40 and len(evaluation["detections"]) == 40
    # the standard evaluation thresholds, the same detections as the training's mAP callback
    reference = training.detect_all(detector, data.images)
    for mine, theirs in zip(evaluation["detections"], reference):
        np.testing.assert_allclose(mine["scores"], theirs["scores"], rtol=1e-6)
    expected = metrics.evaluate_detections(data, evaluation["detections"])
    summary = panel.table_values(panel.summary)
    pairs = {"VOC mAP@0.5": expected["voc"]["mAP"], "COCO AP@[.50:.95]": expected["AP"],
             "AP50": expected["AP50"], "AP75": expected["AP75"], "APs (small)": expected["APs"],
             "APm (medium)": expected["APm"], "APl (large)": expected["APl"],
             "AR100": expected["AR100"]}
    for label, value in pairs.items():
        assert summary[label][0] == pytest.approx(value, abs=1e-12), label
    assert 0.0 <= expected["voc"]["mAP"] <= 1.0
    per_class = panel.table_values(panel.per_class)
    assert list(per_class) == list(data.class_names)
    for name in data.class_names:
        assert per_class[name][0] == pytest.approx(expected["voc"]["per_class"][name], abs=1e-12)
        assert per_class[name][1] == pytest.approx(expected["per_class"][name], abs=1e-12)
    boxes = sum(len(l) for l in data.labels)
    assert sum(v[-1] for v in per_class.values()) == boxes  # "True boxes", the last column
    for name in data.class_names:  # one PR curve per class, with the curve's points
        assert panel.pr_plot.points(name) == len(expected["voc"]["curves"][name]["recall"]) + 1
    assert panel.eval_progress.value() == panel.eval_progress.maximum() == 40
    assert "VOC mAP@0.5" in panel.eval_text.text()
    assert panel.eval_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_cancel_stops_the_evaluation(panel, detector, qtbot):
    panel.session.set_model(detector, class_names=detector.class_names)
    panel.start_evaluation()
    panel.cancel_evaluation()  # before the first batch: nothing is computed
    qtbot.waitUntil(lambda: panel.eval_button.isEnabled(), timeout=TIMEOUT_MS)
    assert panel.evaluation is None
    assert panel.eval_text.text() == "Evaluation cancelled."
    assert panel.eval_progress.value() == 0


def test_a_classifier_gets_the_explanatory_message(panel, detector, qtbot):
    import keras

    panel.session.set_model(detector, class_names=detector.class_names)
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)
    panel.score.setValue(0)
    assert panel.table.rowCount() > 0
    classifier = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                   keras.layers.Dense(3, activation="softmax")], name="tiny_classifier")
    panel.session.set_model(classifier, class_names=("a", "b", "c"))
    text = panel.state.text()
    assert text.startswith("This tab needs a detection model: train a detector (yolo_v1, ssd")
    assert "open a .keras detector" in text and "tiny_classifier" in text
    assert not panel.state.isHidden()
    assert not panel.eval_button.isEnabled()
    assert panel.prediction is None and panel.shown is None  # nothing was run
    assert panel.table.rowCount() == 0  # the detector's boxes are gone
    np.testing.assert_array_equal(panel.predicted_view.pixels, panel.display_rgb)


def test_unreadable_image_gives_a_message(panel, tmp_path, qtbot):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"this is not a png")
    panel.open_images([str(bad)])
    qtbot.waitUntil(lambda: "not a readable image" in panel.message.text(), timeout=TIMEOUT_MS)
    assert "broken.png" in panel.message.text()
    assert panel.image is None and panel.display_rgb is None


def test_dropped_folder_is_stepped_through(panel, detector, tmp_path, qtbot, monkeypatch):
    import cv2

    calls = counting(monkeypatch, detector)
    panel.session.set_model(detector, class_names=detector.class_names)
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)  # a shapes image
    calls.clear()
    for name, size in (("a.png", (48, 80)), ("b.jpg", (100, 60))):
        cv2.imwrite(str(tmp_path / name), np.full(size + (3,), 90, np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(event)
    assert [item.caption for item in panel.items] == ["a.png", "b.jpg"]
    assert panel.count_label.text() == "/ 2"
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)
    assert panel.prediction.image_size == (48, 80)  # boxes are mapped back to the file's pixels
    panel.step(1)
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)
    assert panel.prediction.image_size == (100, 60)
    assert len(calls) == 2
    assert not panel.show_truth.isEnabled()  # files have no ground truth


def test_annotation_problems_are_counted_and_shown(panel, tmp_path, qtbot):
    import cv2

    def xml(filename, box):
        return (f"<annotation><filename>{filename}</filename><object><name>cat</name><bndbox>"
                f"<xmin>{box[0]}</xmin><ymin>{box[1]}</ymin><xmax>{box[2]}</xmax><ymax>{box[3]}</ymax>"
                "</bndbox></object></annotation>")

    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((40, 60, 3), np.uint8))
    (tmp_path / "a.xml").write_text(xml("a.png", (50, 30, 80, 45)))  # reaches outside: clipped
    (tmp_path / "b.xml").write_text(xml("missing.png", (1, 1, 5, 5)))  # no image
    panel.open_paths([str(tmp_path)])  # a folder of .xml files is read as VOC annotations
    qtbot.waitUntil(lambda: panel.annotated is not None and panel.annotated.name == "voc",
                    timeout=TIMEOUT_MS)
    text = panel.problems.text()
    assert "<b>2 annotation problem(s)</b>" in text
    assert "clipped" in text and "missing.png" in text
    assert not panel.problems.isHidden()
    assert len(panel.items) == 1 and panel.item.index == 0
    assert panel.show_truth.isEnabled()


def test_segmenter_class_map_opacity_and_mean_iou(panel, qtbot, monkeypatch):
    import keras

    from workbench.data.base import DataInfo
    from workbench.data.shapes import CLASSES
    from workbench.detection.segmentation_metrics import per_class_iou
    from workbench.models.detection.unet import build_unet

    keras.utils.set_random_seed(0)
    unet = build_unet({"filters": 2, "depth": 2},
                      DataInfo("shapes", "image", "segmentation", (64, 64, 3), CLASSES))
    calls = []
    original = unet.predict_on_batch
    monkeypatch.setattr(unet, "predict_on_batch", lambda x: calls.append(len(x)) or original(x))
    panel.session.set_model(unet, class_names=CLASSES)
    assert panel.kind == "segmentation"
    assert panel.score.isHidden() and not panel.opacity.isHidden() and panel.table.isHidden()
    qtbot.waitUntil(lambda: panel.prediction is not None, timeout=TIMEOUT_MS)
    runs = len(calls)  # the warm-up call and this image's
    assert panel.prediction.class_map.shape == (64, 64)
    panel.opacity.setValue(0)  # opacity 0: the picture is the plain image
    plain = panel.predicted_view.pixels.copy()
    panel.opacity.setValue(100)  # opacity 100: the class colours replace the covered pixels
    covered = panel.predicted_view.pixels
    assert (np.any(covered != plain)) == bool(panel.prediction.class_map.any())
    assert len(calls) == runs  # re-blending ran nothing
    panel.start_evaluation()
    qtbot.waitUntil(lambda: panel.evaluation is not None, timeout=TIMEOUT_MS)
    evaluation = panel.evaluation
    expected = per_class_iou(evaluation["maps"], evaluation["data"].semantic_masks(), len(CLASSES) + 1)
    per_class = panel.table_values(panel.per_class)
    assert list(per_class) == ["background", *CLASSES]
    for name, value in zip(per_class, expected):
        cell = per_class[name][0]
        assert np.isnan(cell) if np.isnan(value) else cell == pytest.approx(value, abs=1e-12)
    summary = panel.table_values(panel.summary)
    assert summary["mean IoU"][0] == pytest.approx(float(np.nanmean(expected)), abs=1e-12)


def test_masks_are_painted_best_on_top_at_display_size():
    from ui.panels.detect_panel import paint_masks
    from workbench.detection.inference import class_colour

    masks = np.zeros((2, 4, 4), np.float32)
    masks[0, :2, :2] = 0.9  # the better detection (label 0) ...
    masks[1, :3, :3] = 0.8  # ... overlaps the worse one (label 1)
    out = paint_masks(np.zeros((8, 8, 3), np.uint8), masks, [0, 1], [0.9, 0.4], alpha=1.0)
    assert tuple(out[0, 0]) == tuple(out[3, 3]) == class_colour(0)  # each mask pixel is 2x2
    assert tuple(out[4, 4]) == tuple(out[5, 1]) == class_colour(1)
    assert not out[6:, :].any() and not out[:, 6:].any()


def test_detection_data_from_the_data_tab_becomes_the_annotated_set(panel):
    from workbench.data.shapes import load_shapes

    data = load_shapes({"count": 30, "image_size": 48}, 0, 0.2)
    panel.session.set_dataset(data, "shapes", {"count": 30, "image_size": 48}, 0.2)
    assert len(panel.annotated) == 6 and panel.annotated.image_size(0) == (48, 48)
    assert panel.annotated_label == "shapes validation (6 images)"
    assert [item.index for item in panel.items] == list(range(6))
    assert panel.display_rgb.shape == (480, 480, 3)  # 48 px enlarged ten times
    data.val_fraction = 0.0  # no validation split: every image
    panel.session.set_dataset(data, "shapes", {"count": 30, "image_size": 48}, 0.0)
    assert len(panel.annotated) == 30 and len(panel.items) == 30


def test_the_detect_tab_names_every_detector_of_the_catalog():
    """The names in the tab's hints come from the registry: rcnn and fast_rcnn were missing
    from a hand-written list."""
    from ui.panels.detect_panel import catalog_names
    from workbench import catalog

    detectors = catalog_names("detection")
    for entry in catalog.all_entries():
        if entry.task in ("detection", "segmentation"):
            assert entry.name in catalog_names(entry.task)
    names = [e.name for e in catalog.all_entries() if e.task == "detection"]
    assert "rcnn, fast_rcnn" in detectors and detectors.endswith(f" or {names[-1]}")
    assert detectors == ", ".join(names[:-1]) + f" or {names[-1]}"  # every one, in catalog order
    assert catalog_names("segmentation") == "unet or fcn"
