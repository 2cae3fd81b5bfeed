"""What the tabular methods share: returns, exploration, known dynamics, the table's views,
the episode loop of their trainers, and the greedy agent that ``play`` and the Play tab use.

A tabular agent keeps one number per state (V) or per state-action pair (Q) in a NumPy
array; no network, so its run keeps ``q_table.npy`` (or ``v_table.npy``) instead of a
``model.keras``. Every episode draws from ``rng_for(seed, episode)`` (the environment's reset
seed and each exploratory action), so a resumed run replays what the uninterrupted one did.

The update rules live beside their method (``q_learning.py``, ``sarsa.py``, ``td.py``,
``monte_carlo.py``, ``value_iteration.py``) as pure functions on arrays.
"""

from __future__ import annotations

import itertools
import os
import time

import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.views.types import Curves, HeatGrid, ImageGrid, View

#: The files a tabular run keeps instead of a model.keras.
Q_TABLE, V_TABLE = "q_table.npy", "v_table.npy"


# -- returns and exploration ----------------------------------------------------------------
def discounted_return(rewards, gamma: float) -> float:
    """G_0 = r_0 + gamma r_1 + gamma^2 r_2 + ... (Horner's rule, from the last reward back)."""
    total = 0.0
    for reward in reversed(list(rewards)):
        total = float(reward) + gamma * total
    return total


def epsilon_greedy_probs(q_row: np.ndarray, epsilon: float) -> np.ndarray:
    """pi(a|s): every action epsilon / |A|, plus 1 - epsilon on the greedy one (the first of
    equal maxima, so the policy is a function of the table alone)."""
    q_row = np.asarray(q_row, np.float64)
    probs = np.full(len(q_row), epsilon / len(q_row))
    probs[int(np.argmax(q_row))] += 1.0 - epsilon
    return probs


def softmax_probs(q_row: np.ndarray, temperature: float) -> np.ndarray:
    """Boltzmann exploration: pi(a|s) = exp(Q(s,a)/T) / sum_b exp(Q(s,b)/T). A high T
    explores almost uniformly, a low T is almost greedy."""
    logits = np.asarray(q_row, np.float64) / temperature
    logits -= logits.max()  # exp of the shifted logits cannot overflow; the ratio is unchanged
    weights = np.exp(logits)
    return weights / weights.sum()


def behaviour_probs(q_row: np.ndarray, hp: dict) -> np.ndarray:
    """The exploring policy the hyperparameters choose (``exploration=epsilon|softmax``)."""
    if hp["exploration"] == "softmax":
        return softmax_probs(q_row, hp["temperature"])
    return epsilon_greedy_probs(q_row, hp["epsilon"])


def draw(rng: np.random.Generator, probs: np.ndarray) -> int:
    return int(rng.choice(len(probs), p=probs))


# -- known dynamics (gymnasium's toy-text environments publish P) ----------------------------
def table_sizes(source, who: str) -> tuple[int, int]:
    """(states, actions) of an environment a table can index, else a sentence."""
    from gymnasium import spaces

    env = source._probe
    if not isinstance(env.action_space, spaces.Discrete):
        raise WorkbenchError(f"{who} picks one of a discrete set of actions; {source.env_id} has a "
                             f"continuous action space ({env.action_space})")
    if not isinstance(env.observation_space, spaces.Discrete):
        raise WorkbenchError(f"{who} keeps a table with one row per state, so it needs an environment with "
                             f"numbered states (FrozenLake-v1, CliffWalking-v1, Taxi-v4); {source.env_id}'s "
                             f"observations are {env.observation_space}")
    return int(env.observation_space.n), int(env.action_space.n)


def transitions_of(env) -> dict:
    """``env.unwrapped.P``: {state: {action: [(probability, next state, reward, done), ...]}}."""
    table = getattr(env.unwrapped, "P", None)
    if not isinstance(table, dict):
        name = env.spec.id if env.spec else type(env.unwrapped).__name__
        raise WorkbenchError(f"{name} does not publish its dynamics (env.unwrapped.P), which value iteration "
                             "and the greedy path need; use FrozenLake-v1, CliffWalking-v1 or Taxi-v4")
    return table


