"""The autoencoder, and what the autoencoder family (AE, VAE, VQ-VAE) shares.

An encoder maps an image to a small code, a decoder maps the code back; trained to
reproduce its input (Hinton & Salakhutdinov 2006), the bottleneck keeps what matters.
Shared here: the convolutional encoder/decoder pair, the reconstruction loss, the
``EncoderDecoder`` base model (its networks, trackers and config), the views callback
and the trainer that runs them all through ``fit_arrays`` (so Stop, Pause and resume
work as for any ``fit`` run).
"""

from __future__ import annotations

import time

import keras
import numpy as np
from keras import layers, ops

from workbench.errors import WorkbenchError
from workbench.views.types import ImageGrid, View

#: Images shown in the reconstruction view (and kept fixed over the run).
SHOWN = 8
_EPS = 1e-7


# ----------------------------------------------------------------------------- networks
def image_shape(info) -> tuple[int, int, int]:
    shape = tuple(int(v) for v in info.input_shape)
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3 or shape[-1] not in (1, 3):
        raise WorkbenchError(f"{info.name} holds inputs of shape {info.input_shape}; the generative models "
                             "need gray or colour images (height, width, channels)")
    return shape


def halvings(shape) -> int:
    """How many stride-2 convolutions the image takes: while both sides are even and larger
    than 7, at most two (8 -> 4, 28 -> 14 -> 7, 32 -> 16 -> 8)."""
    h, w = shape[:2]
    count = 0
    while count < 2 and h % 2 == 0 and w % 2 == 0 and min(h, w) > 7:
        h, w, count = h // 2, w // 2, count + 1
    return count


def conv_trunk(inputs, filters: int, downs: int):
    x = inputs
    for i in range(downs):
        x = layers.Conv2D(filters * 2 ** i, 3, strides=2, padding="same", activation="relu",
                          name=f"conv{i + 1}")(x)
    return x


def feature_shape(shape, filters: int, downs: int) -> tuple[int, int, int]:
    return shape[0] // 2 ** downs, shape[1] // 2 ** downs, filters * 2 ** max(downs - 1, 0)


def dense_encoder(shape, latent: int, filters: int, hidden: int, heads=("z",), name="encoder") -> keras.Model:
    """Image -> one dense code per head (``("z_mean", "z_log_var")`` for the VAE)."""
    inputs = keras.Input(shape=shape, name="image")
    x = layers.Flatten(name="flatten")(conv_trunk(inputs, filters, halvings(shape)))
    x = layers.Dense(hidden, activation="relu", name="hidden")(x)
    outputs = [layers.Dense(latent, name=head)(x) for head in heads]
    return keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0], name=name)


def upsample_to_image(x, shape, filters: int, downs: int):
    """Feature map -> image in [0, 1] through transposed convolutions (the tensor, not a model)."""
    for i in reversed(range(downs)):
        x = layers.Conv2DTranspose(filters * 2 ** i, 3, strides=2, padding="same", activation="relu",
                                   name=f"deconv{i + 1}")(x)
    return layers.Conv2D(shape[-1], 3, padding="same", activation="sigmoid", name="pixels")(x)


def dense_decoder(shape, latent: int, filters: int, hidden: int, name="decoder") -> keras.Model:
    downs = halvings(shape)
    fh, fw, fc = feature_shape(shape, filters, downs)
    inputs = keras.Input(shape=(latent,), name="z")
    x = layers.Dense(hidden, activation="relu", name="hidden")(inputs)
    x = layers.Dense(fh * fw * fc, activation="relu", name="expand")(x)
    x = layers.Reshape((fh, fw, fc), name="feature_map")(x)
    return keras.Model(inputs, upsample_to_image(x, shape, filters, downs), name=name)


def reconstruction_loss(x, x_hat):
    """Binary cross-entropy summed over an image's pixels (its negative log-likelihood under
    independent Bernoulli pixels), averaged over the batch. Images are in [0, 1]."""
    x_hat = ops.clip(x_hat, _EPS, 1.0 - _EPS)
    per_pixel = -(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat))
    return ops.mean(ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=1))


