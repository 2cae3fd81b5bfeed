"""Small convolutional backbones and the feature pyramid for the one-stage detectors.

The backbone is a plain stack of stride-2 stages (two 3x3 convolutions each), so stage
``k`` (1-based) has stride ``2**k``: on the 64x64 shapes images C3 is 8x8, C4 4x4 and
C5 2x2. Its widths are a table (``widths``), as in ``keras.applications``. The FPN is
Lin et al., "Feature Pyramid Networks for Object Detection" (CVPR 2017): 1x1 lateral
convolutions, a nearest-neighbour top-down path added level by level, then a 3x3
convolution per level to smooth the sums.
"""

from __future__ import annotations

from keras import layers

from workbench.errors import WorkbenchError
from workbench.models.common import normalization, pooling_layer

#: Stage widths (filters) for strides 2, 4, 8, 16, 32, 64, 128.
DEFAULT_WIDTHS = (16, 32, 48, 64, 96, 128, 128)


def conv_bn(x, filters: int, name: str, strides: int = 1, kernel: int = 3, norm: str = "batch",
            activation: str = "relu"):
    """3x3 convolution, normalization, activation (ReLU unless the entry's ``activation`` says
    otherwise; the layer keeps its ``_relu`` name so saved runs still load): the unit every
    stage is made of."""
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same",
                      use_bias=norm == "none", name=f"{name}_conv")(x)
    if norm == "batch":  # a short momentum: the short runs here must end with usable statistics
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    else:
        x = normalization(x, norm, name)
    return layers.Activation(activation, name=f"{name}_relu")(x)


def stage_widths(width: int, levels: int) -> list[int]:
    """The widths of ``levels`` stages, scaled by ``width / 16``."""
    if levels > len(DEFAULT_WIDTHS):
        raise WorkbenchError(f"backbone has at most {len(DEFAULT_WIDTHS)} stages, asked for {levels}")
    if width < 1:
        raise WorkbenchError(f"backbone width {width} must be at least 1")
    return [max(4, round(w * width / 16)) for w in DEFAULT_WIDTHS[:levels]]


#: How a backbone stage halves the resolution (the detectors' ``pooling`` hyperparameter).
DOWNSAMPLING = ("stride", "max", "average")


def conv_backbone(x, levels: int, width: int = 16, norm: str = "batch", name: str = "backbone",
                  activation: str = "relu", pooling: str = "stride"):
    """``levels`` stride-2 stages; returns ``{level: feature}`` with level ``k`` at stride ``2**k``.

    ``pooling`` "stride" halves the resolution by the first convolution's stride 2 (the
    default); "max" / "average" keep that convolution at stride 1 and halve by a 2x2 max or
    average pooling after it, as VGG-style backbones do (same widths and strides, so every
    head built on the features is unchanged).
    """
    if pooling not in DOWNSAMPLING:
        raise WorkbenchError(f"pooling={pooling!r} is not one of {', '.join(DOWNSAMPLING)}")
    features = {}
    for level, filters in enumerate(stage_widths(width, levels), start=1):
        first = f"{name}_stage{level}_1"
        x = conv_bn(x, filters, first, strides=2 if pooling == "stride" else 1, norm=norm,
                    activation=activation)
        if pooling != "stride":
            x = pooling_layer(pooling, 2, padding="same", name=f"{first}_pool")(x)
        x = conv_bn(x, filters, f"{name}_stage{level}_2", norm=norm, activation=activation)
        features[level] = x
    return features


def backbone_options(hp: dict) -> dict:
    """The shared choices (catalog A) every detector's backbone takes from ``hp``."""
    return {"norm": hp.get("normalization", "batch"), "activation": hp.get("activation", "relu"),
            "pooling": hp.get("pooling", "stride")}


def feature_dropout(features: dict, rate: float, name: str) -> dict:
    """Dropout on every feature map before a detector's heads (``dropout``; 0 = none), one
    layer called on each level so no level is left out."""
    if not rate:
        return features
    drop = layers.Dropout(float(rate), name=f"{name}_dropout")
    return {level: drop(x) for level, x in features.items()}


