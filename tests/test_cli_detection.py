"""`detect`, `segment` and `evaluate-detections` from the command line."""

import json

import cv2
import numpy as np
import pytest

from workbench.cli import main
from workbench.data.shapes import make_shapes


@pytest.fixture(scope="module")
def shapes_image(tmp_path_factory):
    data = make_shapes(1, image_size=64, seed=5)
    path = tmp_path_factory.mktemp("img") / "shapes.png"
    cv2.imwrite(str(path), (data.images[0][..., ::-1] * 255).astype(np.uint8))
    return path


def train(tmp_path_factory, model, *settings):
    out = tmp_path_factory.mktemp(model) / "run"
    argv = ["train", model, "--data", "shapes", "--epochs", "1", "--steps-per-epoch", "2",
            "--batch-size", "8", "--data-option", "count=24", "--data-option", "image_size=64",
            "--out", str(out), "--quiet"]
    for setting in settings:
        argv += ["--set", setting]
    assert main(argv) == 0
    return out


def test_detect_writes_overlay_and_coco_results(tmp_path_factory, shapes_image, tmp_path, capsys):
    run = train(tmp_path_factory, "yolo_v1", "width=4", "hidden=16")
    out, dets = tmp_path / "boxes.png", tmp_path / "dets.json"
    assert main(["detect", str(run), "--image", str(shapes_image), "--score-threshold", "0.0",
                 "--out", str(out), "--json", str(dets), "--image-id", "7"]) == 0
    results = json.loads(dets.read_text())
    printed = capsys.readouterr().out
    assert f"{len(results)} object(s)" in printed and "FPS" in printed
    assert cv2.imread(str(out)).shape == (64, 64, 3)
    for r in results:
        assert r["image_id"] == 7 and r["category_id"] in (1, 2, 3) and 0.0 <= r["score"] <= 1.0
        assert len(r["bbox"]) == 4 and r["bbox"][2] >= 0 and r["bbox"][3] >= 0
    # a higher threshold keeps a subset
    assert main(["detect", str(run), "--image", str(shapes_image), "--score-threshold", "0.99",
                 "--out", str(out), "--json", str(dets), "--force"]) == 0  # replacing needs --force
    assert len(json.loads(dets.read_text())) <= len(results)
    assert main(["detect", str(run), "--image", str(shapes_image), "--iou-threshold", "2",
                 "--out", str(out)]) == 1
    assert "--iou-threshold 2.0 must be between 0 and 1" in capsys.readouterr().err
    # a detector exports like a classifier, and the SavedModel answers the same
    for fmt, name in (("savedmodel", "saved"), ("keras", "copy.keras")):
        assert main(["export", str(run), "--format", fmt, "--out", str(tmp_path / name)]) == 0
        assert float(capsys.readouterr().out.rsplit("=", 1)[1]) < 1e-4
    # classifier tools say what to use instead
    assert main(["predict", str(run), "--image", str(shapes_image)]) == 1
    assert "use the Detect tab (or keras-workbench detect / segment)" in capsys.readouterr().err


def test_segment_writes_overlay_and_class_map(tmp_path_factory, shapes_image, tmp_path, capsys):
    run = train(tmp_path_factory, "unet", "filters=2", "depth=2")
    out, mask = tmp_path / "seg.png", tmp_path / "mask.png"
    assert main(["segment", str(run), "--image", str(shapes_image), "--out", str(out),
                 "--mask", str(mask)]) == 0
    class_map = cv2.imread(str(mask))[..., 0]
    assert class_map.shape == (64, 64) and class_map.max() <= 3
    shares = capsys.readouterr().out
    assert "%" in shares


def test_a_classifier_is_not_a_detector(tmp_path, shapes_image, capsys):
    run = tmp_path / "lenet"
    assert main(["train", "lenet", "--data", "digits", "--epochs", "1", "--steps-per-epoch", "1",
                 "--out", str(run), "--quiet"]) == 0
    assert main(["detect", str(run), "--image", str(shapes_image), "--out", str(tmp_path / "o.png")]) == 1
    assert "is not a detector" in capsys.readouterr().err


def test_evaluate_detections_equals_pycocotools(tmp_path, capsys):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    truth = make_shapes(12, image_size=96, seed=3)
    gt = truth.to_coco()
    rng = np.random.default_rng(0)
    results = []
    for ann in gt["annotations"]:
        if rng.random() < 0.2:
            continue  # missed
        x, y, w, h = ann["bbox"]
        jitter = rng.normal(0, 2, 4)
        results.append({"image_id": ann["image_id"], "category_id": ann["category_id"],
                        "bbox": [x + jitter[0], y + jitter[1], max(1, w + jitter[2]), max(1, h + jitter[3])],
                        "score": float(rng.random())})
    results += [{"image_id": 1, "category_id": 2, "bbox": [5, 5, 10, 10], "score": 0.9}]  # false alarm
    gt_path, dt_path = tmp_path / "gt.json", tmp_path / "dt.json"
    gt_path.write_text(json.dumps(gt))
    dt_path.write_text(json.dumps(results))
    assert main(["evaluate-detections", "--gt", str(gt_path), "--dt", str(dt_path), "--json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    coco = COCO(str(gt_path))
    evaluator = COCOeval(coco, coco.loadRes(str(dt_path)), "bbox")
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100"]
    for name, reference in zip(names, evaluator.stats):
        assert ours[name] == pytest.approx(reference, abs=1e-4), name
    assert set(ours["per_class"]) == {"circle", "square", "triangle"}


def test_evaluate_detections_rejects_malformed_files(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["evaluate-detections", "--gt", str(bad), "--dt", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.json" in err[0]
