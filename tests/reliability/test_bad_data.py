"""Bad data and bad numbers are reported in a sentence, never dropped silently (issue 9, 5).

Each case runs the real command line in-process and checks its exit status and sentence:
exit 1 with "error: <sentence>" for bad input (never "internal error", exit 3), exit 2 with
argparse's "argument --x: <sentence>" for a number out of range, and a problem list on
stderr where the input loads with parts left out.
"""

from __future__ import annotations

import json
import os

import cv2
import numpy as np
import pytest

from tiny_run import digit_png, trained_run
from workbench.cli import main


def _png(path, height=40, width=60):
    cv2.imwrite(str(path), np.full((height, width, 3), 128, np.uint8))


def _coco(folder, annotations, images=None):
    """A COCO file beside two 60x40 images; ``annotations`` replace the usual ones."""
    _png(folder / "a.png")
    _png(folder / "b.png")
    payload = {"images": images or [{"id": 1, "file_name": "a.png", "width": 60, "height": 40},
                                    {"id": 2, "file_name": "b.png", "width": 60, "height": 40}],
               "categories": [{"id": 1, "name": "cat"}],
               "annotations": annotations}
    path = folder / "instances.json"
    path.write_text(json.dumps(payload))  # allow_nan: NaN is written as the bare word NaN
    return str(path)


def _ann(number, **fields):
    return {"id": number, "image_id": 1, "category_id": 1, "bbox": [5, 5, 10, 10], **fields}


#: Every annotation dropped -> an error naming the first problems (was: exit 0, val_mAP=nan).
ALL_DROPPED = {
    "negative-width": ([_ann(1, bbox=[5, 5, -10, 10]), _ann(2, bbox=[5, 5, 10, -3])],
                       "has zero area"),
    "unknown-category": ([_ann(1, category_id=5), _ann(2, category_id=6)], "unknown category id 5"),
    "string-box": ([_ann(1, bbox=["5", "x", "10", "10"]), _ann(2, bbox="5,5,10,10")],
                   "'bbox' must be [x, y, width, height]"),
    "nan-box": ([_ann(1, bbox=[float("nan"), 5, 10, 10])], "is not numeric"),
    "bad-segmentation": ([_ann(1, segmentation=[[1, 2, 3]]), _ann(2, segmentation={"size": [40, 60]}),
                          _ann(3, segmentation=[["a", "b", "c", "d", "e", "f"]]),
                          _ann(4, segmentation=[[0, 0, 1e400, 5, 5, 5]])],
                         "unreadable segmentation"),
    "image-id-list": ([_ann(1, image_id=[1]), _ann(2, category_id=[1])],
                      "both must be whole numbers"),
    "no-annotations": ([], "the file lists no objects"),
}


