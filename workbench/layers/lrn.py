"""Local response normalization across channels (Krizhevsky, Sutskever & Hinton, 2012).

AlexNet's "brightness normalization" (section 3.3 of "ImageNet Classification with
Deep Convolutional Neural Networks"): each activation is divided by the energy of
its ``2 * depth_radius + 1`` neighbouring channels at the same position,

    b[c] = a[c] / (k + alpha * sum_{j=c-r}^{c+r} a[j]^2) ** beta

with the paper's constants k=2, n=5 (r=2), alpha=1e-4, beta=0.75. As in the paper
(and ``tf.nn.local_response_normalization``) alpha multiplies the plain sum; Caffe
and PyTorch divide it by n first. GoogLeNet uses the same layer after its stem.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops


@keras.saving.register_keras_serializable(package="workbench")
class LocalResponseNormalization(layers.Layer):
    """Normalize each channel by the squared activations of its neighbour channels."""

    def __init__(self, depth_radius: int = 2, bias: float = 2.0, alpha: float = 1e-4,
                 beta: float = 0.75, **kwargs):
        super().__init__(**kwargs)
        if depth_radius < 0:
            raise ValueError(f"depth_radius must be >= 0, got {depth_radius}")
        self.depth_radius = int(depth_radius)
        self.bias = float(bias)
        self.alpha = float(alpha)
        self.beta = float(beta)

    def call(self, inputs):
        channels = inputs.shape[-1]
        # The window sums of all channels at once: squared activations times a banded
        # 0/1 matrix (one matmul; much faster on CPU than padding and adding 2r+1 slices).
        offsets = np.arange(channels)
        band = (np.abs(offsets[:, None] - offsets[None, :]) <= self.depth_radius).astype("float32")
        window = ops.matmul(ops.square(inputs), ops.cast(band, inputs.dtype))
        return inputs * ops.power(self.bias + self.alpha * window, -self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(depth_radius=self.depth_radius, bias=self.bias,
                      alpha=self.alpha, beta=self.beta)
        return config
