"""The variational autoencoder (Kingma & Welling 2014).

The encoder gives a Gaussian q(z|x) = N(mu, sigma^2) per image; a code is drawn with the
reparameterisation trick, z = mu + sigma * eps with eps ~ N(0, I) from the model's own
seed generator, so the gradient flows through mu and log sigma^2 to the encoder (a
sample drawn directly would stop it). The loss is the negative ELBO,
reconstruction + beta * KL(q(z|x) || N(0, I)); beta = 1 is the VAE, beta > 1 the beta-VAE.
New images are decoded from z ~ N(0, I).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from workbench.models.generative.autoencoder import (EncoderDecoder, autoencoder_views, dense_decoder,
                                                     dense_encoder, image_shape, make_trainer, predict,
                                                     reconstruction_loss)
from workbench.views.types import ImageGrid, Scatter, View

#: The traversal grid: each of two latent dimensions over [-RANGE, RANGE] in STEPS values.
TRAVERSAL_RANGE, TRAVERSAL_STEPS = 2.5, 7
INTERPOLATION_STEPS = 8


def kl_divergence(z_mean, z_log_var):
    """KL(N(mu, sigma^2) || N(0, I)) summed over the latent dimensions, averaged over the batch."""
    per_dim = -0.5 * (1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
    return ops.mean(ops.sum(per_dim, axis=1))


@keras.saving.register_keras_serializable(package="workbench")
class VAE(EncoderDecoder):
    LOSS_TERMS = ("loss", "reconstruction", "kl")

    def __init__(self, encoder, decoder, beta: float = 1.0, seed: int | None = None, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.beta, self.seed = float(beta), seed
        # created here so that its state is a model variable: checkpointed, resumed exactly;
        # without a seed it draws its start from the run's seed (``seed_everything``)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def reparameterize(self, z_mean, z_log_var):
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def call(self, x, training=False):
        """The reconstruction of ``x`` from its posterior mean (deterministic)."""
        z_mean, _ = self.encoder(x, training=training)
        return self.decoder(z_mean, training=training)

    def losses_of(self, x, training: bool) -> dict:
        z_mean, z_log_var = self.encoder(x, training=training)
        x_hat = self.decoder(self.reparameterize(z_mean, z_log_var), training=training)
        recon = reconstruction_loss(x, x_hat)
        kl = kl_divergence(z_mean, z_log_var)
        return {"loss": recon + self.beta * kl, "reconstruction": recon, "kl": kl}

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "seed": self.seed}


def build_vae(hp: dict, info) -> keras.Model:
    shape = image_shape(info)
    encoder = dense_encoder(shape, hp["latent"], hp["filters"], hp["hidden"], heads=("z_mean", "z_log_var"))
    decoder = dense_decoder(shape, hp["latent"], hp["filters"], hp["hidden"])
    model = VAE(encoder, decoder, beta=hp["beta"], name="vae")
    model.build(shape)
    return model


# ----------------------------------------------------------------------------- views
def posterior_means(model, x) -> np.ndarray:
    return posterior_means_of(model.encoder, x)


def posterior_means_of(encoder, x) -> np.ndarray:
    rows = [np.asarray(encoder(np.asarray(x[i:i + 256], np.float32), training=False)[0])
            for i in range(0, len(x), 256)]
    return np.concatenate(rows) if rows else np.zeros((0, 0), np.float32)


def traversal_dims(model, x) -> tuple[int, int]:
    """The two latent dimensions the validation means spread most along (the ones in use;
    collapsed dimensions sit at 0 for every image)."""
    spread = posterior_means(model, x).var(axis=0)
    order = np.argsort(-spread, kind="stable")
    return (int(order[0]), int(order[1] if len(order) > 1 else order[0]))


def traversal_view(model, dims: tuple[int, int], latent: int, step: int) -> View:
    values = np.linspace(-TRAVERSAL_RANGE, TRAVERSAL_RANGE, TRAVERSAL_STEPS)
    z = np.zeros((TRAVERSAL_STEPS ** 2, latent), np.float32)
    for r, a in enumerate(values):  # rows vary the first dimension, columns the second
        for c, b in enumerate(values):
            z[r * TRAVERSAL_STEPS + c, dims[0]] = a
            if dims[1] != dims[0]:
                z[r * TRAVERSAL_STEPS + c, dims[1]] = b
    images = predict(model.decoder, z)
    # no caption per tile (49 of them would hide the images): the axes are in the title
    return View("latent_traversal", ImageGrid(images, columns=TRAVERSAL_STEPS),
                f"Latent traversal, -{TRAVERSAL_RANGE} to +{TRAVERSAL_RANGE}: z{dims[0]} down, "
                f"z{dims[1]} across (others 0)", step)


def interpolation_view(model, x, pair: tuple[int, int], step: int) -> View:
    from workbench.models.generative.sampling import interpolate_codes

    i, j = (min(max(k, 0), len(x) - 1) for k in pair)
    means = posterior_means(model, x[[i, j]])
    images, captions = interpolate_codes(model.decoder, means, (0, 1), INTERPOLATION_STEPS)
    captions[0], captions[-1] = f"#{i}", f"#{j}"
    return View("interpolation", ImageGrid(images, captions, columns=INTERPOLATION_STEPS),
                f"Interpolation of the posterior means of validation images {i} and {j}", step)


def latent_scatter_view(model, x, y, class_names, step: int) -> View:
    means = posterior_means(model, x)
    labels = np.asarray(y) if y is not None and np.asarray(y).ndim == 1 else None
    return View("latent_space", Scatter(means, labels, list(class_names or ()), "pca", "z1", "z2"),
                "Posterior means of the validation images" + (" (PCA)" if means.shape[1] > 2 else ""), step)


def vae_views(model, dataset, hp, step: int) -> list[View]:
    x = np.asarray(dataset.x_val if len(dataset.x_val) else dataset.x_train, np.float32)
    y = dataset.y_val if len(dataset.x_val) else dataset.y_train
    views = autoencoder_views(model, dataset, hp, step)
    views.append(traversal_view(model, traversal_dims(model, x), hp["latent"], step))
    views.append(interpolation_view(model, x, (hp["interpolate_from"], hp["interpolate_to"]), step))
    if hp["latent"] >= 2:
        views.append(latent_scatter_view(model, x, y, dataset.info.class_names, step))
    return views


train_vae = make_trainer(vae_views)


# ----------------------------------------------------------------------------- sampling
def sample_vae(run_dir: str, n: int, seed: int, interpolate):
    """z ~ N(0, I) (the prior the KL term pulls the posteriors towards), decoded."""
    from workbench.models.generative import sampling

    decoder = sampling.load_network(run_dir, "decoder")
    if interpolate is not None:
        encoder = sampling.load_network(run_dir, "encoder")
        x_val, _ = sampling.validation_data(run_dir)
        return sampling.interpolate_codes(decoder, posterior_means_of(encoder, x_val), interpolate, n)
    return draw_vae(decoder, n, seed)


def draw_vae(decoder, n: int, seed: int):
    latent = int(decoder.inputs[0].shape[-1])
    z = np.random.default_rng(seed).standard_normal((n, latent)).astype(np.float32)
    return predict(decoder, z), [f"z~N(0,I) #{k}" for k in range(n)]


def _register():
    from workbench.models.generative.sampling import register_sampler

    register_sampler("vae", sample_vae)


_register()
