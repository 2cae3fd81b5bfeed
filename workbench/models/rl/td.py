"""TD(0) prediction (Sutton, 1988): the value of a fixed policy, learned from single steps.

    V(s) <- V(s) + alpha [r + gamma V(s') - V(s)]

It bootstraps on its own estimate of the next state instead of waiting for the return (as
Monte Carlo does). With a suitable alpha it converges to V^pi; each epoch logs the
root-mean-square distance to the exact V^pi, solved from the linear Bellman system
(I - gamma P_pi) V = R_pi with the environment's published dynamics.
"""

from __future__ import annotations

import numpy as np

from workbench.models.rl import tabular


def td0_update(v: np.ndarray, s: int, r: float, s2: int, done: bool, alpha: float, gamma: float) -> float:
    """One TD(0) step on ``v`` in place; returns the TD error delta = r + gamma V(s') - V(s)."""
    target = r if done else r + gamma * float(v[s2])
    error = target - v[s]
    v[s] += alpha * error
    return float(error)


def evaluated_policy(source, hp: dict) -> tuple[np.ndarray, np.ndarray]:
    """(pi, exact V^pi): ``policy=random`` the uniform policy, ``policy=optimal`` the greedy
    policy of value iteration's V*."""
    from workbench.models.rl.value_iteration import value_iteration

    env = source.make(None, render_mode=None)
    p, r = tabular.dynamics(env)
    env.close()
    states, actions = r.shape
    if hp["policy"] == "optimal":
        v_star, _ = value_iteration(p, r, hp["gamma"])
        policy = tabular.greedy_policy(tabular.q_from_v(p, r, v_star, hp["gamma"]))
    else:
        policy = np.full((states, actions), 1.0 / actions)
    return policy, tabular.policy_value(p, r, policy, hp["gamma"])


def rms_error(estimate: np.ndarray, exact: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(estimate - exact))))


def td0_episode(policy: np.ndarray):
    def run(env, tables: dict, rng: np.random.Generator, hp: dict) -> dict:
        v = tables["v"]
        s, _ = env.reset(seed=int(rng.integers(2**31 - 1)))
        rewards = []
        for _ in range(tabular.episode_cap(hp)):
            a = tabular.draw(rng, policy[s])
            s2, r, terminated, truncated, _ = env.step(a)
            td0_update(v, int(s), float(r), int(s2), terminated, hp["alpha"], hp["gamma"])
            rewards.append(float(r))
            s = s2
            if terminated or truncated:
                break
        return {"return": float(sum(rewards)), "length": float(len(rewards))}
    return run


def train_td0(ctx):
    states, _ = tabular.table_sizes(ctx.dataset, "TD(0)")
    policy, exact = evaluated_policy(ctx.dataset, ctx.hp)
    return tabular.train_episodes(ctx, td0_episode(policy), {"v": np.zeros(states)},
                                  evaluate=lambda tables: {"loss": rms_error(tables["v"], exact)})


train_td0.resumable = True
