"""Generative adversarial networks (Goodfellow et al., 2014), the Keras 3 way.

A generator G maps noise z ~ N(0, I) to an image; a discriminator D scores an image as
real (logit > 0) or generated. They play the minimax game

    min_G max_D  E_x[log D(x)] + E_z[log(1 - D(G(z)))]

one step each per batch, each with its own optimizer. D minimises the binary
cross-entropy of telling the batch's real images from fresh fakes; G minimises
-log D(G(z)) (the paper's "non-saturating" loss, which gives G strong gradients early,
when D rejects its samples easily). Both losses are written on logits with softplus:
-log sigmoid(l) = softplus(-l), -log(1 - sigmoid(l)) = softplus(l).

``GAN`` is a ``keras.Model`` with its own ``train_step``, so ``fit``, its callbacks, Stop,
Pause, the live curves and exact resume work unchanged; the noise comes from the
model's own ``SeedGenerator``, whose state is part of the resume point. The images are
the data's [0, 1] pixels mapped to [-1, 1], the range of the generator's tanh.

This module also holds what every adversarial entry shares (DCGAN and WGAN subclass
``GAN``): the fixed noise batch of the sample grid, the grid's callback, the trainer
and the sampler of ``keras-workbench sample``.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.views.types import Curves, ImageGrid, View

#: Images in the sample grid drawn from the fixed noise batch while training.
GRID_SAMPLES = 36


# -- noise and pixels -----------------------------------------------------------------------

def noise_batch(seed: int, n: int, latent_dim: int) -> np.ndarray:
    """The noise vectors of sample 0 .. n-1 for ``seed``: the first k rows are the same for
    every n >= k, so a grid of 16 and one of 64 of the same seed start alike."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, latent_dim)).astype(np.float32)


def interpolate_noise(noise: np.ndarray, i: int, j: int, steps: int) -> np.ndarray:
    """``steps`` vectors on the straight line from ``noise[i]`` to ``noise[j]`` (both ends included)."""
    if not (0 <= i < len(noise) and 0 <= j < len(noise)):
        raise WorkbenchError(f"--interpolate {i},{j}: both must be sample numbers from 0 to {len(noise) - 1}")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1.0 - t) * noise[i] + t * noise[j]


def to_pixels(images) -> np.ndarray:
    """Generator output in [-1, 1] -> pixels in [0, 1]."""
    return np.clip((np.asarray(images, np.float32) + 1.0) / 2.0, 0.0, 1.0)


def _to_tanh_range(x):
    return ops.cast(x, "float32") * 2.0 - 1.0


def _real_images(data):
    """``fit`` hands (x, y) batches; the labels play no part in an unconditional GAN."""
    return data[0] if isinstance(data, (tuple, list)) else data


# -- the networks ---------------------------------------------------------------------------

def hidden_units(hp: dict) -> list[int]:
    try:
        units = [int(u) for u in str(hp["hidden_units"]).split(",") if u.strip()]
    except ValueError:
        raise WorkbenchError(f"hidden_units={hp['hidden_units']!r} must be whole numbers separated "
                             "by commas, e.g. 256,256") from None
    if not units or min(units) < 1:
        raise WorkbenchError(f"hidden_units={hp['hidden_units']!r} needs at least one layer of 1 or more units")
    return units


def check_images(info, name: str) -> tuple[int, ...]:
    shape = tuple(info.input_shape)
    if info.kind != "image" or len(shape) != 3:
        raise WorkbenchError(f"{name} generates images, but {info.name!r} holds inputs of shape {shape}")
    return shape


