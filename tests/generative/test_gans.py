"""GAN, DCGAN and WGAN: each mechanism checked with a number, and the 1-D theory.

References from outside: scikit-learn's log loss for the GAN losses, SciPy's
Jensen-Shannon and Wasserstein distances for the theory, the critic's input gradient
written out by hand for the gradient penalty.
"""

import math
import os

import keras
import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance
from sklearn.metrics import log_loss

from workbench import catalog, data
from workbench.models.generative import gan_theory as theory
from workbench.models.generative.gan import GAN, noise_batch, to_pixels
from workbench.models.generative.sampling import sample_images
from workbench.models.generative.wgan import GP_WEIGHT, WGAN, clip_weights
from workbench.models.io import load_model
from workbench.training import TrainConfig, events, job
from workbench.views.types import ImageGrid


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")


def build(name, info, **hp):
    entry = catalog.get(name)
    return entry.build({**entry.resolve({**entry.smoke, **hp}), "seed": 0}, info)


def make_wgan(info, **hp):
    model = build("wgan", info, **hp)
    model.compile(*model.make_optimizers(catalog.get("wgan").resolve({**catalog.get("wgan").smoke, **hp})))
    model.run_eagerly = True  # so a Python hook sees each critic step
    return model


# -- WGAN: weight clipping, n_critic, gradient penalty --------------------------------------

def test_clipped_wgan_critic_weights_stay_in_range_after_every_critic_step(digits):
    c = 0.01
    model = make_wgan(digits.info, clip=c, n_critic=3, learning_rate=0.05, optimizer="sgd")
    seen = []
    apply = model.d_optimizer.apply

    def checked_apply(grads, variables):  # before each critic update: the previous step's clip held
        seen.append(max(float(np.abs(v.numpy()).max()) for v in variables))
        return apply(grads, variables)

    model.d_optimizer.apply = checked_apply
    for step in range(3):
        model.train_on_batch(digits.x_train[step * 32:(step + 1) * 32], digits.y_train[step * 32:(step + 1) * 32])
    kernels = [v.numpy() for v in model.critic.trainable_variables]
    assert all(np.abs(k).max() <= c + 1e-9 for k in kernels)
    assert seen[1:] and max(seen[1:]) <= c + 1e-9  # after every critic step, not only the last
    # the clip acts: with this step size many weights sit on the bounds
    assert sum(np.isclose(np.abs(k), c).sum() for k in kernels) > 10


def test_n_critic_critic_updates_per_generator_update(digits):
    model = make_wgan(digits.info, n_critic=3)
    for step in range(4):
        logs = model.train_on_batch(digits.x_train[:16], digits.y_train[:16], return_dict=True)
    assert int(model.d_optimizer.iterations.numpy()) == 12
    assert int(model.g_optimizer.iterations.numpy()) == 4
    assert {"d_loss", "g_loss", "wasserstein", "loss"} <= set(logs)
    assert math.isclose(logs["wasserstein"], -logs["d_loss"], rel_tol=1e-5)  # no penalty: d_loss = -W


def test_gradient_penalty_of_a_linear_critic_is_lambda_times_norm_minus_one_squared(digits):
    """f(x) = w.x + b has grad f = w at every x_hat: the penalty is lambda (||w|| - 1)^2."""
    model = make_wgan(digits.info, gradient_penalty=True, architecture="mlp")
    flat = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    w = np.random.default_rng(1).normal(0, 0.3, (64, 1)).astype(np.float32)
    flat.layers[-1].set_weights([w, np.zeros(1, np.float32)])
    model.discriminator = flat
    real = digits.x_train[:8] * 2 - 1
    fake = np.random.default_rng(2).uniform(-1, 1, real.shape).astype(np.float32)
    alpha = model.interpolation_weights(8, 4).numpy()
    assert alpha.shape == (8, 1, 1, 1) and 0 <= alpha.min() and alpha.max() <= 1
    penalty = float(model.penalty(real, fake, alpha))
    assert penalty == pytest.approx(GP_WEIGHT * (np.linalg.norm(w) - 1) ** 2, rel=1e-5)


