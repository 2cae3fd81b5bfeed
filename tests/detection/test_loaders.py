"""VOC XML and COCO JSON loaders: bad entries become named problems, the rest loads."""

import json

import cv2
import numpy as np
import pytest

from workbench.data.coco import load_coco
from workbench.data.voc import load_voc
from workbench.detection.cocoeval_json import mask_to_rle
from workbench.errors import WorkbenchError


def _png(path, height=40, width=60, value=128):
    cv2.imwrite(str(path), np.full((height, width, 3), value, np.uint8))


def _voc_xml(filename, objects):
    body = "".join(
        f"<object><name>{name}</name><difficult>{int(diff)}</difficult><bndbox>"
        f"<xmin>{b[0]}</xmin><ymin>{b[1]}</ymin><xmax>{b[2]}</xmax><ymax>{b[3]}</ymax>"
        "</bndbox></object>" for name, b, diff in objects)
    return (f"<annotation><filename>{filename}</filename><size><width>60</width>"
            f"<height>40</height><depth>3</depth></size>{body}</annotation>")


@pytest.fixture
def voc_folder(tmp_path):
    (tmp_path / "Annotations").mkdir()
    (tmp_path / "JPEGImages").mkdir()
    for name in ("a.png", "b.png", "d.png"):
        _png(tmp_path / "JPEGImages" / name)
    ann = tmp_path / "Annotations"
    ann.joinpath("a.xml").write_text(_voc_xml("a.png", [("cat", (1, 1, 10, 20), False),
                                                        ("dog", (11, 5, 30, 35), True)]))
    # b.xml: the cat reaches outside the 60x40 image; the dog's xmax < xmin (no width)
    ann.joinpath("b.xml").write_text(_voc_xml("b.png", [("cat", (50, 30, 80, 45), False),
                                                        ("dog", (5, 5, 4, 30), False)]))
    ann.joinpath("c.xml").write_text(_voc_xml("missing.png", [("cat", (1, 1, 5, 5), False)]))
    ann.joinpath("d.xml").write_text("<annotation><filename>d.png</filename><object>")
    return tmp_path


def test_voc_loads_good_entries_and_names_each_problem(voc_folder):
    data, problems = load_voc(str(voc_folder))
    assert data.class_names == ("cat", "dog")
    assert len(data) == 2 and data.images.shape == (2, 40, 60, 3)
    assert data.file_names == ("a.png", "b.png")
    # 1-based inclusive VOC pixels -> edge coordinates
    np.testing.assert_array_equal(data.boxes[0], [[0, 0, 10, 20], [10, 4, 30, 35]])
    np.testing.assert_array_equal(data.labels[0], [0, 1])
    np.testing.assert_array_equal(data.difficult[0], [False, True])
    np.testing.assert_array_equal(data.boxes[1], [[49, 29, 60, 40]])  # clipped to 60x40
    text = "\n".join(problems)
    assert len(problems) == 4, text
    assert any("b.xml" in p and "object 1 (cat)" in p and "clipped" in p for p in problems)
    assert any("b.xml" in p and "object 2 (dog)" in p and "zero area" in p for p in problems)
    assert any("c.xml" in p and "missing.png" in p and "not found" in p for p in problems)
    assert any("d.xml" in p and "not valid XML" in p for p in problems)
    assert data.problems == problems


def test_voc_fixed_classes_list_of_files_and_resize(voc_folder):
    files = [str(voc_folder / "Annotations" / "a.xml")]
    data, problems = load_voc(files, image_dir=str(voc_folder / "JPEGImages"),
                              class_names=("dog",), image_size=(20, 30))
    np.testing.assert_array_equal(data.labels[0], [0])
    np.testing.assert_allclose(data.boxes[0], [[5, 2, 15, 17.5]])  # halved
    assert data.images.shape == (1, 20, 30, 3)
    assert len(problems) == 1
    assert "object 1 (cat)" in problems[0] and "not in ['dog']" in problems[0]


def test_voc_nothing_loadable_is_an_error(tmp_path):
    tmp_path.joinpath("x.xml").write_text(_voc_xml("gone.png", [("cat", (1, 1, 5, 5), False)]))
    with pytest.raises(WorkbenchError, match="no image of voc could be loaded.*gone.png"):
        load_voc(str(tmp_path))
    (tmp_path / "empty").mkdir()
    with pytest.raises(WorkbenchError, match="no .xml"):
        load_voc(str(tmp_path / "empty"))
    with pytest.raises(WorkbenchError, match="not found"):
        load_voc(str(tmp_path / "nowhere"))


