"""VQ-VAE: a discrete latent space (van den Oord, Vinyals & Kavukcuoglu 2017).

The encoder gives a grid of vectors z_e; each is replaced by its nearest of K codebook
embeddings e_k (``VectorQuantizer``). argmin has no gradient, so the decoder's gradient is
copied straight through to the encoder: z_q = z_e + sg(q - z_e) equals q going forward and
has the identity's gradient going back. The loss (notes 002):

    L = reconstruction + ||sg[z_e] - e||^2 (vq_loss: moves the embeddings to the codes)
        + beta * ||z_e - sg[e]||^2        (commitment: keeps the encoder near its codes)

Codes do not collapse the way a VAE's KL term can with a strong decoder; how evenly the
codebook is used is shown by its perplexity (K when every code is equally used, 1 when one is).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from workbench.models.generative.autoencoder import (EncoderDecoder, conv_trunk, feature_shape, halvings,
                                                     image_shape, make_trainer, predict, reconstruction_loss,
                                                     reconstruction_view, shown_images, upsample_to_image)
from workbench.views.types import HeatGrid, View


@keras.saving.register_keras_serializable(package="workbench")
class VectorQuantizer(layers.Layer):
    """Each input vector (the last axis) -> the nearest row of ``embeddings`` (K x D)."""

    def __init__(self, codebook_size: int, embedding_dim: int, **kwargs):
        super().__init__(**kwargs)
        self.codebook_size, self.embedding_dim = int(codebook_size), int(embedding_dim)

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            shape=(self.codebook_size, self.embedding_dim), name="embeddings",
            initializer=keras.initializers.RandomUniform(-1.0 / self.codebook_size, 1.0 / self.codebook_size))

    def codes(self, z_e):
        """Index of the nearest embedding (squared Euclidean distance) for every vector."""
        flat = ops.reshape(z_e, (-1, self.embedding_dim))
        distances = (ops.sum(ops.square(flat), axis=1, keepdims=True)
                     - 2.0 * ops.matmul(flat, ops.transpose(self.embeddings))
                     + ops.sum(ops.square(self.embeddings), axis=1)[None, :])
        return ops.reshape(ops.argmin(distances, axis=1), ops.shape(z_e)[:-1])

    def lookup(self, codes):
        return ops.take(self.embeddings, ops.cast(codes, "int32"), axis=0)

    def call(self, z_e):
        return self.lookup(self.codes(z_e))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "codebook_size": self.codebook_size, "embedding_dim": self.embedding_dim}


@keras.saving.register_keras_serializable(package="workbench")
class VQVAE(EncoderDecoder):
    LOSS_TERMS = ("loss", "reconstruction", "vq_loss", "commitment", "perplexity")

    def __init__(self, encoder, decoder, codebook, beta: float = 0.25, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.codebook, self.beta = codebook, float(beta)

    @property
    def quantizer(self) -> VectorQuantizer:
        return self.codebook.get_layer("quantizer")

    def named_networks(self) -> dict:
        return {**super().named_networks(), "codebook": self.codebook}

    def call(self, x, training=False):
        return self.decoder(self.codebook(self.encoder(x, training=training)), training=training)

    def forward(self, x, training: bool = False) -> dict:
        """Every intermediate of one pass: z_e, the codes, q (codebook rows), z_q, x_hat."""
        z_e = self.encoder(x, training=training)
        codes = self.quantizer.codes(z_e)
        q = self.quantizer.lookup(codes)
        z_q = z_e + ops.stop_gradient(q - z_e)  # straight-through: forward q, backward identity
        return {"z_e": z_e, "codes": codes, "q": q, "z_q": z_q, "x_hat": self.decoder(z_q, training=training)}

    def losses_of(self, x, training: bool) -> dict:
        out = self.forward(x, training)
        z_e, q = out["z_e"], out["q"]
        recon = reconstruction_loss(x, out["x_hat"])
        vq_loss = per_image_sum(ops.square(ops.stop_gradient(z_e) - q))
        commitment = self.beta * per_image_sum(ops.square(z_e - ops.stop_gradient(q)))
        return {"loss": recon + vq_loss + commitment, "reconstruction": recon, "vq_loss": vq_loss,
                "commitment": commitment, "perplexity": perplexity(out["codes"], self.quantizer.codebook_size)}

    def get_config(self):
        return {**super().get_config(), "codebook": keras.saving.serialize_keras_object(self.codebook),
                "beta": self.beta}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["codebook"] = keras.saving.deserialize_keras_object(config["codebook"])
        return super().from_config(config)


def per_image_sum(values):
    """Summed over each image's code grid and embedding dimensions, averaged over the batch
    (the reconstruction term is a per-image sum too, so the terms are on one scale)."""
    return ops.mean(ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1))


def perplexity(codes, codebook_size: int):
    """exp(entropy) of how often each code is used: K for uniform use, 1 for a single code."""
    p = ops.mean(ops.one_hot(ops.reshape(codes, (-1,)), codebook_size), axis=0)
    return ops.exp(-ops.sum(p * ops.log(p + 1e-10)))


def build_vq_vae(hp: dict, info) -> keras.Model:
    shape = image_shape(info)
    downs, filters, dim = halvings(shape), hp["filters"], hp["embedding_dim"]
    grid = feature_shape(shape, filters, downs)[:2]

    image = keras.Input(shape=shape, name="image")
    x = conv_trunk(image, filters, downs)
    z_e = layers.Conv2D(dim, 1, name="z_e")(x)  # no activation: the codes live anywhere in R^D
    encoder = keras.Model(image, z_e, name="encoder")

    codes_in = keras.Input(shape=(*grid, dim), name="z_e")
    codebook = keras.Model(codes_in, VectorQuantizer(hp["codebook_size"], dim, name="quantizer")(codes_in),
                           name="codebook")

    z_q = keras.Input(shape=(*grid, dim), name="z_q")
    h = layers.Conv2D(feature_shape(shape, filters, downs)[2], 3, padding="same", activation="relu",
                      name="from_codes")(z_q)
    decoder = keras.Model(z_q, upsample_to_image(h, shape, filters, downs), name="decoder")

    model = VQVAE(encoder, decoder, codebook, beta=hp["beta"], name="vq_vae")
    model.build(shape)
    return model


# ----------------------------------------------------------------------------- views
def code_counts(model, x) -> np.ndarray:
    codes = np.concatenate([np.asarray(model.quantizer.codes(model.encoder(np.asarray(x[i:i + 256], np.float32))))
                            .ravel() for i in range(0, len(x), 256)])
    return np.bincount(codes.astype(np.int64), minlength=model.quantizer.codebook_size)


def usage_perplexity(counts: np.ndarray) -> float:
    p = counts / max(counts.sum(), 1)
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def usage_columns(k: int) -> int:
    """Codes per row of the usage grid: the largest divisor of K up to 16 (so the grid is
    full), or one row when K has no divisor from 4 to 16 (a prime K)."""
    best = max(d for d in range(1, min(k, 16) + 1) if k % d == 0)
    return best if best >= 4 or k <= 16 else k


def codebook_usage_view(model, x, step: int) -> View:
    """How often each code is the nearest over the validation set: code k is cell k, read
    row by row (dark cells are dead codes)."""
    counts = code_counts(model, x)
    k, cols = len(counts), usage_columns(len(counts))
    grid = counts.reshape(k // cols, cols)
    return View("codebook_usage",
                HeatGrid(grid, [f"{r * cols}" for r in range(k // cols)], [f"+{c}" for c in range(cols)],
                         "code (row + column)", "code", annotate=k <= 64),
                f"Codebook usage: perplexity {usage_perplexity(counts):.1f} of {k}, "
                f"{int((counts > 0).sum())} codes used", step)


def vq_vae_views(model, dataset, hp, step: int) -> list[View]:
    x = dataset.x_val if len(dataset.x_val) else dataset.x_train
    return [reconstruction_view(model, shown_images(dataset), step), codebook_usage_view(model, x, step)]


train_vq_vae = make_trainer(vq_vae_views)


# ----------------------------------------------------------------------------- sampling
#: Priors over code grids: ``fn(run_dir, n, seed) -> (n, h, w) int codes, or None`` when it
#: has none for this run. The PixelCNN entry registers one; without one codes are uniform.
CODE_PRIORS: list = []


def register_code_prior(fn) -> None:
    CODE_PRIORS.append(fn)


def sample_vq_vae(run_dir: str, n: int, seed: int, interpolate):
    from workbench.models.generative import sampling

    codebook, decoder = sampling.load_network(run_dir, "codebook"), sampling.load_network(run_dir, "decoder")
    quantizer = codebook.get_layer("quantizer")
    if interpolate is not None:  # walk between the two images' z_e, quantising each point
        encoder = sampling.load_network(run_dir, "encoder")
        x_val, _ = sampling.validation_data(run_dir)
        z_e = predict(encoder, x_val)
        return sampling.interpolate_codes(decoder, z_e, interpolate, n,
                                          encode_step=lambda z: np.asarray(quantizer(z), np.float32))
    for prior in CODE_PRIORS:
        codes = prior(run_dir, n, seed)
        if codes is not None:
            return decode_codes(codebook, decoder, codes), [f"prior #{k}" for k in range(n)]
    return draw_uniform_codes(codebook, decoder, n, seed)


def draw_uniform_codes(codebook, decoder, n: int, seed: int):
    """No prior over the codes: every code equally likely at every grid position."""
    grid = tuple(int(d) for d in codebook.inputs[0].shape[1:3])
    size = codebook.get_layer("quantizer").codebook_size
    codes = np.random.default_rng(seed).integers(0, size, size=(n, *grid))
    return decode_codes(codebook, decoder, codes), [f"uniform #{k}" for k in range(n)]


def decode_codes(codebook, decoder, codes) -> np.ndarray:
    z_q = np.asarray(codebook.get_layer("quantizer").lookup(np.asarray(codes)), np.float32)
    return predict(decoder, z_q)


def _register():
    from workbench.models.generative.sampling import register_sampler

    register_sampler("vq_vae", sample_vq_vae)


_register()
