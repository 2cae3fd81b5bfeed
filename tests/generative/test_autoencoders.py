"""Autoencoder, VAE and VQ-VAE: each trains a few steps, and its mechanism is checked with numbers."""

import os

import numpy as np
import pytest
import tensorflow as tf
from scipy import stats

from workbench import catalog, data
from workbench.models.io import load_model
from workbench.training import TrainConfig, events, job
from workbench.training.control import RunControl
from workbench.views.types import ImageGrid

TINY = {"filters": 4, "hidden": 32, "learning_rate": 3e-3}


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")  # as the runs load it (seed 0), so resume reloads the same split


def train(name, out, digits, epochs=3, **hp):
    got = []
    config = TrainConfig(name, "digits", epochs=epochs, batch_size=32, steps_per_epoch=8, seed=0,
                         hparams=hp, out=str(out))
    result = job.run_training(config, emit=got.append, dataset=digits)
    return result, {e.name: e for e in got if type(e).__name__ == "View"}


def build(name, digits, **hp):
    entry = catalog.get(name)
    return entry.build(entry.resolve(hp), digits.info)


# --------------------------------------------------------------------------- autoencoder
def test_autoencoder_learns_and_shows_inputs_beside_reconstructions(tmp_path, digits):
    result, views = train("autoencoder", tmp_path / "ae", digits, latent=6, **TINY)
    recon = result.history["reconstruction"]
    assert recon[-1] < 0.9 * recon[0]  # per-image BCE summed over 64 pixels falls
    grid = views["reconstructions"].value
    assert isinstance(grid, ImageGrid) and grid.captions == ["input"] * 8 + ["reconstruction"] * 8
    np.testing.assert_array_equal(grid.images[:8], (digits.x_val[:8, ..., 0] * 255 + 0.5).astype(np.uint8))
    assert result.model.encoder.output.shape[-1] == 6  # the latent size is the one asked for
    for name in ("model", "encoder", "decoder"):
        assert os.path.isfile(tmp_path / "ae" / f"{name}.keras")
    reloaded = load_model(str(tmp_path / "ae"))
    np.testing.assert_allclose(reloaded(digits.x_val[:5]), result.model(digits.x_val[:5]), atol=1e-6)


# --------------------------------------------------------------------------- VAE
def test_vae_kl_is_positive_reconstruction_falls_and_views_are_shown(tmp_path, digits):
    result, views = train("vae", tmp_path / "vae", digits, latent=2, interpolate_from=3, interpolate_to=7, **TINY)
    h = result.history
    assert all(v > 0 for v in h["kl"]) and all(v > 0 for v in h["val_kl"])
    assert h["reconstruction"][-1] < h["reconstruction"][0]
    np.testing.assert_allclose(h["loss"], np.add(h["reconstruction"], h["kl"]), rtol=1e-5)  # beta = 1
    traversal = views["latent_traversal"].value
    assert len(traversal.images) == 49 and traversal.grid_shape == (7, 7)
    decoded = result.model.decoder(np.array([[-2.5, -2.5], [2.5, 2.5]], np.float32))  # the corners
    np.testing.assert_array_equal(traversal.images[[0, 48]], ImageGrid(np.asarray(decoded)).images)
    assert not np.array_equal(traversal.images[0], traversal.images[-1])  # the latent space is used
    interpolation = views["interpolation"].value
    assert interpolation.captions[0] == "#3" and interpolation.captions[-1] == "#7"
    assert "confusion_matrix" not in views  # a generator's outputs are not class scores
    scatter = views["latent_space"].value
    assert scatter.features.shape == (len(digits.x_val), 2)
    np.testing.assert_array_equal(scatter.labels, digits.y_val)
    reloaded = load_model(str(tmp_path / "vae"))
    np.testing.assert_allclose(reloaded(digits.x_val[:5]), result.model(digits.x_val[:5]), atol=1e-6)


def test_kl_term_matches_a_monte_carlo_estimate():
    from workbench.models.generative.vae import kl_divergence

    rng = np.random.default_rng(0)
    mu, log_var = rng.normal(size=(1, 3)), rng.normal(scale=0.5, size=(1, 3))
    sigma = np.exp(0.5 * log_var)
    z = mu + sigma * rng.standard_normal((200_000, 3))
    estimate = np.mean(np.sum(stats.norm.logpdf(z, mu, sigma) - stats.norm.logpdf(z), axis=1))
    assert float(kl_divergence(mu.astype(np.float32), log_var.astype(np.float32))) == \
        pytest.approx(estimate, abs=0.02)


def test_reparameterisation_gradient_reaches_mean_and_log_variance(digits):
    model = build("vae", digits, latent=2, beta=0.0, filters=4, hidden=16)  # reconstruction only
    x = digits.x_train[:32]
    heads = [model.encoder.get_layer("z_mean").kernel, model.encoder.get_layer("z_log_var").kernel]
    with tf.GradientTape() as tape:
        loss = model.losses_of(x, training=True)["loss"]
    g_mean, g_log_var = tape.gradient(loss, heads)
    # without the trick (z drawn outside the graph, or z = mu) log sigma^2 would get no gradient
    assert float(tf.norm(g_mean)) > 0 and float(tf.norm(g_log_var)) > 0
    # z = mu + sigma * eps with eps ~ N(0, I): standardised draws have mean 0 and std 1
    mu, log_var = np.zeros((20_000, 2), np.float32) + 0.7, np.full((20_000, 2), np.log(0.25), np.float32)
    eps = (np.asarray(model.reparameterize(mu, log_var)) - 0.7) / 0.5
    assert abs(eps.mean()) < 0.03 and abs(eps.std() - 1) < 0.03


