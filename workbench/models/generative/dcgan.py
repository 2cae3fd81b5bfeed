"""DCGAN (Radford, Metz & Chintala, 2016): the GAN game with convolutional networks.

The paper's guidelines, kept here: strided convolutions instead of pooling (transposed
ones in the generator), batch normalisation in both networks (not on the generator's
output nor the discriminator's input), ReLU in the generator with tanh at its output,
LeakyReLU (slope 0.2) in the discriminator, no fully connected hidden layers, and Adam
with learning rate 2e-4 and beta_1 = 0.5. An image of H x W is generated from an
(H/4) x (W/4) map doubled twice, so H and W must be multiples of 4 (8x8 digits, 28x28
MNIST, 32x32 CIFAR).
"""

from __future__ import annotations

import keras

from workbench.errors import WorkbenchError
from workbench.models.generative.gan import GAN, register_gan_sampler, check_images


def conv_generator(latent_dim: int, image_shape, filters: int, batch_norm: bool = True) -> keras.Model:
    """z -> (H/4, W/4, 2f) -> (H/2, W/2, f) -> (H, W, C) by two stride-2 transposed convolutions."""
    height, width, channels = image_shape
    z = keras.Input((latent_dim,), name="noise")
    x = keras.layers.Dense((height // 4) * (width // 4) * filters * 2, use_bias=not batch_norm,
                           name="generator_project")(z)
    x = keras.layers.Reshape((height // 4, width // 4, filters * 2), name="generator_reshape")(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name="generator_project_bn")(x)
    x = keras.layers.ReLU(name="generator_project_relu")(x)
    x = keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=not batch_norm,
                                     name="generator_up1_conv")(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name="generator_up1_bn")(x)
    x = keras.layers.ReLU(name="generator_up1_relu")(x)
    images = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh",
                                          name="generator_up2_conv")(x)
    return keras.Model(z, images, name="generator")


def conv_discriminator(image_shape, filters: int, batch_norm: bool = True,
                       name: str = "discriminator") -> keras.Model:
    """Image -> two stride-2 convolutions with LeakyReLU -> one logit (no batch norm on the input
    layer; none at all in a WGAN critic, whose penalty is per sample)."""
    images = keras.Input(image_shape, name="image")
    x = keras.layers.Conv2D(filters, 4, strides=2, padding="same", name=f"{name}_down1_conv")(images)
    x = keras.layers.LeakyReLU(0.2, name=f"{name}_down1_lrelu")(x)
    x = keras.layers.Conv2D(filters * 2, 4, strides=2, padding="same", use_bias=not batch_norm,
                            name=f"{name}_down2_conv")(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_down2_bn")(x)
    x = keras.layers.LeakyReLU(0.2, name=f"{name}_down2_lrelu")(x)
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    score = keras.layers.Dense(1, name=f"{name}_score")(x)
    return keras.Model(images, score, name=name)


def check_conv_shape(info, name: str):
    shape = check_images(info, name)
    if shape[0] % 4 or shape[1] % 4:
        raise WorkbenchError(f"{name} doubles a (H/4, W/4) map twice, so the images' height and width "
                             f"must be multiples of 4; {info.name!r} has {shape[0]}x{shape[1]}")
    return shape


def build_dcgan(hp: dict, info) -> GAN:
    shape = check_conv_shape(info, "dcgan")
    return GAN(conv_generator(hp["latent_dim"], shape, hp["filters"]), conv_discriminator(shape, hp["filters"]),
               latent_dim=hp["latent_dim"], seed=hp.get("seed", 0), name="dcgan")


register_gan_sampler("dcgan")
