"""YOLO-txt and KITTI loaders, COCO / VOC / YOLO-txt exporters and ``annotations`` CLI.

Every set is written by the test: a few flat images with boxes at known pixels.
"""

import json
import os

import cv2
import numpy as np
import pytest

from workbench.cli import main
from workbench.data.coco import load_coco
from workbench.data.kitti import load_kitti, parse_line
from workbench.data.voc import load_voc
from workbench.data.yolo_txt import load_yolo, parse_yaml_names
from workbench.detection.annotations import export, voc_xml, yolo_lines
from workbench.errors import WorkbenchError

#: Non-square on purpose (80 wide, 48 high): a normalisation by the wrong side moves boxes.
WIDTH, HEIGHT = 80, 48
#: YOLO-txt writes fractions with six decimals: a box edge comes back within
#: 0.5e-6 * 80 px = 4e-5 px, and the loader rounds to 1e-4 px; 1e-3 px is a safe bound
#: (a pixel's rounding would be 0.5).
YOLO_TOLERANCE_PX = 1e-3


def _image(path, seed=0, width=WIDTH, height=HEIGHT):
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cv2.imwrite(str(path), rng.integers(0, 255, (height, width, 3), dtype=np.uint8))


def _coco_set(folder):
    """Two images with fractional boxes (what a COCO file holds)."""
    os.makedirs(folder / "images")
    _image(folder / "images" / "a.png", 1)
    _image(folder / "images" / "b.png", 2)
    payload = {
        "images": [{"id": 3, "file_name": "a.png", "width": WIDTH, "height": HEIGHT},
                   {"id": 9, "file_name": "b.png", "width": WIDTH, "height": HEIGHT}],
        "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
        "annotations": [
            {"id": 1, "image_id": 3, "category_id": 1, "bbox": [10.25, 5.5, 20.0, 12.75]},
            {"id": 2, "image_id": 3, "category_id": 2, "bbox": [50.0, 20.0, 29.5, 27.0]},
            {"id": 3, "image_id": 9, "category_id": 2, "bbox": [0.0, 0.0, 7.3, 9.1]},
        ]}
    (folder / "instances.json").write_text(json.dumps(payload))
    return folder / "instances.json"


def test_coco_to_yolo_to_coco_keeps_boxes_and_labels(tmp_path):
    original, problems = load_coco(str(_coco_set(tmp_path / "coco")))
    assert problems == []
    export(original, "yolo", str(tmp_path / "yolo"))
    # the label file by hand: class cx cy w h as fractions of 80 x 48
    first = (tmp_path / "yolo" / "labels" / "a.txt").read_text().splitlines()
    assert first[0] == f"0 {20.25 / 80:.6f} {11.875 / 48:.6f} {20 / 80:.6f} {12.75 / 48:.6f}"
    assert (tmp_path / "yolo" / "classes.txt").read_text() == "cat\ndog\n"
    via_yolo, problems = load_yolo(str(tmp_path / "yolo"))
    assert problems == []
    export(via_yolo, "coco", str(tmp_path / "back"))
    back, _ = load_coco(str(tmp_path / "back" / "annotations.json"))
    assert back.class_names == original.class_names == ("cat", "dog")
    assert back.file_names == original.file_names
    for i in range(len(original)):
        np.testing.assert_allclose(back.boxes[i], original.boxes[i], atol=YOLO_TOLERANCE_PX)
        np.testing.assert_array_equal(back.labels[i], original.labels[i])
    # the copied images are the same files
    assert (tmp_path / "back" / "images" / "a.png").read_bytes() == \
        (tmp_path / "coco" / "images" / "a.png").read_bytes()


def _voc_file(folder, name, objects, width=WIDTH, height=HEIGHT):
    body = "".join(
        f"<object><name>{cls}</name><difficult>{int(diff)}</difficult><bndbox><xmin>{x1}</xmin>"
        f"<ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>"
        for cls, diff, (x1, y1, x2, y2) in objects)
    (folder / "Annotations" / f"{name}.xml").write_text(
        f"<annotation><filename>{name}.jpg</filename><size><width>{width}</width>"
        f"<height>{height}</height><depth>3</depth></size>{body}</annotation>")
    _image(folder / "JPEGImages" / f"{name}.jpg", len(name))


def _boxes_of_xml(path):
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    return [(o.findtext("name"), o.findtext("difficult"),
             tuple(o.find("bndbox").findtext(t) for t in ("xmin", "ymin", "xmax", "ymax")))
            for o in root.findall("object")]