def mlp_generator(latent_dim: int, image_shape, units: list[int]) -> keras.Model:
    """z -> Dense/LeakyReLU stack -> tanh pixels, reshaped to the image."""
    z = keras.Input((latent_dim,), name="noise")
    x = z
    for i, n in enumerate(units):
        x = keras.layers.Dense(n, name=f"generator_dense{i + 1}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"generator_lrelu{i + 1}")(x)
    x = keras.layers.Dense(int(np.prod(image_shape)), activation="tanh", name="generator_pixels")(x)
    images = keras.layers.Reshape(image_shape, name="generator_image")(x)
    return keras.Model(z, images, name="generator")


def mlp_discriminator(image_shape, units: list[int], name: str = "discriminator") -> keras.Model:
    """Flattened image -> Dense/LeakyReLU stack -> one logit (no sigmoid: the losses take logits)."""
    images = keras.Input(image_shape, name="image")
    x = keras.layers.Flatten(name=f"{name}_flatten")(images)
    for i, n in enumerate(units[::-1]):
        x = keras.layers.Dense(n, name=f"{name}_dense{i + 1}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"{name}_lrelu{i + 1}")(x)
    score = keras.layers.Dense(1, name=f"{name}_score")(x)
    return keras.Model(images, score, name=name)


def build_gan(hp: dict, info) -> "GAN":
    """The original GAN: multilayer perceptrons on flattened images."""
    shape = check_images(info, "gan")
    units = hidden_units(hp)
    return GAN(mlp_generator(hp["latent_dim"], shape, units), mlp_discriminator(shape, units),
               latent_dim=hp["latent_dim"], seed=hp.get("seed", 0), name="gan")


# -- the model ------------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="workbench")
class GAN(keras.Model):
    """Generator and discriminator trained against each other, one step each per batch.

    ``compile(g_optimizer, d_optimizer)``; ``model(z)`` is the generator's images.
    """

    #: The second network's name in the run directory (WGAN: "critic").
    critic_name = "discriminator"

    def __init__(self, generator, discriminator, latent_dim: int, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.seed = int(latent_dim), int(seed)
        # The noise stream: a variable of the model, so the resume point carries its state.
        self.seed_generator = keras.random.SeedGenerator(self.seed, name="noise_seed")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.g_optimizer = self.d_optimizer = None
        self.built = True  # both networks are functional models, built with their inputs

    # Keras plumbing -------------------------------------------------------------------------
    def compile(self, g_optimizer=None, d_optimizer=None, optimizer=None, **kwargs):
        """Two optimizers; ``optimizer`` (what a generic caller passes) is the default for both."""
        super().compile(jit_compile=False, **kwargs)
        self.g_optimizer = g_optimizer or optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)

    def get_compile_config(self):
        return None  # the optimizers are the trainer's; a reloaded model is for sampling

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, inputs, training=False):
        """Noise vectors ``(N, latent_dim)`` -> the generator's images; images -> the
        discriminator's scores, so the saved whole model can also judge images."""
        if len(inputs.shape) == 2:
            return self.generator(inputs, training=training)
        return self.discriminator(inputs, training=training)

    def get_config(self):
        return {**super().get_config(),
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    # what the workbench reads ---------------------------------------------------------------
    def named_networks(self) -> dict:
        return {"generator": self.generator, self.critic_name: self.discriminator}

    def checkpoint_optimizers(self) -> dict:
        return {"generator": (self.g_optimizer, self.generator.trainable_variables),
                self.critic_name: (self.d_optimizer, self.discriminator.trainable_variables)}

    # training ---------------------------------------------------------------------------------
    def noise(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def train_step(self, data):
        real = _to_tanh_range(_real_images(data))
        n = ops.shape(real)[0]
        d_loss = self.discriminator_step(real, n)
        g_loss = self.generator_step(n)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return self._logs()

    def test_step(self, data):
        real = _to_tanh_range(_real_images(data))
        fake = self.generator(self.noise(ops.shape(real)[0]), training=False)
        self.track_scores(self.discriminator(real, training=False), self.discriminator(fake, training=False))
        return self._logs()

    def track_scores(self, real_scores, fake_scores) -> None:
        """Both losses of held-out images (validation: no update)."""
        self.d_loss_tracker.update_state(self.discriminator_loss(real_scores, fake_scores))
        self.g_loss_tracker.update_state(self.generator_loss(fake_scores))

    def _logs(self) -> dict:
        logs = {m.name: m.result() for m in self.metrics}
        logs["loss"] = logs["d_loss"]  # the shared loss curve follows the discriminator
        return logs

    @staticmethod
    def discriminator_loss(real_logits, fake_logits):
        """Binary cross-entropy: real -> 1, fake -> 0."""
        return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))

    @staticmethod
    def generator_loss(fake_logits):
        """Non-saturating: -log D(G(z))."""
        return ops.mean(ops.softplus(-fake_logits))

    def discriminator_step(self, real, n):
        import tensorflow as tf

        fake = self.generator(self.noise(n), training=True)
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            loss = self.discriminator_loss(self.discriminator(real, training=True),
                                           self.discriminator(fake, training=True))
        self.d_optimizer.apply(tape.gradient(loss, variables), variables)
        return loss

    def generator_step(self, n):
        import tensorflow as tf

        z = self.noise(n)
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            loss = self.generator_loss(self.discriminator(self.generator(z, training=True), training=True))
        self.g_optimizer.apply(tape.gradient(loss, variables), variables)
        return loss


# -- optimizers -----------------------------------------------------------------------------

def adversarial_optimizer(hp: dict, paper: str = "adam", **paper_adam):
    """One network's optimizer: ``optimizer=paper`` (or a GAN entry's default ``adam``) is the
    paper's own; any other choice is the workbench's shared one."""
    from workbench.training.job import make_optimizer

    name = hp.get("optimizer", "adam")
    if name == "paper":
        name = paper
    clip = {"global_clipnorm": hp["clipnorm"]} if hp.get("clipnorm") else {}
    if name == "adam":
        settings = paper_adam or {"beta_1": hp.get("beta_1", 0.5)}
        return keras.optimizers.Adam(hp["learning_rate"], **settings, **clip)
    return make_optimizer({**hp, "optimizer": name})


# -- the trainer and its views --------------------------------------------------------------

def train_adversarial(ctx):
    """Build the entry's GAN, give it its two optimizers, ``fit`` it with the sample grid."""
    from workbench.training.job import fit_arrays

    data = ctx.dataset
    model = ctx.entry.build({**ctx.hp, "seed": ctx.config.seed}, data.info)
    g_opt, d_opt = model.make_optimizers(ctx.hp) if hasattr(model, "make_optimizers") else (
        adversarial_optimizer(ctx.hp), adversarial_optimizer(ctx.hp))
    model.compile(g_optimizer=g_opt, d_optimizer=d_opt)
    views = GeneratorSamples(ctx.emit, noise_batch(ctx.config.seed, GRID_SAMPLES, model.latent_dim),
                             curves=getattr(model, "live_curves", ()), history=ctx.history)
    return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val, extra_callbacks=[views])


