"""EfficientNet (Tan & Le, "EfficientNet: Rethinking Model Scaling for
Convolutional Neural Networks", ICML 2019).

The B0 baseline is a stack of MBConv blocks (inverted residual: 1x1 expansion,
depthwise KxK, squeeze-and-excitation, 1x1 linear projection, identity skip with
drop connect) described by the table ``DEFAULT_BLOCKS_ARGS``. Compound scaling
grows depth, width and resolution together from one coefficient phi:
d = alpha^phi, w = beta^phi, r = gamma^phi with alpha=1.2, beta=1.1, gamma=1.15
(alpha beta^2 gamma^2 ~ 2, so FLOPs grow about 2^phi). B1-B7 use the official
rounded (width, depth, resolution, dropout) of ``OFFICIAL_COEFFICIENTS``. The
layers are those of ``keras.applications.EfficientNetB0..B7`` except the input
Rescaling (workbench images arrive in [0, 1] already); the input Normalization layer
is kept, unadapted (an identity: mean 0, variance 1), so that the parameter counts
and layer names equal Keras's and ImageNet statistics have a place to go.
"""

from __future__ import annotations

import math

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import image_input, normalization, output_layer, to_vector

ALPHA, BETA, GAMMA = 1.2, 1.1, 1.15
BASE_RESOLUTION = 224

#: The B0 baseline (the paper's Table 1), one dict per stage.
DEFAULT_BLOCKS_ARGS = (
    {"kernel_size": 3, "repeats": 1, "filters_in": 32, "filters_out": 16, "expand_ratio": 1, "strides": 1},
    {"kernel_size": 3, "repeats": 2, "filters_in": 16, "filters_out": 24, "expand_ratio": 6, "strides": 2},
    {"kernel_size": 5, "repeats": 2, "filters_in": 24, "filters_out": 40, "expand_ratio": 6, "strides": 2},
    {"kernel_size": 3, "repeats": 3, "filters_in": 40, "filters_out": 80, "expand_ratio": 6, "strides": 2},
    {"kernel_size": 5, "repeats": 3, "filters_in": 80, "filters_out": 112, "expand_ratio": 6, "strides": 1},
    {"kernel_size": 5, "repeats": 4, "filters_in": 112, "filters_out": 192, "expand_ratio": 6, "strides": 2},
    {"kernel_size": 3, "repeats": 1, "filters_in": 192, "filters_out": 320, "expand_ratio": 6, "strides": 1},
)
STEM_FILTERS = 32
TOP_FILTERS = 1280

#: Official (width, depth, resolution, dropout) of the released B0-B7.
OFFICIAL_COEFFICIENTS = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}

# He-normal on fan-out for convolutions, as in the reference implementation.
CONV_KERNEL_INITIALIZER = keras.initializers.VarianceScaling(2.0, "fan_out", "truncated_normal")
DENSE_KERNEL_INITIALIZER = keras.initializers.VarianceScaling(1.0 / 3.0, "fan_out", "uniform")


def compound_scaling(phi: float, alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA,
                     base_resolution: int = BASE_RESOLUTION) -> dict:
    """Depth, width and resolution multipliers for compound coefficient ``phi``.

    ``flops`` is the FLOPs multiplier (alpha beta^2 gamma^2)^phi, about 2^phi.
    A negative phi applies the same rule downwards (networks smaller than B0).
    """
    for label, value in (("alpha", alpha), ("beta", beta), ("gamma", gamma)):
        if value < 1.0:
            raise WorkbenchError(f"{label}={value} must be at least 1 (a scaling base)")
    depth, width, resolution = alpha ** phi, beta ** phi, gamma ** phi
    return {
        "phi": phi, "depth": depth, "width": width, "resolution": resolution,
        "input_side": int(round(base_resolution * resolution)),
        "flops": (alpha * beta ** 2 * gamma ** 2) ** phi,
    }


