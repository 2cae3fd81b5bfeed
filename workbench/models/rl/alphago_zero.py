"""AlphaGo Zero (Silver et al., 2017) on tic-tac-toe and Connect Four: self-play only.

Each epoch:
1. **Self-play.** ``games_per_epoch`` games of the current network against itself, all in
   lock step (one batched network evaluation per simulation across the games). Every move
   is chosen by MCTS with PUCT: ``simulations`` simulations, Dirichlet noise on the root's
   priors, no rollouts (the value head judges a leaf). The first ``temperature_moves`` moves
   are drawn in proportion to the visit counts (tau = 1), later ones take the most visited.
   Each position is kept with pi (the root's visit distribution) and, once the game ends,
   z (+1 if the player to move there won, -1 lost, 0 draw), with the board's symmetries.
2. **Training.** ``train_steps`` minibatch steps on the replay of recent positions:
   loss = (z - v)^2 - pi . log p + l2 * ||kernels||^2.
3. **Judging** (tic-tac-toe): the fraction of positions where the raw policy's favourite
   move is optimal (by the solver), and the number of opponent lines that beat the MCTS
   agent — 0 is perfect play. Views: the root's visit counts on a probe position, the
   losses, and the perfect-play figures.

The resume point after each epoch holds the network, its optimizer, the replay and the
counters; every random draw comes from (seed, epoch, ...), so a run resumed after ``kill
-9`` continues exactly as the uninterrupted one.
"""

from __future__ import annotations

import time

import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.models.rl import mcts
from workbench.models.rl.board_state import TICTACTOE, Rules, parse_state
from workbench.models.rl.policy_value_net import build_policy_value, rules_of
from workbench.training import events
from workbench.views.types import Curves, HeatGrid, View

#: The probe whose root visit counts are drawn each epoch: O to move must block at 2.
PROBES = {"tictactoe": "XX..O....", "connect4": "." * 42}


def check_source(source) -> Rules:
    if not getattr(source, "two_player", False):
        raise WorkbenchError(f"AlphaGo's tree search plays two-player board games (tictactoe, connect4); "
                             f"{source.info.name!r} is not one")
    return rules_of(source.info)


# -- self-play ---------------------------------------------------------------------------------
def self_play(rules: Rules, evaluate, games: int, hp: dict, rng: np.random.Generator):
    """``games`` games in lock step; returns (positions, pis, zs, winners)."""
    boards = [rules.empty] * games
    records: list[list] = [[] for _ in range(games)]
    active, move = list(range(games)), 0
    while active:
        roots = mcts.search([boards[g] for g in active], rules, evaluate, hp["simulations"], hp["c_puct"],
                            rng=rng, dirichlet_alpha=hp["dirichlet_alpha"], noise_fraction=hp["noise_fraction"])
        for g, root in zip(active, roots):
            pi = mcts.visit_policy(root, rules.num_actions, 1.0)
            if move < hp["temperature_moves"]:
                action = int(rng.choice(rules.num_actions, p=pi))
            else:
                action = mcts.best_action(root, rules.num_actions)
            records[g].append((boards[g], pi))
            boards[g] = rules.play(boards[g], action)
        active = [g for g in active if not rules.is_over(boards[g])]
        move += 1
    positions, pis, zs, winners = [], [], [], []
    for g in range(games):
        winner = rules.winner(boards[g])
        winners.append(winner)
        for cells, pi in records[g]:
            positions.append(cells)
            pis.append(pi)
            zs.append(0.0 if winner is None else (1.0 if rules.to_move(cells) == winner else -1.0))
    return positions, np.asarray(pis, np.float32), np.asarray(zs, np.float32), winners


def symmetries(rules: Rules, planes: np.ndarray, pis: np.ndarray):
    """Every position in each of the board's symmetries (8 for tic-tac-toe, a mirror for
    Connect Four): the game's value does not change, and pi moves with the board."""
    if rules.gravity:
        return (np.concatenate([planes, planes[:, :, ::-1]]), np.concatenate([pis, pis[:, ::-1]]), 2)
    xs, ps = [], []
    grid = pis.reshape(-1, rules.rows, rules.cols)
    for flip in (False, True):
        board, moves = (planes[:, :, ::-1], grid[:, :, ::-1]) if flip else (planes, grid)
        for k in range(4):
            xs.append(np.rot90(board, k, axes=(1, 2)))
            ps.append(np.rot90(moves, k, axes=(1, 2)).reshape(len(pis), -1))
    return np.concatenate(xs), np.concatenate(ps), 8


