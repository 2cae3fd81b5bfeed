"""The masked convolution of PixelCNN (van den Oord et al., 2016).

A PixelCNN predicts pixel (i, j) from the pixels before it in raster order (rows top
to bottom, each row left to right). A convolution sees a whole k x k window, so its
kernel is multiplied by a fixed mask that zeroes the taps on the current pixel's
"future": every tap below the centre row, and the taps right of the centre on its row.

- type **A** also zeroes the centre tap: the first layer, whose input is the image
  itself, so no output can see the pixel it predicts;
- type **B** keeps the centre: every later layer, whose input at (i, j) already only
  summarises the pixels before (i, j).

The images here have one channel (gray levels or a map of VQ-VAE codes, one-hot
encoded), so the paper's split of the R, G, B channels inside one position is not needed:
the mask is over space only and the same for every input/output channel pair.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

MASK_TYPES = ("A", "B")


def causal_mask(kernel_size: int, mask_type: str) -> np.ndarray:
    """The (k, k) 0/1 mask: 1 on the taps that lie before the centre in raster order
    (and on the centre itself for type B)."""
    if mask_type not in MASK_TYPES:
        raise ValueError(f"mask_type={mask_type!r} must be 'A' or 'B'")
    if kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size={kernel_size} must be odd, so the window has a centre")
    centre = kernel_size // 2
    mask = np.zeros((kernel_size, kernel_size), np.float32)
    mask[:centre, :] = 1.0  # the rows above
    mask[centre, :centre] = 1.0  # left of the centre on its own row
    if mask_type == "B":
        mask[centre, centre] = 1.0
    return mask


@keras.saving.register_keras_serializable(package="workbench")
class MaskedConv2D(keras.layers.Conv2D):
    """``Conv2D`` whose kernel is multiplied by ``causal_mask`` at every call (padding "same",
    stride 1, so output (i, j) is the prediction for input position (i, j))."""

    def __init__(self, filters, kernel_size, mask_type="B", **kwargs):
        if isinstance(kernel_size, (tuple, list)):
            if len(set(kernel_size)) != 1:
                raise ValueError(f"kernel_size={kernel_size} must be square for a masked convolution")
            kernel_size = int(kernel_size[0])
        for key in ("padding", "strides", "dilation_rate"):
            kwargs.pop(key, None)  # fixed: anything else would shift the mask off the pixel
        super().__init__(filters, kernel_size, padding="same", **kwargs)
        self.mask_type = mask_type
        # (k, k, 1, 1): broadcast over the input and output channels of the kernel.
        self._mask = causal_mask(int(kernel_size), mask_type)[:, :, None, None]

    def convolution_op(self, inputs, kernel):
        # The mask is applied to the kernel, not to the stored weights: the masked taps
        # also get zero gradient, so they stay whatever they were and never matter.
        return super().convolution_op(inputs, kernel * ops.convert_to_tensor(self._mask, kernel.dtype))

    def get_config(self):
        config = super().get_config()
        for key in ("padding", "strides", "dilation_rate"):
            config.pop(key, None)
        config["kernel_size"] = int(self.kernel_size[0])
        config["mask_type"] = self.mask_type
        return config