def _coco_payload():
    square = np.zeros((40, 60), bool)
    square[10:20, 30:45] = True
    return {
        "images": [{"id": 7, "file_name": "a.png", "width": 60, "height": 40},
                   {"id": 8, "file_name": "b.png", "width": 60, "height": 40},
                   {"id": 9, "file_name": "missing.png", "width": 60, "height": 40}],
        "categories": [{"id": 3, "name": "dog"}, {"id": 1, "name": "cat"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 1, "bbox": [30, 10, 15, 10], "iscrowd": 0,
             "segmentation": mask_to_rle(square)},
            {"id": 2, "image_id": 7, "category_id": 3, "bbox": [2, 2, 10, 10], "iscrowd": 0,
             "segmentation": [[2, 2, 12, 2, 12, 12, 2, 12]]},
            {"id": 3, "image_id": 8, "category_id": 3, "bbox": [50, 30, 20, 20], "iscrowd": 1},
            {"id": 4, "image_id": 8, "category_id": 1, "bbox": [5, 5, 0, 10]},
            {"id": 5, "image_id": 8, "category_id": 1},
            {"id": 6, "image_id": 42, "category_id": 1, "bbox": [1, 1, 2, 2]},
            {"id": 7, "image_id": 8, "category_id": 99, "bbox": [1, 1, 2, 2]},
            {"id": 8, "image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2]},
        ]}


def test_coco_loads_good_entries_and_names_each_problem(tmp_path):
    _png(tmp_path / "a.png")
    _png(tmp_path / "b.png")
    path = tmp_path / "instances.json"
    payload = _coco_payload()
    path.write_text(json.dumps(payload))
    data, problems = load_coco(str(path))
    assert data.class_names == ("cat", "dog")  # in order of category id
    assert data.image_ids == (7, 8) and data.images.shape == (2, 40, 60, 3)
    np.testing.assert_array_equal(data.boxes[0], [[30, 10, 45, 20], [2, 2, 12, 12]])
    np.testing.assert_array_equal(data.labels[0], [0, 1])
    np.testing.assert_array_equal(data.boxes[1], [[50, 30, 60, 40]])  # clipped crowd box
    np.testing.assert_array_equal(data.difficult[1], [True])
    # masks: RLE decoded exactly, polygon rasterised as pycocotools does for a rectangle
    from pycocotools.coco import COCO
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        reference = COCO(str(path))
    for k, ann_id in enumerate((1, 2)):
        expected = reference.annToMask(reference.anns[ann_id]).astype(bool)
        np.testing.assert_array_equal(data.masks[0][k], expected)
    np.testing.assert_array_equal(data.masks[1][0], np.pad(np.ones((10, 10), bool),
                                                            ((30, 0), (50, 0))))  # filled box
    text = "\n".join(problems)
    assert len(problems) == 6, text
    for needle in ("annotation 3: box [50, 30, 70, 50] extends outside",
                   "annotation 4: box [5, 5, 5, 15] has zero area",
                   "annotation 5: 'bbox' must be",
                   "annotation 6 refers to unknown image id 42",
                   "annotation 7 has unknown category id 99",
                   "image 9: image file not found"):
        assert any(needle in p and "instances.json" in p for p in problems), needle


def test_coco_malformed_files_are_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(WorkbenchError, match="bad.json is not valid JSON"):
        load_coco(str(bad))
    bad.write_text(json.dumps([1, 2]))
    with pytest.raises(WorkbenchError, match="not a COCO annotation file"):
        load_coco(str(bad))
    payload = _coco_payload()
    bad.write_text(json.dumps(payload))  # no image files beside it at all
    with pytest.raises(WorkbenchError, match="no image of coco could be loaded"):
        load_coco(str(bad))


def test_coco_round_trip_of_shapes(tmp_path):
    from workbench.data.shapes import make_shapes
    from workbench.data.images import to_uint8_rgb

    data = make_shapes(3, 48, seed=9)
    coco = data.to_coco()
    for img, image in zip(coco["images"], data.images):
        cv2.imwrite(str(tmp_path / img["file_name"]), to_uint8_rgb(image)[..., ::-1])
    (tmp_path / "gt.json").write_text(json.dumps(coco))
    loaded, problems = load_coco(str(tmp_path / "gt.json"))
    assert problems == []
    assert loaded.image_ids == data.image_ids
    for a, b in zip(loaded.boxes + loaded.labels + loaded.masks,
                    data.boxes + data.labels + data.masks):
        np.testing.assert_array_equal(a, b)
    assert np.abs(loaded.images - data.images).max() <= 0.5 / 255 + 1e-6


def test_registry_knows_voc_and_coco(voc_folder):
    from workbench.data import load

    data = load("voc", {"path": str(voc_folder)}, seed=1, val_fraction=0.5)
    assert data.info.task == "detection" and len(data) == 2
    train, val = data.train_val()
    assert len(train) == len(val) == 1
    with pytest.raises(WorkbenchError, match="needs a path"):
        load("coco")


def test_rle_codec_equals_pycocotools():
    from pycocotools import mask as mask_utils

    from workbench.detection.cocoeval_json import (decode_counts_string, encode_counts_string,
                                                    rle_bbox, rle_to_mask)

    rng = np.random.default_rng(0)
    for trial in range(60):
        height, width = (int(v) for v in rng.integers(1, 30, 2))
        mask = rng.random((height, width)) < rng.random()
        if trial % 10 == 0:
            mask[:] = trial % 20 == 0  # all empty, all full
        rle = mask_to_rle(mask)
        reference = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
        text = reference["counts"].decode()
        assert encode_counts_string(rle["counts"]) == text
        assert decode_counts_string(text) == rle["counts"]
        np.testing.assert_array_equal(rle_to_mask({"size": [height, width], "counts": text}), mask)
        np.testing.assert_array_equal(rle_to_mask(rle), mask)
        np.testing.assert_allclose(rle_bbox(rle), mask_utils.toBbox(reference))
    with pytest.raises(WorkbenchError, match="sum to 5, not H\\*W = 6"):
        rle_to_mask({"size": [2, 3], "counts": [2, 3]})
