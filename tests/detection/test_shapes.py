"""The synthetic shapes set: deterministic, masks inside boxes, COCO export, registry."""

import numpy as np
import pytest

from workbench.data.shapes import CLASSES, DetectionData, make_shapes
from workbench.errors import WorkbenchError


def test_same_seed_same_data_other_seed_differs():
    a, b = make_shapes(6, 48, seed=7), make_shapes(6, 48, seed=7)
    np.testing.assert_array_equal(a.images, b.images)
    for x, y in zip(a.boxes + a.labels, b.boxes + b.labels):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.images, make_shapes(6, 48, seed=8).images)


def test_shapes_arrays_and_masks_inside_boxes():
    data = make_shapes(20, (40, 56), max_objects=4, seed=1)
    assert data.images.shape == (20, 40, 56, 3) and data.images.dtype == np.float32
    assert 0.0 <= data.images.min() and data.images.max() <= 1.0
    assert data.class_names[:3] == CLASSES
    counts = [len(b) for b in data.boxes]
    assert min(counts) >= 1 and max(counts) <= 4
    seen = set()
    for boxes, labels, masks in zip(data.boxes, data.labels, data.masks):
        assert boxes.dtype == np.float32 and labels.dtype == np.int64
        assert masks.shape == (len(boxes), 40, 56) and masks.dtype == bool
        for box, mask in zip(boxes, masks):
            ys, xs = np.nonzero(mask)
            # tight box: pixel edges around the mask
            assert (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) == tuple(box.astype(int))
        seen.update(labels.tolist())
    assert seen == {0, 1, 2}


def test_shape_pixels_differ_from_background():
    data = make_shapes(5, 64, seed=2)
    for image, masks in zip(data.images, data.masks):
        inside = image[masks.any(0)].max(axis=1).mean()
        outside = image[~masks.any(0)].max(axis=1).mean()
        assert inside - outside > 0.3


def test_semantic_masks_and_split():
    data = make_shapes(10, 32, seed=3)
    sem = data.semantic_masks()
    assert sem.shape == (10, 32, 32)
    for i in range(10):
        for label, mask in zip(data.labels[i], data.masks[i]):
            assert (sem[i][mask] == label + 1).all()
        assert (sem[i][~data.masks[i].any(0)] == 0).all()
    train, val = data.split(0.3, seed=0)
    assert (len(train), len(val)) == (7, 3)
    assert sorted(train.image_ids + val.image_ids) == list(data.image_ids)
    k = data.image_ids.index(val.image_ids[0])
    np.testing.assert_array_equal(val.images[0], data.images[k])
    np.testing.assert_array_equal(val.boxes[0], data.boxes[k])


def test_to_coco_matches_pycocotools_masks_and_boxes():
    from pycocotools import mask as mask_utils

    data = make_shapes(4, 48, seed=4)
    coco = data.to_coco()
    assert [c["id"] for c in coco["categories"]] == [1, 2, 3]
    assert len(coco["annotations"]) == sum(len(b) for b in data.boxes)
    by_image = {img_id: i for i, img_id in enumerate(data.image_ids)}
    seen = {}
    for ann in coco["annotations"]:
        i = by_image[ann["image_id"]]
        k = seen.setdefault(i, 0)
        seen[i] += 1
        rle = mask_utils.frPyObjects(ann["segmentation"], 48, 48)
        np.testing.assert_array_equal(mask_utils.decode(rle).astype(bool), data.masks[i][k])
        np.testing.assert_allclose(mask_utils.toBbox(rle), ann["bbox"])
        assert ann["area"] == data.masks[i][k].sum()
        assert ann["category_id"] == data.labels[i][k] + 1


def test_registry_loader_returns_detection_data():
    from workbench.data import load

    data = load("shapes", {"count": 12, "image_size": 32, "max_objects": 2}, seed=5,
                val_fraction=0.25)
    assert isinstance(data, DetectionData)
    assert data.info.task == "detection" and data.info.input_shape == (32, 32, 3)
    train, val = data.train_val()
    assert (len(train), len(val)) == (9, 3)
    assert max(len(b) for b in data.boxes) <= 2


def test_resized_scales_boxes_and_masks():
    data = make_shapes(3, 32, seed=6)
    big = data.resized((64, 96))
    assert big.images.shape == (3, 64, 96, 3) and big.masks[0].shape[1:] == (64, 96)
    np.testing.assert_allclose(big.boxes[0], data.boxes[0] * [3, 2, 3, 2])


def test_bad_options_are_named():
    with pytest.raises(WorkbenchError, match="max_objects 0"):
        make_shapes(2, 32, max_objects=0)
    with pytest.raises(WorkbenchError, match="min_size=2"):
        make_shapes(2, 32, min_size=2)
    with pytest.raises(WorkbenchError, match="hexagon"):
        make_shapes(2, 32, classes=("hexagon",))
