"""Q-learning (Watkins, 1989): off-policy temporal-difference control.

    Q(s, a) <- Q(s, a) + alpha [r + gamma max_a' Q(s', a') - Q(s, a)]

The target takes the best next action whatever the behaviour policy will do, so Q
converges to the optimal Q* while the agent explores (epsilon-greedy or softmax). On
CliffWalking that is why its greedy path runs along the cliff edge: the shortest path is
optimal for a greedy walker, even though an exploring one falls off it now and then.
"""

from __future__ import annotations

import numpy as np

from workbench.models.rl import tabular


def q_learning_update(q: np.ndarray, s: int, a: int, r: float, s2: int, done: bool,
                      alpha: float, gamma: float) -> float:
    """One Q-learning step on ``q`` in place; returns the TD error. At the end of an episode
    (``done``) nothing follows, so the target is r alone."""
    target = r if done else r + gamma * float(np.max(q[s2]))
    error = target - q[s, a]
    q[s, a] += alpha * error
    return float(error)


def q_learning_episode(env, tables: dict, rng: np.random.Generator, hp: dict) -> dict:
    q = tables["q"]
    s, _ = env.reset(seed=int(rng.integers(2**31 - 1)))
    rewards, errors = [], []
    for _ in range(tabular.episode_cap(hp)):
        a = tabular.draw(rng, tabular.behaviour_probs(q[s], hp))
        s2, r, terminated, truncated, _ = env.step(a)
        errors.append(q_learning_update(q, int(s), a, float(r), int(s2), terminated, hp["alpha"], hp["gamma"]))
        rewards.append(float(r))
        s = s2
        if terminated or truncated:
            break
    return {"return": float(sum(rewards)), "length": float(len(rewards)),
            "loss": float(np.mean(np.square(errors)))}  # the mean squared TD error


def train_q_learning(ctx):
    states, actions = tabular.table_sizes(ctx.dataset, "Q-learning")
    return tabular.train_episodes(ctx, q_learning_episode, {"q": np.zeros((states, actions))})


train_q_learning.resumable = True  # the Q table and the episode count are the resume point
