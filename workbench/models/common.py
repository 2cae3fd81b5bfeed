"""Pieces every image builder uses: the input (with optional resizing), a
selectable normalization, and the classifier head."""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError


def image_input(info, input_size: int = 0, min_size: int = 0):
    """Return ``(inputs, x)``; ``x`` is resized inside the model when asked or needed.

    Resizing inside the model keeps the data as it is on disk and lets a deep
    network (which halves the resolution five times) train on 8x8 digits.
    """
    if len(info.input_shape) != 3:
        raise WorkbenchError(f"this model needs images; {info.name} has inputs of shape {info.input_shape}")
    inputs = keras.Input(shape=info.input_shape, name="input")
    height, width, _ = info.input_shape
    side = input_size or (min_size if min(height, width) < min_size else 0)
    x = inputs
    if side and (height, width) != (side, side):
        x = layers.Resizing(side, side, name="resize")(x)
    return inputs, x


def normalization(x, kind: str, name: str, groups: int = 8):
    """BatchNorm, LayerNorm, InstanceNorm or GroupNorm over an ``NHWC`` tensor.

    - batch: per channel, over (N, H, W)
    - layer: per sample, over (H, W, C)
    - instance: per sample and channel, over (H, W)
    - group: per sample and group of channels, over (H, W, C/groups)
    """
    channels = x.shape[-1]
    if kind == "batch":
        # momentum 0.9 (PyTorch's default) rather than Keras' 0.99: the moving statistics
        # must settle within the few hundred steps a workbench run often has, or inference
        # (validation) sees statistics from the untrained network.
        return layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    if kind == "layer":
        return layers.LayerNormalization(axis=(1, 2, 3), name=f"{name}_ln")(x)
    if kind == "instance":
        return layers.GroupNormalization(groups=channels, name=f"{name}_in")(x)
    if kind == "group":
        g = _largest_divisor_at_most(channels, groups)
        return layers.GroupNormalization(groups=g, name=f"{name}_gn")(x)
    if kind == "none":
        return x
    raise WorkbenchError(f"normalization={kind!r} is not one of batch, layer, instance, group, none")


def pool(x, kind: str, name: str, size: int = 2):
    if kind == "max":
        return layers.MaxPooling2D(size, padding="same", name=f"{name}_maxpool")(x)
    if kind == "average":
        return layers.AveragePooling2D(size, padding="same", name=f"{name}_avgpool")(x)
    raise WorkbenchError(f"pooling={kind!r} is not one of max, average")


def classifier_head(x, info, dropout: float = 0.0, flatten: bool = False, head: str = ""):
    """Global-average-pool (or flatten, or ``head``: see ``to_vector``), optional dropout,
    softmax over the classes."""
    if len(x.shape) == 4 and head:
        x = to_vector(x, head)
    elif len(x.shape) == 4:
        x = layers.Flatten(name="flatten")(x) if flatten else layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    return output_layer(x, info)


def output_layer(x, info):
    """Softmax over ``info``'s classes, or one linear unit for regression."""
    if info.task == "regression":
        return layers.Dense(1, name="predictions")(x)
    if info.num_classes < 2:
        raise WorkbenchError(f"{info.name} has {info.num_classes} class(es); classification needs 2 or more")
    return layers.Dense(info.num_classes, activation="softmax", name="predictions")(x)


def _largest_divisor_at_most(n: int, limit: int) -> int:
    return max(d for d in range(1, min(n, limit) + 1) if n % d == 0)


def pooling_layer(kind: str, size: int, strides: int | None = None, padding: str = "valid", name: str = ""):
    """A max or average pooling layer of the paper's window and stride (``pooling`` hyperparameter)."""
    if kind not in ("max", "average"):
        raise WorkbenchError(f"pooling={kind!r} is not one of max, average")
    cls = layers.MaxPooling2D if kind == "max" else layers.AveragePooling2D
    return cls(size, strides=strides, padding=padding, name=name or None)


def to_vector(x, head: str = "flatten"):
    """Feature maps to one vector per sample: Flatten, or global average / max pooling (``head``)."""
    if head == "flatten":
        return layers.Flatten(name="flatten")(x)
    if head == "global_average":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if head == "global_max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    raise WorkbenchError(f"head={head!r} is not one of flatten, global_average, global_max")
