"""Box utilities: IoU by hand, NMS identical to TensorFlow's, anchors, coding round trip."""


import numpy as np
import pytest

from workbench.detection import boxes as B
from workbench.errors import WorkbenchError


def test_iou_hand_computed():
    a = [[0, 0, 10, 10], [0, 0, 2, 2]]
    b = [[5, 5, 15, 15], [0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 5]]
    got = B.iou(a, b)
    # 5x5 overlap of two 100-pixel boxes: 25 / (100 + 100 - 25)
    assert got[0, 0] == pytest.approx(25 / 175)
    assert got[0, 1] == pytest.approx(1.0)
    assert got[0, 2] == 0.0
    assert got[0, 3] == pytest.approx(0.5)
    assert got[1, 1] == pytest.approx(4 / 100)
    assert got.shape == (2, 4) and got.dtype == np.float32


def test_iou_is_jaccard_of_pixel_sets():
    rng = np.random.default_rng(1)
    for _ in range(20):
        a, b = (np.sort(rng.integers(0, 20, (2, 2)), axis=0).T.reshape(-1)[[0, 2, 1, 3]]
                for _ in range(2))
        grid_a = np.zeros((20, 20), bool)
        grid_b = np.zeros((20, 20), bool)
        grid_a[a[1]:a[3], a[0]:a[2]] = True
        grid_b[b[1]:b[3], b[0]:b[2]] = True
        tp = (grid_a & grid_b).sum()
        fp, fn = (grid_a & ~grid_b).sum(), (~grid_a & grid_b).sum()
        expected = tp / (tp + fp + fn) if tp + fp + fn else 0.0
        assert B.iou([a], [b])[0, 0] == pytest.approx(expected, abs=1e-6)


def test_iou_zero_area_and_empty():
    assert B.iou([[1, 1, 1, 5]], [[0, 0, 4, 4]])[0, 0] == 0.0
    assert B.iou(np.zeros((0, 4)), [[0, 0, 1, 1]]).shape == (0, 1)
    with pytest.raises(WorkbenchError, match=r"\(N, 4\)"):
        B.iou([[0, 0, 1]], [[0, 0, 1, 1]])


def _random_set(rng):
    n = int(rng.integers(1, 80))
    xy = rng.uniform(0, 100, (n, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(1, 40, (n, 2))], 1).astype(np.float32)
    scores = rng.uniform(0, 1, n).astype(np.float32)
    if rng.random() < 0.4:  # ties: TF keeps the lower index first
        scores = np.round(scores, 1).astype(np.float32)
    if rng.random() < 0.3:  # exact duplicates
        boxes[rng.integers(0, n, 3)] = boxes[0]
    return boxes, scores


def test_nms_equals_tensorflow_on_50_random_sets():
    import tensorflow as tf

    rng = np.random.default_rng(2024)
    for trial in range(50):
        boxes, scores = _random_set(rng)
        threshold = float(rng.choice([0.3, 0.5, 0.7]))
        score_threshold = float(rng.choice([-np.inf, 0.25]))
        max_output = int(rng.integers(1, len(boxes) + 5))
        expected = tf.image.non_max_suppression(
            boxes[:, [1, 0, 3, 2]], scores, max_output, threshold, score_threshold).numpy()
        got = B.nms(boxes, scores, threshold, score_threshold, max_output)
        np.testing.assert_array_equal(got, expected, err_msg=f"trial {trial}")


def test_nms_keeps_best_and_drops_overlaps():
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]]
    assert B.nms(boxes, [0.9, 0.8, 0.7], 0.5).tolist() == [0, 2]
    assert B.nms(boxes, [0.9, 0.8, 0.7], 0.9).tolist() == [0, 1, 2]
    assert B.nms(boxes, [0.9, 0.8, 0.7], 0.5, max_output=1).tolist() == [0]
    assert B.nms(np.zeros((0, 4)), []).tolist() == []