def dynamics(env) -> tuple[np.ndarray, np.ndarray]:
    """(P, R): P[s, a, s'] the probability of moving on to s' *without* the episode ending,
    R[s, a] the expected reward. Then Q(s, a) = R[s, a] + gamma sum_s' P[s, a, s'] V(s'):
    a transition that ends the episode contributes its reward and no bootstrap."""
    table = transitions_of(env)
    states, actions = env.observation_space.n, env.action_space.n
    p = np.zeros((states, actions, states))
    r = np.zeros((states, actions))
    for s in range(states):
        for a in range(actions):
            for prob, s2, reward, done in table[s][a]:
                r[s, a] += prob * reward
                if not done:
                    p[s, a, int(s2)] += prob
    return p, r


def q_from_v(p: np.ndarray, r: np.ndarray, v: np.ndarray, gamma: float) -> np.ndarray:
    """One Bellman backup: Q(s, a) = R(s, a) + gamma sum_s' P(s'|s, a) V(s')."""
    return r + gamma * p @ v


def policy_value(p: np.ndarray, r: np.ndarray, policy: np.ndarray, gamma: float) -> np.ndarray:
    """V^pi exactly, by solving the linear Bellman system (I - gamma P_pi) V = R_pi, with
    ``policy[s, a]`` = pi(a|s). Singular when the policy can loop forever undiscounted."""
    p_pi = np.einsum("sa,sat->st", policy, p)
    r_pi = np.einsum("sa,sa->s", policy, r)
    try:
        return np.linalg.solve(np.eye(len(r)) - gamma * p_pi, r_pi)
    except np.linalg.LinAlgError:
        raise WorkbenchError(f"the policy's value is infinite with gamma={gamma}: it can circle forever "
                             "without the episode ending; lower gamma below 1") from None


def greedy_policy(q: np.ndarray) -> np.ndarray:
    """One-hot pi(a|s) on the first maximising action of each row."""
    policy = np.zeros_like(q, dtype=np.float64)
    policy[np.arange(len(q)), np.argmax(q, axis=1)] = 1.0
    return policy


def greedy_path(q: np.ndarray, env, start: int, limit: int | None = None) -> tuple[list[int], bool]:
    """The states the greedy policy walks through from ``start``, following each action's most
    likely outcome, and whether it reached an end (False: it circles or hits ``limit``)."""
    table = transitions_of(env)
    limit = limit or len(q)
    path, seen = [int(start)], {int(start)}
    for _ in range(limit):
        s = path[-1]
        _, s2, _, done = max(table[s][int(np.argmax(q[s]))], key=lambda outcome: outcome[0])
        s2 = int(s2)
        if done:
            if s2 != s:
                path.append(s2)
            return path, True
        if s2 in seen:
            path.append(s2)
            return path, False
        path.append(s2)
        seen.add(s2)
    return path, False


def start_state(env, seed: int = 0) -> int:
    observation, _ = env.reset(seed=seed)
    return int(observation)


# -- views ----------------------------------------------------------------------------------
def grid_shape(source) -> tuple[int, int] | None:
    """(rows, columns) of a grid world whose state is row * columns + column."""
    if source.grid is not None:
        return tuple(source.grid.shape)
    return None


def returns_view(returns: list[float], epoch: int) -> View:
    """Each episode's return and its moving average over 20 episodes (as REINFORCE's)."""
    x = np.arange(1, len(returns) + 1)
    window = min(20, len(returns))
    average = np.convolve(returns, np.ones(window) / window, mode="valid")
    return View("episode_returns", Curves({"return": (x, np.asarray(returns, np.float64)),
                                           f"average of {window}": (x[window - 1:], average)},
                                          "episode", "return"), "Episode return", step=epoch)


