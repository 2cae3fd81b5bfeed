"""A LeNet-like CNN (LeCun et al., 1998) whose convolutions are ``Im2ColConv2D``.

conv - norm - activation - pool, twice, then fc 120 - fc 84 - classes, as in
``lenet.py``; only the convolution is the hand-made im2col + matmul one.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.layers.im2col_conv import Im2ColConv2D, conv_output_size
from workbench.models.common import image_input, normalization, pool
from workbench.models.vision.lenet import lenet_head


def build_im2col_cnn(hp: dict, info) -> keras.Model:
    padding = _padding(hp["padding"])
    inputs, x = image_input(info, hp["input_size"])
    # LeNet's 6 and 16 filters, scaled together.
    for i, filters in enumerate((hp["filters"], max(1, hp["filters"] * 8 // 3)), start=1):
        _check_fits(x.shape[1:3], hp["kernel_size"], hp["stride"], padding, f"conv{i}")
        x = Im2ColConv2D(filters, hp["kernel_size"], hp["stride"], padding, name=f"conv{i}")(x)
        x = normalization(x, hp["normalization"], f"conv{i}")
        x = layers.Activation(hp["activation"], name=f"conv{i}_{hp['activation']}")(x)
        x = pool(x, hp["pooling"], f"pool{i}")
    return keras.Model(inputs, lenet_head(x, info, hp["activation"], hp["dropout"], hp.get("head", "flatten")),
                       name="im2col_cnn")


def _padding(text: str):
    if text in ("same", "valid"):
        return text
    try:
        return int(text)
    except ValueError:
        raise WorkbenchError(f"padding={text!r} must be 'same', 'valid' or a whole number of pixels") from None


def _check_fits(spatial, kernel: int, stride: int, padding, name: str) -> None:
    """Say which layer runs out of pixels, rather than failing inside Keras."""
    if padding == "same":  # 'same' always fits: it pads up to the kernel
        return
    for size in spatial:
        try:
            conv_output_size(size, kernel, stride, 0 if padding == "valid" else padding)
        except WorkbenchError:
            raise WorkbenchError(f"{name}: a {kernel}x{kernel} filter with padding {padding!r} does not fit "
                                 f"its {size}x{size} input; use padding 'same', a smaller kernel_size "
                                 "or a larger input_size") from None