def test_voc_to_coco_to_voc_writes_the_same_objects(tmp_path):
    voc = tmp_path / "voc"
    os.makedirs(voc / "Annotations")
    _voc_file(voc, "one", [("person", False, (1, 1, 30, 20)), ("car", True, (41, 10, 80, 48))])
    _voc_file(voc, "two", [("car", False, (5, 6, 15, 16))])
    original, problems = load_voc(str(voc))
    assert problems == []
    # VOC's 1-based inclusive corners are edges [xmin - 1, ymin - 1, xmax, ymax]
    np.testing.assert_array_equal(original.boxes[0][0], [0, 0, 30, 20])
    export(original, "coco", str(tmp_path / "coco"))
    coco = json.loads((tmp_path / "coco" / "annotations.json").read_text())
    assert coco["annotations"][0]["bbox"] == [0.0, 0.0, 30.0, 20.0]
    assert [a["iscrowd"] for a in coco["annotations"]] == [0, 1, 0]
    via_coco, _ = load_coco(str(tmp_path / "coco" / "annotations.json"))
    export(via_coco, "voc", str(tmp_path / "back"))
    for name in ("one", "two"):
        assert _boxes_of_xml(tmp_path / "back" / "Annotations" / f"{name}.xml") == \
            _boxes_of_xml(voc / "Annotations" / f"{name}.xml")
    again, _ = load_voc(str(tmp_path / "back"))
    assert again.class_names == original.class_names
    for i in range(len(original)):
        np.testing.assert_array_equal(again.boxes[i], original.boxes[i])
        np.testing.assert_array_equal(again.difficult[i], original.difficult[i])


#: The first line of training/label_2/000000.txt, the devkit's example object.
KITTI_LINE = "Pedestrian 0.00 0 -0.20 712.40 143.00 810.73 307.92 1.89 0.48 1.20 1.84 1.47 8.41 0.01"


def test_kitti_devkit_line_gives_its_box_class_and_dontcare(tmp_path):
    kind, box = parse_line(KITTI_LINE, "000000.txt: line 1")
    assert kind == "Pedestrian" and box == pytest.approx([712.40, 143.00, 810.73, 307.92])
    root = tmp_path / "kitti"
    os.makedirs(root / "label_2")
    _image(root / "image_2" / "000000.png", 0, 1242, 375)
    (root / "label_2" / "000000.txt").write_text(
        KITTI_LINE + "\n"
        "Car 0.00 0 1.55 100.00 150.00 200.00 250.00 1.5 1.6 3.9 -5.0 1.7 20.0 1.5\n"
        "DontCare -1 -1 -10 503.89 169.71 590.61 190.13 -1 -1 -1 -1000 -1000 -1000 -10\n"
        "Car 0.00 0 1.55 100.00 150.00 200.00\n"
        "Car 0.50 1 0.10 1200.00 10.00 1300.00 50.00 1.5 1.6 3.9 9.0 1.7 20.0 0.1\n")
    data, problems = load_kitti(str(root))
    assert data.class_names == ("Pedestrian", "Car")  # order of first appearance
    np.testing.assert_allclose(data.boxes[0][0], [712.40, 143.00, 810.73, 307.92], rtol=1e-6)
    # DontCare: one difficult box per class, so no class's detection there counts as false
    np.testing.assert_array_equal(data.labels[0], [0, 1, 0, 1, 1])
    np.testing.assert_array_equal(data.difficult[0], [False, False, True, True, False])
    np.testing.assert_array_equal(data.boxes[0][4], [1200, 10, 1242, 50])
    labels = root / "label_2" / "000000.txt"
    assert problems == [(f"{labels}: line 4: 7 fields, expected 15 (type truncated occluded alpha "
                         "x1 y1 x2 y2 h w l x y z ry) or 16 (with score); dropped"),
                        (f"{labels}: line 5 (Car): box [1200, 10, 1300, 50] extends outside the "
                         "1242x375 image; clipped to [1200, 10, 1242, 50]")]
    # YOLO-txt cannot flag them: DontCare boxes are left out, never written as objects
    notes = export(data, "yolo", str(tmp_path / "as_yolo"))
    assert notes == ["YOLO-txt has no 'difficult' flag: 2 difficult/crowd/DontCare box(es) left out"]
    assert (tmp_path / "as_yolo" / "labels" / "000000.txt").read_text().splitlines() == [
        f"0 {761.565 / 1242:.6f} {225.46 / 375:.6f} {98.33 / 1242:.6f} {164.92 / 375:.6f}",
        f"1 {150 / 1242:.6f} {200 / 375:.6f} {100 / 1242:.6f} {100 / 375:.6f}",
        f"1 {1221 / 1242:.6f} {30 / 375:.6f} {42 / 1242:.6f} {40 / 375:.6f}"]
    only_cars, problems = load_kitti(str(root), classes="Car", dontcare="drop")
    assert only_cars.class_names == ("Car",) and len(only_cars.boxes[0]) == 2
    assert "1 object(s) of types not in classes=Car left out: Pedestrian (1)" in problems


