"""RoIAlign: fixed-size features for each region, sampled bilinearly with no rounding.

He, Gkioxari, Dollar & Girshick, "Mask R-CNN", ICCV 2017, section 3. RoIPool
(``roi_pool.py``) rounds the region and its bins to whole feature cells, which shifts
the features by up to half a stride; RoIAlign keeps the exact fractional coordinates,
splits the region into ``pooled_size x pooled_size`` equal bins and averages
``sampling_ratio x sampling_ratio`` bilinearly interpolated points in each bin.

Coordinates follow the "aligned" convention of Detectron2: a feature cell ``j`` covers
image pixels ``[j, j + 1) / spatial_scale``, so its centre sits at ``j + 0.5``; image
coordinates are multiplied by ``spatial_scale`` and shifted by ``-0.5`` before sampling.
A sample farther than one cell outside the map reads 0; closer ones read the edge value.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from workbench.errors import WorkbenchError


def check_roi_arguments(pooled_size, spatial_scale) -> tuple[int, int]:
    """``pooled_size`` as ``(height, width)``, checked; shared with ``RoIPooling``."""
    size = (pooled_size, pooled_size) if isinstance(pooled_size, int) else tuple(pooled_size)
    if len(size) != 2 or min(int(s) for s in size) < 1:
        raise WorkbenchError(f"pooled_size {pooled_size} must be a positive int or (height, width)")
    if not float(spatial_scale) > 0:
        raise WorkbenchError(f"spatial_scale {spatial_scale} must be positive")
    return int(size[0]), int(size[1])


def flatten_rois(rois):
    """``(B, R, 4)`` boxes -> ``(B * R, 4)`` boxes and the image index of each."""
    shape = tf.shape(rois)
    batch, count = shape[0], shape[1]
    flat = tf.reshape(tf.cast(rois, tf.float32), (-1, 4))
    index = tf.repeat(tf.range(batch), count)
    return flat, index, batch, count


def roi_align(features, boxes, index, pooled_size, spatial_scale: float = 1.0,
              sampling_ratio: int = 2):
    """RoIAlign on flat boxes: ``boxes (N, 4)`` xyxy pixels on image ``index (N,)`` -> ``(N, ph, pw, C)``."""
    ph, pw = pooled_size
    s = int(sampling_ratio)
    boxes = tf.cast(boxes, tf.float32)
    # Edge-replicate one cell so samples within one cell outside read the border value
    # (Detectron clamps them); samples beyond that hit crop_and_resize's zero padding.
    padded = tf.pad(features, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")
    height = tf.cast(tf.shape(padded)[1], tf.float32)
    width = tf.cast(tf.shape(padded)[2], tf.float32)
    # Box in padded-feature coordinates: scale, shift to cell centres (-0.5), +1 for the pad.
    x1, y1, x2, y2 = tf.unstack(boxes * spatial_scale + 0.5, axis=1)
    # Sample points sit at the centres of ph*s (pw*s) equal sub-bins of the region;
    # crop_and_resize puts its first/last samples on the box edges, so the box handed
    # to it is shrunk by half a sub-bin on each side (no rounding anywhere).
    step_y = (y2 - y1) / (ph * s)
    step_x = (x2 - x1) / (pw * s)
    crop = tf.stack([(y1 + 0.5 * step_y) / (height - 1), (x1 + 0.5 * step_x) / (width - 1),
                     (y2 - 0.5 * step_y) / (height - 1), (x2 - 0.5 * step_x) / (width - 1)], axis=1)
    samples = tf.image.crop_and_resize(padded, crop, tf.cast(index, tf.int32), (ph * s, pw * s),
                                       method="bilinear", extrapolation_value=0.0)
    return tf.nn.avg_pool2d(samples, s, s, "VALID") if s > 1 else samples


@keras.saving.register_keras_serializable(package="workbench")
class RoIAlign(keras.layers.Layer):
    """``[features (B, h, w, C), rois (B, R, 4) xyxy image pixels]`` -> ``(B, R, ph, pw, C)``.

    Args:
        pooled_size: output bins per side (7 for box heads, 14 for mask heads).
        spatial_scale: feature cells per image pixel (1 / stride of the feature map).
        sampling_ratio: bilinear samples per bin side (Mask R-CNN uses 2), averaged.
    """

    def __init__(self, pooled_size=7, spatial_scale=1.0, sampling_ratio=2, **kwargs):
        super().__init__(**kwargs)
        self.pooled_size = check_roi_arguments(pooled_size, spatial_scale)
        if int(sampling_ratio) < 1:
            raise WorkbenchError(f"sampling_ratio {sampling_ratio} must be at least 1")
        self.spatial_scale = float(spatial_scale)
        self.sampling_ratio = int(sampling_ratio)

    def call(self, inputs):
        features, rois = inputs
        flat, index, batch, count = flatten_rois(rois)
        pooled = roi_align(features, flat, index, self.pooled_size, self.spatial_scale,
                           self.sampling_ratio)
        channels = tf.shape(features)[-1]
        return tf.reshape(pooled, tf.stack([batch, count, *self.pooled_size, channels]))

    def compute_output_shape(self, input_shape):
        features, rois = input_shape
        return (features[0], rois[1], *self.pooled_size, features[-1])

    def get_config(self):
        return {**super().get_config(), "pooled_size": list(self.pooled_size),
                "spatial_scale": self.spatial_scale, "sampling_ratio": self.sampling_ratio}