class Replay:
    """The most recent ``capacity`` positions (x, pi, z), oldest dropped first."""

    def __init__(self, capacity: int, arrays: dict | None = None):
        self.capacity = capacity
        arrays = arrays or {}
        self.x, self.pi, self.z = arrays.get("replay_x"), arrays.get("replay_pi"), arrays.get("replay_z")

    def __len__(self) -> int:
        return 0 if self.x is None else len(self.x)

    def add(self, x, pi, z) -> None:
        if self.x is None:
            self.x, self.pi, self.z = x, pi, z
        else:
            self.x = np.concatenate([self.x, x])[-self.capacity:]
            self.pi = np.concatenate([self.pi, pi])[-self.capacity:]
            self.z = np.concatenate([self.z, z])[-self.capacity:]

    def arrays(self) -> dict:
        return {} if self.x is None else {"replay_x": self.x, "replay_pi": self.pi, "replay_z": self.z}


# -- the learner ---------------------------------------------------------------------------------
class AlphaZeroLearner:
    """The network, its optimizer and one compiled training step."""

    def __init__(self, hp: dict, info, eager: bool = False):
        import tensorflow as tf

        from workbench.training.job import make_optimizer

        self.hp, self.rules = hp, rules_of(info)
        self.net = build_policy_value(hp, info)
        self.optimizer = make_optimizer(hp)
        self.optimizer.build(self.net.trainable_variables)
        kernels = [w for w in self.net.trainable_variables if "kernel" in w.path]
        l2 = float(hp["l2"])

        def step(x, pi, z):
            with tf.GradientTape() as tape:
                p, v = self.net(x, training=True)
                policy_loss = -tf.reduce_mean(tf.reduce_sum(pi * tf.math.log(p + 1e-8), axis=1))
                value_loss = tf.reduce_mean(tf.square(z - tf.squeeze(v, -1)))
                penalty = l2 * tf.add_n([tf.reduce_sum(tf.square(k)) for k in kernels])
                loss = policy_loss + value_loss + penalty
            grads = tape.gradient(loss, self.net.trainable_variables)
            self.optimizer.apply(grads, self.net.trainable_variables)
            return loss, policy_loss, value_loss

        from workbench.models.rl.board_agent import compiled, keras_evaluator

        self.step = compiled(step, eager)
        self.evaluate = mcts.CachedEvaluator(keras_evaluator(self.net, self.rules, eager=eager))

    def train(self, replay: Replay, steps: int, batch: int, rng: np.random.Generator) -> dict:
        totals = np.zeros(3)
        for _ in range(steps):
            idx = rng.integers(0, len(replay), min(batch, len(replay)))
            out = self.step(replay.x[idx], replay.pi[idx], replay.z[idx])
            totals += [float(t) for t in out]
        self.evaluate.clear()  # the network changed: every cached evaluation is stale
        loss, policy_loss, value_loss = totals / max(1, steps)
        return {"loss": loss, "policy_loss": policy_loss, "value_loss": value_loss}


# -- judging -----------------------------------------------------------------------------------------
def judge_tictactoe(evaluate, hp: dict, simulations: int | None = None) -> dict:
    """Perfect-play figures of a tic-tac-toe agent: the raw policy's optimal-move fraction,
    the value head's error against the solver, and the MCTS agent's losing lines."""
    from workbench.models.rl import tictactoe_solver as solver

    positions = solver.reachable_positions()
    evaluate.prefill(positions)  # one batch: the searches below then never wait on the network
    priors, values = evaluate(positions)
    legal_best = []
    for cells, p in zip(positions, priors):
        legal = TICTACTOE.legal_actions(cells)
        legal_best.append(legal[int(np.argmax(p[legal]))])
    optimal = np.mean([m in solver.optimal_moves(c) for m, c in zip(legal_best, positions)])
    value_error = float(np.mean(np.abs(values - np.array([solver.value(c) for c in positions]))))
    sims = simulations or hp["eval_simulations"]

    def agent(cells):
        root = mcts.search([cells], TICTACTOE, evaluate, sims, hp["c_puct"])[0]
        return mcts.best_action(root, TICTACTOE.num_actions)

    report = solver.losing_lines(agent)
    return {"policy_optimal": float(optimal), "value_error": value_error,
            "losing_lines": report.losing_lines, "losses_as_x": report.losses_as_x,
            "losses_as_o": report.losses_as_o, "examples": report.examples}


