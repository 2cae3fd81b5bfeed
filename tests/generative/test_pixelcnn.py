"""PixelCNN: the masks hide each pixel's own value and its future, sampling goes pixel by
pixel from the model's conditionals, the likelihood is the one reported, and the pieces of
the posterior-collapse comparison (the decoder uses z; the KL is the closed form)."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from workbench.layers.masked_conv import MaskedConv2D, causal_mask
from workbench.models.generative import pixelcnn
from workbench.models.generative.pixelcnn import PixelCNN, quantise_numpy, sample
from workbench.models.generative.posterior_collapse import CollapseVAE, code_usage


def test_causal_masks_hide_the_centre_only_for_type_a():
    assert causal_mask(3, "A").tolist() == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    assert causal_mask(3, "B").tolist() == [[1, 1, 1], [1, 1, 0], [0, 0, 0]]
    five = causal_mask(5, "A")
    assert five[:2].all() and five[2, :2].all() and not five[2, 2:].any() and not five[3:].any()
    with pytest.raises(ValueError):
        causal_mask(4, "A")


def _input_gradient(layer_or_model, one_hot, i, j):
    """|d out[:, i, j, :] / d input| summed over batch and channels: (H, W)."""
    x = tf.constant(one_hot)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer_or_model(x)
        target = tf.reduce_sum(out[:, i, j, :])
    return np.abs(tape.gradient(target, x).numpy()).sum(axis=(0, 3))


@pytest.mark.parametrize("mask_type", ["A", "B"])
def test_one_masked_layer_sees_its_centre_only_for_type_b(mask_type):
    keras.utils.set_random_seed(1)
    layer = MaskedConv2D(4, 3, mask_type=mask_type)
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 2)).astype(np.float32)
    grad = _input_gradient(layer, x, 2, 2)
    expected = np.zeros((5, 5), bool)
    expected[1:4, 1:4] = causal_mask(3, mask_type).astype(bool)
    assert np.array_equal(grad > 0, expected)
    assert (grad[2, 2] > 0) == (mask_type == "B")


def _reachable(height, width, i, j, first_kernel, blocks):
    """The input positions output (i, j) depends on, by composing the masks' offsets (an
    independent set computation: type-B residual blocks, then the type-A first layer)."""
    def dilate(cells, kernel, mask_type):
        c = kernel // 2
        offsets = [(a - c, b - c) for a, b in zip(*np.nonzero(causal_mask(kernel, mask_type)))]
        return {(r + dr, s + ds) for r, s in cells for dr, ds in offsets
                if 0 <= r + dr < height and 0 <= s + ds < width}
    cells = {(i, j)}
    for _ in range(blocks):
        cells |= dilate(cells, 3, "B")  # the residual adds the block's input back
    return dilate(cells, first_kernel, "A")


@pytest.mark.parametrize("blocks", [0, 1, 3])
def test_no_output_sees_its_own_pixel_or_any_later_one_through_the_stack(blocks):
    keras.utils.set_random_seed(blocks)
    model = PixelCNN(levels=3, map_shape=(6, 6), filters=8, residual_blocks=blocks, first_kernel=3)
    model.build()
    rng = np.random.default_rng(0)
    one_hot = np.eye(3, dtype=np.float32)[rng.integers(0, 3, size=(8, 6, 6))]
    sizes = []
    for i in range(6):
        for j in range(6):
            grad = _input_gradient(model.network, one_hot, i, j)
            raster = np.arange(36).reshape(6, 6)
            assert not grad[raster >= raster[i, j]].any(), f"output ({i},{j}) sees itself or the future"
            seen = {tuple(p) for p in np.argwhere(grad > 0)}
            assert seen == _reachable(6, 6, i, j, 3, blocks)
            sizes.append(len(seen))
    if blocks:  # the receptive field of the last pixel grows with every type-B block
        assert sizes[-1] > len(_reachable(6, 6, 5, 5, 3, blocks - 1))


def test_receptive_field_of_the_stack_grows_by_one_ring_per_block():
    # first layer 3x3 type A: the 4 causal neighbours; each 3x3 type-B block widens it by one
    # pixel up and to each side (the PixelCNN's blind spot to the upper right stays unseen)
    sizes = [len(_reachable(16, 16, 8, 8, 3, blocks)) for blocks in range(4)]
    assert sizes[0] == 4 and sizes == sorted(sizes) and len(set(sizes)) == 4


#: Flip bits of the fake model below: pixel k is pixel k-1, flipped where FLIPS[k] is 1.
FLIPS = np.array([1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1], np.float32)  # rows end in 1


class _ChainModel:
    """A fake PixelCNN over 2 levels whose conditional at each pixel is (almost) certain:
    pixel k (raster order) is pixel k-1 XOR FLIPS[k], with pixel -1 taken as 0. Sampled in
    any other order, some pixel reads a neighbour not drawn yet (0) and the chain breaks."""

    levels, map_shape = 2, (3, 4)

    def logits(self, maps, z=None):
        flat = tf.reshape(tf.cast(maps, tf.float32), (-1, 12))
        previous = tf.concat([tf.zeros_like(flat[:, :1]), flat[:, :-1]], axis=1)
        wanted = tf.math.floormod(previous + FLIPS, 2.0)
        logit_one = 40.0 * (2.0 * wanted - 1.0)
        return tf.reshape(tf.stack([-logit_one, logit_one], axis=-1), (-1, 3, 4, 2))


def test_sampling_goes_pixel_by_pixel_in_raster_order():
    maps = sample(_ChainModel(), 3, seed=0)
    expected = (np.cumsum(FLIPS) % 2).reshape(3, 4)  # the chain of XORs from the first pixel
    assert np.array_equal(maps, np.stack([expected] * 3))


def _trained(levels=2, epochs=3):
    from workbench import data

    keras.utils.set_random_seed(0)
    digits = data.load("digits", {}, seed=0, val_fraction=0.1)
    x = quantise_numpy(digits.x_train, levels)
    model = PixelCNN(levels, (8, 8), filters=8, residual_blocks=1, first_kernel=3)
    model.build()
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(x, epochs=epochs, batch_size=64, verbose=0)
    return model, x, history.history


def test_bits_per_dim_is_the_models_exact_negative_log_likelihood_and_it_learns():
    model, x, history = _trained()
    assert history["bits_per_dim"][-1] < history["bits_per_dim"][0]
    assert history["bits_per_dim"][-1] < 0.6  # binarised: uniform would be 1 bit per pixel
    probs = np.asarray(model(x[:200]))  # softmax over levels at every pixel
    picked = np.take_along_axis(probs, x[:200, :, :, None], axis=-1)[..., 0]
    bits = -np.log2(picked).mean()
    scores = model.evaluate(x[:200], verbose=0, return_dict=True)
    assert scores["bits_per_dim"] == pytest.approx(bits, rel=1e-4)
    assert scores["loss"] == pytest.approx(bits * math.log(2), rel=1e-4)


def test_samples_follow_the_models_first_pixel_distribution_and_repeat_with_the_seed():
    model, _, _ = _trained()
    first = np.asarray(model(np.zeros((1, 8, 8), np.int32)))[0, 0, 0]  # nothing comes before (0, 0)
    maps = sample(model, 400, seed=3)
    assert maps.shape == (400, 8, 8) and set(np.unique(maps)) <= {0, 1}
    assert abs((maps[:, 0, 0] == 1).mean() - first[1]) < 0.08
    assert np.array_equal(sample(model, 6, seed=7), sample(model, 6, seed=7))


def test_model_keras_reloads_in_safe_mode(tmp_path):
    model, x, _ = _trained()
    path = str(tmp_path / "pixelcnn.keras")
    model.save(path)
    again = keras.models.load_model(path, safe_mode=True)
    assert isinstance(again, PixelCNN) and again.map_shape == (8, 8)
    assert np.allclose(np.asarray(again(x[:4])), np.asarray(model(x[:4])), atol=1e-6)


def test_quantisation_levels():
    x = np.array([0.0, 0.24, 0.25, 0.5, 0.99, 1.0], np.float32).reshape(1, 6, 1, 1)
    assert quantise_numpy(x, 4).ravel().tolist() == [0, 0, 1, 2, 3, 3]
    assert quantise_numpy(x, 2).ravel().tolist() == [0, 0, 0, 1, 1, 1]


def test_the_conditional_pixelcnn_decoder_uses_z():
    keras.utils.set_random_seed(0)
    vae = CollapseVAE("pixelcnn", levels=2, map_shape=(6, 6), latent=3, filters=8, residual_blocks=1)
    vae.build()
    maps = tf.zeros((2, 6, 6), tf.int32)
    z = tf.constant(np.random.default_rng(0).normal(size=(2, 3)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(z)
        logits = vae.decoder_logits(maps, z)
        first_pixel = tf.reduce_sum(logits[:, 0, 0])
    grad = tape.gradient(first_pixel, z).numpy()
    assert np.abs(grad).min() > 0  # even the first pixel, which sees no other pixel, depends on z
    other = vae.decoder_logits(maps, z + 1.0)
    assert not np.allclose(np.asarray(logits), np.asarray(other))


def test_kl_term_is_the_closed_form_and_reconstruction_the_nll_in_nats():
    keras.utils.set_random_seed(0)
    vae = CollapseVAE("factorised", levels=2, map_shape=(4, 4), latent=2, hidden=8)
    vae.build()
    maps = np.random.default_rng(1).integers(0, 2, size=(5, 4, 4)).astype(np.int32)
    mean, log_var = (np.asarray(t, np.float64) for t in vae.encode(maps))
    # KL(N(m, s^2) || N(0, 1)) per dimension: log(1/s) + (s^2 + m^2)/2 - 1/2
    closed = np.mean(np.sum(-0.5 * log_var + 0.5 * (np.exp(log_var) + mean ** 2) - 0.5, axis=1))
    terms = vae.losses_of(maps)
    assert float(terms["kl"]) == pytest.approx(closed, rel=1e-5)
    assert float(terms["loss"]) == pytest.approx(float(terms["reconstruction"]) + float(terms["kl"]), rel=1e-6)
    assert float(terms["reconstruction"]) > 0


def test_code_usage_of_a_vq_codebook():
    usage = code_usage(np.array([0, 1, 2, 3] * 5), 4)
    assert usage["usage"] == pytest.approx(1.0) and usage["perplexity"] == pytest.approx(4.0)
    one = code_usage(np.zeros(10, int), 8)
    assert one["usage"] == 0.0 and one["codes_used"] == 1 and one["kl_per_position"] == pytest.approx(np.log(8))


def test_pixelcnn_trains_from_the_catalog_with_its_sample_view(tmp_path):
    from workbench.training import TrainConfig, events, job

    collected = []
    config = TrainConfig("pixelcnn", "digits", epochs=2, batch_size=64, steps_per_epoch=3, seed=0,
                         hparams={"filters": 4, "residual_blocks": 1, "first_kernel": 3, "levels": 2},
                         out=str(tmp_path / "run"))
    result = job.run_training(config, emit=collected.append)
    assert set(result.history) >= {"loss", "bits_per_dim", "val_bits_per_dim"}
    views = [e for e in collected if isinstance(e, events.View) and e.name == "samples"]
    assert views and views[-1].step == 2 and views[-1].value.images.shape == (16, 8, 8)
    assert set(np.unique(views[-1].value.images)) <= {0, 255}  # binarised samples
    images, captions = pixelcnn.sample_run(result.run_dir, 4, 5, None)
    again, _ = pixelcnn.sample_run(result.run_dir, 4, 5, None)
    assert images.shape == (4, 8, 8) and np.array_equal(images, again) and len(captions) == 4


def test_prior_over_vq_vae_codes_samples_codes_and_decodes_them(tmp_path):
    from workbench.errors import WorkbenchError
    from workbench.models.generative import pixelcnn_prior, sampling, vq_vae
    from workbench.training import TrainConfig, events, job

    vq_dir = str(tmp_path / "vq")
    job.run_training(TrainConfig("vq_vae", "digits", epochs=1, batch_size=64, steps_per_epoch=3, seed=0,
                                 hparams={"codebook_size": 6, "embedding_dim": 2, "filters": 4}, out=vq_dir))
    collected = []
    prior = job.run_training(TrainConfig("pixelcnn", "digits", epochs=2, batch_size=64, steps_per_epoch=3, seed=0,
                                         hparams={"prior_for": vq_dir, "filters": 8, "residual_blocks": 1,
                                                  "first_kernel": 3, "learning_rate": 1e-2},
                                         out=str(tmp_path / "prior")), emit=collected.append)
    nets = pixelcnn_prior.vq_networks(vq_dir)
    model = prior.model
    assert model.levels == 6 and model.map_shape == nets["grid"]
    # it learned the codes: below the uniform prior's log2 K bits per code position
    assert prior.history["val_bits_per_dim"][-1] < math.log2(6)
    codes = pixelcnn.sample(model, 5, seed=2)
    assert codes.shape == (5, *nets["grid"]) and codes.min() >= 0 and codes.max() < 6
    images, captions = sampling.sample_images(prior.run_dir, 5, seed=2)
    assert images.shape[:3] == (5, 8, 8) and captions[0] == "prior #0"
    # the same codes decoded through the VQ-VAE's own sampler give the same images
    vq_vae.register_code_prior(lambda run_dir, n, seed: codes)
    try:
        theirs, _ = vq_vae.sample_vq_vae(vq_dir, 5, 2, None)
    finally:
        vq_vae.CODE_PRIORS.pop()
    assert np.allclose(images, np.clip(theirs, 0, 1), atol=1e-5)
    views = [e for e in collected if isinstance(e, events.View)]
    assert views and {v.name for v in views} == {"samples"}  # no classifier confusion matrix
    with pytest.raises(WorkbenchError, match="needs a vq_vae run"):
        pixelcnn_prior.vq_networks(prior.run_dir)
    with pytest.raises(WorkbenchError):
        pixelcnn_prior.vq_networks(str(tmp_path / "missing"))