# ----------------------------------------------------------------------------- the models
class EncoderDecoder(keras.Model):
    """An encoder and a decoder trained together by the subclass's ``losses(x, training)``,
    which returns ``{"loss": total, other named terms...}``; each term gets a ``Mean``
    tracker, so ``fit`` logs it and ``evaluate`` gives its ``val_`` counterpart."""

    LOSS_TERMS: tuple[str, ...] = ("loss",)

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.trackers = {term: keras.metrics.Mean(name=term) for term in self.LOSS_TERMS}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def build(self, input_shape=None):
        self.built = True  # the networks are functional models, built already

    def named_networks(self) -> dict:
        return {"encoder": self.encoder, "decoder": self.decoder}

    def train_step(self, data):
        import tensorflow as tf

        x = _images(data)
        with tf.GradientTape() as tape:
            terms = self.losses_of(x, training=True)
            total = terms["loss"] + (ops.sum(self.losses) if self.losses else 0.0)  # the L2 penalty
        grads = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return self._track(terms)

    def test_step(self, data):
        return self._track(self.losses_of(_images(data), training=False))

    def _track(self, terms: dict) -> dict:
        for name, value in terms.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def get_config(self):
        return {**super().get_config(), "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


@keras.saving.register_keras_serializable(package="workbench")
class AutoEncoder(EncoderDecoder):
    """Deterministic code z = f(x); loss = reconstruction."""

    LOSS_TERMS = ("loss", "reconstruction")

    def call(self, x, training=False):
        return self.decoder(self.encoder(x, training=training), training=training)

    def losses_of(self, x, training: bool) -> dict:
        recon = reconstruction_loss(x, self(x, training=training))
        return {"loss": recon, "reconstruction": recon}

    def encode(self, x) -> np.ndarray:
        return predict(self.encoder, x)


def _images(data):
    return data[0] if isinstance(data, (tuple, list)) else data


def predict(network, x, batch: int = 256) -> np.ndarray:
    """``network(x)`` in batches, as NumPy (no ``predict``: its progress machinery costs more
    than these small networks)."""
    rows = [np.asarray(network(np.asarray(x[i:i + batch], np.float32), training=False))
            for i in range(0, len(x), batch)]
    return np.concatenate(rows) if rows else np.zeros((0,))


def build_autoencoder(hp: dict, info) -> keras.Model:
    shape = image_shape(info)
    encoder = dense_encoder(shape, hp["latent"], hp["filters"], hp["hidden"])
    decoder = dense_decoder(shape, hp["latent"], hp["filters"], hp["hidden"])
    model = AutoEncoder(encoder, decoder, name="autoencoder")
    model.build(shape)
    return model


# ----------------------------------------------------------------------------- views
def reconstruction_view(model, x_shown, step: int) -> View:
    """Fixed validation images (top row) and their reconstructions (row below)."""
    recon = predict(model, x_shown)
    images = np.concatenate([x_shown, recon])
    captions = ["input"] * len(x_shown) + ["reconstruction"] * len(recon)
    return View("reconstructions", ImageGrid(images, captions, columns=len(x_shown)),
                "Validation images (top) and their reconstructions (bottom)", step)


def shown_images(dataset) -> np.ndarray:
    x = getattr(dataset, "x_val", None)
    if x is None or not len(x):
        x = dataset.x_train
    return np.asarray(x[:SHOWN], np.float32)


def autoencoder_views(model, dataset, hp, step: int) -> list[View]:
    return [reconstruction_view(model, shown_images(dataset), step)]


class GenerativeViews(keras.callbacks.Callback):
    """Emits ``make_views(model, dataset, hp, step)`` while training: at most once per
    ``min_interval`` seconds of wall time, and always for the last epoch done."""

    def __init__(self, emit, make_views, dataset, hp, min_interval: float = 1.5):
        super().__init__()
        self.emit, self.make_views, self.dataset, self.hp = emit, make_views, dataset, hp
        self.min_interval = min_interval
        self._last_time = -float("inf")
        self._done = self._shown = None

    def on_epoch_end(self, epoch, logs=None):
        self._done = epoch + 1
        last = epoch + 1 >= self.params.get("epochs", 0)
        if last or time.monotonic() - self._last_time >= self.min_interval:
            self._show()

    def on_train_end(self, logs=None):
        if self._done is not None and self._shown != self._done:
            self._show()  # Stop or early stopping ended the run before its last planned epoch

    def _show(self):
        for view in self.make_views(self.model, self.dataset, self.hp, self._done):
            self.emit(view)
        self._last_time, self._shown = time.monotonic(), self._done


def make_trainer(make_views):
    """A trainer for an entry of this family: its model through ``fit_arrays`` with the
    family's views. The labels travel with the images (the model ignores them) so the
    data order is the standard one and validation scatters can be coloured by class."""

    def train(ctx):
        from workbench.training.job import apply_l2, fit_arrays, make_optimizer

        data, hp = ctx.dataset, ctx.hp
        model = ctx.entry.build(hp, data.info)
        apply_l2(model, hp.get("l2", 0.0))
        model.compile(optimizer=make_optimizer(hp))  # the losses are the model's own train_step
        views = GenerativeViews(ctx.emit, make_views, data, hp)
        return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val,
                          extra_callbacks=[views])

    train.resumable = True  # it trains through fit_arrays
    return train


train_autoencoder = make_trainer(autoencoder_views)


# ----------------------------------------------------------------------------- sampling
def sample_autoencoder(run_dir: str, n: int, seed: int, interpolate):
    """A plain autoencoder has no prior over its codes: new codes are drawn from a Gaussian
    fitted (mean and full covariance) to the validation images' codes, then decoded."""
    from workbench.models.generative import sampling

    encoder, decoder = sampling.load_network(run_dir, "encoder"), sampling.load_network(run_dir, "decoder")
    x_val, _ = sampling.validation_data(run_dir)
    if interpolate is not None:
        return sampling.interpolate_codes(decoder, predict(encoder, x_val), interpolate, n)
    return draw_autoencoder(encoder, decoder, x_val, n, seed)


def draw_autoencoder(encoder, decoder, x_val, n: int, seed: int):
    codes = predict(encoder, x_val).reshape(len(x_val), -1)
    mean = codes.mean(axis=0)
    cov = np.atleast_2d(np.cov(codes, rowvar=False)) + 1e-6 * np.eye(codes.shape[1])
    z = np.random.default_rng(seed).multivariate_normal(mean, cov, size=n, method="cholesky")
    return predict(decoder, z.astype(np.float32)), [f"z~N(val codes) #{i}" for i in range(n)]


def _register():
    from workbench.models.generative.sampling import register_sampler

    register_sampler("autoencoder", sample_autoencoder)


_register()
