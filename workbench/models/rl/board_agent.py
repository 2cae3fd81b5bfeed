"""A trained board-game agent: MCTS over a run's networks, for ``act``, ``play`` and the Board tab.

``BoardAgent.analyse(cells)`` runs a deterministic search (no root noise, the most visited
move) and reports the move with the root's visit counts, the network's policy and value;
``act(observation, env)`` is the ``load_agent`` protocol of the ``play`` command. Each entry
(AlphaGo, AlphaGo Zero) supplies its evaluator; the search is the same.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError
from workbench.models.rl import mcts
from workbench.models.rl.board_state import (
    Cells,
    Rules,
    format_state,
    parse_state,
    rules_for,
)


class BoardAgent:
    def __init__(self, rules: Rules, evaluate, policy_value, simulations: int, c_puct: float, name: str = ""):
        self.rules = rules
        self.evaluate = evaluate if isinstance(evaluate, mcts.CachedEvaluator) else mcts.CachedEvaluator(evaluate)
        self.policy_value = policy_value  # (positions) -> (priors, values) of the networks alone
        self.simulations = simulations
        self.c_puct = c_puct
        self.name = name

    def choose(self, cells: Cells, simulations: int | None = None) -> int:
        root = mcts.search([cells], self.rules, self.evaluate, simulations or self.simulations, self.c_puct)[0]
        return mcts.best_action(root, self.rules.num_actions)

    def analyse(self, cells: Cells, simulations: int | None = None) -> dict:
        """The move for ``cells`` with the search's statistics (JSON-able)."""
        sims = simulations or self.simulations
        root = mcts.search([cells], self.rules, self.evaluate, sims, self.c_puct)[0]
        priors, values = self.policy_value([cells])
        legal = [int(a) for a in root.actions]
        move = mcts.best_action(root, self.rules.num_actions)
        prior = np.asarray(priors[0], np.float64)[legal]
        prior = prior / prior.sum() if prior.sum() > 0 else np.full(len(legal), 1 / len(legal))
        q = {int(a): (float(w / n) if n else None) for a, n, w in zip(root.actions, root.visits, root.total_value)}
        return {
            "state": format_state(cells), "game": self.rules.name,
            "to_move": "XO"[self.rules.to_move(cells)], "move": move,
            "move_name": self.rules.action_name(move), "simulations": sims,
            "visits": {str(a): int(n) for a, n in zip(legal, root.visits)},
            "policy": {str(a): round(float(p), 6) for a, p in zip(legal, prior)},
            "q": {str(a): (None if v is None else round(v, 6)) for a, v in q.items()},
            "value": round(float(values[0]), 6),
            "search_value": round(root.mean_value(), 6),
        }

    def act(self, observation, env) -> int:
        """The ``load_agent`` protocol: the move for ``env``'s board (a ``BoardGame``)."""
        cells = tuple(int(v) for v in np.asarray(env.unwrapped.board).ravel())
        return self.choose(cells)

    def act_states(self, states: list[str], simulations: int | None = None) -> list[dict]:
        """``act --state``: parse every position first (a bad one fails before any search)."""
        parsed = [parse_state(s, self.rules)[1] for s in states]
        return [self.analyse(cells, simulations) for cells in parsed]


def read_board_run(run_dir: str, model: str):
    """(config, entry, hparams, rules) of a board-game run of ``model``, with a sentence
    for anything else."""
    from workbench.catalog import registry
    from workbench.runs.rundir import RunDir

    config = RunDir(run_dir).read_config()
    if config.get("model") != model:
        raise WorkbenchError(f"{run_dir} is a run of {config.get('model')!r}, not {model!r}")
    entry = registry.get(model)
    hp = entry.resolve(config.get("hparams") or {})
    rules = rules_for(config.get("data", ""))
    return config, entry, hp, rules


def act_on_states(load, model: str, run_dir: str, states: list[str], simulations: int | None) -> list[dict]:
    """The ``act_board`` hook of ``model``'s runs: every position is checked before the
    networks (and TensorFlow) load, so a typo costs no wait."""
    rules = read_board_run(run_dir, model)[3]
    for text in states:
        parse_state(text, rules)
    return load(run_dir).act_states(states, simulations)


def network_file(run_dir: str, name: str) -> str:
    path = os.path.join(run_dir, f"{name}.keras")
    if not os.path.isfile(path):
        raise WorkbenchError(f"{run_dir} has no trained {name} network ({name}.keras); train it for at "
                             "least one epoch and let it finish or stop")
    return path


def compiled(fn, eager: bool = False, **options):
    """``tf.function(fn)``, or ``fn`` itself for an eager run (tests and quick looks skip the
    tracing, which costs more than a few steps)."""
    import tensorflow as tf

    if eager:
        return fn
    options.setdefault("reduce_retracing", "input_signature" not in options)
    return tf.function(fn, **options)


def keras_evaluator(model, rules: Rules, side_plane: bool = False, heads: str = "both", eager: bool = False):
    """(positions) -> (priors, values) from a Keras model, traced once for any batch size.
    ``heads``: "both" (a policy-value network), "policy" (values 0) or "value" (uniform priors)."""
    import tensorflow as tf

    channels = 3 if side_plane else 2
    spec = tf.TensorSpec((None, rules.rows, rules.cols, channels), tf.float32)
    forward = compiled(lambda x: model(x, training=False), eager, input_signature=[spec])

    def evaluate(positions: list):
        out = forward(tf.constant(rules.planes(positions, side_plane)))
        n = len(positions)
        if heads == "both":
            return out[0].numpy(), out[1].numpy().reshape(-1)
        if heads == "policy":
            return out.numpy(), np.zeros(n)
        return np.full((n, rules.num_actions), 1.0 / rules.num_actions), out.numpy().reshape(-1)

    return evaluate
