"""Tabular RL figures: CliffWalking's Q-learning vs SARSA (Sutton & Barto, example 6.6) and the
convergence of TD(0) / Monte Carlo prediction and value iteration on FrozenLake.

    python benchmarks/tabular_rl.py [--quick]

Prints, for several seeds, each method's greedy path length from the start (13 = along the
cliff edge) and its mean online return over the last 100 training episodes (the book's
figure: SARSA's exploring walk earns more online, Q-learning's greedy path is shorter), then
the RMS error of TD(0) and first-visit MC against the exact V^pi, and value iteration's sweeps.
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np

from workbench.data.sources import rng_for
from workbench.models.rl import tabular
from workbench.models.rl.monte_carlo import mc_episode
from workbench.models.rl.q_learning import q_learning_episode
from workbench.models.rl.sarsa import sarsa_episode
from workbench.models.rl.td import rms_error, td0_episode
from workbench.models.rl.value_iteration import value_iteration

HP = {"exploration": "epsilon", "epsilon": 0.1, "temperature": 1.0, "alpha": 0.5, "gamma": 0.99, "max_steps": 1000}


def cliff(episodes: int, seeds: int) -> None:
    print(f"CliffWalking-v1, {episodes} episodes, epsilon-greedy 0.1, alpha 0.5, gamma 0.99")
    print(f"{'method':<12}{'seed':>5}{'greedy path':>13}{'online return (last 100)':>27}{'seconds':>9}")
    for name, run in (("q_learning", q_learning_episode), ("sarsa", sarsa_episode)):
        for seed in range(seeds):
            env, q, returns = gym.make("CliffWalking-v1"), np.zeros((48, 4)), []
            started = time.perf_counter()
            for episode in range(episodes):
                returns.append(run(env, {"q": q}, rng_for(seed, episode), HP)["return"])
            path, ended = tabular.greedy_path(q, env, 36)
            steps = f"{len(path) - 1}" if ended else "circles"
            print(f"{name:<12}{seed:>5}{steps:>13}{np.mean(returns[-100:]):>27.1f}"
                  f"{time.perf_counter() - started:>9.2f}")


def prediction(episodes: int) -> None:
    env = gym.make("FrozenLake-v1")
    p, r = tabular.dynamics(env)
    policy = np.full((16, 4), 0.25)
    exact = tabular.policy_value(p, r, policy, 0.9)
    print("\nFrozenLake-v1, uniformly random policy, gamma 0.9: RMS error to the exact V^pi")
    marks = sorted({episodes // 10, episodes // 3, episodes})
    print(f"{'method':<14}" + "".join(f"{m:>10}" for m in marks))
    for name, run in (("td0 a=0.02", td0_episode(policy)), ("monte_carlo", mc_episode(policy))):
        tables, errors = {"v": np.zeros(16), "n": np.zeros(16)}, []
        for episode in range(episodes):
            run(env, tables, rng_for(0, episode), {"alpha": 0.02, "gamma": 0.9, "max_steps": 1000})
            if episode + 1 in marks:
                errors.append(rms_error(tables["v"], exact))
        print(f"{name:<14}" + "".join(f"{e:>10.4f}" for e in errors))
    for gamma in (0.9, 0.99):
        v, sweeps = value_iteration(p, r, gamma, theta=1e-10)
        print(f"value iteration gamma {gamma}: V*(start) = {v[0]:.4f} after {sweeps} sweeps")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer episodes and seeds")
    args = parser.parse_args()
    cliff(200 if args.quick else 500, 2 if args.quick else 5)
    prediction(500 if args.quick else 5000)


if __name__ == "__main__":
    main()
