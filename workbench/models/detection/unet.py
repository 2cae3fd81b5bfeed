"""U-Net: an encoder-decoder with skip connections for per-pixel classes.

Ronneberger, Fischer & Brox, "U-Net: Convolutional Networks for Biomedical Image
Segmentation" (MICCAI 2015). The contracting path (two 3x3 convolutions, then 2x2 max
pooling, filters doubling each step) captures context; the expanding path upsamples
with 2x2 transposed convolutions, halves the filters and concatenates the encoder map
of the same resolution (the skip connection), so fine localisation lost by pooling
comes back. A final 1x1 convolution gives a softmax over background and the classes
at every pixel. "Same" padding keeps the output the size of the input (the paper used
"valid" convolutions and cropped the skips).
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import pooling_layer
from workbench.models.detection.backbones import conv_bn
from workbench.models.detection.base import Segmenter, check_detection_info


def double_conv(x, filters: int, name: str, norm: str, activation: str = "relu"):
    """The U-Net unit: two 3x3 convolutions with normalization and ReLU (or ``activation``)."""
    x = conv_bn(x, filters, f"{name}_1", norm=norm, activation=activation)
    return conv_bn(x, filters, f"{name}_2", norm=norm, activation=activation)


def build_unet(hp: dict, info) -> Segmenter:
    """U-Net with ``depth`` poolings and ``filters`` in the first block."""
    image_size, class_names = check_detection_info(info, "U-Net")
    depth, filters = int(hp.get("depth", 3)), int(hp.get("filters", 16))
    norm, act = hp.get("normalization", "batch"), hp.get("activation", "relu")
    if depth < 1 or min(image_size) % 2 ** depth:
        raise WorkbenchError(f"U-Net depth={depth} needs image sides divisible by {2 ** depth}, "
                             f"got {image_size[0]}x{image_size[1]} (set input_size)")
    if filters < 1:
        raise WorkbenchError(f"U-Net filters={filters} must be at least 1")
    inputs = keras.Input(shape=info.input_shape, name="input")
    x, skips = inputs, []
    for level in range(depth):
        x = double_conv(x, filters * 2 ** level, f"unet_down{level + 1}", norm, act)
        skips.append(x)
        # 2x2 max pooling in the paper; average pooling to compare (``pooling``)
        x = pooling_layer(hp.get("pooling", "max"), 2, name=f"unet_down{level + 1}_pool")(x)
    x = double_conv(x, filters * 2 ** depth, "unet_bottom", norm, act)
    if hp.get("dropout", 0.0):  # the paper's "drop-out layers at the end of the contracting path"
        x = layers.Dropout(float(hp["dropout"]), name="unet_bottom_dropout")(x)
    for level in reversed(range(depth)):
        x = layers.Conv2DTranspose(filters * 2 ** level, 2, strides=2,
                                   name=f"unet_up{level + 1}_transpose")(x)
        x = layers.Concatenate(name=f"unet_up{level + 1}_skip")([skips[level], x])
        x = double_conv(x, filters * 2 ** level, f"unet_up{level + 1}", norm, act)
    outputs = layers.Conv2D(len(class_names) + 1, 1, activation="softmax", name="predictions")(x)
    network = keras.Model(inputs, outputs, name="unet_network")
    return Segmenter(network, class_names, {"depth": depth, "filters": filters}, name="unet")