@pytest.mark.parametrize("case", sorted(ALL_DROPPED))
def test_coco_with_every_annotation_dropped_is_an_error(case, tmp_path, capsys):
    annotations, phrase = ALL_DROPPED[case]
    path = _coco(tmp_path, annotations)
    code = main(["train", "yolo_v1", "--data", path, "--epochs", "1", "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "no annotation of coco could be used" in err and phrase in err, err
    assert not os.path.exists(tmp_path / "run" / "model.keras")


def test_coco_problem_lines_name_every_bad_annotation(tmp_path):
    from workbench.data.coco import load_coco

    good = _ann(9)
    bad = [a for annotations, _ in ALL_DROPPED.values() for a in annotations]
    for k, ann in enumerate(bad):
        ann["id"] = 100 + k
    data, problems = load_coco(_coco(tmp_path, [good, *bad]))
    assert [len(b) for b in data.boxes] == [1, 0]  # the good box on image 1; image 2 empty
    assert len(problems) == len(bad), "\n".join(problems)
    for k in range(len(bad)):  # one line per bad annotation, naming it
        assert sum(f"annotation {100 + k}" in p for p in problems) == 1, k


def test_coco_image_entry_with_a_list_id_is_a_problem_line(tmp_path):
    from workbench.data.coco import load_coco

    images = [{"id": 1, "file_name": "a.png"}, {"id": [2], "file_name": "b.png"}]
    data, problems = load_coco(_coco(tmp_path, [_ann(1)], images=images))
    assert data.image_ids == (1,)
    assert any("image entry 2 has id [2], not a whole number" in p for p in problems)


#: Numbers and options that used to be accepted without a word.
REFUSED = {
    "learning-rate-nan": (["train", "lenet", "--data", "digits", "--set", "learning_rate=nan"],
                          1, "learning_rate='nan' must be a finite number"),
    "learning-rate-inf": (["train", "lenet", "--data", "digits", "--set", "learning_rate=inf"],
                          1, "must be a finite number"),
    "int-hparam-inf": (["build", "lenet", "--set", "width=inf"], 1, "is not a whole number"),
    "val-split-nan": (["train", "lenet", "--data", "digits", "--val-split", "nan"], 1,
                      "validation split nan must be in [0, 1)"),
    "val-split-one": (["train", "lenet", "--data", "digits", "--val-split", "1"], 1,
                      "validation split 1.0 must be in [0, 1)"),
    "image-size-on-digits": (["train", "lenet", "--data", "digits", "--image-size", "32"], 1,
                             "'digits' has a fixed image size"),
    "unknown-data-option": (["train", "lenet", "--data", "shapes", "--data-option", "colour=red"],
                            1, "has no option 'colour'; it takes count, image_size, keypoints, max_objects"),
    "option-on-optionless": (["train", "mlp", "--data", "iris", "--data-option", "limit=5"], 1,
                             "'iris' has no option 'limit'; it takes no options"),
    "shapes-count-text": (["train", "yolo_v1", "--data", "shapes", "--data-option", "count=many"], 1,
                          "data option count='many' is not a whole number"),
    "shapes-max-objects-zero": (["train", "yolo_v1", "--data", "shapes", "--data-option",
                                 "max_objects=0"], 1, "max_objects='0' must be between 1 and 50"),
    "top-negative": (["predict", "m.keras", "--image", "x.png", "--top", "-3"], 1,
                     "--top -3 must be 1 or more"),
    "score-threshold-nan": (["detect", "m.keras", "--image", "x.png", "--out", "o.png",
                             "--score-threshold", "nan"], 1, "--score-threshold nan must be between 0 and 1"),
    "iou-threshold-above-one": (["detect", "m.keras", "--image", "x.png", "--out", "o.png",
                                 "--iou-threshold", "1.5"], 1, "--iou-threshold 1.5 must be between 0 and 1"),
    "alpha-negative": (["explain", "m.keras", "--image", "x.png", "--out", "o.png",
                        "--alpha", "-1"], 1, "--alpha -1.0 must be between 0 and 1"),
    "class-index-negative": (["explain", "m.keras", "--image", "x.png", "--out", "o.png",
                              "--class-index", "-2"], 2, "-2 must be 0 or more"),
    "build-classes-one": (["build", "lenet", "--classes", "1"], 2, "1 must be between 2"),
    "build-input-too-large": (["build", "lenet", "--input-shape", "100000,100000,3"], 1,
                              "values per sample"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_numbers_and_options_are_refused_with_a_sentence(case, tmp_path, capsys):
    argv, expected, phrase = REFUSED[case]
    if argv[0] == "train":
        argv = [*argv, "--epochs", "1", "--out", str(tmp_path / "run")]
    if expected == 2:
        with pytest.raises(SystemExit) as stop:
            main(argv)
        code = stop.value.code
    else:
        code = main(argv)
    err = capsys.readouterr().err
    assert code == expected, err
    assert phrase in err and "internal error" not in err, err


def test_build_refuses_weights_larger_than_memory_before_allocating(monkeypatch, capsys):
    """LeNet's Dense after Flatten grows with the pixels: at 2048x2048 it has ~500M weights.
    The estimate from two small builds is checked against the free memory (here: 1 GiB)."""
    from workbench.commands import build

    monkeypatch.setattr(build, "_available_bytes", lambda: 2 ** 30)
    assert main(["build", "lenet", "--input-shape", "2048,2048,1", "--classes", "10"]) == 1
    err = capsys.readouterr().err
    assert "would have about 503,330,186 parameters" in err and "1.0 GiB of free memory" in err, err


def test_build_estimate_is_exact_for_flatten_dense_models():
    from workbench import catalog
    from workbench.commands.build import estimated_params, parameter_counts
    from workbench.data.base import DataInfo

    entry = catalog.get("lenet")
    hp = entry.resolve({})
    info = DataInfo("s", "image", "classification", (600, 440, 3), tuple("0123456789"))
    assert estimated_params(entry, hp, info) == parameter_counts(entry.build(hp, info))["params"]


def _class_folder(root, per_class):
    for name, count in per_class.items():
        (root / name).mkdir(parents=True)
        for k in range(count):
            value = 40 * k + (100 if name == "b" else 0)
            cv2.imwrite(str(root / name / f"{k}.png"), np.full((12, 12, 3), value % 255, np.uint8))


def test_one_image_per_class_with_validation_is_an_error(tmp_path, capsys):
    _class_folder(tmp_path / "imgs", {"a": 1, "b": 1, "c": 1})
    code = main(["train", "lenet", "--data", str(tmp_path / "imgs"), "--epochs", "1",
                 "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 1 and "leaves no sample for validation" in err, err


def test_a_validation_split_missing_classes_is_a_warning(tmp_path):
    from workbench import data
    from workbench.data.checks import data_report

    _class_folder(tmp_path / "imgs", {"a": 6, "b": 1, "c": 1})
    dataset = data.load(str(tmp_path / "imgs"), {"image_size": 8}, val_fraction=0.2)
    assert sorted(dataset.y_val.tolist()) == [0]  # round(0.2 * 1) = 0 for b and c
    lines = data_report(dataset, 0.2).lines()
    assert lines == ["warning: the validation split has no sample of 2 of 3 classes (b, c): too "
                     "few samples per class, so validation scores ignore them"]


def test_semicolon_csv_is_read_and_said_so(tmp_path):
    from workbench import data

    path = tmp_path / "semi.csv"
    path.write_text("a;b;kind\n1,5;2;x\n3,25;4;y\n5;6;x\n7;8;y\n1;1;x\n2;2;y\n")
    dataset = data.load(str(path), val_fraction=0.0)
    assert dataset.info.feature_names == ("a", "b") and dataset.info.class_names == ("x", "y")
    raw = dataset.x_train * np.array(dataset.scaler["std"]) + np.array(dataset.scaler["mean"])
    assert sorted(raw[:, 0].round(4).tolist()) == [1.0, 1.5, 2.0, 3.25, 5.0, 7.0]
    assert dataset.skipped == [f"{path}: columns are separated by ';', not commas; read that "
                               "way (with ',' as the decimal mark)"]


def test_train_prints_the_problem_list_and_writes_it_whole(tmp_path, capsys):
    """Folder images that cannot be read: counted, the first shown, all in the run folder."""
    _class_folder(tmp_path / "imgs", {"a": 4, "b": 4})
    for k in range(7):
        (tmp_path / "imgs" / "a" / f"broken{k}.png").write_bytes(b"not a png")
    out = tmp_path / "run"
    assert main(["train", "lenet", "--data", str(tmp_path / "imgs"), "--image-size", "8",
                 "--epochs", "1", "--steps-per-epoch", "1", "--set", "width=2", "--eager",
                 "--quiet", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    listed = (out / "data_problems.txt").read_text().splitlines()
    assert len(listed) == 7 and all("broken" in line for line in listed)
    assert f"data: 7 input(s) skipped or changed; the full list is in {out / 'data_problems.txt'}" in err
    assert "... and 2 more" in err and err.count("broken") == 5


def test_segment_given_a_classifier_is_a_sentence(tmp_path_factory, capsys):
    run = trained_run(tmp_path_factory)
    image = digit_png(tmp_path_factory)
    out = tmp_path_factory.mktemp("seg") / "o.png"
    assert main(["segment", run, "--image", image, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "is not a segmenter" in err and "use predict for a classifier" in err, err
    assert not out.exists()
