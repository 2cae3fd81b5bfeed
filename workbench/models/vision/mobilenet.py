"""MobileNet v1 (Howard et al., "MobileNets: Efficient Convolutional Neural
Networks for Mobile Vision Applications", arXiv 1704.04861, 2017).

A standard KxK convolution from M to N channels on a D_F x D_F map costs
D_F^2 M N K^2 multiply-adds. MobileNet factorises it into a depthwise KxK
convolution (one filter per input channel: D_F^2 M K^2) and a pointwise 1x1
convolution (D_F^2 M N), a ratio of 1/N + 1/K^2 (about 1/8 to 1/9 for 3x3).
The width multiplier alpha thins every layer to alpha*N channels; the resolution
multiplier rho scales the input side (224 rho: 224, 192, 160, 128). The layers
are those of ``keras.applications.MobileNet``; ``multiply_adds`` reproduces the
paper's Tables 4, 6 and 7 (569 M mult-adds at alpha=1, 224x224).
"""

from __future__ import annotations

import math

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import image_input, normalization, output_layer, to_vector

#: The body of Table 1 after the 3x3/2 stem of 32 filters: (pointwise filters, stride)
#: of each depthwise separable layer.
SEPARABLE_LAYERS = (
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
    (1024, 2), (1024, 1),
)
STEM_FILTERS = 32
KERNEL = 3
BASE_RESOLUTION = 224


def check_mobilenet_args(alpha: float, rho: float, depth_multiplier: int = 1) -> None:
    if not 0.0 < alpha <= 4.0:
        raise WorkbenchError(f"alpha={alpha} must be in (0, 4] (width multiplier)")
    if not 0.0 < rho <= 4.0:
        raise WorkbenchError(f"rho={rho} must be in (0, 4] (resolution multiplier)")
    if depth_multiplier < 1:
        raise WorkbenchError(f"depth_multiplier={depth_multiplier} must be at least 1")


def input_side(base: int, rho: float) -> int:
    """The network's input side: round(rho * base) (224 rho in the paper)."""
    return max(1, int(round(base * rho)))


def conv_block(x, filters: int, norm: str, strides: int = 2, act: str = "relu6"):
    """The full 3x3 convolution of the stem (the only standard convolution)."""
    x = layers.Conv2D(filters, KERNEL, strides=strides, padding="same", use_bias=False, name="conv1")(x)
    x = normalization(x, norm, "conv1")
    return _activation(x, act, "conv1_relu")


def depthwise_conv_block(x, pointwise_filters: int, norm: str, depth_multiplier: int = 1,
                         strides: int = 1, block_id: int = 1, act: str = "relu6"):
    """Depthwise 3x3 - BN - ReLU6 - pointwise 1x1 - BN - ReLU6 (Figure 3, right)."""
    if strides == 1:
        x = layers.DepthwiseConv2D(KERNEL, padding="same", depth_multiplier=depth_multiplier,
                                   use_bias=False, name=f"conv_dw_{block_id}")(x)
    else:
        # Pad bottom/right only, as the reference implementation does before a stride-2 conv.
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
        x = layers.DepthwiseConv2D(KERNEL, strides=strides, padding="valid",
                                   depth_multiplier=depth_multiplier, use_bias=False,
                                   name=f"conv_dw_{block_id}")(x)
    x = normalization(x, norm, f"conv_dw_{block_id}")
    x = _activation(x, act, f"conv_dw_{block_id}_relu")
    x = layers.Conv2D(pointwise_filters, 1, use_bias=False, name=f"conv_pw_{block_id}")(x)
    x = normalization(x, norm, f"conv_pw_{block_id}")
    return _activation(x, act, f"conv_pw_{block_id}_relu")


def mobilenet(info, alpha: float = 1.0, rho: float = 1.0, input_size: int = BASE_RESOLUTION,
              depth_multiplier: int = 1, norm: str = "batch", dropout: float = 1e-3,
              name: str = "mobilenet", act: str = "relu6", head: str = "global_average") -> keras.Model:
    """MobileNet v1: stem, 13 depthwise separable layers, GAP, dropout, softmax."""
    check_mobilenet_args(alpha, rho, depth_multiplier)
    # input_size 0: the data's own side (at least the 32 that five halvings need).
    base = input_size or max(32, min(info.input_shape[:2]))
    side = input_side(base, rho)
    if side < 32:
        raise WorkbenchError(f"input side round({base} x rho={rho}) = {side} is below MobileNet's minimum of 32")
    inputs, x = image_input(info, side)
    x = conv_block(x, int(STEM_FILTERS * alpha), norm, act=act)
    for block_id, (filters, strides) in enumerate(SEPARABLE_LAYERS, start=1):
        x = depthwise_conv_block(x, int(filters * alpha), norm, depth_multiplier, strides, block_id, act)
    x = to_vector(x, head)  # global average pooling (the paper's), or max / flatten to compare
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    return keras.Model(inputs, output_layer(x, info), name=name)


def build_mobilenet(hp: dict, info) -> keras.Model:
    return mobilenet(info, hp["alpha"], hp["rho"], hp["input_size"], hp["depth_multiplier"],
                     hp["normalization"], hp["dropout"], name=f"mobilenet_{hp['alpha']:0.2f}",
                     act=hp.get("activation", "relu6"), head=hp.get("head", "global_average"))