def check_levels(min_level: int, max_level: int, image_size) -> None:
    """A pyramid needs ``1 <= min_level <= max_level`` and a top level at least 1x1."""
    if not 1 <= min_level <= max_level:
        raise WorkbenchError(f"pyramid levels min_level={min_level}, max_level={max_level} "
                             "must satisfy 1 <= min_level <= max_level")
    if min(image_size) < 2 ** max_level:
        raise WorkbenchError(f"max_level={max_level} (stride {2 ** max_level}) is coarser than "
                             f"the {image_size[0]}x{image_size[1]} image")


def feature_pyramid(features: dict, min_level: int, max_level: int, filters: int,
                    name: str = "fpn", extra_levels: int = 0, activation: str = "relu") -> dict:
    """FPN outputs ``{level: P_level}`` for ``min_level..max_level``, all with ``filters`` channels.

    The top ``extra_levels`` levels have no backbone stage: as FCOS builds P6 and P7 from
    P5 (Tian et al. 2019, not from C5 as RetinaNet does), each is a 3x3 stride-2
    convolution of the pyramid level below it (through a ReLU above the first).
    """
    top = max_level - int(extra_levels)
    if not min_level <= top <= max_level:
        raise WorkbenchError(f"extra_levels={extra_levels} must leave at least one pyramid level "
                             f"from the backbone (levels {min_level}..{max_level})")
    laterals = {level: layers.Conv2D(filters, 1, name=f"{name}_p{level}_lateral")(features[level])
                for level in range(min_level, top + 1)}
    merged = {top: laterals[top]}
    for level in range(top - 1, min_level - 1, -1):
        up = layers.UpSampling2D(2, interpolation="nearest",
                                 name=f"{name}_p{level + 1}_upsample")(merged[level + 1])
        merged[level] = layers.Add(name=f"{name}_p{level}_add")([laterals[level], up])
    out = {level: layers.Conv2D(filters, 3, padding="same", name=f"{name}_p{level}_output")(
        merged[level]) for level in merged}
    for level in range(top + 1, max_level + 1):
        below = out[level - 1] if level == top + 1 else layers.Activation(
            activation, name=f"{name}_p{level - 1}_relu")(out[level - 1])
        out[level] = layers.Conv2D(filters, 3, strides=2, padding="same",
                                   name=f"{name}_p{level}_from_p{level - 1}")(below)
    return dict(sorted(out.items()))


def concat_levels(tensors: list, name: str):
    """Concatenate per-level predictions along the box axis (one level: passed through)."""
    if len(tensors) == 1:
        return layers.Identity(name=name)(tensors[0])
    return layers.Concatenate(axis=1, name=name)(tensors)


def shared_tower(features: dict, filters: int, depth: int, name: str, norm_groups: int = 0,
                 activation: str = "relu") -> dict:
    """``depth`` 3x3 conv (+ GroupNorm) + ReLU applied with the *same* weights to every level.

    RetinaNet's and FCOS's heads are shared across pyramid levels: one set of layer
    objects called once per level. ``norm_groups`` > 0 adds GroupNorm (FCOS).
    """
    convs = [layers.Conv2D(filters, 3, padding="same", use_bias=not norm_groups,
                           name=f"{name}_conv{k + 1}") for k in range(depth)]
    norms = [layers.GroupNormalization(_groups(filters, norm_groups), name=f"{name}_gn{k + 1}")
             for k in range(depth)] if norm_groups else [None] * depth
    relus = [layers.Activation(activation, name=f"{name}_relu{k + 1}") for k in range(depth)]
    out = {}
    for level, x in features.items():
        for conv, norm, relu in zip(convs, norms, relus):
            x = conv(x)
            x = norm(x) if norm is not None else x
            x = relu(x)
        out[level] = x
    return out


def shared_output(features: dict, channels_per_position: int, outputs_per_box: int, name: str,
                  bias_initializer="zeros"):
    """One 3x3 prediction conv shared by the levels, flattened to ``(N, sum H*W*A, outputs)``."""
    conv = layers.Conv2D(channels_per_position, 3, padding="same",
                         bias_initializer=bias_initializer, name=f"{name}_output")
    flat = [layers.Reshape((-1, outputs_per_box), name=f"{name}_p{level}_flat")(conv(x))
            for level, x in features.items()]
    return concat_levels(flat, f"{name}_all_levels")


def _groups(channels: int, groups: int) -> int:
    return max(d for d in range(1, min(channels, groups) + 1) if channels % d == 0)