def unreachable_states(env) -> np.ndarray:
    """A mask of the states no transition leads into (CliffWalking's cliff: stepping off it
    sends the walker back to the start), which the value grid leaves blank; all False when
    the environment publishes no dynamics."""
    table = getattr(env.unwrapped, "P", None)
    if not isinstance(table, dict):
        return np.zeros(env.observation_space.n, bool)
    reached = np.zeros(env.observation_space.n, bool)
    for s, actions in table.items():
        for outcomes in actions.values():
            for prob, s2, _, _ in outcomes:
                if prob > 0 and int(s2) != s:
                    reached[int(s2)] = True
    reached[start_state(env)] = True
    return ~reached


def value_views(source, v: np.ndarray, path: list[int] | None, epoch: int, what: str,
                blank: np.ndarray | None = None) -> list[View]:
    """The state values on the grid (a heat grid with row/column labels; ``blank`` states
    shown empty) and a picture of the grid with the greedy path drawn over them; a non-grid
    environment gets V per state."""
    shape = grid_shape(source)
    shown = np.where(blank, np.nan, v) if blank is not None else v
    if shape is None:
        rows = len(v)
        if rows > 64:
            return []
        return [View("state_values", HeatGrid(shown[:, None], [str(s) for s in range(rows)], ["V"], "", "state",
                                              annotate=True, colormap="viridis"), f"{what}: V(s)", step=epoch)]
    rows, cols = shape
    grid = shown.reshape(rows, cols)
    views = [View("state_values", HeatGrid(grid, [str(r) for r in range(rows)], [str(c) for c in range(cols)],
                                           "column", "row", annotate=True, colormap="viridis"),
                  f"{what}: V(s) on the {rows}x{cols} grid", step=epoch)]
    if path is not None:
        picture = path_picture(v, path, shape, source.grid)
        caption = f"state {path[0]} to {path[-1]} in {len(path) - 1} steps"
        views.append(View("greedy_path", ImageGrid(picture[None], [caption], columns=1),
                          f"{what}: greedy path over V(s) ({len(path) - 1} steps)", step=epoch))
    return views


