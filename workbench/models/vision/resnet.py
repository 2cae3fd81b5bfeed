"""ResNet v1 (He, Zhang, Ren & Sun, 2016, "Deep Residual Learning for Image Recognition",
CVPR) and the pre-activation ResNet v2 (He, Zhang, Ren & Sun, 2016, "Identity Mappings in
Deep Residual Networks", ECCV).

A residual block learns ``F(x)`` and outputs ``x + F(x)``: the identity path carries
the signal and its gradient through any depth. Three block kinds:

- basic (ResNet-18/34): two 3x3 convolutions; laid out as torchvision's
  ``resnet18``/``resnet34`` (convolutions without bias, a 1x1 projection where the
  shape changes), so the trainable parameters equal torchvision's;
- bottleneck (ResNet-50/101/152): 1x1 reduce, 3x3, 1x1 expand (x4); laid out as
  ``keras.applications.ResNet50`` (convolutions with bias, stride on the first 1x1);
- pre-activation bottleneck (v2): BN-ReLU-Conv ordering, a clean identity path and a
  final BN-ReLU, laid out as ``keras.applications.ResNet50V2``.

Layer names follow keras (``conv2_block1_1_conv``) so explanation methods can find them.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import (
    classifier_head,
    image_input,
    normalization,
    pooling_layer,
)

#: Per variant: block kind and blocks per stage (conv2_x .. conv5_x).
VARIANTS = {
    "resnet18": ("basic", (2, 2, 2, 2)),
    "resnet34": ("basic", (3, 4, 6, 3)),
    "resnet50": ("bottleneck", (3, 4, 6, 3)),
    "resnet101": ("bottleneck", (3, 4, 23, 3)),
    "resnet152": ("bottleneck", (3, 8, 36, 3)),
    "resnet50v2": ("preact", (3, 4, 6, 3)),
    "resnet101v2": ("preact", (3, 4, 23, 3)),
    "resnet152v2": ("preact", (3, 8, 36, 3)),
}
STAGE_FILTERS = (64, 128, 256, 512)
#: Five halvings (stem conv, stem pool, three strided stages) need 32 pixels.
MIN_SIZE = 32


def build_resnet(hp: dict, info, variant: str) -> keras.Model:
    """Generic ResNet; ``hp`` keys: blocks ("3,4,6,3"), width, normalization, dropout, input_size."""
    if variant not in VARIANTS:
        raise WorkbenchError(f"unknown ResNet variant {variant!r}; known: {', '.join(VARIANTS)}")
    kind, default_blocks = VARIANTS[variant]
    blocks = parse_blocks(hp.get("blocks") or "", default_blocks)
    width = hp["width"]
    if width <= 0:
        raise WorkbenchError(f"width={width} must be positive")
    if hp["input_size"] and hp["input_size"] < MIN_SIZE:
        raise WorkbenchError(f"input_size={hp['input_size']} is too small for ResNet; use at least {MIN_SIZE}")
    norm, act = hp["normalization"], hp.get("activation", "relu")
    filters = [max(1, int(round(f * width))) for f in STAGE_FILTERS]
    inputs, x = image_input(info, hp["input_size"], min_size=MIN_SIZE)
    x = stem(x, filters[0], norm, preact=kind == "preact",
             bias=kind != "basic" or norm == "none", act=act, pooling=hp.get("pooling", "max"))
    stack = {"basic": stack_basic, "bottleneck": stack_bottleneck, "preact": stack_preact}[kind]
    for stage, (f, n) in enumerate(zip(filters, blocks)):
        x = stack(x, f, n, stage, norm, name=f"conv{stage + 2}", act=act)
    if kind == "preact":  # v2 ends with the BN-ReLU the last block left out
        x = normalization(x, norm, "post")
        x = layers.Activation(act, name="post_relu")(x)
    return keras.Model(inputs, classifier_head(x, info, hp["dropout"]), name=variant)


def parse_blocks(text: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """``"3,4,6,3"`` -> ``(3, 4, 6, 3)``; empty text gives the variant's own table."""
    if not text.strip():
        return default
    try:
        blocks = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise WorkbenchError(f"blocks={text!r} must be four whole numbers such as 3,4,6,3") from None
    if len(blocks) != 4 or min(blocks) < 1:
        raise WorkbenchError(f"blocks={text!r} must be four whole numbers of at least 1, such as 3,4,6,3")
    return blocks