train_adversarial.resumable = True  # it trains through fit_arrays, both optimizers in the resume point


class GeneratorSamples(keras.callbacks.Callback):
    """The generator's images for one FIXED noise batch, so the grid shows the same samples
    improving, at most once per ``min_interval`` seconds and always after the last epoch;
    and the epoch curves of ``curves`` (WGAN's Wasserstein estimate) as a view of their own."""

    def __init__(self, emit, noise: np.ndarray, curves=(), history=None, min_interval: float = 1.5):
        super().__init__()
        self.emit, self.noise, self.curves, self.min_interval = emit, noise, tuple(curves), min_interval
        self.values = {key: list((history or {}).get(key, [])) for key in self.curves}  # a resumed run's past
        self._last_time = -math.inf
        self._pending = None

    def on_epoch_end(self, epoch, logs=None):
        for key in self.curves:
            if logs and key in logs:
                self.values[key].append(float(logs[key]))
        self._pending = epoch + 1
        last = epoch + 1 >= self.params.get("epochs", 0)
        if last or time.monotonic() - self._last_time >= self.min_interval:
            self._show()

    def on_train_end(self, logs=None):
        if self._pending is not None:  # Stop or the last epoch: the newest state is shown
            self._show()

    def _show(self) -> None:
        step, self._pending = self._pending, None
        images = to_pixels(self.model.generator(self.noise, training=False))
        self.emit(View("samples", ImageGrid(images, columns=int(math.sqrt(len(images)))),
                       "Generator samples, fixed noise", step))
        for key, values in self.values.items():
            if values:
                epochs = np.arange(1, len(values) + 1)
                self.emit(View(key, Curves({key: (epochs, values)}, "epoch", key),
                               f"{key.capitalize()} estimate per epoch", step))
        self._last_time = time.monotonic()


# -- sampling a trained run -----------------------------------------------------------------

def sample_generator(run_dir: str, n: int, seed: int, interpolate=None):
    """``n`` images of ``RUN/generator.keras`` from ``noise_batch(seed, n)`` (the generic
    sampler's draw, so ``--model generator`` gives the same grid); with ``interpolate=(i, j)``,
    ``n`` images along the line between the noise vectors of samples i and j of that batch."""
    from workbench.models.generative.sampling import load_network

    generator = load_network(run_dir, "generator")
    latent_dim = int(generator.inputs[0].shape[-1])
    if interpolate:
        i, j = interpolate
        noise = interpolate_noise(noise_batch(seed, max(n, i + 1, j + 1), latent_dim), i, j, n)
        ends = {0: f"#{i}", n - 1: f"#{j}"}
        captions = [ends.get(k, f"t={t:.2f}") for k, t in enumerate(np.linspace(0.0, 1.0, n))]
    else:
        noise = noise_batch(seed, n, latent_dim)
        captions = [f"#{k}" for k in range(n)]
    return to_pixels(generator(noise, training=False)), captions


def register_gan_sampler(entry_name: str) -> None:
    from workbench.models.generative.sampling import register_sampler

    register_sampler(entry_name, sample_generator)


register_gan_sampler("gan")