def round_filters(filters: int, width_coefficient: float, divisor: int = 8) -> int:
    """Scale channels by ``width_coefficient``, rounded to a multiple of ``divisor`` (never
    more than 10 % below the exact value)."""
    filters *= width_coefficient
    new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if new_filters < 0.9 * filters:
        new_filters += divisor
    return int(new_filters)


def round_repeats(repeats: int, depth_coefficient: float) -> int:
    return int(math.ceil(depth_coefficient * repeats))


def squeeze_excite(x, filters_se: int, activation: str, name: str):
    """Squeeze-and-excitation (Hu et al., CVPR 2018): global pool, bottleneck of
    ``filters_se`` channels, sigmoid gates that rescale each channel."""
    filters = x.shape[-1]
    se = layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}se_squeeze")(x)
    se = layers.Conv2D(filters_se, 1, activation=activation, kernel_initializer=CONV_KERNEL_INITIALIZER,
                       name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, activation="sigmoid", kernel_initializer=CONV_KERNEL_INITIALIZER,
                       name=f"{name}se_expand")(se)
    return layers.Multiply(name=f"{name}se_excite")([x, se])


def mbconv_block(inputs, filters_in: int, filters_out: int, kernel_size: int, strides: int,
                 expand_ratio: int, se_ratio: float, drop_rate: float, norm: str,
                 activation: str, name: str):
    """Inverted residual block: expand 1x1, depthwise KxK, SE, project 1x1, skip."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                          name=f"{name}expand_conv")(x)
        x = normalization(x, norm, f"{name}expand")
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        # Pad like TensorFlow's 'same' for even inputs, but symmetric-first (correct_pad).
        x = layers.ZeroPadding2D(_correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                               use_bias=False, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               name=f"{name}dwconv")(x)
    x = normalization(x, norm, name.rstrip("_"))
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        # The squeeze is sized from the block's input, not its expanded width.
        x = squeeze_excite(x, max(1, int(filters_in * se_ratio)), activation, name)
    x = layers.Conv2D(filters_out, 1, use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      name=f"{name}project_conv")(x)
    x = normalization(x, norm, f"{name}project")
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            # Drop connect (stochastic depth): drop the whole residual branch per sample.
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def efficientnet(info, width_coefficient: float, depth_coefficient: float, resolution: int,
                 dropout: float = 0.2, drop_connect_rate: float = 0.2, se_ratio: float = 0.25,
                 norm: str = "batch", activation: str = "swish", blocks_args=DEFAULT_BLOCKS_ARGS,
                 name: str = "efficientnet", head: str = "global_average") -> keras.Model:
    """Generic EfficientNet: stem, scaled MBConv stages, 1x1 head conv, GAP, dropout, softmax."""
    _check_args(width_coefficient, depth_coefficient, resolution, dropout, drop_connect_rate, se_ratio)
    inputs, x = image_input(info, resolution)
    x = layers.Normalization(axis=-1, name="normalization")(x)
    x = layers.ZeroPadding2D(_correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(STEM_FILTERS, width_coefficient), 3, strides=2, padding="valid",
                      use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = normalization(x, norm, "stem")
    x = layers.Activation(activation, name="stem_activation")(x)

    total = sum(round_repeats(args["repeats"], depth_coefficient) for args in blocks_args)
    b = 0
    for i, args in enumerate(blocks_args):
        filters_in = round_filters(args["filters_in"], width_coefficient)
        filters_out = round_filters(args["filters_out"], width_coefficient)
        for j in range(round_repeats(args["repeats"], depth_coefficient)):
            # Drop connect grows linearly with depth: deeper blocks are skipped more often.
            x = mbconv_block(x, filters_in if j == 0 else filters_out, filters_out, args["kernel_size"],
                             args["strides"] if j == 0 else 1, args["expand_ratio"], se_ratio,
                             drop_connect_rate * b / total, norm, activation,
                             name=f"block{i + 1}{chr(j + 97)}_")
            b += 1

    x = layers.Conv2D(round_filters(TOP_FILTERS, width_coefficient), 1, use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="top_conv")(x)
    x = normalization(x, norm, "top")
    x = layers.Activation(activation, name="top_activation")(x)
    x = to_vector(x, head)  # global average pooling (the paper's), or max / flatten to compare
    if dropout > 0:
        x = layers.Dropout(dropout, name="top_dropout")(x)
    outputs = output_layer(x, info)
    return keras.Model(inputs, outputs, name=name)


def build_efficientnet(hp: dict, info, resolution: int = BASE_RESOLUTION) -> keras.Model:
    """Catalog builder of the named variants b0-b7 (their four numbers are hparam defaults;
    ``input_size`` 0 means the variant's own resolution)."""
    resolution = hp["input_size"] or resolution
    return efficientnet(info, hp["width_coefficient"], hp["depth_coefficient"], resolution,
                        hp["dropout"], hp["drop_connect_rate"], hp["se_ratio"], hp["normalization"],
                        hp.get("activation", "swish"), name=hp.get("variant", "efficientnet"),
                        head=hp.get("head", "global_average"))


def build_efficientnet_phi(hp: dict, info) -> keras.Model:
    """Catalog builder of the continuous entry: d, w, r from phi by compound scaling."""
    scale = compound_scaling(hp["phi"], hp["alpha"], hp["beta"], hp["gamma"])
    resolution = hp["input_size"] or scale["input_side"]
    return efficientnet(info, scale["width"], scale["depth"], resolution, hp["dropout"],
                        hp["drop_connect_rate"], hp["se_ratio"], hp["normalization"],
                        hp.get("activation", "swish"), name=f"efficientnet_phi{hp['phi']:g}",
                        head=hp.get("head", "global_average"))


def _variant_builder(variant: str):
    width, depth, resolution, dropout = OFFICIAL_COEFFICIENTS[variant]

    def build(hp: dict, info) -> keras.Model:
        defaults = {"width_coefficient": width, "depth_coefficient": depth, "dropout": dropout,
                    "drop_connect_rate": 0.2, "se_ratio": 0.25, "normalization": "batch",
                    "input_size": resolution, "variant": f"efficientnet{variant}"}
        return build_efficientnet({**defaults, **hp}, info, resolution)

    build.__name__ = f"build_efficientnet{variant}"
    build.__doc__ = f"EfficientNet-{variant.upper()}: width {width}, depth {depth}, {resolution}px, dropout {dropout}."
    return build


build_efficientnetb0 = _variant_builder("b0")
build_efficientnetb1 = _variant_builder("b1")
build_efficientnetb2 = _variant_builder("b2")
build_efficientnetb3 = _variant_builder("b3")
build_efficientnetb4 = _variant_builder("b4")
build_efficientnetb5 = _variant_builder("b5")
build_efficientnetb6 = _variant_builder("b6")
build_efficientnetb7 = _variant_builder("b7")


def _check_args(width, depth, resolution, dropout, drop_connect_rate, se_ratio) -> None:
    if width <= 0 or depth <= 0:
        raise WorkbenchError(f"width_coefficient={width} and depth_coefficient={depth} must be positive")
    if resolution < 32:
        raise WorkbenchError(f"resolution {resolution} is below EfficientNet's minimum of 32")
    for label, value in (("dropout", dropout), ("drop_connect_rate", drop_connect_rate)):
        if not 0.0 <= value < 1.0:
            raise WorkbenchError(f"{label}={value} must be in [0, 1)")
    if not 0.0 <= se_ratio <= 1.0:
        raise WorkbenchError(f"se_ratio={se_ratio} must be in [0, 1]")


def _correct_pad(x, kernel_size: int):
    """Zero padding for a stride-2 'valid' conv that keeps ceil(size / 2) outputs."""
    size = x.shape[1:3]
    adjust = (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size // 2, kernel_size // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))
