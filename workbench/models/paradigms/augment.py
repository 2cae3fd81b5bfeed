"""The random views self-supervised learning compares (SimCLR, BYOL).

Two views of one image should map to the same representation, so the augmentations
define what the representation ignores. Chen et al. (2020) found crop-and-resize plus
colour distortion the decisive pair; for small grey digits that becomes a random affine
warp (zoom, rotation, shift: the crop), brightness and contrast jitter (the colour),
Gaussian noise and a cut-out square. No flips: a mirrored 2 is not a 2.

Every draw comes from the model's ``keras.random.SeedGenerator``, whose state is in the
resume point, so a resumed run draws the same views as an uninterrupted one.
"""

from __future__ import annotations

import math

from keras import ops, random


def augment(images, seed_generator, strength: float = 1.0):
    """A random view of each image of a ``(N, H, W, C)`` batch in [0, 1]; ``strength`` scales
    every distortion (0 = the images unchanged)."""
    images = ops.cast(images, "float32")
    images = random_affine(images, seed_generator, strength)
    images = random_brightness_contrast(images, seed_generator, strength)
    images = images + 0.05 * strength * random.normal(ops.shape(images), seed=seed_generator)
    images = random_cutout(images, seed_generator, strength)
    return ops.clip(images, 0.0, 1.0)


def random_affine(images, seed_generator, strength: float):
    """Zoom in 0.8-1.15, rotate up to 15 degrees, shift up to 12 % of the side, one draw per image."""
    n = ops.shape(images)[0]
    height, width = images.shape[1], images.shape[2]

    def uniform(low, high):
        return random.uniform((n,), low, high, seed=seed_generator)

    scale = 1.0 + strength * uniform(-0.2, 0.15)
    angle = strength * uniform(-math.radians(15), math.radians(15))
    shift_x = strength * uniform(-0.12, 0.12) * width
    shift_y = strength * uniform(-0.12, 0.12) * height
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    # ops.image.affine_transform maps each OUTPUT pixel (x, y) to the input pixel it reads:
    # input = R(-angle) (output - centre) / scale + centre - shift
    cos, sin = ops.cos(angle) / scale, ops.sin(angle) / scale
    a0, a1, b0, b1 = cos, -sin, sin, cos
    a2 = cx - a0 * cx - a1 * cy - shift_x
    b2 = cy - b0 * cx - b1 * cy - shift_y
    zeros = ops.zeros_like(a0)
    transform = ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    return ops.image.affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                                      fill_value=0.0, data_format="channels_last")


def random_brightness_contrast(images, seed_generator, strength: float):
    """Contrast x0.6-1.4 about the image's mean, then brightness +-0.2."""
    n = ops.shape(images)[0]
    contrast = 1.0 + strength * random.uniform((n, 1, 1, 1), -0.4, 0.4, seed=seed_generator)
    brightness = strength * random.uniform((n, 1, 1, 1), -0.2, 0.2, seed=seed_generator)
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * contrast + mean + brightness


def random_cutout(images, seed_generator, strength: float):
    """Blank a square of a quarter of the side at a random place in half of the images."""
    n = ops.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    half = max(1, round(min(height, width) / 8))
    centre_y = random.uniform((n, 1, 1, 1), 0, height, seed=seed_generator)
    centre_x = random.uniform((n, 1, 1, 1), 0, width, seed=seed_generator)
    applied = ops.cast(random.uniform((n, 1, 1, 1), 0, 1, seed=seed_generator) < 0.5 * min(strength, 1.0),
                       "float32")
    rows = ops.reshape(ops.arange(height, dtype="float32"), (1, height, 1, 1))
    cols = ops.reshape(ops.arange(width, dtype="float32"), (1, 1, width, 1))
    inside = ops.cast(ops.abs(rows - centre_y) < half, "float32") * ops.cast(ops.abs(cols - centre_x) < half,
                                                                             "float32")
    return images * (1.0 - applied * inside)
