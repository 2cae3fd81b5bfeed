"""Where the study notes and the papers disagree (catalog, top paragraph), the entry follows
the paper and its summary says so (issue 18 item 6, sections A, B, C, H): each test pins the
summary's sentence AND checks that the code does what the paper says."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from workbench import catalog
from workbench.data.base import DataInfo
from workbench.layers.roi_pool import RoIPooling

SHAPES = DataInfo("shapes", "image", "detection", (64, 64, 3), ("circle", "square", "triangle"))
ROI_MAX_SENTENCE = "the notes say mean; the paper (Girshick 2015) takes the max"


def build(name: str, **overrides):
    entry = catalog.get(name)
    return entry.build(entry.resolve({**entry.smoke, **overrides}), SHAPES)


def hand_roi_pool(features: np.ndarray, box, bins: int, scale: float, reduce=np.max) -> np.ndarray:
    """Fast R-CNN's RoI max pooling written out: round the box to whole cells (half away from
    zero), split it into bins x bins, floor each bin's start and ceil its end, max per bin."""
    x1, y1, x2, y2 = (np.floor(v * scale + 0.5) for v in box)
    width, height = max(x2 - x1, 1), max(y2 - y1, 1)
    out = np.zeros((bins, bins, features.shape[-1]), np.float32)
    for i in range(bins):
        rows = slice(int(np.floor(i * height / bins) + y1), int(np.ceil((i + 1) * height / bins) + y1))
        for j in range(bins):
            cols = slice(int(np.floor(j * width / bins) + x1), int(np.ceil((j + 1) * width / bins) + x1))
            out[i, j] = reduce(features[rows, cols], axis=(0, 1))
    return out


@pytest.mark.parametrize("name", ["fast_rcnn", "faster_rcnn", "mask_rcnn"])
def test_roi_pooling_takes_the_maximum_of_each_bin_as_the_paper_does(name):
    assert ROI_MAX_SENTENCE in catalog.get(name).summary
    model = build(name, roi_op="roi_pool", pooled_size=3, feature_stride=8)
    assert isinstance(model.roi_op, RoIPooling) and model.roi_op.spatial_scale == 1 / 8
    # An 8x8 map (64 px at stride 8) of random values: max and mean of a bin differ.
    features = np.random.default_rng(0).normal(size=(8, 8, 2)).astype("float32")
    box = [9.0, 13.0, 58.0, 50.0]  # image pixels: cells [1.1, 1.6, 7.3, 6.3] -> rounded [1, 2, 7, 6]
    pooled = model.roi_op([tf.constant(features[None]), tf.constant([[box]], tf.float32)]).numpy()[0, 0]
    expected = hand_roi_pool(features, box, 3, 1 / 8)
    np.testing.assert_array_equal(pooled, expected)
    # The notes' mean would be another number in every bin.
    means = hand_roi_pool(features, box, 3, 1 / 8, reduce=np.mean)
    assert np.all(np.abs(pooled - means) > 1e-3)


def test_fast_rcnn_proposals_come_from_the_image_and_are_projected_by_the_stride(monkeypatch):
    summary = catalog.get("fast_rcnn").summary
    assert "Selective Search proposes regions on the image itself" in summary
    assert "projected onto the shared feature map by the stride" in summary
    from workbench.models.detection import fast_rcnn

    seen = []
    search = fast_rcnn.proposals_for_images
    monkeypatch.setattr(fast_rcnn, "proposals_for_images",
                        lambda images, *args: seen.append(np.array(images)) or search(images, *args))
    image = np.full((64, 64, 3), 0.1, np.float32)
    image[20:44, 30:58] = (0.9, 0.2, 0.2)  # one red rectangle: x 30..58, y 20..44 in pixels
    model = build("fast_rcnn", feature_stride=8)
    inputs = model.inputs_for(image[None])
    # Selective Search ran on the image pixels, not on the 8x8 feature map ...
    assert len(seen) == 1 and seen[0].shape == (1, 64, 64, 3) and np.array_equal(seen[0][0], image)
    boxes = inputs["proposals"][0]
    boxes = boxes[(boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])]
    ious = [_iou(b, [30, 20, 58, 44]) for b in boxes]
    # ... so a proposal matches the rectangle in image coordinates (beyond the map's 8 cells),
    assert max(ious) > 0.9 and boxes[int(np.argmax(ious))][2] > 8
    # and the RoI layer projects those boxes onto the map by 1 / stride.
    assert model.roi_op.spatial_scale == pytest.approx(1 / 8)


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_wide_resnet_groups_are_16k_32k_64k_as_in_the_paper():
    summary = catalog.get("wide_resnet").summary
    assert "16k, 32k and 64k filters" in summary
    assert "the paper (Zagoruyko & Komodakis 2016) doubles the width at each group" in summary
    cifar = DataInfo("cifar10", "image", "classification", (32, 32, 3), tuple("abcdefghij"))
    entry = catalog.get("wide_resnet")
    # k = 3 on a shallow WRN-10: groups of 48, 96, 192 filters at 32x32, 16x16, 8x8 (the note's
    # 16 x k everywhere would keep 48 filters in all three).
    model = entry.build(entry.resolve({"depth": 10, "width": 3}), cifar)
    shapes = [model.get_layer(f"conv{g}_block1_add").output.shape[1:] for g in (2, 3, 4)]
    assert shapes == [(32, 32, 48), (16, 16, 96), (8, 8, 192)]
    # WRN-28-10 is the paper's 36.5 M (tests/vision/test_classic_params.py builds it); the count
    # from the widths alone: per group, N blocks of two 3x3 convs + BN, a 1x1 projection where
    # the width changes, the 16-filter stem and the dense classifier.
    params = _wrn_params(28, 10, classes=10)
    assert abs(params - 36.5e6) / 36.5e6 < 0.01
    assert _wrn_params(10, 3, classes=10) == sum(
        int(np.prod(w.shape)) for w in model.weights if "moving" not in w.path)


def _wrn_params(depth: int, k: int, classes: int) -> int:
    n = (depth - 4) // 6
    total, channels = 3 * 3 * 3 * 16, 16  # stem conv, no bias (batch norm follows)
    for width in (16 * k, 32 * k, 64 * k):
        for block in range(n):
            total += 2 * channels  # pre-activation BN (gamma, beta) on the block's input
            total += 3 * 3 * channels * width + 2 * width + 3 * 3 * width * width
            if block == 0 and channels != width:
                total += channels * width  # 1x1 projection shortcut
            channels = width
    return total + 2 * channels + channels * classes + classes
