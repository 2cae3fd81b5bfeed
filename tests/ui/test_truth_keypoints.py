"""The Detect tab's ground-truth picture draws the set's true keypoints."""

import numpy as np


def test_true_keypoints_are_drawn_in_their_class_colour_where_labelled():
    from ui.widgets.detect.drawing import draw_truth
    from workbench.detection.inference import class_colour

    rgb = np.zeros((64, 64, 3), np.uint8)
    boxes = np.array([[10, 10, 50, 50]], np.float32)
    points = np.array([[[20, 40, 2], [45, 20, 2], [30, 30, 0]]], np.float32)  # the third unlabelled
    with_points = draw_truth(rgb, boxes, [1], None, ("circle", "square"), keypoints=points,
                             skeletons=((), ((0, 1),)))
    without = draw_truth(rgb, boxes, [1], None, ("circle", "square"))
    colour = np.array(class_colour(1))
    for x, y in ((20, 40), (45, 20)):
        assert not np.array_equal(with_points[y, x], without[y, x])
        assert np.abs(with_points[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3) - colour).sum(1).min() == 0
    assert np.array_equal(with_points[30, 30], without[30, 30])  # v = 0: not drawn
    # the skeleton edge between the two labelled points: its midpoint is painted
    assert not np.array_equal(with_points[30, 32], without[30, 32])