# -- the trainer ---------------------------------------------------------------------------------------
def train_alphago_zero(ctx):
    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    rules = check_source(source)
    learner = AlphaZeroLearner(hp, source.info, eager=config.eager)
    networks, optimizers = {"model": learner.net}, {"model": learner.optimizer}
    snapshot = ctx.restore_networks(networks, optimizers)
    state = dict(snapshot.state) if snapshot else {}
    replay = Replay(hp["replay_size"], snapshot.arrays if snapshot else None)
    games_done = int(state.get("games", 0))
    record: dict = state.get("record") or {}
    games = config.steps_per_epoch or hp["games_per_epoch"]
    steps = min(hp["train_steps"], config.steps_per_epoch) if config.steps_per_epoch else hp["train_steps"]
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (self-play and MCTS)", config.epochs,
                               ctx.initial_epoch, 1, int(learner.net.count_params())))
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        ctx.control.wait_while_paused()
        if ctx.control.stop_requested:
            stopped = True
            break
        started = time.perf_counter()
        positions, pis, zs, winners = self_play(rules, learner.evaluate, games, hp, rng_for(config.seed, epoch, 0))
        games_done += games
        x, pi, copies = symmetries(rules, rules.planes(positions), pis)
        replay.add(x.astype(np.float32), pi.astype(np.float32), np.tile(zs, copies))
        ctx.emit(events.BatchEnd(epoch, 1, 1, {"positions": float(len(positions))}))
        logs = learner.train(replay, steps, config.batch_size, rng_for(config.seed, epoch, 1))
        logs["games"] = float(games_done)
        logs["draw_fraction"] = float(np.mean([w is None for w in winners]))
        if rules is TICTACTOE:
            figures = judge_tictactoe(learner.evaluate, hp)
            logs.update({k: float(v) for k, v in figures.items() if k != "examples"})
        for key, value in logs.items():
            record.setdefault(key, []).append(value)
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        for view in epoch_views(rules, learner.evaluate, hp, record, epoch + 1):
            ctx.emit(view)
        ctx.save_point(epoch + 1, networks, optimizers, arrays=replay.arrays(),
                       state={"games": games_done, "record": record})
    return ctx.finish(learner.net, stopped=stopped, networks=networks)


train_alphago_zero.resumable = True  # the network, its optimizer, the replay and the counters resume


def epoch_views(rules: Rules, evaluate, hp: dict, record: dict, epoch: int) -> list[View]:
    """The probe's root visit counts, the loss curves and (tic-tac-toe) the perfect-play figures."""
    views = [probe_view(rules, evaluate, hp, epoch)]
    x = np.arange(1, len(record["loss"]) + 1)
    views.append(View("losses", Curves({k: (x, record[k]) for k in ("loss", "policy_loss", "value_loss")},
                                       "epoch", "loss"), "Self-play training losses", step=epoch))
    if "losing_lines" in record:
        views.append(View("perfect_play", Curves(
            {"raw policy: optimal-move fraction": (x, record["policy_optimal"]),
             "value head: mean |v - solver value|": (x, record["value_error"])}, "epoch", "fraction"),
            "Against the perfect solver (tic-tac-toe)", step=epoch))
        views.append(View("losing_lines", Curves(
            {"MCTS agent as X": (x, record["losses_as_x"]), "MCTS agent as O": (x, record["losses_as_o"])},
            "epoch", "opponent lines that win"),
            "Losing lines against every opponent move sequence (0 = perfect play)", step=epoch))
    return views


def probe_view(rules: Rules, evaluate, hp: dict, epoch: int) -> View:
    text = PROBES[rules.name]
    _, cells = parse_state(text, rules)
    root = mcts.search([cells], rules, evaluate, hp["eval_simulations"], hp["c_puct"])[0]
    counts = root.visit_counts(rules.num_actions)
    if rules.gravity:
        grid, rows, cols = counts[None, :], [""], [str(c) for c in range(rules.cols)]
    else:
        grid = counts.reshape(rules.rows, rules.cols)
        # each row's label shows its stones, so the occupied cells (0 visits) read as X or O
        rows = [f"{r}: {text[r * rules.cols:(r + 1) * rules.cols]}" for r in range(rules.rows)]
        cols = [str(c) for c in range(rules.cols)]
    return View("root_visits", HeatGrid(grid, rows, cols, "column", "row: stones", annotate=True,
                                        colormap="viridis"),
                f"MCTS visit counts at the root of {text} ({'XO'[rules.to_move(cells)]} to move, "
                f"search value {root.mean_value():+.2f})", step=epoch)


# -- hooks --------------------------------------------------------------------------------------------
def load_board_agent(run_dir: str):
    """The trained agent of an ``alphago_zero`` run (a ``BoardAgent``)."""
    from workbench.models.io import load_model
    from workbench.models.rl.board_agent import (
        BoardAgent,
        keras_evaluator,
        network_file,
        read_board_run,
    )
    from workbench.quiet import import_tensorflow

    _, _, hp, rules = read_board_run(run_dir, "alphago_zero")
    import_tensorflow()
    net = load_model(network_file(run_dir, "model"))
    evaluate = keras_evaluator(net, rules)
    return BoardAgent(rules, evaluate, evaluate, hp["eval_simulations"], hp["c_puct"], "AlphaGo Zero")


def act_board(run_dir: str, states: list[str], simulations: int | None = None) -> list[dict]:
    from workbench.models.rl.board_agent import act_on_states

    return act_on_states(load_board_agent, "alphago_zero", run_dir, states, simulations)


def load_agent(run_dir: str):
    return load_board_agent(run_dir)