def test_batched_nms_never_suppresses_across_classes():
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [1, 1, 11, 11]]
    scores = [0.9, 0.8, 0.95, 0.5]
    kept = B.batched_nms(boxes, scores, [0, 0, 1, 1], 0.5)
    assert kept.tolist() == [2, 0]  # one per class, best score first
    assert B.nms(boxes, scores, 0.5).tolist() == [2]


def test_anchor_count_and_centres():
    anchors = B.make_anchors((4, 5), (32, 40), scales=(8, 16, 32), ratios=(0.5, 1, 2))
    assert anchors.shape == (4 * 5 * 9, 4)
    first_cell = anchors[:9]
    centres = (first_cell[:, :2] + first_cell[:, 2:]) / 2
    np.testing.assert_allclose(centres, [[4.0, 4.0]] * 9)  # stride 8: centre of cell (0, 0)
    widths = first_cell[:, 2] - first_cell[:, 0]
    heights = first_cell[:, 3] - first_cell[:, 1]
    np.testing.assert_allclose(widths * heights, np.repeat([64, 256, 1024], 3), rtol=1e-5)
    np.testing.assert_allclose(widths / heights, [0.5, 1, 2] * 3, rtol=1e-5)
    last = anchors[-1]
    assert (last[0] + last[2]) / 2 == pytest.approx(36.0)  # column 4 of 5, stride 8
    assert (last[1] + last[3]) / 2 == pytest.approx(28.0)


def test_encode_decode_round_trip():
    rng = np.random.default_rng(3)
    anchors = B.make_anchors((6, 6), (96, 96), (16, 32, 48), (0.5, 1, 2))
    xy = rng.uniform(0, 80, (len(anchors), 2))
    boxes = np.concatenate([xy, xy + rng.uniform(2, 60, xy.shape)], 1).astype(np.float32)
    for variances in (B.DEFAULT_VARIANCES, (1, 1, 1, 1)):
        deltas = B.encode(boxes, anchors, variances)
        np.testing.assert_allclose(B.decode(deltas, anchors, variances), boxes, atol=1e-3)
    # An anchor encodes to zero deltas; variances scale the code.
    np.testing.assert_allclose(B.encode(anchors, anchors), 0.0, atol=1e-6)
    shifted = anchors + np.array([1.6, 0, 1.6, 0], np.float32)
    d = B.encode(shifted[:1], anchors[:1])
    width = anchors[0, 2] - anchors[0, 0]
    assert d[0, 0] == pytest.approx(1.6 / width / 0.1, rel=1e-5)


def test_tf_versions_match_numpy():
    rng = np.random.default_rng(4)
    xy = rng.uniform(0, 50, (12, 2))
    a = np.concatenate([xy, xy + rng.uniform(1, 30, xy.shape)], 1).astype(np.float32)
    b = a[::-1] + rng.normal(0, 3, a.shape).astype(np.float32)
    b[:, 2:] = np.maximum(b[:, 2:], b[:, :2] + 1)
    np.testing.assert_allclose(np.asarray(B.iou_tf(a, b)), B.iou(a, b), atol=1e-6)
    np.testing.assert_allclose(np.asarray(B.pairwise_iou_tf(a, b)), np.diag(B.iou(a, b)),
                               atol=1e-6)
    np.testing.assert_allclose(np.asarray(B.encode_tf(a, b)), B.encode(a, b), rtol=1e-4,
                               atol=1e-4)
    d = B.encode(a, b)
    np.testing.assert_allclose(np.asarray(B.decode_tf(d, b)), B.decode(d, b), atol=1e-3)


def test_conversions_and_clip():
    xyxy = np.array([[1, 2, 4, 8]], np.float32)
    np.testing.assert_array_equal(B.xyxy_to_xywh(xyxy), [[1, 2, 3, 6]])
    np.testing.assert_array_equal(B.xywh_to_xyxy(B.xyxy_to_xywh(xyxy)), xyxy)
    np.testing.assert_array_equal(B.clip_boxes([[-5, 3, 70, 90]], (64, 60)), [[0, 3, 60, 64]])
    np.testing.assert_allclose(B.denormalize_boxes(B.normalize_boxes(xyxy, (10, 20)), (10, 20)),
                               xyxy)


