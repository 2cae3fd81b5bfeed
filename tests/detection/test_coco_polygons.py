"""COCO polygon masks rasterised as pycocotools rasterises them: 0 differing pixels on 200
random polygons (float, integer, half-pixel and repeated vertices, outside the image,
several polygons per object) and on crowd RLEs, and segm AP equal to COCOeval's."""

import contextlib
import copy
import io

import numpy as np
import pytest

from workbench.detection import metrics as M
from workbench.detection.coco_polygons import polygon_rle_counts, polygons_to_mask
from workbench.detection.cocoeval_json import segmentation_to_mask
from workbench.errors import WorkbenchError

mask_utils = pytest.importorskip("pycocotools.mask")


def random_polygons(rng, trial, h, w):
    k = int(rng.integers(3, 14))
    pts = np.stack([rng.uniform(-5, w + 5, k), rng.uniform(-5, h + 5, k)], 1)
    if trial % 5 == 0:
        pts = np.round(pts)  # integer vertices: on pixel edges
    if trial % 7 == 0:
        pts[1] = pts[0]  # a repeated vertex: an edge of length 0
    if trial % 11 == 0:
        pts = np.round(pts * 2) / 2  # half-pixel vertices: on pixel centres
    polygons = [pts.ravel().tolist()]
    if trial % 3 == 0:
        polygons.append(np.stack([rng.uniform(0, w, 4), rng.uniform(0, h, 4)], 1).ravel().tolist())
    return polygons


def test_polygons_equal_pycocotools_on_200_random_cases():
    rng = np.random.default_rng(0)
    differing = 0
    for trial in range(200):
        h, w = (int(v) for v in rng.integers(4, 70, 2))
        polygons = random_polygons(rng, trial, h, w)
        reference = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects(polygons, h, w)))
        differing += int((polygons_to_mask(polygons, h, w) != reference.astype(bool)).sum())
    assert differing == 0


def test_one_polygon_has_pycocotools_run_lengths():
    polygon = [2.3, 1.1, 9.7, 3.2, 6.1, 8.8, 1.0, 6.5]
    reference = mask_utils.frPyObjects([polygon], 10, 12)[0]
    counts = polygon_rle_counts(polygon, 10, 12)
    from workbench.detection.cocoeval_json import decode_counts_string

    assert counts == decode_counts_string(reference["counts"])


def test_crowd_rles_decode_as_pycocotools():
    """Crowd regions are uncompressed RLE in COCO files; frPyObjects + decode is the reference."""
    rng = np.random.default_rng(1)
    for _ in range(40):
        h, w = (int(v) for v in rng.integers(3, 40, 2))
        blob = rng.random((h, w)) < rng.uniform(0.1, 0.9)
        from workbench.detection.cocoeval_json import mask_to_rle

        rle = mask_to_rle(blob)
        reference = mask_utils.decode(mask_utils.frPyObjects(rle, h, w)).astype(bool)
        np.testing.assert_array_equal(segmentation_to_mask(rle, h, w), reference)


def test_segm_ap_on_polygon_truth_equals_cocoeval():
    """Random polygon ground truth, detections = the truth's pixels moved by a pixel or two."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    from workbench.detection.cocoeval_json import encode_counts_string, mask_to_rle

    rng = np.random.default_rng(5)
    gt = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}
    dt = []
    for image_id in range(1, 9):
        h, w = 48, 64
        gt["images"].append({"id": image_id, "width": w, "height": h})
        for _ in range(3):
            centre = rng.uniform(10, [w - 10, h - 10])
            angles = np.sort(rng.uniform(0, 2 * np.pi, 7))
            radius = rng.uniform(3, 9, 7)
            polygon = np.stack([centre[0] + radius * np.cos(angles),
                                centre[1] + radius * np.sin(angles)], 1).ravel().tolist()
            mask = polygons_to_mask([polygon], h, w)
            ys, xs = np.nonzero(mask)
            category = int(rng.integers(1, 3))
            gt["annotations"].append({
                "id": len(gt["annotations"]) + 1, "image_id": image_id, "category_id": category,
                "segmentation": [polygon], "area": float(mask.sum()), "iscrowd": 0,
                "bbox": [float(xs.min()), float(ys.min()), float(np.ptp(xs) + 1), float(np.ptp(ys) + 1)]})
            moved = np.roll(mask, int(rng.integers(-2, 3)), axis=int(rng.integers(0, 2)))
            rle = mask_to_rle(moved)
            dt.append({"image_id": image_id, "category_id": category, "score": float(rng.random()),
                       "segmentation": {"size": rle["size"], "counts": encode_counts_string(rle["counts"])}})
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(gt)
        coco_gt.createIndex()
        evaluator = COCOeval(coco_gt, coco_gt.loadRes(copy.deepcopy(dt)), "segm")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    mine = M.coco_evaluate(gt, dt, "segm")
    assert (mine["AP"], mine["AP50"], mine["AP75"]) == pytest.approx(tuple(evaluator.stats[:3]), abs=1e-6)
    assert 0.1 < mine["AP"] < 0.95


def test_bad_polygons_are_sentences():
    with pytest.raises(WorkbenchError, match="at least 3 points"):
        polygons_to_mask([[1, 2, 3, 4]], 10, 10)
    with pytest.raises(WorkbenchError, match="finite"):
        polygons_to_mask([[0, 0, 5, 0, float("inf"), 5]], 10, 10)
