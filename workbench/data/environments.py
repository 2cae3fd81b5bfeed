"""Environments an agent acts in: any registered gymnasium id, and the board games written here.

``--data CartPole-v1`` works for every id gymnasium's registry knows (``registry.resolve``
asks ``gym_spec_for``); the offline classic ones are listed by ``datasets`` by name. An id
whose extra is missing (Box2D, MuJoCo, Atari) is refused with the ``pip install`` line.

A model sees observations as flat float vectors: a ``Box`` as it is, a ``Discrete(n)`` state
as a one-hot vector of size n (so ``info.input_shape`` of FrozenLake is ``(16,)``), a
``Tuple`` of them as the one-hot vectors side by side. ``EnvironmentSource.encode`` does it.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, register
from workbench.data.sources import Environment
from workbench.errors import WorkbenchError

#: Gymnasium's classic control and toy-text ids (no extra beyond pygame, which renders them),
#: with their action names from gymnasium's documentation.
CLASSIC = {
    "CartPole-v1": ("Balance a pole on a cart by pushing it left or right.", ("left", "right")),
    "MountainCar-v0": ("Drive an underpowered car up a hill by rocking it.",
                       ("push left", "no push", "push right")),
    "Acrobot-v1": ("Swing a two-link arm's tip above a line.", ("torque -1", "torque 0", "torque +1")),
    "Pendulum-v1": ("Swing a pendulum up and hold it (continuous torque).", ()),
    "FrozenLake-v1": ("Cross a slippery 4x4 frozen lake to the goal without falling in a hole.",
                      ("left", "down", "right", "up")),
    "CliffWalking-v1": ("Walk along a 4x12 grid to the goal without stepping off the cliff.",
                        ("up", "right", "down", "left")),
    "Taxi-v4": ("Pick up a passenger on a 5x5 grid and drop them off at the destination.",
                ("south", "north", "east", "west", "pick up", "drop off")),
    "Blackjack-v1": ("Play blackjack against the dealer: stick or hit.", ("stick", "hit")),
}
#: Options passed on to ``gymnasium.make`` for the environments that have them.
MAKE_OPTIONS = {"FrozenLake-v1": ("map_name", "is_slippery"), "CliffWalking-v1": ("is_slippery",)}
BOARD_GAMES = {
    "tictactoe": "Tic-tac-toe: two players, 3x3 board, three in a row wins (written here).",
    "connect4": "Connect Four: two players, 6x7 board, four in a row wins (written here).",
}
#: Which ``pip install`` brings a gymnasium family that is not installed by default.
EXTRAS = {"box2d": 'pip install swig "gymnasium[box2d]"', "mujoco": 'pip install "gymnasium[mujoco]"',
          "ALE": 'pip install "gymnasium[atari]"', "atari": 'pip install "gymnasium[atari]"'}
#: What a gymnasium id looks like: ``[namespace/]Name-vN``.
GYM_ID = re.compile(r"^(?:[\w.-]+/)?[\w.:-]+-v\d+$")

LOADER = "workbench.data.environments:load_environment"
for _id, (_summary, _) in CLASSIC.items():
    register(DatasetSpec(_id, "environment", "rl", f"gymnasium {_id}: {_summary}", LOADER,
                         options=MAKE_OPTIONS.get(_id, ())))
for _name, _summary in BOARD_GAMES.items():
    register(DatasetSpec(_name, "environment", "rl", _summary, LOADER, options=()))

PREVIEW_FRAMES = 8
PREVIEW_EPISODES = 10
FRAME_WIDTH = 160  # preview frames are scaled down to this width (the grid shows 8 of them)


def gym_spec_for(name: str) -> DatasetSpec | None:
    """A spec for a gymnasium id that is not registered here by name; None when ``name``
    does not look like an id (so the caller's 'unknown dataset' sentence stands). An id that
    looks like one but gymnasium does not know gets a sentence with gymnasium's close matches."""
    if not GYM_ID.match(name):
        return None
    import gymnasium as gym

    if name not in gym.registry:
        raise WorkbenchError(_unknown_id(name, list(gym.registry)))
    return DatasetSpec(name, "environment", "rl", f"gymnasium {name}", LOADER, options=())


def _unknown_id(name: str, known: list[str]) -> str:
    namespace = name.split("/")[0] if "/" in name else ""
    if namespace in EXTRAS:
        return (f"{name!r} is an Atari game ({namespace} namespace), whose package is not installed: "
                f"{EXTRAS[namespace]}")
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "see gymnasium.pprint_registry()"
    return f"unknown gymnasium environment {name!r} (not in gymnasium's registry); {hint}"


@dataclass
class EnvironmentSource(Environment):
    """An ``Environment`` that can describe and preview itself and encode observations."""

    seed: int = 0
    max_episode_steps: int | None = None
    grid: np.ndarray | None = None  # a grid world's map as rewards/ends, for the HeatGrid
    grid_legend: str = ""
    _probe: object = field(default=None, repr=False)

    def encode(self, observation) -> np.ndarray:
        """The observation as the flat float32 vector a network reads (one-hot for Discrete)."""
        return encode_observation(self._probe.observation_space, observation)

    def describe(self) -> dict:
        env = self._probe
        reward_range = getattr(env.unwrapped, "reward_range", None)
        return {
            "environment": self.env_id,
            "observation_space": str(env.observation_space),
            "observation_encoding": encoding_note(env.observation_space, self.info.input_shape),
            "action_space": str(env.action_space),
            "actions": list(self.info.class_names),
            "reward_range": list(map(float, reward_range)) if reward_range is not None else None,
            "max_episode_steps": self.max_episode_steps,
            "two_player": self.two_player,
        }

    def preview(self) -> list:
        """Frames of one seeded random-policy episode, the random policy's returns over
        ``PREVIEW_EPISODES`` episodes, and the map of a grid world."""
        from workbench.views.types import Curves, HeatGrid, ImageGrid, View

        frames, captions = random_episode_frames(self, PREVIEW_FRAMES)
        returns = random_policy_returns(self, PREVIEW_EPISODES)
        who = "first player's " if self.two_player else ""
        views = [
            View("frames", ImageGrid(frames, captions, columns=4),
                 title=f"{self.env_id}: one episode of a random policy (seed {self.seed})"),
            View("random_returns", Curves(
                {f"random policy ({who}return)": (np.arange(1, len(returns) + 1), returns)},
                x_label="episode", y_label="return"),
                title=f"{self.env_id}: returns of a random policy, mean {returns.mean():.2f}"),
        ]
        if self.grid is not None:
            rows, cols = self.grid.shape
            views.append(View("map", HeatGrid(self.grid, [str(r) for r in range(rows)],
                                              [str(c) for c in range(cols)], "column", "row",
                                              annotate=rows * cols <= 64, colormap="RdYlGn"),
                              title=f"{self.env_id} map: {self.grid_legend}"))
        return views


def load_environment(options: dict, seed: int, val_fraction: float) -> EnvironmentSource:
    """Registry loader for gymnasium ids and the board games (``val_fraction`` has no meaning here)."""
    name = options.get("env_id") or options["_spec_name"]
    if name in BOARD_GAMES:
        return _board_game_source(name, seed)
    kwargs = {key: _parse(value) for key, value in options.items()
              if key in MAKE_OPTIONS.get(name, ())}
    make = _gym_maker(name, kwargs)
    probe = make(seed)
    spec = probe.spec
    names = CLASSIC.get(name, ("", ()))[1]
    info = DataInfo(name, "environment", "rl", observation_shape(probe.observation_space), names)
    grid, legend = grid_map(probe)
    return EnvironmentSource(info, make=make, env_id=name, seed=seed,
                             max_episode_steps=getattr(spec, "max_episode_steps", None),
                             grid=grid, grid_legend=legend, _probe=probe)


def _gym_maker(name: str, kwargs: dict):
    """``make(seed=None, render_mode="rgb_array")``: a gymnasium env whose action space is
    seeded too (so a random policy's draws repeat); a missing extra becomes a sentence.
    A partial of a module-level function, not a closure: the source travels to a run's
    process by pickle."""
    return functools.partial(_make_gym, name, dict(kwargs))


def _make_gym(name: str, kwargs: dict, seed: int | None = None, render_mode: str | None = "rgb_array"):
    import gymnasium as gym

    # gymnasium draws classic-control frames with pygame onto off-screen surfaces: SDL must
    # not look for a display (a headless machine, a Qt window), nor pygame greet on stdout
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        env = gym.make(name, render_mode=render_mode, **kwargs)
    except gym.error.DependencyNotInstalled as error:
        raise WorkbenchError(_missing_extra(name, str(error))) from None
    except gym.error.Error as error:  # deprecated versions, bad kwargs
        raise WorkbenchError(f"gymnasium cannot make {name!r}: {error}") from None
    except TypeError as error:
        raise WorkbenchError(f"gymnasium cannot make {name!r} with {kwargs}: {error}") from None
    if seed is not None:
        env.action_space.seed(int(seed))
    return env


def _missing_extra(name: str, message: str) -> str:
    import gymnasium as gym

    entry_point = str(getattr(gym.registry.get(name), "entry_point", ""))
    family = entry_point.split(".")[2] if entry_point.startswith("gymnasium.envs.") else ""
    install = EXTRAS.get(family)
    if install:
        return f"{name!r} needs gymnasium's {family} extra, which is not installed: {install}"
    return f"{name!r} needs a package that is not installed: {message.strip()}"


def _board_game_source(name: str, seed: int) -> EnvironmentSource:
    from workbench.data.board_games import GAMES

    make = functools.partial(_make_board_game, GAMES[name])  # picklable, as _gym_maker's
    probe = make(seed)
    info = DataInfo(name, "environment", "rl", probe.observation_space.shape, probe.action_names)
    return EnvironmentSource(info, make=make, env_id=name, two_player=True, seed=seed,
                             max_episode_steps=probe.rows * probe.cols, _probe=probe)


def _make_board_game(game, seed: int | None = None, render_mode: str | None = "rgb_array"):
    env = game(render_mode)
    if seed is not None:
        env.action_space.seed(int(seed))
    return env


# -- observations ----------------------------------------------------------------------------
def observation_shape(space) -> tuple[int, ...]:
    from gymnasium import spaces

    if isinstance(space, spaces.Box):
        return tuple(int(d) for d in space.shape)
    if isinstance(space, spaces.Discrete):
        return (int(space.n),)
    if isinstance(space, spaces.Tuple) and all(isinstance(s, spaces.Discrete) for s in space):
        return (int(sum(s.n for s in space)),)
    raise WorkbenchError(f"observation space {space} is not supported yet (Box, Discrete or a "
                         "Tuple of Discrete)")


def encoding_note(space, shape) -> str:
    from gymnasium import spaces

    if isinstance(space, spaces.Discrete):
        return f"one-hot vector of the {space.n} states, shape {tuple(shape)}"
    if isinstance(space, spaces.Tuple):
        return f"one-hot vectors of {', '.join(str(s.n) for s in space)} values side by side, shape {tuple(shape)}"
    return f"as given, shape {tuple(shape)}"


def encode_observation(space, observation) -> np.ndarray:
    from gymnasium import spaces

    if isinstance(space, spaces.Discrete):
        return np.eye(space.n, dtype=np.float32)[int(observation) - int(space.start)]
    if isinstance(space, spaces.Tuple):
        return np.concatenate([encode_observation(s, o) for s, o in zip(space, observation)])
    return np.asarray(observation, np.float32)


def grid_map(env) -> tuple[np.ndarray | None, str]:
    """A grid world's map for the HeatGrid: FrozenLake's holes and goal, CliffWalking's cliff."""
    core = env.unwrapped
    desc = getattr(core, "desc", None)
    if desc is not None and type(core).__name__ == "FrozenLakeEnv":
        tiles = np.asarray(desc).astype(str)
        grid = np.select([tiles == "H", tiles == "G"], [-1.0, 1.0], 0.0)
        return grid, "hole -1 (episode ends), goal +1, start top-left, frozen 0"
    cliff = getattr(core, "_cliff", None)
    if cliff is not None:
        grid = np.where(np.asarray(cliff), -100.0, -1.0)
        grid[-1, -1] = 0.0
        return grid, "reward for entering: cliff -100 (back to start), -1 a step, goal bottom-right"
    return None, ""


# -- the random policy the preview shows ----------------------------------------------------
def _random_action(env, rng: np.random.Generator):
    legal = getattr(env, "legal_actions", None)
    if legal is not None:
        return int(rng.choice(legal()))
    return env.action_space.sample()


def random_episode_frames(source: EnvironmentSource, count: int):
    """``count`` frames evenly spread over one random-policy episode (at most 200 steps),
    captioned with their step; same seed, same frames."""
    import cv2

    env = source.make(source.seed, render_mode="rgb_array")
    rng = np.random.default_rng(source.seed)
    env.reset(seed=source.seed)
    actions = []
    done, steps = False, 0
    while not done and steps < 200:
        action = _random_action(env, rng)
        actions.append(action)
        _, _, terminated, truncated, _ = env.step(action)
        done, steps = terminated or truncated, steps + 1
    chosen = np.unique(np.linspace(0, steps, min(count, steps + 1)).round().astype(int))
    # replay the same actions from the same seed, rendering only the chosen steps (a
    # render costs more than a step, and the episode's length was not known before)
    env = source.make(source.seed, render_mode="rgb_array")
    env.reset(seed=source.seed)
    frames, captions = [], []
    for step in range(steps + 1):
        if step in chosen:
            frame = env.render()
            height = int(round(frame.shape[0] * FRAME_WIDTH / frame.shape[1]))
            frames.append(cv2.resize(frame, (FRAME_WIDTH, height), interpolation=cv2.INTER_AREA))
            captions.append(f"step {step}" + (" (end)" if step == steps else ""))
        if step < steps:
            env.step(actions[step])
    env.close()
    return np.stack(frames), captions


def random_policy_returns(source: EnvironmentSource, episodes: int) -> np.ndarray:
    """Undiscounted returns of a uniformly random policy (the first player's, in a board
    game), each episode seeded from the source's seed; at most 500 steps an episode."""
    env = source.make(source.seed, render_mode=None)
    rng = np.random.default_rng(source.seed)
    returns = np.zeros(episodes)
    for episode in range(episodes):
        env.reset(seed=source.seed + episode)
        done, steps, total = False, 0, 0.0
        while not done and steps < 500:
            mover = getattr(env, "current_player", 0)
            _, reward, terminated, truncated, _ = env.step(_random_action(env, rng))
            total += reward if mover == 0 else -reward  # a win by player 1 is a loss for player 0
            done, steps = terminated or truncated, steps + 1
        returns[episode] = total
    env.close()
    return returns


def _parse(value):
    """An option string as the Python value gymnasium expects ("false" -> False, "8x8" stays)."""
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text
