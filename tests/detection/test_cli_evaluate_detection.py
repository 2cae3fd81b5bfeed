"""``keras-workbench evaluate`` on detector and segmenter runs: the JSON figures equal
pycocotools' ``COCOeval`` and the VOC devkit's AP on the same detections, a segmenter's
IoU equals a count of pixels by hand, and bad input gets one sentence.

The runs are a YOLO v1 and a U-Net trained for two steps: the metrics do not need good
models. A stand-in detector whose candidates are the true boxes (jittered) and masks
gives figures far from 0, and the Mask R-CNN path (masks scored too) without training one.
"""

import json

import numpy as np
import pytest

from workbench.cli import main
from workbench.references.coco import cocoeval_stats

COCO_STATS = ("AP", "AP50", "AP75", "APs", "APm", "APl",
              "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")
NAMES = ("circle", "square", "triangle")


def train(tmp_path_factory, model, size, *settings):
    out = tmp_path_factory.mktemp(model) / "run"
    argv = ["train", model, "--data", "shapes", "--epochs", "1", "--steps-per-epoch", "2",
            "--batch-size", "8", "--data-option", "count=24", "--data-option", f"image_size={size}",
            "--out", str(out), "--quiet"]
    for setting in settings:
        argv += ["--set", setting]
    assert main(argv) == 0
    return out


@pytest.fixture(scope="module")
def detector_run(tmp_path_factory):
    return train(tmp_path_factory, "yolo_v1", 64, "width=4", "hidden=16")


@pytest.fixture(scope="module")
def segmenter_run(tmp_path_factory):
    return train(tmp_path_factory, "unet", 32, "filters=2", "depth=2")


