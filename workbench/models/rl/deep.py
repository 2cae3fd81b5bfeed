"""What the deep RL agents (DQN, Actor-Critic, A2C, A3C, ACER, UNREAL) share.

* ``train_agent(ctx, agent)``: the epoch loop of every agent. An epoch is a fixed number
  of environment steps; each epoch starts fresh episodes whose seeds come from
  (seed, epoch, env), and the episode still running when the epoch ends is cut there
  (treated as a time-limit truncation: its last state is bootstrapped, not counted as an
  end). So the resume point after an epoch needs no environment state: networks,
  optimizers, the agent's arrays (replay buffers) and counters make it whole.
* ``evaluate_greedy``: the mean return of the greedy policy over N fresh episodes (the
  figure "solves CartPole-v1" is judged on: >= 475 over 100 episodes).
* ``load_agent``: the ``load_agent`` hook: the run's ``model.keras``, acting greedily.
"""

from __future__ import annotations

import os
import time

import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.training import events

#: Counter used in ``rng_for`` for the greedy evaluation episodes (apart from training draws).
EVAL_STREAM = 7919


def require_discrete(source, who: str) -> None:
    """A sentence when the environment's actions are not a discrete set."""
    import gymnasium

    space = source._probe.action_space
    if not isinstance(space, gymnasium.spaces.Discrete):
        raise WorkbenchError(f"{who} picks one of a discrete set of actions; {source.env_id} has a "
                             f"continuous action space ({space})")
    if getattr(source, "two_player", False):
        raise WorkbenchError(f"{who} learns single-agent environments; {source.env_id} is a two-player "
                             "board game (use alphago or alphago_zero)")


def compile_fn(fn, eager: bool):
    """``tf.function(fn)``, or ``fn`` itself when the run asks for eager execution (the smoke
    test: tracing would take longer than the two steps it runs)."""
    if eager:
        return fn
    import tensorflow as tf

    return tf.function(fn, reduce_retracing=True)


def sample_actions(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One action per row of ``probs`` by inverse CDF on one uniform draw each."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cdf[:, -1]
    return np.minimum((cdf < u[:, None]).sum(axis=1), probs.shape[1] - 1).astype(np.int64)


def encode_batch(source, observations) -> np.ndarray:
    return np.stack([source.encode(o) for o in observations]).astype(np.float32)


def make_vector_env(source, num_envs: int, seed: int, epoch: int):
    """``num_envs`` copies of the environment stepped in lock-step (gymnasium's
    SyncVectorEnv, an ended episode reset in the same step), reset with seeds from
    (seed, epoch); returns (vector env, first observations encoded)."""
    from gymnasium.vector import AutoresetMode, SyncVectorEnv

    envs = SyncVectorEnv([lambda: source.make(None, render_mode=None)] * num_envs,
                         autoreset_mode=AutoresetMode.SAME_STEP)
    seeds = rng_for(seed, epoch, 0).integers(2**31 - 1, size=num_envs)
    observations, _ = envs.reset(seed=[int(s) for s in seeds])
    return envs, encode_batch(source, observations)


class EpisodeTracker:
    """Running return and length of each of ``n`` environments; finished episodes' returns."""

    def __init__(self, n: int):
        self.running = np.zeros(n)
        self.lengths = np.zeros(n, np.int64)
        self.returns: list[float] = []
        self.episode_lengths: list[int] = []

    def step(self, rewards, ends) -> None:
        self.running += rewards
        self.lengths += 1
        for i in np.flatnonzero(ends):
            self.returns.append(float(self.running[i]))
            self.episode_lengths.append(int(self.lengths[i]))
            self.running[i], self.lengths[i] = 0.0, 0


class Throttle:
    """Lets a BatchEnd event through at most every ``seconds`` (the GUI plots each one)."""

    def __init__(self, seconds: float = 0.25):
        self.seconds, self.last = seconds, 0.0

    def __call__(self) -> bool:
        now = time.perf_counter()
        if now - self.last >= self.seconds:
            self.last = now
            return True
        return False


def evaluate_greedy(source, greedy_actions, episodes: int, seed: int, epoch: int,
                    max_steps: int = 100_000) -> np.ndarray:
    """Returns of ``episodes`` fresh episodes played in parallel by ``greedy_actions``
    (encoded states (B, ...) -> actions (B,)), seeded from (seed, epoch)."""
    seeds = rng_for(seed, epoch, EVAL_STREAM).integers(2**31 - 1, size=episodes)
    envs = [source.make(None, render_mode=None) for _ in range(episodes)]
    try:
        observations = [env.reset(seed=int(s))[0] for env, s in zip(envs, seeds)]
        returns = np.zeros(episodes)
        live = list(range(episodes))
        for _ in range(max_steps):
            if not live:
                break
            actions = greedy_actions(encode_batch(source, [observations[i] for i in live]))
            still = []
            for i, action in zip(live, actions):
                observations[i], reward, terminated, truncated, _ = envs[i].step(int(action))
                returns[i] += reward
                if not (terminated or truncated):
                    still.append(i)
            live = still
    finally:
        for env in envs:
            env.close()
    return returns


def train_agent(ctx, agent, steps_per_epoch: int):
    """The epoch loop: ``agent.run_epoch`` for ``steps_per_epoch`` environment steps (the
    run's ``steps_per_epoch`` replaces it when set), a greedy evaluation, the return view
    and the resume point; stops early once the greedy mean return reaches ``solved_at``."""
    from workbench.models.rl.reinforce import returns_view
    from workbench.rl.frames import episode_frames_view

    config, hp = ctx.config, ctx.hp
    steps = config.steps_per_epoch or steps_per_epoch
    snapshot = ctx.restore_networks(agent.networks, agent.optimizers)
    returns: list[float] = []
    if snapshot is not None:
        agent.restore(snapshot.arrays, snapshot.state)
        returns = list(snapshot.state.get("returns") or [])
    params = int(sum(n.count_params() for n in agent.networks.values()))
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", config.epochs,
                               ctx.initial_epoch, steps, params))
    stopped = solved = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started = time.perf_counter()

        def report(step, logs, epoch=epoch):
            ctx.emit(events.BatchEnd(epoch, step, steps, logs))

        logs, finished = agent.run_epoch(epoch, steps, report, ctx.control)
        if ctx.control.stop_requested:
            stopped = True
            break
        returns += finished
        recent = returns[-100:]
        logs = {**logs, "env_steps": float(agent.env_steps), "episodes": float(len(returns)),
                "mean_return_100": float(np.mean(recent)) if recent else 0.0}
        if hp.get("eval_episodes", 0) > 0:
            greedy = evaluate_greedy(ctx.dataset, agent.greedy_actions, hp["eval_episodes"], config.seed, epoch)
            logs["greedy_return"] = float(greedy.mean())
            solved = hp.get("solved_at", 0) > 0 and logs["greedy_return"] >= hp["solved_at"]
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        if returns:
            ctx.emit(returns_view(returns, epoch + 1))
        frames = episode_frames_view(ctx.dataset, lambda o: agent.greedy_actions(encode_batch(ctx.dataset, [o]))[0],
                                     config.seed, epoch)
        if frames is not None:
            ctx.emit(frames)
        ctx.save_point(epoch + 1, agent.networks, agent.optimizers, arrays=agent.arrays(),
                       state={**agent.state(), "returns": returns})
        if solved:
            ctx.emit(events.Status(f"solved: greedy mean return {logs['greedy_return']:.1f} over "
                                   f"{hp['eval_episodes']} episodes after {agent.env_steps} environment steps"))
            break
    return ctx.finish(agent.main, stopped=stopped, early_stopped=solved, networks=agent.networks)


