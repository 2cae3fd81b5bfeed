"""Play a trained agent greedily: the episode loop behind ``keras-workbench play`` and the
Play tab, for every RL entry.

The run's entry names how to rebuild its agent (the ``load_agent`` hook: ``(run_dir) ->
object with act(observation, env) -> action``, and optionally ``check(env, env_id)``, which
raises a sentence for an environment the agent cannot act in). Episode ``i`` resets with a
seed drawn from ``rng_for(seed, i)``, so the same ``--seed`` plays the same episodes.

In a two-player board game (``tictactoe``, ``connect4``) the agent plays the first player in
even episodes and the second in odd ones, against a uniformly random opponent whose moves
are drawn from ``rng_for(seed, i, 1)``; the return is the agent's: +1 a win, -1 a loss, 0 a
draw.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError

#: Steps after which an episode is cut short where the environment sets no limit of its own
#: (a greedy tabular policy may walk in a circle on CliffWalking for ever).
MAX_STEPS = 1000


@dataclass
class Step:
    """What the Play tab shows after each action."""

    episode: int  # zero-based
    t: int  # steps taken in this episode so far
    observation: object
    action: int
    reward: float
    total: float  # the episode's return so far
    done: bool
    frame: np.ndarray | None = None


@dataclass
class LoadedAgent:
    agent: object
    entry: object
    config: dict
    env_id: str
    source: object


def load(run_dir: str, env_id: str | None = None, seed: int = 0) -> LoadedAgent:
    """The run's agent and the environment to play it in (the run's own unless ``env_id``)."""
    from workbench import catalog, data
    from workbench.runs.rundir import RunDir

    run_dir = os.path.abspath(run_dir)
    if not os.path.isdir(run_dir):
        raise WorkbenchError(f"{run_dir} is not a directory")
    config = RunDir(run_dir).read_config()
    entry = catalog.get(str(config.get("model")))
    if entry.task != "rl":
        raise WorkbenchError(f"{os.path.basename(run_dir)} is a run of {entry.name}, which is not a "
                             "reinforcement-learning agent: there is nothing to play")
    loader = entry.hook("load_agent")
    if loader is None:
        raise WorkbenchError(f"{entry.name} runs cannot be played yet (its entry has no load_agent hook)")
    own = str(config.get("data", ""))
    env_id = env_id or own
    options = dict(config.get("data_options") or {}) if env_id == own else {}
    source = data.load(env_id, options, seed=seed)
    if getattr(source.info, "kind", "") != "environment":
        raise WorkbenchError(f"{env_id!r} is {source.info.kind} data, not an environment an agent can act in")
    agent = loader(run_dir)
    check = getattr(agent, "check", None)
    if check is not None:
        check(source._probe, env_id)
    else:
        _check_discrete(source._probe, env_id)
    return LoadedAgent(agent, entry, config, env_id, source)


def _check_discrete(env, env_id: str) -> None:
    from gymnasium import spaces

    if not isinstance(env.action_space, spaces.Discrete):
        raise WorkbenchError(f"this agent picks one of a discrete set of actions; {env_id} has a continuous "
                             f"action space ({env.action_space})")


def plain_observation(observation):
    """An observation as JSON: an int for a numbered state, a list for a vector."""
    if isinstance(observation, (int, np.integer)):
        return int(observation)
    array = np.asarray(observation)
    if array.ndim == 0:
        return array.item()
    return array.tolist()


def play_episode(agent, env, seed: int, episode: int, max_steps: int = MAX_STEPS, render: bool = False,
                 on_step: Callable[[Step], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> dict:
    """One greedy episode: {"return", "length", "states"} (states: every observation from the
    first, the reset, to the last)."""
    rng = rng_for(seed, episode)
    observation, _ = env.reset(seed=int(rng.integers(2**31 - 1)))
    two_player = hasattr(env.unwrapped, "legal_actions") and hasattr(env.unwrapped, "current_player")
    side, opponent = episode % 2, rng_for(seed, episode, 1)
    states, total, length = [plain_observation(observation)], 0.0, 0
    if on_step is not None:
        on_step(Step(episode, 0, observation, -1, 0.0, 0.0, False, env.render() if render else None))
    for _ in range(max_steps):
        if should_stop is not None and should_stop():
            break
        mover = env.unwrapped.current_player if two_player else side
        if mover == side:
            action = agent.act(observation, env)
        else:  # the board game's other player: a uniformly random legal move
            action = int(opponent.choice(env.unwrapped.legal_actions()))
        observation, reward, terminated, truncated, _ = env.step(action)
        total += float(reward) if mover == side else -float(reward)  # the mover's win is the other's loss
        length += 1
        states.append(plain_observation(observation))
        done = bool(terminated or truncated)
        if on_step is not None:
            on_step(Step(episode, length, observation, int(action), float(reward), total, done,
                         env.render() if render else None))
        if done:
            break
    return {"return": total, "length": length, "states": states}


def play(run_dir: str, episodes: int, seed: int = 0, env_id: str | None = None, max_steps: int = MAX_STEPS,
         render: bool = False, on_step=None, should_stop=None, loaded: LoadedAgent | None = None) -> dict:
    """``episodes`` greedy episodes of the run's agent: {"returns", "mean_return", "episodes"}."""
    if episodes < 1:
        raise WorkbenchError(f"--episodes {episodes} must be 1 or more")
    if max_steps < 1:
        raise WorkbenchError(f"--max-steps {max_steps} must be 1 or more")
    loaded = loaded or load(run_dir, env_id, seed)
    env = loaded.source.make(seed, render_mode="rgb_array" if render else None)
    played = []
    try:
        for episode in range(episodes):
            if should_stop is not None and should_stop():
                break
            played.append(play_episode(loaded.agent, env, seed, episode, max_steps, render, on_step, should_stop))
    finally:
        env.close()
    returns = [p["return"] for p in played]
    return {"returns": returns, "mean_return": float(np.mean(returns)) if returns else 0.0, "episodes": played}
