"""World Models on CartPole-v1: the controller's real return when CMA-ES scored it in M's
dream, when it scored it in the real environment, and a random policy, with wall times.

Both runs train the same V and M (same seed, same rollouts); only where C's candidates are
scored differs. The final controllers then play ``--test`` fresh real episodes.

    .venv/bin/python benchmarks/world_models.py --quick
    .venv/bin/python benchmarks/world_models.py --epochs 3 --generations 20 --set temperature=1.0
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def run(dream: bool, args, hparams: dict, out: str):
    from workbench.training import TrainConfig, job

    config = TrainConfig("world_models", "CartPole-v1", epochs=args.epochs, batch_size=32, seed=args.seed,
                         hparams={**hparams, "dream": dream}, out=out)
    started = time.perf_counter()
    result = job.run_training(config)
    return result, time.perf_counter() - started


def trained_world(run_dir: str, hp: dict):
    """A WorldModel holding the run's saved V, M and C."""
    from workbench.models.generative.world_models import WorldModel
    from workbench.models.io import load_model

    world = WorldModel(hp, actions=2)
    for name in ("vae", "mdn_rnn", "controller"):
        getattr(world, name).set_weights(load_model(os.path.join(run_dir, f"{name}.keras")).get_weights())
    return world


def test_returns(world, source, episodes: int, seed: int, max_steps: int) -> np.ndarray:
    controller = world.controller.get_layer("action_logits").get_weights()
    params = np.concatenate([controller[0].ravel(), controller[1]]).astype(np.float32)
    returns, _ = world.real(source, np.repeat(params[None], episodes, 0), seed, (10**6,), max_steps)
    return returns


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small budget (about a few minutes on 2 cores)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--generations", type=int, default=15)
    parser.add_argument("--test", type=int, default=20, help="real test episodes per controller")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], help="hparam=value for both runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.generations, args.test = 1, 6, 10

    from workbench import catalog, data
    from workbench.data.environments import random_policy_returns

    hparams = {"rollouts": 30, "vae_steps": 300, "rnn_steps": 600, "generations": args.generations,
               "population": 8, "eval_episodes": 2, "max_steps": 200, "learning_rate": 3e-3}
    hparams.update(catalog.registry.parse_assignments(args.set) if args.set else {})
    hp = catalog.get("world_models").resolve(hparams)
    source = data.load("CartPole-v1", {}, seed=args.seed + 1000, val_fraction=0.0)
    print(f"World Models on CartPole-v1: {args.epochs} epoch(s) x ({hp['rollouts']} rollouts, V {hp['vae_steps']} "
          f"steps, M {hp['rnn_steps']} steps, {hp['generations']} CMA-ES generations of {hp['population']}); "
          f"test: {args.test} real episodes of at most {hp['max_steps']} steps")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for dream in (True, False):
            result, seconds = run(dream, args, hparams, os.path.join(tmp, f"dream_{dream}"))
            world = trained_world(result.run_dir, hp)
            returns = test_returns(world, source, args.test, args.seed + 1000, hp["max_steps"])
            history = result.history
            rows.append(("C trained in the dream" if dream else "C trained in the real env", returns, seconds,
                         history["v_reconstruction"][-1], history["m_nll"][-1]))
    started = time.perf_counter()
    random = random_policy_returns(source, args.test)
    rows.append(("random policy", random, time.perf_counter() - started, float("nan"), float("nan")))
    print("V recon and M nll: the last epoch's means")
    print(f"{'controller':28s} {'real return':>18s} {'wall s':>8s} {'V recon':>8s} {'M nll':>7s}")
    for name, returns, seconds, recon, nll in rows:
        print(f"{name:28s} {returns.mean():9.1f} +- {returns.std():5.1f} {seconds:8.1f} {recon:8.2f} {nll:7.3f}")


if __name__ == "__main__":
    main()