def test_bad_arguments_name_the_value():
    with pytest.raises(WorkbenchError, match="1.5"):
        B.nms([[0, 0, 1, 1]], [1.0], iou_threshold=1.5)
    with pytest.raises(WorkbenchError, match="-1"):
        B.make_anchors((2, 2), (8, 8), scales=(-1,))
    with pytest.raises(WorkbenchError, match="variances"):
        B.encode([[0, 0, 1, 1]], [[0, 0, 1, 1]], variances=(0.1, 0.1))


# --- augmentation: boxes and masks move with the image -----------------------------------

def _mask_extent(mask):
    ys, xs = np.nonzero(mask)
    return np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], np.float32)


def test_flips_move_boxes_masks_and_pixels_together():
    from workbench.data.shapes import make_shapes
    from workbench.detection import augment as A

    data = make_shapes(1, (40, 56), max_objects=3, seed=11)
    image, boxes, masks = data.images[0], data.boxes[0], data.masks[0]
    for flip in (A.flip_horizontal, A.flip_vertical):
        out = flip(image, boxes, masks)
        for box, mask in zip(out.boxes, out.masks):
            np.testing.assert_array_equal(_mask_extent(mask), box)
        back = flip(out.image, out.boxes, out.masks)
        np.testing.assert_array_equal(back.image, image)
        np.testing.assert_array_equal(back.boxes, boxes)
    out = A.flip_horizontal(image, boxes, masks)
    np.testing.assert_array_equal(out.image[:, 0], image[:, -1])
    np.testing.assert_array_equal(A.flip_horizontal(np.zeros((4, 10, 3)), [[1, 0, 3, 2]]).boxes,
                                  [[7, 0, 9, 2]])
    flips = [A.random_flip(image, boxes, rng=np.random.default_rng(s)).boxes[0, 0] != boxes[0, 0]
             for s in range(200)]
    assert 0.4 < np.mean(flips) < 0.6


def test_scale_crop_shifts_clips_and_drops_boxes():
    from workbench.detection import augment as A

    image = np.zeros((20, 20, 3), np.float32)
    boxes = [[2, 2, 6, 6], [12, 12, 18, 16], [0, 0, 20, 20]]
    out = A.scale_crop(image, boxes, scale=2.0, offset=(10, 10), min_visibility=0.2)
    # zoomed x2 then shifted by 10: box 0 -> [-6, -6, 2, 2], 1/16 visible -> dropped;
    # box 1 -> [14, 14, 26, 22], 36/96 visible; box 2 -> [-10, -10, 30, 30], 1/4 visible
    assert out.keep.tolist() == [1, 2]
    assert A.scale_crop(image, boxes, scale=2.0, offset=(10, 10), min_visibility=0.3
                        ).keep.tolist() == [1]
    np.testing.assert_allclose(out.boxes, [[14, 14, 20, 20], [0, 0, 20, 20]])
    out = A.scale_crop(image, boxes, scale=0.5, offset=(-5, -2))  # zoom out, pad
    np.testing.assert_allclose(out.boxes[0], [3, 6, 5, 8])
    with pytest.raises(WorkbenchError, match="scale -1"):
        A.scale_crop(image, boxes, scale=-1)


def test_random_scale_crop_keeps_masks_inside_boxes():
    from workbench.data.shapes import make_shapes
    from workbench.detection import augment as A

    data = make_shapes(6, 48, max_objects=3, seed=12)
    rng = np.random.default_rng(0)
    checked = 0
    for image, boxes, masks, labels in zip(data.images, data.boxes, data.masks, data.labels):
        out = A.random_augment(image, boxes, masks, rng, scale_range=(0.6, 1.6))
        assert out.image.shape == image.shape and len(out.boxes) == len(out.masks)
        assert len(labels[out.keep]) == len(out.boxes)
        for box, mask in zip(out.boxes, out.masks):
            if mask.any():
                extent = _mask_extent(mask)
                assert (extent[:2] >= box[:2] - 1).all() and (extent[2:] <= box[2:] + 1).all()
                checked += 1
    assert checked >= 6
