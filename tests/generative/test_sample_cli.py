"""``keras-workbench sample``: same seed, same PNG; the generic sampling API behind it."""

import numpy as np
import pytest
from matplotlib.image import imread

from workbench import data
from workbench.cli import main
from workbench.models.generative.sampling import sample_images
from workbench.training import TrainConfig, job

HP = {"autoencoder": {"latent": 3, "filters": 2, "hidden": 8},
      "vae": {"latent": 2, "filters": 2, "hidden": 8},
      "vq_vae": {"codebook_size": 6, "embedding_dim": 2, "filters": 2}}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    digits = data.load("digits")
    root = tmp_path_factory.mktemp("sample")
    for name in (*HP, "perceptron"):
        config = TrainConfig(name, "digits", epochs=1, batch_size=32, steps_per_epoch=2,
                             hparams=HP.get(name, {}), out=str(root / name))
        job.run_training(config, dataset=digits)
    return root


@pytest.mark.parametrize("name", sorted(HP))
def test_same_seed_same_png_bytes_other_seed_other_grid(runs, tmp_path, name):
    paths = [tmp_path / f"{k}.png" for k in range(3)]
    for path, seed in zip(paths, (5, 5, 6)):
        assert main(["sample", str(runs / name), "--n", "9", "--out", str(path), "--seed", str(seed)]) == 0
    a, b, c = (p.read_bytes() for p in paths)
    assert a == b and a != c
    assert imread(paths[0]).shape[:2] == (660, 640)
    images, captions = sample_images(str(runs / name), 9, seed=5)
    assert images.shape[:3] == (9, 8, 8) and 0 <= images.min() and images.max() <= 1 and len(captions) == 9
    other, _ = sample_images(str(runs / name), 9, seed=6)
    assert not np.array_equal(images, other)


def test_vae_samples_decode_standard_normal_codes(runs):
    from workbench.models.generative.sampling import load_network

    images, captions = sample_images(str(runs / "vae"), 4, seed=1)
    z = np.random.default_rng(1).standard_normal((4, 2)).astype(np.float32)
    expected = np.asarray(load_network(str(runs / "vae"), "decoder")(z))
    np.testing.assert_allclose(images, expected, atol=1e-6)
    assert captions[0].startswith("z~N(0,I)")


def test_vq_vae_samples_are_decoded_codebook_rows(runs):
    from workbench.models.generative.sampling import load_network

    run = str(runs / "vq_vae")
    images, captions = sample_images(run, 3, seed=2)
    quantizer = load_network(run, "codebook").get_layer("quantizer")
    codes = np.random.default_rng(2).integers(0, 6, size=(3, 4, 4))  # uniform: no prior for this run
    expected = load_network(run, "decoder")(np.asarray(quantizer.embeddings)[codes])
    np.testing.assert_allclose(images, np.asarray(expected), atol=1e-6)
    assert captions[0] == "uniform #0"


def test_interpolation_runs_from_one_validation_image_to_the_other(runs):
    from workbench.models.generative.sampling import load_network, validation_data

    run = str(runs / "vae")
    images, captions = sample_images(run, 5, interpolate=(2, 9))
    x_val, _ = validation_data(run)
    mean = np.asarray(load_network(run, "encoder")(x_val[[2, 9]])[0])
    decoder = load_network(run, "decoder")
    np.testing.assert_allclose(images[0], np.asarray(decoder(mean[:1]))[0], atol=1e-6)
    np.testing.assert_allclose(images[-1], np.asarray(decoder(mean[1:]))[0], atol=1e-6)
    np.testing.assert_allclose(images[2], np.asarray(decoder(mean.mean(axis=0, keepdims=True)))[0], atol=1e-5)
    assert captions[0] == "#2" and captions[-1] == "#9"


def test_refusals_are_sentences(runs, tmp_path, capsys):
    out = tmp_path / "grid.png"
    out.write_bytes(b"old")
    assert main(["sample", str(runs / "vae"), "--n", "4", "--out", str(out)]) == 1
    assert "exists" in capsys.readouterr().err and out.read_bytes() == b"old"
    assert main(["sample", str(runs / "vae"), "--n", "4", "--out", str(out), "--force"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["sample", str(runs / "perceptron"), "--n", "4", "--out", str(tmp_path / "p.png")]) == 1
    err = capsys.readouterr().err
    assert "not of a generator" in err and "vae" in err and not (tmp_path / "p.png").exists()
    assert main(["sample", str(runs / "vae"), "--n", "4", "--out", str(tmp_path / "q.png"),
                 "--interpolate", "1"]) == 1
    assert "two image indices" in capsys.readouterr().err
    assert main(["sample", str(tmp_path), "--n", "4", "--out", str(tmp_path / "r.png")]) == 1
    assert "not a run directory" in capsys.readouterr().err
    assert main(["sample", str(runs / "vae"), "--n", "4", "--out", str(tmp_path / "s.png"), "--model", "critic"]) == 1
    assert "has no network 'critic'; it has decoder, encoder, model" in capsys.readouterr().err
    assert main(["sample", str(runs / "vae"), "--n", "4", "--out", str(tmp_path / "s.png"), "--model", "encoder"]) == 1
    assert "does not output one image batch" in capsys.readouterr().err


def test_a_named_network_is_fed_standard_normal_noise(runs):
    """``--model decoder`` of a VAE run: z ~ N(0, I) through it, the VAE's own sampler's draw."""
    by_name, _ = sample_images(str(runs / "vae"), 6, seed=4, model_name="decoder")
    own, _ = sample_images(str(runs / "vae"), 6, seed=4)
    np.testing.assert_array_equal(by_name, own)

