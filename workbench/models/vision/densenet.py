"""DenseNet (Huang, Liu, van der Maaten & Weinberger, "Densely Connected
Convolutional Networks", CVPR 2017).

Every layer of a dense block receives the concatenation of all earlier feature
maps of that block and adds ``growth_rate`` (k) new ones. DenseNet-B layers are
bottlenecks (BN-ReLU-Conv1x1 with 4k filters, then BN-ReLU-Conv3x3 with k);
DenseNet-C transitions compress the channels by theta (``compression``) before
a 2x2 average pooling. DenseNet-121/169/201 are the ImageNet networks (same
layers as ``keras.applications.DenseNet121/169/201``); ``build_densenet_bc``
is the three-block CIFAR network of the paper's Table 2 (L=100, k=12: 0.8 M).
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import (
    image_input,
    normalization,
    output_layer,
    pooling_layer,
    to_vector,
)

#: Dense layers per block of the ImageNet networks (the paper's Table 1).
IMAGENET_BLOCKS = {
    "densenet121": (6, 12, 24, 16),
    "densenet169": (6, 12, 32, 32),
    "densenet201": (6, 12, 48, 32),
}


def parse_blocks(text) -> tuple[int, ...]:
    """``"6,12,24,16"`` -> ``(6, 12, 24, 16)``: dense layers per block."""
    try:
        blocks = tuple(int(part) for part in str(text).replace(" ", "").split(",") if part)
    except ValueError:
        raise WorkbenchError(f"blocks={text!r} must be comma-separated whole numbers") from None
    if not blocks or any(b < 1 or b > 256 for b in blocks):
        raise WorkbenchError(f"blocks={text!r}: give 1 to 256 layers for each of at least one block")
    return blocks


def check_densenet_args(growth_rate: int, compression: float, dropout: float) -> None:
    if growth_rate < 1:
        raise WorkbenchError(f"growth_rate={growth_rate} must be at least 1")
    if not 0.0 < compression <= 1.0:
        raise WorkbenchError(f"compression={compression} must be in (0, 1] (theta of DenseNet-C)")
    if not 0.0 <= dropout < 1.0:
        raise WorkbenchError(f"dropout={dropout} must be in [0, 1)")


def conv_block(x, growth_rate: int, norm: str, dropout: float, name: str, bottleneck: bool = True,
               act: str = "relu"):
    """One dense layer: [BN-ReLU-Conv1x1(4k)] BN-ReLU-Conv3x3(k), concatenated to its input."""
    y = x
    if bottleneck:
        # The 4k bottleneck bounds the 3x3 convolution's input however wide the block has grown.
        y = normalization(y, norm, f"{name}_0")
        y = layers.Activation(act, name=f"{name}_0_relu")(y)
        y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
        y = _dropout(y, dropout, f"{name}_1")
    y = normalization(y, norm, f"{name}_1")
    y = layers.Activation(act, name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    y = _dropout(y, dropout, f"{name}_2")
    return layers.Concatenate(name=f"{name}_concat")([x, y])


def dense_block(x, layers_in_block: int, growth_rate: int, norm: str, dropout: float,
                name: str, bottleneck: bool = True, act: str = "relu"):
    for i in range(layers_in_block):
        x = conv_block(x, growth_rate, norm, dropout, f"{name}_block{i + 1}", bottleneck, act)
    return x


def transition_block(x, compression: float, norm: str, dropout: float, name: str, act: str = "relu"):
    """BN-ReLU-Conv1x1 to floor(theta * channels), then 2x2 average pooling."""
    x = normalization(x, norm, name)
    x = layers.Activation(act, name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[-1] * compression), 1, use_bias=False, name=f"{name}_conv")(x)
    x = _dropout(x, dropout, name)
    # Pooling 'same' lets odd feature maps (small inputs) shrink without losing a row.
    return layers.AveragePooling2D(2, strides=2, padding="same", name=f"{name}_pool")(x)


def densenet(blocks, info, growth_rate: int = 32, compression: float = 0.5,
             norm: str = "batch", dropout: float = 0.0, input_size: int = 0,
             name: str = "densenet", act: str = "relu", pooling: str = "max") -> keras.Model:
    """The ImageNet DenseNet: 7x7/2 stem with 2k filters, 3x3/2 max pool, dense blocks
    separated by transitions, BN-ReLU, global average pooling, softmax."""
    check_densenet_args(growth_rate, compression, dropout)
    inputs, x = image_input(info, input_size, min_size=32)
    x = layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = layers.Conv2D(2 * growth_rate, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = normalization(x, norm, "conv1")
    x = layers.Activation(act, name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = pooling_layer(pooling, 3, strides=2, name="pool1")(x)
    for i, count in enumerate(blocks):
        x = dense_block(x, count, growth_rate, norm, dropout, f"conv{i + 2}", act=act)
        if i < len(blocks) - 1:
            x = transition_block(x, compression, norm, dropout, f"pool{i + 2}", act)
    x = normalization(x, norm, "final")
    x = layers.Activation(act, name="relu")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return keras.Model(inputs, output_layer(x, info), name=name)


def densenet_bc(depth: int, info, growth_rate: int = 12, compression: float = 0.5,
                norm: str = "batch", dropout: float = 0.0, input_size: int = 0,
                name: str = "densenet_bc", act: str = "relu", head: str = "global_average") -> keras.Model:
    """DenseNet-BC for 32x32 images: a 3x3 stem with 2k filters, three dense blocks of
    (L - 4) / 6 bottleneck layers each, two compressing transitions, GAP, softmax."""
    if depth < 10 or (depth - 4) % 6:
        raise WorkbenchError(f"depth={depth}: DenseNet-BC needs L = 6n + 4 (e.g. 40, 100, 190, 250)")
    check_densenet_args(growth_rate, compression, dropout)
    per_block = (depth - 4) // 6
    inputs, x = image_input(info, input_size, min_size=8)
    x = layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False, name="conv1_conv")(x)
    for i in range(3):
        x = dense_block(x, per_block, growth_rate, norm, dropout, f"conv{i + 2}", act=act)
        if i < 2:
            x = transition_block(x, compression, norm, dropout, f"pool{i + 2}", act)
    x = normalization(x, norm, "final")
    x = layers.Activation(act, name="relu")(x)
    x = to_vector(x, head)  # global average pooling (the paper's), or max / flatten to compare
    return keras.Model(inputs, output_layer(x, info), name=name)


def build_densenet(hp: dict, info) -> keras.Model:
    """Catalog builder shared by densenet121/169/201 (they differ only in ``blocks``)."""
    return densenet(parse_blocks(hp["blocks"]), info, hp["growth_rate"], hp["compression"],
                    hp["normalization"], hp["dropout"], hp["input_size"],
                    name=hp.get("variant", "densenet"), act=hp.get("activation", "relu"),
                    pooling=hp.get("pooling", "max"))


def _variant_builder(variant: str):
    blocks = ",".join(map(str, IMAGENET_BLOCKS[variant]))

    def build(hp: dict, info) -> keras.Model:
        defaults = {"blocks": blocks, "growth_rate": 32, "compression": 0.5, "normalization": "batch",
                    "dropout": 0.0, "input_size": 0, "variant": variant}
        return build_densenet({**defaults, **hp}, info)

    build.__name__ = f"build_{variant}"
    build.__doc__ = f"{variant}: dense blocks of {blocks} layers."
    return build


build_densenet121 = _variant_builder("densenet121")
build_densenet169 = _variant_builder("densenet169")
build_densenet201 = _variant_builder("densenet201")


def build_densenet_bc(hp: dict, info) -> keras.Model:
    return densenet_bc(hp["depth"], info, hp["growth_rate"], hp["compression"],
                       hp["normalization"], hp["dropout"], hp["input_size"], act=hp.get("activation", "relu"),
                       head=hp.get("head", "global_average"))


def _dropout(x, rate: float, name: str):
    # The paper drops after each convolution (rate 0.2 on CIFAR without augmentation).
    return layers.Dropout(rate, name=f"{name}_drop")(x) if rate else x
