"""RoIPooling: max-pool each region of interest into a fixed grid of quantized bins.

Girshick, "Fast R-CNN", ICCV 2015, section 2.1 (after He et al.'s SPP-net). The region
is first rounded to whole feature cells, then split into ``pooled_size x pooled_size``
bins whose edges are rounded again (floor for the start, ceil for the end); each output
is the maximum over its bin, 0 for an empty bin. The two roundings are what Mask R-CNN's
RoIAlign (``roi_align.py``) removes: a region shifted by less than half a cell gives
exactly the same features here. The maxima are read from sparse tables of the map
(``range_max_pool``: four reads per bin) rather than by masking the map once per RoI.

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


def _doubling_tables(values, axis: int, levels: int) -> list:
    """``tables[k][..., i, ...] = max(values[..., i:i + 2**k, ...])`` along ``axis`` (a sparse
    table: a range's maximum is that of two overlapping power-of-two windows)."""
    tables = [values]
    size = values.shape[axis]
    for k in range(1, levels):
        shift = 2 ** (k - 1)
        previous = tables[-1]
        ahead = tf.gather(previous, tf.minimum(tf.range(size) + shift, size - 1), axis=axis)
        tables.append(tf.maximum(previous, ahead))
    return tables


def range_max_pool(features, index, row_bins, col_bins):
    """Each bin's maximum from 2-D sparse tables of the map: ``(N, ph, pw, C)``, 0 when empty.

    A bin ``[y0, y1) x [x0, x1)`` is covered by four windows of ``2**ky x 2**kx`` cells
    (``2**k`` the largest power of two not above the side) at its corners, so its maximum
    is the maximum of four table reads, whatever its size.
    """
    height, width = int(features.shape[1]), int(features.shape[2])
    levels_y, levels_x = height.bit_length(), width.bit_length()
    tables = [_doubling_tables(t, 2, levels_x) for t in _doubling_tables(features, 1, levels_y)]
    stacked = tf.stack([tf.stack(row, axis=0) for row in tables], axis=0)  # (Ky, Kx, B, h, w, C)
    (y0, y1), (x0, x1) = row_bins, col_bins  # (N, ph), (N, pw)
    floor_log2 = tf.constant([0] + [n.bit_length() - 1 for n in range(1, max(height, width) + 1)])
    ky = tf.gather(floor_log2, tf.maximum(y1 - y0, 1))
    kx = tf.gather(floor_log2, tf.maximum(x1 - x0, 1))
    y_far = tf.maximum(y1 - 2 ** ky, y0)
    x_far = tf.maximum(x1 - 2 ** kx, x0)
    shape = tf.stack([tf.shape(y0)[0], tf.shape(y0)[1], tf.shape(x0)[1]])

    def rows(v):  # (N, ph) -> (N, ph, pw)
        return tf.broadcast_to(v[:, :, None], shape)

    def cols(v):  # (N, pw) -> (N, ph, pw)
        return tf.broadcast_to(v[:, None, :], shape)

    image = tf.broadcast_to(tf.cast(index, tf.int32)[:, None, None], shape)
    corners = []
    for y in (y0, y_far):
        for x in (x0, x_far):
            at = tf.stack([rows(ky), cols(kx), image, rows(tf.minimum(y, height - 1)),
                           cols(tf.minimum(x, width - 1))], axis=-1)
            corners.append(tf.gather_nd(stacked, at))  # (N, ph, pw, C)
    pooled = tf.reduce_max(tf.stack(corners, axis=0), axis=0)
    empty = (rows(y1) <= rows(y0)) | (cols(x1) <= cols(x0))
    return tf.where(empty[..., None], tf.zeros_like(pooled), pooled)


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
        row_bins = quantized_bins(scaled[:, 1], scaled[:, 3], ph, height)
        col_bins = quantized_bins(scaled[:, 0], scaled[:, 2], pw, width)
        channels = tf.shape(features)[-1]
        if features.shape[1] is not None and features.shape[2] is not None:
            pooled = range_max_pool(features, index, row_bins, col_bins)
        else:  # a map of unknown size: the dense masks below, the same maxima
            pooled = self._dense_pool(features, index, row_bins, col_bins)
        return tf.reshape(pooled, tf.stack([batch, count, ph, pw, channels]))

    @staticmethod
    def _dense_pool(features, index, row_bins, col_bins):
        """Every bin's maximum by masking the whole map per RoI: ``(N, ph, pw, C)``.

        Simple, but it builds an ``(N, bins, h, w, C)`` tensor: at stride 4 on 64-pixel
        images that is 4x the stride-8 work, and it made Fast R-CNN train 5x slower than
        with RoIAlign. ``range_max_pool`` gives the same values from a few gathers.
        """
        height, width = tf.shape(features)[1], tf.shape(features)[2]
        rows = _bin_masks(*row_bins, height)
        cols = _bin_masks(*col_bins, width)
        per_roi = tf.gather(features, index)  # (N, h, w, C)
        low = tf.constant(-3.0e38, features.dtype)
        # Max over the columns of each horizontal bin, then over the rows of each vertical bin.
        across = tf.where(cols[:, :, None, :, None], per_roi[:, None], low)  # (N, pw, h, w, C)
        across = tf.reduce_max(across, axis=3)  # (N, pw, h, C)
        down = tf.where(rows[:, :, None, :, None], across[:, None], low)  # (N, ph, pw, h, C)
        pooled = tf.reduce_max(down, axis=3)  # (N, ph, pw, C)
        return tf.where(pooled <= low, tf.zeros_like(pooled), pooled)  # empty bins read 0

    def compute_output_shape(self, input_shape):
        features, rois = input_shape
        return (features[0], rois[1], *self.pooled_size, features[-1])

    def get_config(self):
        return {**super().get_config(), "pooled_size": list(self.pooled_size),
                "spatial_scale": self.spatial_scale}