def test_gradient_penalty_of_a_tanh_critic_matches_the_gradient_written_by_hand(digits):
    """f(x) = v . tanh(W x + b): grad f(x) = W^T (v * (1 - tanh^2(W x + b))), per sample."""
    model = make_wgan(digits.info, gradient_penalty=True, architecture="mlp")
    critic = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                               keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(1)])
    model.discriminator = critic
    rng = np.random.default_rng(3)
    real = (digits.x_train[:6] * 2 - 1).astype(np.float32)
    fake = rng.uniform(-1, 1, real.shape).astype(np.float32)
    alpha = model.interpolation_weights(6, 4).numpy()
    W, b = critic.layers[1].get_weights()
    v = critic.layers[2].get_weights()[0][:, 0]
    x_hat = (alpha * real + (1 - alpha) * fake).reshape(6, -1).astype(np.float64)
    grads = (v * (1 - np.tanh(x_hat @ W + b) ** 2)) @ W.T
    by_hand = GP_WEIGHT * np.mean((np.linalg.norm(grads, axis=1) - 1) ** 2)
    assert float(model.penalty(real, fake, alpha)) == pytest.approx(by_hand, rel=1e-4)


def test_clip_weights_clips_every_trainable_variable():
    net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    net.set_weights([np.full(w.shape, 5.0, np.float32) * (-1) ** i for i, w in enumerate(net.get_weights())])
    clip_weights(net, 0.5)
    for i, w in enumerate(net.get_weights()):
        np.testing.assert_array_equal(w, np.full(w.shape, 0.5 * (-1) ** i, np.float32))


# -- GAN losses ---------------------------------------------------------------------------

def test_gan_losses_are_the_binary_cross_entropies_of_sklearn():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(1, 2, 20).astype(np.float32), rng.normal(-1, 2, 20).astype(np.float32)
    sigmoid = lambda l: 1 / (1 + np.exp(-l.astype(np.float64)))  # noqa: E731
    reference = log_loss(np.r_[np.ones(20), np.zeros(20)], np.r_[sigmoid(real), sigmoid(fake)])
    assert float(GAN.discriminator_loss(real, fake)) == pytest.approx(2 * reference, rel=1e-5)
    assert float(GAN.generator_loss(fake)) == pytest.approx(log_loss(np.ones(20), sigmoid(fake), labels=[0, 1]),
                                                            rel=1e-5)


@pytest.mark.parametrize("name", ["gan", "dcgan"])
def test_gan_trains_with_finite_losses_and_both_reported(name, digits):
    model = build(name, digits.info)
    model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    before = [w.copy() for w in model.generator.get_weights()], [w.copy() for w in model.discriminator.get_weights()]
    for step in range(3):
        logs = model.train_on_batch(digits.x_train[:16], digits.y_train[:16], return_dict=True)
    assert {"d_loss", "g_loss", "loss"} <= set(logs) and logs["loss"] == logs["d_loss"]
    assert all(math.isfinite(v) for v in logs.values())
    assert int(model.d_optimizer.iterations.numpy()) == int(model.g_optimizer.iterations.numpy()) == 3
    for old, net in zip(before, (model.generator, model.discriminator)):  # both networks learned
        assert any(not np.array_equal(a, b) for a, b in zip(old, net.get_weights()))


# -- a run: named networks, views, sampling --------------------------------------------------

@pytest.fixture(scope="module")
def wgan_run(tmp_path_factory, digits):
    out = tmp_path_factory.mktemp("wgan") / "run"
    collected = []
    config = TrainConfig("wgan", "digits", epochs=2, batch_size=32, steps_per_epoch=3, seed=5,
                         hparams={"latent_dim": 4, "filters": 2, "n_critic": 2}, out=str(out))
    job.run_training(config, emit=collected.append, dataset=digits)
    return str(out), collected


