"""Posterior collapse: a VAE with an autoregressive decoder learns to ignore its latent code.

The VAE's loss is reconstruction + KL(q(z|x) || p(z)). A decoder that models every pixel
independently given z (the factorised decoder) needs z to say which digit it is drawing,
so the KL term pays for information and stays well above 0. A PixelCNN decoder can model
the image on its own, pixel by pixel from the pixels before: the KL term is then a pure
cost, and the optimum found is q(z|x) = p(z) for every x, KL ~ 0 - the latent is unused
(Bowman et al. 2016; Chen et al., Variational Lossy Autoencoder, 2017). A VQ-VAE cannot
collapse this way: its posterior is a one-hot choice of code per position under a uniform
prior, so its KL is the constant log K per position, and what tells whether the codes carry
information is their usage (the entropy of the codes in use over log K).

``CollapseVAE(decoder="pixelcnn" | "factorised")`` is the same encoder and the same ELBO with
the two decoders; ``benchmarks/posterior_collapse.py`` trains both (and a ``vq_vae`` run) for
the same budget and prints the KL per epoch.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from workbench.models.generative.pixelcnn import PixelCNN, quantise_numpy
from workbench.models.generative.vae import kl_divergence

DECODERS = ("pixelcnn", "factorised")


@keras.saving.register_keras_serializable(package="workbench")
class CollapseVAE(keras.Model):
    """A VAE over quantised images: x (B, H, W) integer levels -> q(z|x) -> p(x|z).

    The reconstruction term is the negative log-likelihood of the image in nats (summed over
    its pixels), the KL term the closed form for Gaussians; both averaged over the batch.
    """

    LOSS_TERMS = ("loss", "reconstruction", "kl")

    def __init__(self, decoder="pixelcnn", levels=2, map_shape=(8, 8), latent=8, hidden=128, filters=32,
                 residual_blocks=3, seed=None, **kwargs):
        super().__init__(**kwargs)
        if decoder not in DECODERS:
            raise ValueError(f"decoder={decoder!r} must be one of {DECODERS}")
        self.decoder_kind, self.levels, self.latent = decoder, int(levels), int(latent)
        self.map_shape, self.hidden, self.filters = tuple(int(d) for d in map_shape), int(hidden), int(filters)
        self.residual_blocks, self.seed = int(residual_blocks), seed
        height, width = self.map_shape
        self.encoder_layers = [keras.layers.Flatten(), keras.layers.Dense(hidden, activation="relu", name="enc_hidden"),
                               keras.layers.Dense(2 * latent, name="enc_stats")]
        if decoder == "pixelcnn":
            self.pixelcnn = PixelCNN(levels, self.map_shape, filters, residual_blocks, first_kernel=5,
                                     condition_dim=latent, name="pixelcnn_decoder")
        else:
            self.decoder_layers = [keras.layers.Dense(hidden, activation="relu", name="dec_hidden"),
                                   keras.layers.Dense(height * width * levels, name="dec_logits"),
                                   keras.layers.Reshape((height, width, levels))]
        self.seed_generator = keras.random.SeedGenerator(seed)  # a variable: checkpointed with the model
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.LOSS_TERMS}

    def encode(self, maps):
        """q(z|x): the mean and log-variance of z for integer maps."""
        h = ops.one_hot(ops.cast(maps, "int32"), self.levels)
        for layer in self.encoder_layers:
            h = layer(h)
        return h[:, :self.latent], h[:, self.latent:]

    def decoder_logits(self, maps, z):
        """Logits of p(x|z) at every pixel: the PixelCNN's also see the pixels before."""
        if self.decoder_kind == "pixelcnn":
            return self.pixelcnn.logits(maps, z)
        h = z
        for layer in self.decoder_layers:
            h = layer(h)
        return h

    def reparameterize(self, z_mean, z_log_var):
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def build(self, input_shape=None):
        maps = ops.zeros((1, *self.map_shape), "int32")
        self.decoder_logits(maps, self.encode(maps)[0])
        self.built = True

    def call(self, maps, training=False):
        """p(x|z) at the posterior mean (teacher-forced for the PixelCNN decoder)."""
        z_mean, _ = self.encode(maps)
        return ops.softmax(self.decoder_logits(maps, z_mean), axis=-1)

    def losses_of(self, maps, training=False) -> dict:
        maps = ops.cast(maps, "int32")
        z_mean, z_log_var = self.encode(maps)
        logits = self.decoder_logits(maps, self.reparameterize(z_mean, z_log_var))
        per_pixel = keras.losses.sparse_categorical_crossentropy(maps, logits, from_logits=True)
        recon = ops.mean(ops.sum(per_pixel, axis=(1, 2)))
        kl = kl_divergence(z_mean, z_log_var)
        return {"loss": recon + kl, "reconstruction": recon, "kl": kl}

    def train_step(self, data):
        maps = keras.utils.unpack_x_y_sample_weight(data)[0]
        with tf.GradientTape() as tape:
            terms = self.losses_of(maps, training=True)
        grads = tape.gradient(terms["loss"], self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return self._track(terms, ops.shape(maps)[0])

    def test_step(self, data):
        maps = keras.utils.unpack_x_y_sample_weight(data)[0]
        return self._track(self.losses_of(maps), ops.shape(maps)[0])

    def _track(self, terms, batch):
        for name, value in terms.items():  # weighted: the mean over images, not over batches
            self.trackers[name].update_state(value, sample_weight=ops.cast(batch, "float32"))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def get_config(self):
        return {**super().get_config(), "decoder": self.decoder_kind, "levels": self.levels,
                "map_shape": list(self.map_shape), "latent": self.latent, "hidden": self.hidden,
                "filters": self.filters, "residual_blocks": self.residual_blocks, "seed": self.seed}


def kl_curve(decoder: str, x_train, x_val, epochs: int, levels: int = 2, latent: int = 8, batch_size: int = 64,
             seed: int = 0, learning_rate: float = 1e-3, **sizes) -> dict:
    """Train a ``CollapseVAE`` with ``decoder`` on images in [0, 1]; the per-epoch
    validation ``kl`` and ``reconstruction`` (nats per image) and the trained model."""
    keras.utils.set_random_seed(seed)
    train, val = quantise_numpy(x_train, levels), quantise_numpy(x_val, levels)
    model = CollapseVAE(decoder, levels, train.shape[1:3], latent, seed=seed, **sizes)
    model.build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    history = model.fit(train, epochs=epochs, batch_size=batch_size, validation_data=(val,), verbose=0,
                        shuffle=True)
    return {"kl": history.history["val_kl"], "reconstruction": history.history["val_reconstruction"],
            "model": model}


def code_usage(codes: np.ndarray, k: int) -> dict:
    """How much of a VQ-VAE's codebook carries information: the entropy H of the codes'
    histogram over all positions, H / log K (1 = every code used equally, 0 = one code), the
    perplexity exp(H), and the KL per position, log K (constant: uniform prior, one-hot q)."""
    counts = np.bincount(np.asarray(codes, np.int64).ravel(), minlength=k).astype(np.float64)
    p = counts / max(counts.sum(), 1.0)
    entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
    return {"entropy": entropy, "usage": entropy / np.log(k), "perplexity": float(np.exp(entropy)),
            "codes_used": int((counts > 0).sum()), "kl_per_position": float(np.log(k))}
