"""Weight initialisation chosen by hyperparameter (catalog A; note 003 3-2: changing the
initialisation is one way to curb vanishing gradients).

Glorot/Xavier keeps the variance of activations and gradients about constant for
sigmoid/tanh layers (Var W = 2 / (fan_in + fan_out)); He doubles it for ReLU, which
zeroes half its inputs (Var W = 2 / fan_in). ``random_normal`` draws N(0, init_stddev^2)
whatever the layer's size, which is what makes a too small or too large stddev fade or
explode through depth; ``zeros`` leaves every unit of a layer identical, so they never
learn anything different (for demonstration).

``apply_initializer(model, hp)`` re-draws every kernel of a built model (Dense, Conv,
depthwise, im2col convolutions) and zeroes its biases, except a bias the builder set to a
constant of its own (the focal-loss prior); "default" leaves the builder's own initial
weights untouched, so default builds are exactly what they were.
"""

from __future__ import annotations

import keras

from workbench.errors import WorkbenchError

#: Kernel attributes a layer may hold (Conv2D/Dense: kernel, DepthwiseConv2D: depthwise_kernel).
KERNELS = ("kernel", "depthwise_kernel", "pointwise_kernel")
NAMED = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "zeros")


def kernel_initializer(hp: dict):
    """A new Keras initializer of the kind ``hp`` asks for, or None for the builder's own ("default").

    A new one per kernel: a Keras 3 initializer draws the same values at every call, so
    one shared instance would give every layer of the same shape the same kernel. Its
    seed comes from Python's generator, which the run's seed has set.
    """
    name = hp.get("initializer", "default")
    if name == "default":
        return None
    if name == "random_normal":
        return keras.initializers.RandomNormal(stddev=float(hp.get("init_stddev", 0.05)))
    if name in NAMED:
        return keras.initializers.get(name).__class__()
    raise WorkbenchError(f"initializer={name!r} is not one of default, random_normal, {', '.join(NAMED)}")


def weighted_layers(model) -> list:
    """Every layer with a kernel, input side to output side (nested models included)."""
    found = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if any(getattr(layer, attr, None) is not None for attr in KERNELS) and layer not in found:
            found.append(layer)
    return found


def apply_initializer(model, hp: dict):
    """Re-draw ``model``'s kernels with ``hp["initializer"]`` and zero its biases; returns ``model``.

    The layer's ``kernel_initializer`` is set too, so its saved config says how it started.
    """
    if kernel_initializer(hp) is None:
        return model
    for layer in weighted_layers(model):
        for attr in KERNELS:
            kernel = getattr(layer, attr, None)
            if kernel is None:
                continue
            init = kernel_initializer(hp)
            kernel.assign(init(kernel.shape, dtype=kernel.dtype))
            if hasattr(layer, f"{attr}_initializer"):
                setattr(layer, f"{attr}_initializer", init)
        bias = getattr(layer, "bias", None)
        if bias is not None and not deliberate_bias(layer):
            bias.assign(keras.ops.zeros(bias.shape, dtype=bias.dtype))
    return model


def deliberate_bias(layer) -> bool:
    """Whether the builder gave ``layer``'s bias a value of its own (a non-zero constant such as
    RetinaNet's and FCOS's focal-loss prior -log((1 - pi) / pi)). Such a bias is part of the
    method, not of the initialisation scheme, so it is kept: zeroed, every anchor would start
    at probability 0.5 and the background's loss would swamp the first updates."""
    init = getattr(layer, "bias_initializer", None)
    return isinstance(init, keras.initializers.Constant) and float(init.value) != 0.0