def test_a_wgan_run_saves_generator_and_critic_by_name_and_they_reload(wgan_run):
    out, _ = wgan_run
    whole = load_model(os.path.join(out, "model.keras"))
    assert isinstance(whole, WGAN) and whole.n_critic == 2
    for name, net in (("generator", whole.generator), ("critic", whole.critic)):
        alone = load_model(os.path.join(out, f"{name}.keras"))
        for a, b in zip(alone.get_weights(), net.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_the_sample_grid_is_the_generator_on_the_fixed_noise_of_the_seed(wgan_run):
    out, collected = wgan_run
    views = [e for e in collected if isinstance(e, events.View)]
    grids = [v for v in views if v.name == "samples"]
    assert grids and grids[-1].step == 2
    generator = load_model(os.path.join(out, "generator.keras"))
    shown = grids[-1].value.images

    def grid_of(seed):
        return ImageGrid(to_pixels(generator(noise_batch(seed, len(shown), 4)))).images

    np.testing.assert_array_equal(shown, grid_of(5))  # the run's seed: the same fixed batch
    assert not np.array_equal(shown, grid_of(6))
    curve = [v for v in views if v.name == "wasserstein"][-1].value.series["wasserstein"]
    history = [e for e in collected if isinstance(e, events.Finished)][0].history
    np.testing.assert_allclose(curve[1], history["wasserstein"])
    assert [v for v in views if v.name == "theory_js_vs_w1"]
    assert not [v for v in views if v.name == "confusion_matrix"]


def test_sample_same_seed_same_grid_and_interpolation_ends_at_the_two_samples(wgan_run):
    out, _ = wgan_run
    a, captions = sample_images(out, 6, seed=3)
    b, _ = sample_images(out, 6, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (6, 8, 8, 1) and len(captions) == 6
    assert not np.array_equal(a, sample_images(out, 6, seed=4)[0])
    line, _ = sample_images(out, 5, seed=3, interpolate=(1, 4))
    np.testing.assert_allclose(line[0], a[1], atol=1e-6)
    np.testing.assert_allclose(line[-1], a[4], atol=1e-6)


# -- the 1-D theory --------------------------------------------------------------------------

def random_density(rng, n=50):
    p = rng.random(n) ** 3
    p[rng.random(n) < 0.2] = 0.0  # some cells with no mass: 0 log 0
    return p / p.sum()


def test_value_at_the_optimal_discriminator_is_two_js_minus_log_four():
    rng = np.random.default_rng(0)
    for _ in range(20):
        p, q = random_density(rng), random_density(rng)
        assert theory.value_at_optimum(p, q) == pytest.approx(2 * theory.js_divergence(p, q) - math.log(4),
                                                              abs=1e-9)
        assert theory.js_divergence(p, q) == pytest.approx(jensenshannon(p, q) ** 2, abs=1e-9)
        d = theory.optimal_discriminator(p, q)
        mass = (p + q) > 0
        np.testing.assert_allclose(d[mass], p[mass] / (p[mass] + q[mass]))
    same = random_density(rng)
    np.testing.assert_allclose(theory.optimal_discriminator(same, same), 0.5)
    assert theory.value_at_optimum(same, same) == pytest.approx(-math.log(4), abs=1e-12)


def test_wasserstein_1_matches_scipy():
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(-3, 3, 40))
    for _ in range(10):
        p, q = random_density(rng, 40), random_density(rng, 40)
        assert theory.wasserstein_1(x, p, q) == pytest.approx(wasserstein_distance(x, x, p, q), abs=1e-12)


def test_disjoint_supports_js_stuck_at_log_two_while_w1_is_abs_theta():
    thetas = np.array([-1.0, -0.5, -0.01, 0.0, 0.001, 0.3, 2.0])
    table = theory.disjoint_supports_table(thetas)
    moved = thetas != 0
    np.testing.assert_allclose(table["js"][moved], math.log(2), atol=1e-12)
    assert table["js"][~moved][0] == 0.0
    np.testing.assert_allclose(table["w1"], np.abs(thetas), atol=1e-12)
    np.testing.assert_allclose(table["value_at_optimum"], 2 * table["js"] - math.log(4), atol=1e-12)