def stem(x, filters: int, norm: str, preact: bool, bias: bool, act: str = "relu", pooling: str = "max"):
    """7x7/2 convolution and 3x3/2 max (or average) pooling (v2 leaves the BN-ReLU to the first block)."""
    x = layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = layers.Conv2D(filters, 7, strides=2, use_bias=bias, name="conv1_conv")(x)
    if not preact:
        x = normalization(x, norm, "conv1")
        x = layers.Activation(act, name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    return pooling_layer(pooling, 3, strides=2, name="pool1_pool")(x)


# ---- basic blocks (torchvision layout) -----------------------------------------------

def basic_block(x, filters: int, stride: int, norm: str, name: str, act: str = "relu"):
    """3x3 conv (stride) - norm - ReLU - 3x3 conv - norm, plus the (projected) input."""
    bias = norm == "none"  # a bias before a normalization is redundant (torchvision has none)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=bias, name=f"{name}_0_conv")(x)
        shortcut = normalization(shortcut, norm, f"{name}_0")
    # Explicit 1-pixel padding as in torchvision, so a stride-2 conv samples the same pixels.
    x = layers.ZeroPadding2D(1, name=f"{name}_1_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=bias, name=f"{name}_1_conv")(x)
    x = normalization(x, norm, f"{name}_1")
    x = layers.Activation(act, name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", use_bias=bias, name=f"{name}_2_conv")(x)
    x = normalization(x, norm, f"{name}_2")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation(act, name=f"{name}_out")(x)


def stack_basic(x, filters: int, blocks: int, stage: int, norm: str, name: str, act: str = "relu"):
    for i in range(1, blocks + 1):
        stride = 2 if i == 1 and stage > 0 else 1
        x = basic_block(x, filters, stride, norm, name=f"{name}_block{i}", act=act)
    return x


# ---- bottleneck blocks (keras.applications ResNet v1 layout) ------------------------

def bottleneck_block(x, filters: int, stride: int, conv_shortcut: bool, norm: str, name: str,
                     act: str = "relu"):
    """1x1 (stride) - 3x3 - 1x1 (x4 filters), each followed by norm, ReLU after the sum."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = normalization(shortcut, norm, f"{name}_0")
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = normalization(x, norm, f"{name}_1")
    x = layers.Activation(act, name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = normalization(x, norm, f"{name}_2")
    x = layers.Activation(act, name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = normalization(x, norm, f"{name}_3")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation(act, name=f"{name}_out")(x)


def stack_bottleneck(x, filters: int, blocks: int, stage: int, norm: str, name: str, act: str = "relu"):
    x = bottleneck_block(x, filters, 2 if stage > 0 else 1, True, norm, name=f"{name}_block1", act=act)
    for i in range(2, blocks + 1):
        x = bottleneck_block(x, filters, 1, False, norm, name=f"{name}_block{i}", act=act)
    return x


# ---- pre-activation bottleneck blocks (keras.applications ResNet v2 layout) -------------

def preact_block(x, filters: int, stride: int, conv_shortcut: bool, norm: str, name: str,
                 act: str = "relu"):
    """norm-ReLU, then 1x1 - norm-ReLU - 3x3 (stride) - norm-ReLU - 1x1 (x4); no ReLU after the sum."""
    bias = norm == "none"
    preact = normalization(x, norm, f"{name}_preact")
    preact = layers.Activation(act, name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    elif stride > 1:  # keras subsamples the identity with a 1x1 max pool
        shortcut = layers.MaxPooling2D(1, strides=stride, name=f"{name}_0_pool")(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, use_bias=bias, name=f"{name}_1_conv")(preact)
    x = normalization(x, norm, f"{name}_1")
    x = layers.Activation(act, name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(1, name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=bias, name=f"{name}_2_conv")(x)
    x = normalization(x, norm, f"{name}_2")
    x = layers.Activation(act, name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_preact(x, filters: int, blocks: int, stage: int, norm: str, name: str, act: str = "relu"):
    """As keras: the projection in the first block, the stride in the last (none in conv5)."""
    stride = 2 if stage < 3 else 1
    if blocks == 1:
        return preact_block(x, filters, stride, True, norm, name=f"{name}_block1", act=act)
    x = preact_block(x, filters, 1, True, norm, name=f"{name}_block1", act=act)
    for i in range(2, blocks):
        x = preact_block(x, filters, 1, False, norm, name=f"{name}_block{i}", act=act)
    return preact_block(x, filters, stride, False, norm, name=f"{name}_block{blocks}", act=act)


def _variant_builder(variant: str):
    def build(hp: dict, info) -> keras.Model:
        return build_resnet(hp, info, variant)

    build.__name__ = f"build_{variant}"
    build.__doc__ = f"{variant}: {VARIANTS[variant][0]} blocks {VARIANTS[variant][1]}."
    return build


build_resnet18 = _variant_builder("resnet18")
build_resnet34 = _variant_builder("resnet34")
build_resnet50 = _variant_builder("resnet50")
build_resnet101 = _variant_builder("resnet101")
build_resnet152 = _variant_builder("resnet152")
build_resnet50v2 = _variant_builder("resnet50v2")
build_resnet101v2 = _variant_builder("resnet101v2")
build_resnet152v2 = _variant_builder("resnet152v2")
