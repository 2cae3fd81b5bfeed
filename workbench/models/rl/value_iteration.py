"""Value iteration (Bellman, 1957): dynamic programming on an environment whose dynamics are known.

    V_(k+1)(s) = max_a sum_s' P(s'|s, a) [r(s, a, s') + gamma V_k(s')]

Each sweep applies the Bellman optimality operator, a gamma-contraction, so V_k converges
to V* from any start; the greedy policy on V* is optimal. gymnasium's toy-text environments
(FrozenLake-v1, CliffWalking-v1, Taxi-v4) publish P as ``env.unwrapped.P``. An "epoch" is
``sweeps`` sweeps; the run ends early once a sweep changes no value by more than ``theta``.
"""

from __future__ import annotations

import time

import numpy as np

from workbench.models.rl import tabular


def bellman_optimality_backup(v: np.ndarray, p: np.ndarray, r: np.ndarray, gamma: float) -> np.ndarray:
    """max_a [R(s, a) + gamma sum_s' P(s'|s, a) V(s')] for every state at once."""
    return tabular.q_from_v(p, r, v, gamma).max(axis=1)


def value_iteration(p: np.ndarray, r: np.ndarray, gamma: float, theta: float = 1e-10,
                    max_sweeps: int = 100_000) -> tuple[np.ndarray, int]:
    """V* (to within ``theta`` between sweeps) and the number of sweeps it took."""
    v = np.zeros(len(r))
    for sweep in range(1, max_sweeps + 1):
        new = bellman_optimality_backup(v, p, r, gamma)
        delta = float(np.max(np.abs(new - v)))
        v = new
        if delta < theta:
            return v, sweep
    return v, max_sweeps


def train_value_iteration(ctx):
    from workbench.training import events

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    tabular.table_sizes(source, "Value iteration")
    env = source.make(None, render_mode=None)
    p, r = tabular.dynamics(env)
    v = np.zeros(len(r))
    snap = ctx.resume_snapshot()
    if snap is not None:
        v[...] = snap.arrays["v"]
    sweeps = config.steps_per_epoch or hp["sweeps"]
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (dynamic programming)", config.epochs,
                               ctx.initial_epoch, sweeps, int(v.size)))
    stopped = converged = False
    epoch = ctx.initial_epoch
    for epoch in range(ctx.initial_epoch, config.epochs):
        started = time.perf_counter()
        for step in range(sweeps):
            if ctx.control.stop_requested:
                break
            new = bellman_optimality_backup(v, p, r, hp["gamma"])
            delta = float(np.max(np.abs(new - v)))
            v = new
            ctx.emit(events.BatchEnd(epoch, step + 1, sweeps, {"delta": delta}))
            converged = delta < hp["theta"]
            if converged:
                break
        if ctx.control.stop_requested:
            stopped = True
            break
        # the start state's value: the expected return of the greedy policy from where episodes begin
        start = tabular.start_state(env, config.seed)
        ctx.end_epoch(epoch, {"loss": delta, "delta": delta, "start_value": float(v[start])},
                      time.perf_counter() - started)
        q = tabular.q_from_v(p, r, v, hp["gamma"])
        path = tabular.greedy_path(q, env, start)[0] if source.grid is not None else None
        for view in tabular.value_views(source, v, path, epoch + 1, "value iteration", tabular.unreachable_states(env)):
            ctx.emit(view)
        ctx.save_point(epoch + 1, {}, arrays={"v": v}, state={"delta": delta})
        if converged:
            ctx.emit(events.Status(f"converged: no value moved by more than theta={hp['theta']:g}"))
            break
    env.close()
    tabular.write_tables(ctx.run_dir.path, {"q": tabular.q_from_v(p, r, v, hp["gamma"]), "v": v})
    return ctx.finish(None, stopped=stopped, early_stopped=converged and epoch + 1 < config.epochs)


train_value_iteration.resumable = True
