"""RoIPooling: max-pool each region of interest into a fixed grid of quantized bins.

Girshick, "Fast R-CNN", ICCV 2015, section 2.1 (after He et al.'s SPP-net). The region
is first rounded to whole feature cells, then split into ``pooled_size x pooled_size``
bins whose edges are rounded again (floor for the start, ceil for the end); each output
is the maximum over its bin, 0 for an empty bin. The two roundings are what Mask R-CNN's
RoIAlign (``roi_align.py``) removes: a region shifted by less than half a cell gives
exactly the same features here.

Boxes are ``xyxy`` image pixels with exclusive ends (``x2 = x1 + width``); a feature
cell ``j`` covers pixels ``[j, j + 1) / spatial_scale``.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from workbench.layers.roi_align import check_roi_arguments, flatten_rois


def quantized_bins(start, end, bins: int, size):
    """Integer ``[lo, hi)`` cell ranges of ``bins`` bins over rounded ``[start, end)``.

    ``start``/``end`` are ``(N,)`` coordinates in feature cells; returns two ``(N, bins)``
    int tensors clipped to ``[0, size]``. Rounding is half away from zero, as in Caffe.
    """
    lo = tf.floor(start + 0.5)
    hi = tf.floor(end + 0.5)
    length = tf.maximum(hi - lo, 1.0)  # a region is at least one cell
    step = length / bins
    i = tf.range(bins, dtype=tf.float32)[None, :]
    bin_lo = tf.floor(i * step[:, None]) + lo[:, None]
    bin_hi = tf.math.ceil((i + 1.0) * step[:, None]) + lo[:, None]
    size = tf.cast(size, tf.float32)
    return (tf.cast(tf.clip_by_value(bin_lo, 0.0, size), tf.int32),
            tf.cast(tf.clip_by_value(bin_hi, 0.0, size), tf.int32))


def _bin_masks(lo, hi, size):
    """``(N, bins, size)`` booleans: which cells fall in each bin."""
    cells = tf.range(size)[None, None, :]
    return (cells >= lo[:, :, None]) & (cells < hi[:, :, None])


@keras.saving.register_keras_serializable(package="workbench")
class RoIPooling(keras.layers.Layer):
    """``[features (B, h, w, C), rois (B, R, 4) xyxy image pixels]`` -> ``(B, R, ph, pw, C)``.

    Args:
        pooled_size: output bins per side (7 in Fast R-CNN with VGG16).
        spatial_scale: feature cells per image pixel (1 / stride of the feature map).
    """

    def __init__(self, pooled_size=7, spatial_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.pooled_size = check_roi_arguments(pooled_size, spatial_scale)
        self.spatial_scale = float(spatial_scale)

    def call(self, inputs):
        features, rois = inputs
        ph, pw = self.pooled_size
        flat, index, batch, count = flatten_rois(rois)
        height, width = tf.shape(features)[1], tf.shape(features)[2]
        scaled = flat * self.spatial_scale
        rows = _bin_masks(*quantized_bins(scaled[:, 1], scaled[:, 3], ph, height), height)
        cols = _bin_masks(*quantized_bins(scaled[:, 0], scaled[:, 2], pw, width), width)
        per_roi = tf.gather(features, index)  # (N, h, w, C)
        low = tf.constant(-3.0e38, features.dtype)
        # Max over the columns of each horizontal bin, then over the rows of each vertical bin.
        across = tf.where(cols[:, :, None, :, None], per_roi[:, None], low)  # (N, pw, h, w, C)
        across = tf.reduce_max(across, axis=3)  # (N, pw, h, C)
        down = tf.where(rows[:, :, None, :, None], across[:, None], low)  # (N, ph, pw, h, C)
        pooled = tf.reduce_max(down, axis=3)  # (N, ph, pw, C)
        pooled = tf.where(pooled <= low, tf.zeros_like(pooled), pooled)  # empty bins read 0
        channels = tf.shape(features)[-1]
        return tf.reshape(pooled, tf.stack([batch, count, ph, pw, channels]))

    def compute_output_shape(self, input_shape):
        features, rois = input_shape
        return (features[0], rois[1], *self.pooled_size, features[-1])

    def get_config(self):
        return {**super().get_config(), "pooled_size": list(self.pooled_size),
                "spatial_scale": self.spatial_scale}