def multiply_adds(alpha: float = 1.0, rho: float = 1.0, input_size: int = BASE_RESOLUTION,
                  classes: int = 1000, input_channels: int = 3) -> dict:
    """Multiply-adds of MobileNet vs the same network with standard convolutions.

    For each depthwise separable layer with C input channels, M output channels,
    a KxK kernel and an H x W output map:

    - separable: H W C K^2 (depthwise) + H W C M (pointwise)
    - standard:  H W C K^2 M
    - ratio = separable / standard = 1/M + 1/K^2

    The stem (a full convolution in both networks) and the final classifier are
    counted in the totals, as in the paper's Table 2 (569 M at alpha=1, rho=1).
    Returns plain dicts/lists for display: ``{"layers": [...], "total": {...}}``.
    """
    check_mobilenet_args(alpha, rho)
    if input_size < 1:
        raise WorkbenchError(f"input_size={input_size} must be a positive side length")
    side = input_side(input_size, rho)
    rows = []
    size = _same_out(side, 2)
    stem = int(STEM_FILTERS * alpha)
    stem_macs = size * size * input_channels * KERNEL * KERNEL * stem
    rows.append(_row("conv1", "standard", size, input_channels, stem, stem_macs, stem_macs))
    channels = stem
    for block_id, (filters, strides) in enumerate(SEPARABLE_LAYERS, start=1):
        out = int(filters * alpha)
        size = _same_out(size, strides)
        depthwise = size * size * channels * KERNEL * KERNEL
        pointwise = size * size * channels * out
        standard = size * size * channels * KERNEL * KERNEL * out
        row = _row(f"conv_dw_{block_id}+conv_pw_{block_id}", "separable", size, channels, out,
                   depthwise + pointwise, standard)
        row.update(depthwise=depthwise, pointwise=pointwise,
                   formula_ratio=1.0 / out + 1.0 / KERNEL ** 2)
        rows.append(row)
        channels = out
    fc = channels * classes
    rows.append(_row("predictions", "dense", 1, channels, classes, fc, fc))
    separable = sum(r["separable"] for r in rows)
    standard = sum(r["standard"] for r in rows)
    return {
        "alpha": alpha, "rho": rho, "input_side": side, "kernel": KERNEL,
        "layers": rows,
        "total": {"separable": separable, "standard": standard, "ratio": separable / standard},
    }


def model_multiply_adds(model) -> dict:
    """The same table read off a built Keras model (any input size, alpha, depth multiplier).

    Each DepthwiseConv2D followed by a 1x1 Conv2D is one separable layer; any other
    Conv2D or Dense costs the same in both networks.
    """
    rows, depthwise_layer = [], None
    for layer in model.layers:
        if isinstance(layer, layers.DepthwiseConv2D):
            depthwise_layer = layer
        elif isinstance(layer, layers.Conv2D) and depthwise_layer is not None and layer.kernel_size == (1, 1):
            rows.append(_separable_row(depthwise_layer, layer))
            depthwise_layer = None
        elif isinstance(layer, (layers.Conv2D, layers.Dense)):
            shape = layer.output.shape
            spatial = shape[1] * shape[2] if len(shape) == 4 else 1
            macs = spatial * int(math.prod(layer.kernel.shape))
            size = shape[1] if len(shape) == 4 else 1
            rows.append(_row(layer.name, "standard" if len(shape) == 4 else "dense", size,
                             layer.kernel.shape[-2], layer.kernel.shape[-1], macs, macs))
    separable = sum(r["separable"] for r in rows)
    standard = sum(r["standard"] for r in rows)
    return {"layers": rows, "total": {"separable": separable, "standard": standard,
                                      "ratio": separable / standard}}


def _separable_row(depthwise_layer, pointwise_layer) -> dict:
    height, width, out = pointwise_layer.output.shape[1:]
    k_h, k_w, channels, multiplier = depthwise_layer.kernel.shape
    depthwise = height * width * channels * multiplier * k_h * k_w
    pointwise = height * width * channels * multiplier * out
    standard = height * width * channels * k_h * k_w * out
    row = _row(f"{depthwise_layer.name}+{pointwise_layer.name}", "separable", height, channels, out,
               depthwise + pointwise, standard)
    row.update(width=width, depthwise=depthwise, pointwise=pointwise,
               formula_ratio=1.0 / out + 1.0 / (k_h * k_w))
    return row


def separable_ratio(kernel: int, out_channels: int) -> float:
    """The paper's cost ratio of a depthwise separable to a standard convolution."""
    return 1.0 / out_channels + 1.0 / kernel ** 2


def _row(name, kind, size, c_in, c_out, separable, standard) -> dict:
    return {"name": name, "kind": kind, "height": size, "width": size, "in_channels": c_in,
            "out_channels": c_out, "separable": separable, "standard": standard,
            "ratio": separable / standard}


def _same_out(size: int, stride: int) -> int:
    return -(-size // stride)


def _activation(x, act: str, name: str):
    """The paper's ReLU6 as keras.applications builds it (a ReLU layer capped at 6), or another activation."""
    if act == "relu6":
        return layers.ReLU(6.0, name=name)(x)
    return layers.Activation(act, name=name)(x)