def test_vae_resumes_exactly_after_stop(tmp_path, digits):
    whole, _ = train("vae", tmp_path / "whole", digits, epochs=2, latent=2, **TINY)
    control = RunControl()

    def stop_after_first(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()

    config = TrainConfig("vae", "digits", epochs=2, batch_size=32, steps_per_epoch=8, seed=0,
                         hparams={"latent": 2, **TINY}, out=str(tmp_path / "parts"))
    assert job.run_training(config, emit=stop_after_first, control=control, dataset=digits).stopped
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2]
    assert resumed.history["kl"] == whole.history["kl"]  # the same eps: the seed state was restored
    for a, b in zip(whole.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- VQ-VAE
@pytest.fixture(scope="module")
def vq(digits):
    return build("vq_vae", digits, codebook_size=8, embedding_dim=3, beta=0.25, filters=4)


def test_quantised_vectors_are_codebook_rows_nearest_to_the_encoder_output(vq, digits):
    out = vq.forward(digits.x_train[:16])
    z_e, q, codes = (np.asarray(out[k]) for k in ("z_e", "q", "codes"))
    book = np.asarray(vq.quantizer.embeddings)
    flat = z_e.reshape(-1, 3)
    nearest = np.argmin(((flat[:, None, :] - book[None]) ** 2).sum(-1), axis=1)  # brute force
    np.testing.assert_array_equal(codes.ravel(), nearest)
    np.testing.assert_array_equal(q.reshape(-1, 3), book[nearest])  # exactly the rows, bit for bit
    np.testing.assert_allclose(np.asarray(out["z_q"]), q, atol=1e-6)  # z_e + (q - z_e): q going forward


def test_commitment_and_vq_losses_match_a_hand_computation(vq, digits):
    x = digits.x_train[:16]
    terms = vq.losses_of(x, training=False)
    out = vq.forward(x)
    squared = ((np.asarray(out["z_e"]) - np.asarray(out["q"])) ** 2).reshape(16, -1).sum(axis=1).mean()
    assert float(terms["commitment"]) == pytest.approx(0.25 * squared, rel=1e-5)
    assert float(terms["vq_loss"]) == pytest.approx(squared, rel=1e-5)


def test_straight_through_gradient_reaches_the_encoder(vq, digits):
    from workbench.models.generative.autoencoder import reconstruction_loss

    x = digits.x_train[:16]
    kernel = vq.encoder.get_layer("z_e").kernel
    with tf.GradientTape(persistent=True) as tape:
        recon_st = reconstruction_loss(x, vq.forward(x, training=True)["x_hat"])
        recon_plain = reconstruction_loss(x, vq(x, training=True))  # decoder(q): through argmin
        terms = vq.losses_of(x, training=True)
        vq_only, commitment = terms["vq_loss"], terms["commitment"]
    assert float(tf.norm(tape.gradient(recon_st, kernel))) > 0
    assert tape.gradient(recon_plain, kernel) is None  # argmin has no gradient: the trick is needed
    assert float(tf.norm(tape.gradient(vq_only, vq.quantizer.embeddings))) > 0  # vq_loss moves the codebook
    assert tape.gradient(vq_only, kernel) is None  # ... and only the codebook
    assert float(tf.norm(tape.gradient(commitment, kernel))) > 0  # commitment moves the encoder
    assert tape.gradient(commitment, vq.quantizer.embeddings) is None  # ... and never the codebook


def test_vq_vae_trains_shows_code_use_and_reloads(tmp_path, digits):
    result, views = train("vq_vae", tmp_path / "vq", digits, codebook_size=8, embedding_dim=3, filters=4,
                          learning_rate=3e-3)
    h = result.history
    assert h["reconstruction"][-1] < h["reconstruction"][0]
    assert all(1.0 <= p <= 8.0 for p in h["perplexity"])
    usage = views["codebook_usage"].value
    counts = usage.values.ravel()
    assert usage.values.shape == (1, 8) and counts.sum() == len(digits.x_val) * 16  # a 4 x 4 code grid per image
    p = counts[counts > 0] / counts.sum()
    assert f"perplexity {np.exp(-(p * np.log(p)).sum()):.1f} of 8" in views["codebook_usage"].title
    for name in ("model", "encoder", "decoder", "codebook"):
        assert os.path.isfile(tmp_path / "vq" / f"{name}.keras")
    reloaded = load_model(str(tmp_path / "vq"))
    np.testing.assert_allclose(reloaded(digits.x_val[:5]), result.model(digits.x_val[:5]), atol=1e-6)
    codebook = load_model(str(tmp_path / "vq" / "codebook.keras"))
    np.testing.assert_array_equal(codebook.get_layer("quantizer").embeddings, result.model.quantizer.embeddings)