def _yolo_set(root, lines, names="cat\ndog\n"):
    os.makedirs(root / "labels")
    _image(root / "images" / "x.png")
    (root / "labels" / "x.txt").write_text(lines)
    if names is not None:
        (root / "classes.txt").write_text(names)
    return root


def test_yolo_bad_input_names_file_and_line(tmp_path):
    root = _yolo_set(tmp_path / "y", "0 0.5 0.5 0.25 0.5\n"
                                     "5 0.5 0.5 0.25 0.5\n"          # class beyond the names
                                     "1 0.9 0.5 0.4 0.2\n"           # reaches past the right edge
                                     "1 0.5 0.5 0.2\n"               # four numbers
                                     "1 0.5 0.5 0.0 0.2\n"           # no area
                                     "0 0.1 0.25 0.3 0.25 0.2 0.75\n")  # a polygon (segment label)
    _image(root / "images" / "empty.png")
    (root / "labels" / "ghost.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    data, problems = load_yolo(str(root))
    label = root / "labels" / "x.txt"
    assert problems == [
        f"{root / 'labels' / 'ghost.txt'}: no image of that name in {root / 'images'}; skipped",
        f"{label}: line 2: class index 5 is beyond the 2 names ({root / 'classes.txt'}); dropped",
        f"{label}: line 4: 4 numbers, expected 5 (class cx cy w h); dropped",
        f"{label}: line 3: coordinates outside [0, 1] (box edges 0.7, 0.4, 1.1, 0.6); clipped to the image",
        f"{label}: line 5: box cx=0.5 cy=0.5 w=0 h=0.2 has no area; dropped",
        (f"1 image(s) in {root / 'images'} have no label file in {root / 'labels'} (first: empty.png); "
         "loaded as images with no objects")]
    x = data.file_names.index("x.png")
    np.testing.assert_allclose(data.boxes[x], [[30, 12, 50, 36], [56, 19.2, 80, 28.8], [8, 12, 24, 36]],
                               atol=1e-4)
    np.testing.assert_array_equal(data.labels[x], [0, 1, 0])
    assert len(data.boxes[data.file_names.index("empty.png")]) == 0
    with pytest.raises(WorkbenchError, match="no annotation of yolo could be used"):
        load_yolo(str(_yolo_set(tmp_path / "z", "9 0.5 0.5 0.1 0.1\n")))


def test_yolo_class_names_from_yaml_and_option(tmp_path):
    text = "path: ../data\ntrain: images/train\nnames:\n  0: person\n  1: 'traffic light'\nnc: 2\n"
    assert parse_yaml_names(text, "data.yaml") == ["person", "traffic light"]
    assert parse_yaml_names("names: [a, 'b c']\n", "d.yaml") == ["a", "b c"]
    assert parse_yaml_names("nc: 2\nnames:\n  - a\n  - b  # second\n", "d.yaml") == ["a", "b"]
    with pytest.raises(WorkbenchError, match="d.yaml has no 'names:' key"):
        parse_yaml_names("nc: 2\n", "d.yaml")
    # Ultralytics layout: images/val + labels/val, names in data.yaml
    root = tmp_path / "u"
    os.makedirs(root / "labels" / "val")
    _image(root / "images" / "val" / "v.png")
    (root / "labels" / "val" / "v.txt").write_text("1 0.5 0.5 0.5 0.5\n")
    (root / "data.yaml").write_text("names: {0: cat, 1: dog}\n")
    data, problems = load_yolo(str(root), split="val")
    assert data.class_names == ("cat", "dog") and problems == []
    from workbench.data.registry import resolve

    assert resolve(str(root)) == (resolve("yolo")[0], {"path": str(root)})  # a path is enough
    data, _ = load_yolo(str(root), split="val", names="a,b,c")
    assert data.class_names == ("a", "b", "c")
    with pytest.raises(WorkbenchError, match="split=train: .* does not exist"):
        load_yolo(str(root), split="train")


def test_export_formats_by_hand_and_refuses_to_overwrite(tmp_path):
    data, _ = load_coco(str(_coco_set(tmp_path / "coco")))
    assert yolo_lines(data, 1) == f"1 {3.65 / 80:.6f} {4.55 / 48:.6f} {7.3 / 80:.6f} {9.1 / 48:.6f}\n"
    xml = voc_xml(data, 0, "a.png").decode()
    assert "<xmin>11.25</xmin>" in xml and "<ymin>6.5</ymin>" in xml and "<xmax>30.25</xmax>" in xml
    export(data, "voc", str(tmp_path / "out"))
    with pytest.raises(WorkbenchError, match="exists; add --force"):
        export(data, "voc", str(tmp_path / "out"))
    export(data, "voc", str(tmp_path / "out"), force=True)
    with pytest.raises(WorkbenchError, match="not an earlier export"):  # never a foreign folder
        export(data, "yolo", str(tmp_path / "out"), force=True)


def test_yolo_set_trains_ssd_and_predictions_export(tmp_path, capsys):
    from workbench.data.shapes import make_shapes

    shapes = make_shapes(8, image_size=64, seed=3)
    root = tmp_path / "shapes_yolo"
    os.makedirs(root / "images")
    for i in range(len(shapes)):
        cv2.imwrite(str(root / "images" / f"{i + 1:06d}.png"), (shapes.images[i][..., ::-1] * 255).astype(np.uint8))
    export(shapes, "yolo", str(tmp_path / "labels_only"), with_images=False)
    os.rename(tmp_path / "labels_only" / "labels", root / "labels")
    os.rename(tmp_path / "labels_only" / "classes.txt", root / "classes.txt")
    run = tmp_path / "run"
    assert main(["train", "ssd", "--data", "yolo", "--data-option", f"path={root}", "--epochs", "1",
                 "--steps-per-epoch", "2", "--batch-size", "4", "--set", "width=4",
                 "--out", str(run), "--quiet"]) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["data"] == "yolo" and config["data_options"]["path"] == str(root)
    out = tmp_path / "pre"
    assert main(["annotations", "predict", str(run), "--images", str(root / "images"), "--to", "coco",
                 "--score", "0", "--out", str(out)]) == 0
    payload = json.loads((out / "annotations.json").read_text())
    assert [c["name"] for c in payload["categories"]] == ["circle", "square", "triangle"]
    assert len(payload["images"]) == 8 and all(0 <= a["score"] <= 1 for a in payload["annotations"])
    assert "8 image(s)" in capsys.readouterr().out
    assert main(["annotations", "convert", "--data", "yolo", "--data-option", f"path={root}",
                 "--to", "voc", "--out", str(out)]) == 1
    assert "not an earlier export" in capsys.readouterr().err



def test_coco_export_keeps_instance_masks(tmp_path):
    from workbench.data.shapes import make_shapes

    shapes = make_shapes(3, image_size=32, seed=2)
    export(shapes, "coco", str(tmp_path / "c"))
    back, problems = load_coco(str(tmp_path / "c" / "annotations.json"))
    assert problems == [] and back.file_names == ("000001.png", "000002.png", "000003.png")
    for i in range(3):
        np.testing.assert_array_equal(back.masks[i], shapes.masks[i])
        np.testing.assert_array_equal(back.boxes[i], shapes.boxes[i])
    # generated pixels are written losslessly (PNG of their 8-bit values)
    np.testing.assert_allclose(back.images, np.round(shapes.images * 255) / 255, atol=1 / 255)


def test_coco_export_keeps_keypoints_names_and_skeletons(tmp_path):
    """Corner keypoints of the shapes go out as COCO's person-keypoints fields and come back
    equal: labelled points with their (x, y, v), unlabelled ones (a circle's) as 0, 0, 0."""
    from workbench import data as sources

    shapes = sources.load("shape_keypoints", {"count": 4, "image_size": 32}, seed=3, val_fraction=0.0)
    export(shapes, "coco", str(tmp_path / "k"))
    payload = json.loads((tmp_path / "k" / "annotations.json").read_text())
    first = payload["annotations"][0]
    assert len(first["keypoints"]) == 3 * len(shapes.keypoint_names)
    assert first["num_keypoints"] == int(np.count_nonzero(np.asarray(shapes.keypoints[0][0])[:, 2] > 0))
    square = payload["categories"][1]  # classes: circle, square, triangle
    assert square["keypoints"] == list(shapes.keypoint_names) and square["skeleton"] == [[1, 2], [2, 3], [3, 4], [4, 1]]
    back, problems = load_coco(str(tmp_path / "k" / "annotations.json"))
    assert problems == [] and back.keypoint_names == shapes.keypoint_names
    assert back.skeletons == shapes.skeletons
    for i in range(len(shapes.images)):
        np.testing.assert_allclose(back.keypoints[i], shapes.keypoints[i], atol=1e-4)
