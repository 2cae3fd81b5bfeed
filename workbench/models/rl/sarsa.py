"""SARSA (Rummery & Niranjan, 1994): on-policy temporal-difference control.

    Q(s, a) <- Q(s, a) + alpha [r + gamma Q(s', a') - Q(s, a)],  a' drawn from the same
                                                              exploring policy, then taken

The target uses the action the agent will really take next, so Q is the value of the
exploring policy itself. On CliffWalking with epsilon-greedy exploration an occasional
random step next to the cliff costs -100, so SARSA's greedy path keeps away from the edge
(the "safe path" of Sutton & Barto, example 6.6), where Q-learning walks along it.
"""

from __future__ import annotations

import numpy as np

from workbench.models.rl import tabular


def sarsa_update(q: np.ndarray, s: int, a: int, r: float, s2: int, a2: int, done: bool,
                 alpha: float, gamma: float) -> float:
    """One SARSA step on ``q`` in place; returns the TD error (target r alone at the end)."""
    target = r if done else r + gamma * float(q[s2, a2])
    error = target - q[s, a]
    q[s, a] += alpha * error
    return float(error)


def sarsa_episode(env, tables: dict, rng: np.random.Generator, hp: dict) -> dict:
    q = tables["q"]
    s, _ = env.reset(seed=int(rng.integers(2**31 - 1)))
    a = tabular.draw(rng, tabular.behaviour_probs(q[s], hp))
    rewards, errors = [], []
    for _ in range(tabular.episode_cap(hp)):
        s2, r, terminated, truncated, _ = env.step(a)
        a2 = tabular.draw(rng, tabular.behaviour_probs(q[s2], hp))
        errors.append(sarsa_update(q, int(s), a, float(r), int(s2), a2, terminated, hp["alpha"], hp["gamma"]))
        rewards.append(float(r))
        s, a = s2, a2
        if terminated or truncated:
            break
    return {"return": float(sum(rewards)), "length": float(len(rewards)),
            "loss": float(np.mean(np.square(errors)))}


def train_sarsa(ctx):
    states, actions = tabular.table_sizes(ctx.dataset, "SARSA")
    return tabular.train_episodes(ctx, sarsa_episode, {"q": np.zeros((states, actions))})


train_sarsa.resumable = True
