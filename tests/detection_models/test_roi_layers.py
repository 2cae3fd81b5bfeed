"""RoIAlign (bilinear, no rounding) against RoIPooling (quantized bins, max)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

from workbench.errors import WorkbenchError  # noqa: E402
from workbench.layers.roi_align import RoIAlign  # noqa: E402
from workbench.layers.roi_pool import RoIPooling  # noqa: E402

# A feature map whose cell (row i, column j) holds j + 10 i: bilinear interpolation of a
# linear ramp is exact, so every RoIAlign output can be worked out by hand.
RAMP = (np.arange(8)[None, :] + 10.0 * np.arange(8)[:, None]).astype(np.float32)
BOX = [1.3, 2.2, 5.7, 6.2]  # x1, y1, x2, y2 in image pixels, fractional on purpose


def _features(values):
    return tf.constant(values[None, :, :, None])


def _rois(*boxes):
    return tf.constant([boxes], tf.float32)


def test_roi_align_on_ramp_gives_hand_computed_bilinear_values():
    # Aligned coordinates: x - 0.5 -> [0.8, 5.2], four sub-bin centres 1.35, 2.45, 3.55,
    # 4.65, bin means 1.9 and 4.1; y - 0.5 -> [1.7, 5.7], samples 2.2..5.2, bin means 2.7, 4.7.
    out = RoIAlign(pooled_size=2, spatial_scale=1.0, sampling_ratio=2)(
        [_features(RAMP), _rois(BOX)]).numpy()
    assert out.shape == (1, 1, 2, 2, 1)
    np.testing.assert_allclose(out[0, 0, :, :, 0], [[28.9, 31.1], [48.9, 51.1]], atol=1e-4)


def test_roi_align_is_bilinear_on_a_product_map():
    # f = i * j is reproduced exactly by bilinear interpolation; the mean over a 2x2
    # sample grid of x*y is mean(x) * mean(y).
    product = (np.arange(8)[:, None] * np.arange(8)[None, :]).astype(np.float32)
    out = RoIAlign(2, 1.0, 2)([_features(product), _rois(BOX)]).numpy()[0, 0, :, :, 0]
    np.testing.assert_allclose(out, [[1.9 * 2.7, 4.1 * 2.7], [1.9 * 4.7, 4.1 * 4.7]], atol=1e-4)


def test_roi_align_sampling_ratio_one_reads_bin_centres_and_respects_scale():
    # Stride 2: image box [2.6, 4.4, 11.4, 12.4] is [1.3, 2.2, 5.7, 6.2] in feature cells.
    # One sample per bin, at the bin centre: x 1.9 / 4.1 and y 2.7 / 4.7 as above.
    box = [2 * v for v in BOX]
    out = RoIAlign(2, 0.5, 1)([_features(RAMP), _rois(box)]).numpy()[0, 0, :, :, 0]
    np.testing.assert_allclose(out, [[28.9, 31.1], [48.9, 51.1]], atol=1e-4)


def test_roi_pool_rounds_the_box_and_its_bins():
    # x: round(1.3)=1, round(5.7)=6 -> bins [1,4) and [3,6); y: 2, 6 -> [2,4) and [4,6).
    out = RoIPooling(pooled_size=2)([_features(RAMP), _rois(BOX)]).numpy()[0, 0, :, :, 0]
    np.testing.assert_array_equal(out, [[33.0, 35.0], [53.0, 55.0]])


def test_sub_cell_shift_changes_roi_align_but_not_roi_pool():
    shifted = [v + 0.2 for v in BOX]
    pool = RoIPooling(2)
    align = RoIAlign(2, 1.0, 2)
    features = _features(RAMP)
    pooled = pool([features, _rois(BOX, shifted)]).numpy()[0]
    aligned = align([features, _rois(BOX, shifted)]).numpy()[0]
    np.testing.assert_array_equal(pooled[0], pooled[1])  # the rounding hides the shift
    # RoIAlign follows it exactly: +0.2 in x and in y moves the ramp by 0.2 + 10 * 0.2.
    np.testing.assert_allclose(aligned[1] - aligned[0], 2.2, atol=1e-4)


def test_roi_pool_empty_region_outside_the_map_reads_zero():
    out = RoIPooling(2)([_features(RAMP + 1.0), _rois([20.0, 20.0, 30.0, 30.0])]).numpy()
    np.testing.assert_array_equal(out, 0.0)


def test_gradients_flow_through_roi_align():
    features = tf.Variable(_features(RAMP))
    layer = RoIAlign(3, 1.0, 2)
    with tf.GradientTape() as tape:
        out = layer([features, _rois(BOX, [0.5, 0.5, 3.0, 7.5])])
        total = tf.reduce_sum(out)
    grad = tape.gradient(total, features).numpy()
    # Each output averages bilinear weights that sum to 1: the gradient sums to the
    # number of outputs (2 RoIs x 3 x 3 bins), and only cells near the RoIs receive any.
    assert grad.sum() == pytest.approx(18.0, abs=1e-4)
    assert (grad > 0).sum() > 10
    assert grad[0, :, 7, 0].sum() == 0.0  # column 7 lies outside both RoIs


def test_layers_serialise_and_check_arguments():
    align = RoIAlign(pooled_size=(3, 4), spatial_scale=0.25, sampling_ratio=3)
    clone = RoIAlign.from_config(align.get_config())
    assert clone.pooled_size == (3, 4) and clone.spatial_scale == 0.25 and clone.sampling_ratio == 3
    assert RoIPooling.from_config(RoIPooling(5, 0.5).get_config()).pooled_size == (5, 5)
    with pytest.raises(WorkbenchError, match="sampling_ratio 0"):
        RoIAlign(7, 1.0, 0)
    with pytest.raises(WorkbenchError, match="spatial_scale -1"):
        RoIPooling(7, -1)