def evaluate_json(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main(["evaluate", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def refused(capsys, *argv) -> str:
    capsys.readouterr()
    assert main(["evaluate", *map(str, argv)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def cocoeval(gt, dt, iou_type="bbox"):
    """pycocotools' own COCOeval on the same ground truth and detections (the outside reference)."""
    return dict(zip(COCO_STATS, cocoeval_stats(gt, dt, iou_type)))


def reference(data, detections, masks=False) -> dict:
    """pycocotools' twelve numbers (and the VOC devkit's AP@0.5) of ``detections`` on ``data``."""
    from workbench.detection import metrics
    from workbench.detection.cocoeval_json import detections_to_coco

    fields = [[d[key] for d in detections] for key in ("boxes", "scores", "labels")]
    out = {"bbox": cocoeval(data.to_coco(), detections_to_coco(data.image_ids, *fields)),
           "voc": metrics.voc_map(detections, data, 0.5, class_names=data.class_names)}
    if masks:
        results = detections_to_coco(data.image_ids, *fields, [d["masks"] for d in detections])
        for r in results:
            r.pop("bbox")  # masks scored on their own regions, as loadRes does
        out["segm"] = cocoeval(data.to_coco(), results, "segm")
    return out


def assert_equal_figures(ours: dict, expected: dict, count: int) -> None:
    for key in COCO_STATS:
        assert ours[key] == pytest.approx(expected["bbox"][key], abs=1e-9), key
    assert ours["voc_map50"] == pytest.approx(expected["voc"]["mAP"], abs=1e-12)
    assert list(ours["per_class_ap"]) == list(NAMES)
    for name in NAMES:
        assert ours["per_class_ap"][name] == pytest.approx(expected["voc"]["per_class"][name], abs=1e-12)
    assert ours["images"] == count and ours["ms_per_image"] > 0


def held_out(seed: int, size: int = 64):
    from workbench import data

    return data.load("shapes", {"count": "24", "image_size": str(size), "seed": str(seed)},
                     seed=0, val_fraction=0.0)


def test_detector_json_equals_pycocotools_on_the_same_detections(detector_run, capsys):
    from workbench.detection import training
    from workbench.models.io import load_model

    # a held-out shapes set: the run's options (24 images of 64 px), another seed, every image
    ours = evaluate_json(capsys, detector_run, "--data", "shapes", "--data-option", "seed=7",
                         "--split", "all")
    assert ours["model"] == str(detector_run / "model.keras") and ours["data"] == "shapes"
    data = held_out(7)
    assert not np.array_equal(data.images, held_out(0).images)  # not the training images
    detections = training.detect_all(load_model(str(detector_run / "model.keras")), data.images)
    assert sum(len(d["scores"]) for d in detections) > 0
    expected = reference(data, detections)
    assert_equal_figures(ours, expected, 24)
    assert "mask" not in ours and ours["AR100"] > 0  # an untrained YOLO still finds a few
    from workbench.detection.threshold_metrics import summarize, summary_json

    extra = summary_json(summarize(data, detections))  # the notes' figures, added keys
    assert ours["tp_fp_fn"] == extra["tp_fp_fn"] and ours["notes_ap"] == extra["notes_ap"]
    assert ours["average_recall"]["mean"] == pytest.approx(ours["AR100"], abs=1e-12)


def test_detector_table_is_the_detect_tabs(detector_run, capsys):
    from workbench.detection.evaluation import number

    ours = evaluate_json(capsys, detector_run)  # the run's own 5 validation images
    assert ours["images"] == 5 and ours["split"] == "val"
    assert main(["evaluate", str(detector_run)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "5 image(s)" in lines[0] and "validation images of shapes" in lines[0]
    rows = {line.rsplit(None, 1)[0].strip(): line.split()[-1] for line in lines[1:] if line.strip()}
    assert rows["VOC mAP@0.5"] == number(ours["voc_map50"])
    assert rows["AP75"] == number(ours["AP75"]) and rows["AR100"] == number(ours["AR100"])
    header = next(line for line in lines if line.startswith("Class"))
    assert header.split() == ["Class", "AP@0.5", "(VOC)", "AP@[.50:.95]", "AR", "notes'", "AP",
                              "True", "boxes"]
    circle = next(line for line in lines if line.startswith("circle")).split()
    assert circle[1] == number(ours["per_class_ap"]["circle"])


class StandInDetector:
    """Candidates = the true boxes of the image (jittered, some mislabelled) with their masks
    shifted by a pixel, and two false alarms: figures well above 0, known to both sides."""

    task = "detection"
    name = "stand_in"
    image_size = (64, 64)
    class_names = NAMES

    def __init__(self, data):
        self.truth = {image.tobytes(): i for i, image in enumerate(data.images)}
        self.data = data

    def predict_candidates(self, images, batch_size=None):
        return [self.candidates(self.truth[np.asarray(image, np.float32).tobytes()]) for image in images]

    def candidates(self, i):
        rng = np.random.default_rng(i)
        boxes, labels = self.data.boxes[i], self.data.labels[i]
        masks = np.roll(self.data.masks[i], 1, axis=2)
        alarms = np.array([[2, 2, 20, 20], [30, 30, 60, 50]], np.float32)
        alarm_masks = np.zeros((2, 64, 64), bool)
        for k, (x1, y1, x2, y2) in enumerate(alarms.astype(int)):
            alarm_masks[k, y1:y2, x1:x2] = True
        return {"boxes": np.concatenate([boxes + rng.normal(0, 1.5, boxes.shape), alarms]).astype(np.float32),
                "scores": rng.uniform(0.05, 1.0, len(boxes) + 2).astype(np.float32),
                "labels": np.concatenate([np.where(rng.random(len(labels)) < 0.15, (labels + 1) % 3,
                                                   labels), [0, 2]]).astype(np.int64),
                "masks": np.concatenate([masks, alarm_masks])}


def test_box_and_mask_figures_equal_pycocotools(detector_run, capsys, monkeypatch):
    from workbench.detection import inference, training

    data = held_out(3)
    model = StandInDetector(data)
    monkeypatch.setattr("workbench.models.io.load_model", lambda path: model)
    ours = evaluate_json(capsys, detector_run, "--data", "shapes", "--data-option", "seed=3",
                         "--split", "all")
    detections = [inference.select(c, training.EVAL_SCORE_THRESHOLD, training.EVAL_IOU_THRESHOLD,
                                   training.EVAL_MAX_DETECTIONS)
                  for c in model.predict_candidates(data.images)]
    expected = reference(data, detections, masks=True)
    assert_equal_figures(ours, expected, 24)
    assert set(ours["mask"]) == set(COCO_STATS)
    for key in COCO_STATS:
        assert ours["mask"][key] == pytest.approx(expected["segm"][key], abs=1e-9), key
    assert 0.1 < ours["AP"] < ours["AP50"] < 1.0 and 0.1 < ours["mask"]["AP50"] < 1.0
    assert ours["mask"]["AP"] != pytest.approx(ours["AP"], abs=1e-3)  # masks scored on their own
    assert main(["evaluate", str(detector_run), "--data", "shapes", "--data-option", "seed=3"]) == 0
    assert "mask AP50" in capsys.readouterr().out


def hand_iou(predicted, truth, classes: int) -> list:
    ious = []
    for c in range(classes):
        union = np.count_nonzero((predicted == c) | (truth == c))
        ious.append(np.count_nonzero((predicted == c) & (truth == c)) / union if union else None)
    return ious


def test_segmenter_iou_by_hand(segmenter_run, capsys, monkeypatch):
    from workbench import data as sources
    from workbench.detection import inference
    from workbench.models.io import load_model

    ours = evaluate_json(capsys, segmenter_run)
    val = sources.load("shapes", {"count": "24", "image_size": "32"}, 0, 0.2).train_val()[1]
    truth = val.semantic_masks()
    model = load_model(str(segmenter_run / "model.keras"))
    predicted = np.argmax(np.asarray(model.predict_on_batch(val.images)), axis=-1)
    expected = hand_iou(predicted, truth, 4)
    assert list(ours["per_class_iou"]) == ["background", *NAMES] and ours["images"] == len(val) == 5
    for value, hand in zip(ours["per_class_iou"].values(), expected):
        assert value == (None if hand is None else pytest.approx(hand, abs=1e-12))
    assert ours["mean_iou"] == pytest.approx(np.mean([v for v in expected if v is not None]), abs=1e-12)

    # a known class map: the truth with every circle called a square
    maps = {image.tobytes(): m for image, m in zip(val.images, truth)}
    monkeypatch.setattr(inference, "segment_batch", lambda model, images, batch_size=32: np.stack(
        [np.where(maps[image.tobytes()] == 1, 2, maps[image.tobytes()]) for image in images]))
    ours = evaluate_json(capsys, segmenter_run)
    circles, squares = np.count_nonzero(truth == 1), np.count_nonzero(truth == 2)
    assert circles and squares and np.count_nonzero(truth == 3)
    hand = {"background": 1.0, "circle": 0.0, "square": squares / (squares + circles), "triangle": 1.0}
    assert ours["per_class_iou"] == pytest.approx(hand, abs=1e-12)
    assert ours["mean_iou"] == pytest.approx(np.mean(list(hand.values())), abs=1e-12)
    assert ours["pixel_accuracy"] == pytest.approx(1 - circles / truth.size, abs=1e-12)


def test_bad_input_gets_one_sentence(detector_run, segmenter_run, tmp_path, capsys):
    from workbench.data.shapes import make_shapes
    from workbench.detection.annotations import export

    assert "digits is classification data without boxes" in refused(capsys, detector_run, "--data", "digits")
    assert "--misclassified scores classifiers" in refused(capsys, detector_run, "--misclassified", "3")
    shapes = make_shapes(4, 64, seed=1)
    export(shapes, "voc", str(tmp_path / "voc"))
    assert "has no masks" in refused(capsys, segmenter_run, "--data", tmp_path / "voc", "--split", "all")
    export(shapes, "coco", str(tmp_path / "coco"))
    path = tmp_path / "coco" / "annotations.json"
    coco = json.loads(path.read_text())
    for category, name in zip(coco["categories"], ("cat", "dog", "circle")):
        category["name"] = name
    path.write_text(json.dumps(coco))
    message = refused(capsys, detector_run, "--data", path, "--split", "all")
    assert "has classes the model does not know (cat, dog)" in message
    gan = tmp_path / "gan"  # a run of a task evaluate does not score
    gan.mkdir()
    (gan / "config.json").write_text(json.dumps({"model": "dcgan", "data": "digits"}))
    (gan / "info.json").write_text(json.dumps({"name": "digits", "task": "generation"}))
    assert "is a generation run; evaluate measures classifiers, detectors and segmenters" in \
        refused(capsys, gan)


def test_classes_are_renumbered_by_name():
    from workbench.data.shapes import make_shapes
    from workbench.detection.evaluation import align_classes

    data = make_shapes(3, 32, seed=2)
    renamed = data.subset(range(3))
    renamed.class_names = ("triangle", "circle", "square")  # the same classes in another order
    aligned = align_classes(renamed, NAMES, "set")
    assert aligned.class_names == NAMES
    for mine, theirs in zip(aligned.labels, data.labels):
        np.testing.assert_array_equal(mine, np.array([2, 0, 1])[theirs])


def test_shapes_seed_option_is_another_set():
    from workbench import data

    a = data.load("shapes", {"count": 6, "image_size": 32, "seed": 11}, seed=0)
    assert np.array_equal(a.images, data.load("shapes", {"count": 6, "image_size": 32, "seed": 11},
                                                 seed=5).images)  # the option, not the run's seed
    assert not np.array_equal(a.images, data.load("shapes", {"count": 6, "image_size": 32}, seed=0).images)
    assert np.array_equal(data.load("shapes", {"count": 6, "image_size": 32}, seed=11).images, a.images)
