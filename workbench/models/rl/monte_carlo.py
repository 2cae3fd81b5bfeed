"""First-visit Monte Carlo prediction and control (Sutton & Barto, ch. 5).

Play a whole episode, compute the return G_t after each step, and at the *first* visit of
each state (prediction) or state-action pair (control) move its estimate to the running
average of the returns seen there:

    N(x) <- N(x) + 1,    V(x) <- V(x) + (G - V(x)) / N(x)

No bootstrapping: the estimate is an unbiased average of real returns. Prediction
(``mode=prediction``) evaluates a fixed policy and logs the distance to the exact V^pi;
control (``mode=control``) improves an epsilon-greedy (or softmax) policy on Q as it goes
(on-policy, epsilon-soft).
"""

from __future__ import annotations

import numpy as np

from workbench.models.rl import tabular


def first_visit_returns(keys: list, rewards: list[float], gamma: float) -> dict:
    """{key: G_t at the first step t where key occurs}; G_t = r_t + gamma G_(t+1)."""
    found, g = {}, 0.0
    for key, reward in zip(reversed(keys), reversed(rewards)):
        g = float(reward) + gamma * g
        found[key] = g  # walking backwards, the last write is the earliest visit
    return found


def average_update(table: np.ndarray, counts: np.ndarray, key, g: float) -> None:
    """The incremental sample mean: after N returns the entry is exactly their average."""
    counts[key] += 1
    table[key] += (g - table[key]) / counts[key]


def mc_episode(policy: np.ndarray | None):
    """An episode's first-visit updates: of V under ``policy``, or (``policy`` None) of Q
    under the exploring policy on Q."""
    def run(env, tables: dict, rng: np.random.Generator, hp: dict) -> dict:
        s, _ = env.reset(seed=int(rng.integers(2**31 - 1)))
        keys, rewards = [], []
        for _ in range(tabular.episode_cap(hp)):
            probs = policy[s] if policy is not None else tabular.behaviour_probs(tables["q"][s], hp)
            a = tabular.draw(rng, probs)
            s2, r, terminated, truncated, _ = env.step(a)
            keys.append(int(s) if policy is not None else (int(s), a))
            rewards.append(float(r))
            s = s2
            if terminated or truncated:
                break
        table = tables["v"] if policy is not None else tables["q"]
        for key, g in first_visit_returns(keys, rewards, hp["gamma"]).items():
            average_update(table, tables["n"], key, g)
        return {"return": float(sum(rewards)), "length": float(len(rewards))}
    return run


def train_monte_carlo(ctx):
    from workbench.models.rl.td import evaluated_policy, rms_error

    states, actions = tabular.table_sizes(ctx.dataset, "Monte Carlo")
    if ctx.hp["mode"] == "prediction":
        policy, exact = evaluated_policy(ctx.dataset, ctx.hp)
        return tabular.train_episodes(ctx, mc_episode(policy), {"v": np.zeros(states), "n": np.zeros(states)},
                                      evaluate=lambda tables: {"loss": rms_error(tables["v"], exact)})
    tables = {"q": np.zeros((states, actions)), "n": np.zeros((states, actions))}
    return tabular.train_episodes(ctx, mc_episode(None), tables)


train_monte_carlo.resumable = True