def path_picture(v: np.ndarray, path: list[int], shape: tuple[int, int], tiles=None, cell: int = 48) -> np.ndarray:
    """An RGB picture of the grid: each cell coloured by V(s) with its value written in it,
    cliff / hole cells dark, and the greedy path drawn as a white line from the start (a
    dot) to where it ends (a ring)."""
    import cv2
    from matplotlib import colormaps

    rows, cols = shape
    grid = np.asarray(v, np.float64).reshape(rows, cols)
    # the lowest tile of the map (CliffWalking's cliff, FrozenLake's holes) is drawn dark
    dark = (tiles == tiles.min()) & (tiles.min() < 0) if tiles is not None else np.zeros(shape, bool)
    low, high = float(grid.min()), float(grid.max())
    scaled = (grid - low) / (high - low) if high > low else np.full_like(grid, 0.5)
    colours = (colormaps["viridis"](scaled)[..., :3] * 255).astype(np.uint8)
    image = np.repeat(np.repeat(colours, cell, axis=0), cell, axis=1).copy()
    for r in range(rows):
        for c in range(cols):
            top, left = r * cell, c * cell
            if dark[r, c]:  # a cliff (never occupied) or a hole (worth 0): no number to read
                image[top:top + cell, left:left + cell] = (60, 60, 60)
                cv2.rectangle(image, (left, top), (left + cell - 1, top + cell - 1), (30, 30, 30), 1)
                continue
            cv2.rectangle(image, (left, top), (left + cell - 1, top + cell - 1), (30, 30, 30), 1)
            bright = scaled[r, c] > 0.6 and not dark[r, c]
            cv2.putText(image, f"{grid[r, c]:.1f}", (left + 3, top + 13), cv2.FONT_HERSHEY_SIMPLEX,
                        0.36, (0, 0, 0) if bright else (255, 255, 255), 1, cv2.LINE_AA)
    centres = [((s % cols) * cell + cell // 2, (s // cols) * cell + cell // 2) for s in path]
    for a, b in itertools.pairwise(centres):
        cv2.line(image, a, b, (255, 255, 255), 4, cv2.LINE_AA)
        cv2.line(image, a, b, (220, 40, 40), 2, cv2.LINE_AA)
    if centres:
        cv2.circle(image, centres[0], cell // 6, (220, 40, 40), -1, cv2.LINE_AA)
        cv2.circle(image, centres[-1], cell // 4, (220, 40, 40), 2, cv2.LINE_AA)
    return image


# -- the trainers' shared loop -------------------------------------------------------------
def train_episodes(ctx, run_episode, tables: dict, evaluate=None):
    """``epochs`` x ``episodes`` episodes (capped by ``steps_per_epoch``), each
    ``run_episode(env, tables, rng, hp) -> logs`` updating ``tables`` ({name: array}) in
    place; after every epoch the logs' means, the return curve, the value views and a resume
    point with the tables and the returns so far. ``evaluate(tables) -> logs`` adds numbers
    measured on the whole table (a prediction method's error against the exact V)."""
    from workbench.training import events

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    snap = ctx.resume_snapshot()
    if snap is not None:
        ctx.emit(events.Status(f"resuming after epoch {ctx.initial_epoch}"))
        for name, table in tables.items():
            if name not in snap.arrays or snap.arrays[name].shape != table.shape:
                raise WorkbenchError(f"{ctx.resume_from} holds no {name} table of shape {table.shape}")
            table[...] = snap.arrays[name]
    returns = list((snap.state.get("returns") if snap else None) or [])
    episodes = config.steps_per_epoch or hp["episodes"]
    episode = ctx.initial_epoch * episodes
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (tabular)", config.epochs,
                               ctx.initial_epoch, episodes, int(sum(t.size for t in tables.values()))))
    env = source.make(None, render_mode=None)
    stopped = False
    try:
        for epoch in range(ctx.initial_epoch, config.epochs):
            started, epoch_logs = time.perf_counter(), []
            for step in range(episodes):
                ctx.control.wait_while_paused()
                if ctx.control.stop_requested:
                    break
                logs = run_episode(env, tables, rng_for(config.seed, episode), hp)
                episode += 1
                returns.append(logs["return"])
                epoch_logs.append(logs)
                ctx.emit(events.BatchEnd(epoch, step + 1, episodes, logs))
            if ctx.control.stop_requested:
                stopped = True
                break
            means = {key: float(np.mean([logs[key] for logs in epoch_logs])) for key in epoch_logs[0]}
            if evaluate is not None:
                means.update(evaluate(tables))
            ctx.end_epoch(epoch, means, time.perf_counter() - started)
            ctx.emit(returns_view(returns, epoch + 1))
            for view in table_views(ctx, env, tables, epoch + 1):
                ctx.emit(view)
            ctx.save_point(epoch + 1, {}, arrays=tables, state={"returns": returns, "episodes": episode})
    finally:
        env.close()
    write_tables(ctx.run_dir.path, tables)
    return ctx.finish(None, stopped=stopped)


def table_views(ctx, env, tables: dict, epoch: int) -> list[View]:
    what = ctx.entry.name
    if "q" in tables:
        q = tables["q"]
        path = None
        if ctx.dataset.grid is not None and isinstance(getattr(env.unwrapped, "P", None), dict):
            path, _ = greedy_path(q, env, start_state(env, ctx.config.seed))
        return value_views(ctx.dataset, q.max(axis=1), path, epoch, what, unreachable_states(env))
    return value_views(ctx.dataset, tables["v"], None, epoch, what, unreachable_states(env))


def write_tables(run_dir: str, tables: dict) -> None:
    """The learned table as ``q_table.npy`` / ``v_table.npy``, atomically (the run keeps it;
    ``play`` and the Play tab load it)."""
    from workbench.runs.atomic import atomic_path

    for name, array in tables.items():
        if name not in ("q", "v"):
            continue
        with atomic_path(os.path.join(run_dir, Q_TABLE if name == "q" else V_TABLE)) as tmp, \
                open(tmp, "wb") as handle:
            np.save(handle, array)


def episode_cap(hp: dict) -> int:
    return int(hp.get("max_steps", 1000))


# -- the trained agent ----------------------------------------------------------------------
class TabularAgent:
    """Acts greedily on a learned table: argmax_a Q(s, a), or, with only V (a prediction
    method), the one-step lookahead argmax_a R(s, a) + gamma sum P(s'|s, a) V(s') through the
    environment's published dynamics."""

    def __init__(self, q: np.ndarray | None = None, v: np.ndarray | None = None, gamma: float = 0.99):
        self.q, self.v, self.gamma = q, v, gamma
        self._lookahead = None

    @property
    def states(self) -> int:
        return len(self.q if self.q is not None else self.v)

    def check(self, env, env_id: str) -> None:
        """A sentence when ``env`` is not one this table can index."""
        from gymnasium import spaces

        if not isinstance(env.action_space, spaces.Discrete):
            raise WorkbenchError(f"this tabular agent picks one of a discrete set of actions; {env_id} has a "
                                 f"continuous action space ({env.action_space})")
        space = env.observation_space
        if not isinstance(space, spaces.Discrete) or int(space.n) != self.states:
            raise WorkbenchError(f"this tabular agent's table has {self.states} states, but {env_id}'s "
                                 f"observations are {space}")
        if self.q is not None and int(env.action_space.n) != self.q.shape[1]:
            raise WorkbenchError(f"this tabular agent knows {self.q.shape[1]} actions, but {env_id} has "
                                 f"{env.action_space.n}")

    def values(self) -> np.ndarray:
        return self.q.max(axis=1) if self.q is not None else self.v

    def q_values(self, env) -> np.ndarray:
        if self.q is not None:
            return self.q
        if self._lookahead is None:
            p, r = dynamics(env)
            self._lookahead = q_from_v(p, r, self.v, self.gamma)
        return self._lookahead

    def act(self, observation, env) -> int:
        return int(np.argmax(self.q_values(env)[int(observation)]))


def load_agent(run_dir: str) -> TabularAgent:
    """The ``load_agent`` hook of every tabular entry: the run's table, acting greedily."""
    from workbench.runs.rundir import RunDir

    config = RunDir(run_dir).read_config()
    gamma = float(config.get("hparams", {}).get("gamma", 0.99))
    for name, key in ((Q_TABLE, "q"), (V_TABLE, "v")):
        path = os.path.join(run_dir, name)
        if os.path.isfile(path):
            try:
                table = np.load(path, allow_pickle=False)
            except (OSError, ValueError) as error:
                raise WorkbenchError(f"{path} is damaged ({type(error).__name__}); train the run again") from None
            return TabularAgent(**{key: np.asarray(table, np.float64)}, gamma=gamma)
    raise WorkbenchError(f"{run_dir} has no {Q_TABLE} or {V_TABLE} yet (the run never finished): "
                         "resume it or train again")


def build_table(hp: dict, info):
    """The table as the Model tab shows it: a one-hot state times a weight matrix is a table
    lookup, so Q(s, .) = onehot(s) W with W of shape (states, actions) (one column, V, for the
    prediction methods and value iteration). The trainers keep the table in NumPy."""
    import keras

    columns = 1 if hp.get("mode", "control") == "prediction" or "exploration" not in hp else info.num_classes
    inputs = keras.Input(info.input_shape, name="state_one_hot")
    outputs = keras.layers.Dense(columns, use_bias=False, name="q_table" if columns > 1 else "v_table")(inputs)
    return keras.Model(inputs, outputs, name="table")
