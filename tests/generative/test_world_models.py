"""World Models: M's mixture NLL against a hand computation, V learning, dreams, CMA-ES, resume."""

import os

import numpy as np
import pytest
from scipy.stats import norm

from workbench import catalog, data
from workbench.data.sources import rng_for
from workbench.models.generative import world_models as wm
from workbench.models.generative.mdn_rnn import mdn_nll, sample_mixture
from workbench.models.io import load_model
from workbench.runs.rundir import RunDir
from workbench.training import RunControl, TrainConfig, events, job
from workbench.training.checkpoints import read_snapshot, resume_point
from workbench.views.types import View

HP = {"frame_size": 16, "latent_size": 3, "mixtures": 2, "hidden_size": 6, "rollouts": 3,
      "max_steps": 15, "vae_steps": 2, "rnn_steps": 2, "generations": 1, "population": 4,
      "cma_sigma": 0.5, "eval_episodes": 1, "dream": True, "temperature": 1.0}


def hparams(**kw):
    return catalog.get("world_models").resolve({**HP, "learning_rate": 3e-3, **kw})


@pytest.fixture(scope="module")
def cartpole():
    return data.load("CartPole-v1", {}, seed=0, val_fraction=0.0)


@pytest.fixture(scope="module")
def episodes(cartpole):
    return wm.collect_rollouts(cartpole, seed=0, first=0, count=4, size=16, max_steps=30)


def test_mdn_nll_equals_a_hand_computed_mixture_likelihood():
    rng = np.random.default_rng(1)
    latent, mixtures = 2, 3
    params = rng.normal(size=(2, 4, 3 * mixtures * latent)).astype(np.float32)  # (batch, time, 3KZ)
    target = rng.normal(size=(2, 4, latent)).astype(np.float32)
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], np.float32)
    blocks = params.reshape(2, 4, latent, 3 * mixtures)
    logits, means, log_sigmas = blocks[..., :3], blocks[..., 3:6], blocks[..., 6:]
    weights = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    density = (weights * norm.pdf(target[..., None], means, np.exp(log_sigmas))).sum(-1)  # (2, 4, Z)
    per_step = -np.log(density).mean(-1)
    expected = (per_step * mask).sum() / mask.sum()
    assert float(mdn_nll(params, target, mixtures, mask)) == pytest.approx(expected, rel=1e-5)
    assert float(mdn_nll(params, target, mixtures)) == pytest.approx(per_step.mean(), rel=1e-5)


def test_mixture_samples_follow_the_mixture_and_sharpen_when_cold():
    # one latent dimension, two components: weights 0.25 / 0.75 at -2 and +3, sigma 0.5 and 1
    params = np.array([[np.log(0.25), np.log(0.75), -2.0, 3.0, np.log(0.5), 0.0]], np.float32)
    draws = sample_mixture(np.repeat(params, 40000, 0), 1, 2, 1.0, np.random.default_rng(0))[:, 0]
    mean = 0.25 * -2 + 0.75 * 3
    variance = 0.25 * (0.25 + 4) + 0.75 * (1 + 9) - mean ** 2
    assert draws.mean() == pytest.approx(mean, abs=0.05)
    assert draws.var() == pytest.approx(variance, rel=0.03)
    cold = sample_mixture(np.repeat(params, 2000, 0), 1, 2, 0.01, np.random.default_rng(0))[:, 0]
    assert np.abs(cold - 3.0).max() < 0.5  # the dominant component, nearly without noise


def test_rollouts_replay_and_frames_show_the_cart(cartpole, episodes):
    again = wm.collect_rollouts(cartpole, seed=0, first=2, count=1, size=16, max_steps=30)[0]
    np.testing.assert_array_equal(again["frames"], episodes[2]["frames"])
    for episode in episodes:
        assert episode["frames"].shape == (len(episode["actions"]) + 1, 16, 16)
        assert episode["frames"].dtype == np.uint8 and episode["frames"].max() > 100  # bright cart on black
    assert any(e["terminated"] for e in episodes)  # a random policy drops the pole within 30 steps


def test_vae_kl_is_positive_and_reconstruction_falls(episodes):
    world = wm.WorldModel(hparams(learning_rate=3e-3), actions=2)
    frames = np.concatenate([e["frames"] for e in episodes])
    rng = np.random.default_rng(0)
    logs = [world.train_vae_step(frames, rng) for _ in range(40)]
    assert all(step["v_kl"] > 0 for step in logs[1:])
    reconstruction = [step["v_reconstruction"] for step in logs]
    first, last = np.mean(reconstruction[:3]), np.mean(reconstruction[-3:])
    assert last < 0.6 * first


def test_mdn_rnn_nll_falls_and_dreams_have_the_right_shapes(episodes):
    world = wm.WorldModel(hparams(learning_rate=1e-2), actions=2)
    sequences = world.sequences(episodes)
    z_in, a_in, z_next, done, mask = sequences
    assert z_in.shape == (4, max(len(e["actions"]) for e in episodes), 3)
    np.testing.assert_array_equal(mask.sum(1), [len(e["actions"]) for e in episodes])
    np.testing.assert_allclose(z_next[0, 0], z_in[0, 1])  # the target is the next step's input
    rows = np.arange(4)
    logs = [world.train_rnn_step(sequences, rows) for _ in range(30)]
    assert logs[-1]["m_nll"] < logs[0]["m_nll"] - 0.3
    params = np.random.default_rng(0).normal(size=(5, world.parameters)).astype(np.float32)
    returns, path = world.dream(params, z_in[[0, 1, 2, 3, 0], 0], 12, 1.2, np.random.default_rng(1))
    assert returns.shape == (5,) and path.shape == (5, 13, 3)
    assert np.isfinite(path).all() and ((returns >= 1) & (returns <= 12)).all()