class ReplayCounters:
    """What an off-policy actor-critic (ACER, UNREAL) resumes from besides its networks:
    its replay ``buffer`` and its two counters; its greedy action is the policy head's
    most probable one (``forward(states)[0]``)."""

    def arrays(self) -> dict:
        return self.buffer.to_arrays()

    def state(self) -> dict:
        return {"env_steps": self.env_steps, "updates": self.updates}

    def restore(self, arrays: dict, state: dict) -> None:
        self.buffer.load_arrays(arrays)
        self.env_steps, self.updates = int(state["env_steps"]), int(state["updates"])

    def greedy_actions(self, states):
        return np.argmax(np.asarray(self.forward(states)[0]), axis=1)


def greedy_from_outputs(outputs) -> np.ndarray:
    """The greedy action of a network's output: the first output (softmax policy or Q) if
    there are several."""
    if isinstance(outputs, (list, tuple)):
        outputs = outputs[0]
    return np.argmax(np.asarray(outputs), axis=-1)


class GreedyAgent:
    """A trained network acting greedily: argmax of its policy (or Q) output."""

    def __init__(self, model):
        self.model = model

    def act(self, observation, env) -> int:
        from workbench.data.environments import encode_observation

        state = encode_observation(env.observation_space, observation)[None]
        expected = tuple(self.model.inputs[0].shape[1:])
        if tuple(state.shape[1:]) != expected:
            raise WorkbenchError(f"this agent reads observations of shape {expected}, but the environment "
                                 f"gives {tuple(state.shape[1:])}")
        return int(greedy_from_outputs(self.model(state, training=False))[0])


def load_agent(run_dir: str) -> GreedyAgent:
    """The ``load_agent`` hook of the deep RL entries: ``model.keras`` of the run, greedy."""
    from workbench.models.io import load_model

    if not os.path.isfile(os.path.join(run_dir, "model.keras")):
        raise WorkbenchError(f"{run_dir} has no model.keras yet (the run never finished): resume it or train again")
    return GreedyAgent(load_model(run_dir))