def test_real_episode_matches_gymnasium_with_the_same_seed(cartpole):
    import gymnasium

    world = wm.WorldModel(hparams(), actions=2)
    always_right = np.zeros((1, world.parameters), np.float32)
    always_right[0, -1] = 100.0  # bias of action 1 dominates whatever z and h are
    returns, frames = world.real(cartpole, always_right, seed=3, counter=(7,), max_steps=100)
    rng = rng_for(3, wm._REAL, 7, 0)
    rng.integers(2**31 - 1)
    env = gymnasium.make("CartPole-v1")
    env.reset(seed=int(rng.integers(2**31 - 1)))
    expected, done = 0.0, False
    while not done and expected < 100:
        _, reward, terminated, truncated, _ = env.step(1)
        expected, done = expected + reward, terminated or truncated
    assert returns[0] == expected and len(frames) == expected


def test_cma_es_improves_and_its_state_round_trips():
    hp = {"cma_sigma": 0.5, "population": 8}
    target = np.linspace(-1, 1, 6)
    es, normal = wm.make_strategy(6, hp, seed=0)

    def generation(strategy, sampler):
        sampler.generation += 1
        candidates = np.asarray(strategy.ask())
        strategy.tell(list(candidates), list(((candidates - target) ** 2).sum(1)))

    start = float(((np.asarray(es.mean) - target) ** 2).sum())
    for _ in range(25):
        generation(es, normal)
    assert float(((np.asarray(es.mean) - target) ** 2).sum()) < 0.2 * start
    arrays, state = wm.strategy_arrays(es, normal.generation)
    copy, copy_normal = wm.make_strategy(6, hp, seed=0)
    copy_normal.generation = wm.restore_strategy(copy, arrays, state)
    assert copy_normal.generation == 25
    np.testing.assert_array_equal(copy.mean, es.mean)
    np.testing.assert_allclose(copy.sm.B @ np.diag(copy.sm.D ** 2) @ copy.sm.B.T, es.sm.C, atol=1e-12)
    assert copy.sigma == es.sigma
    generation(es, normal)
    generation(copy, copy_normal)
    # the same distribution and draws, up to the recomputed eigenbasis
    np.testing.assert_allclose(copy.mean, es.mean, atol=0.3 * es.sigma)


def _config(path, **kw):
    return TrainConfig("world_models", "CartPole-v1", epochs=2, batch_size=4, seed=1, eager=True,
                       hparams={**HP, "rollouts": 2, "max_steps": 10, "population": 4}, out=str(path), **kw)


def test_resume_continues_v_and_m_exactly_and_saves_every_network(tmp_path):
    seen = []
    whole = job.run_training(_config(tmp_path / "whole"), emit=seen.append)
    assert whole.history["epoch"] == [1, 2] and np.isfinite(whole.history["m_nll"]).all()
    for name in ("vae", "mdn_rnn", "controller", "encoder", "decoder", "model"):
        assert os.path.exists(tmp_path / "whole" / f"{name}.keras"), name
    agent = load_model(str(tmp_path / "whole" / "model.keras"))  # safe_mode: no Lambda layers
    assert agent.output.shape[-1] == 2 and len(agent.inputs) == 2  # (frame, h) -> action logits
    saved_m = load_model(str(tmp_path / "whole" / "mdn_rnn.keras")).get_weights()
    last_m = read_snapshot(resume_point(RunDir(str(tmp_path / "whole"))).path).networks["mdn_rnn"]
    floats = [w for w in last_m if w.dtype.kind == "f"]  # the LSTM's seed generator state aside
    assert len(saved_m) == len(floats) == 7  # LSTM kernels and bias, mixture and done heads
    for a, b in zip(saved_m, floats):
        np.testing.assert_array_equal(a, b)
    grids = [e for e in seen if isinstance(e, View) and e.name == "real_reconstructed_dreamed"]
    assert grids and grids[-1].value.captions[0] == "real 0" and "dreamed" in grids[-1].value.captions[-1]
    control = RunControl()

    def stop_after_first_epoch(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()

    first = job.run_training(_config(tmp_path / "parts"), emit=stop_after_first_epoch, control=control)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2]
    snaps = [read_snapshot(resume_point(RunDir(str(tmp_path / d))).path) for d in ("whole", "parts")]
    for network in ("vae", "mdn_rnn"):
        for a, b in zip(snaps[0].networks[network], snaps[1].networks[network]):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(snaps[0].optimizers[network], snaps[1].optimizers[network]):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(snaps[0].arrays["frames"], snaps[1].arrays["frames"])
    assert resumed.history["v_reconstruction"] == whole.history["v_reconstruction"]
    assert resumed.history["m_nll"] == whole.history["m_nll"]


def test_saved_controller_is_the_linear_map_cma_es_searched():
    world = wm.WorldModel(hparams(), actions=2)
    rng = np.random.default_rng(4)
    z = rng.normal(0.3, 0.02, size=(50, 3)).astype(np.float32)  # V's z: small and off-centre
    h = rng.uniform(-1, 1, size=(50, 6)).astype(np.float32)
    world.standardise(z)
    np.testing.assert_allclose(world.feature_scale[:3], z.std(0), rtol=1e-4)
    params = rng.normal(size=world.parameters).astype(np.float32)
    world.set_controller(params)
    logits = np.asarray(world.controller(np.concatenate([z, h], 1)))
    features = (np.concatenate([z, h], 1) - world.feature_mean) / world.feature_scale
    expected = features @ params[:-2].reshape(9, 2) + params[-2:]
    np.testing.assert_allclose(logits, expected, rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(world.act(np.repeat(params[None], 50, 0), z, h), expected.argmax(1))
