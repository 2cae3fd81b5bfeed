"""The AlphaGo (Lee) pipeline (Silver et al., 2016), scaled down to tic-tac-toe.

Four networks, trained in stages by epoch:

1. **SL policy p_sigma** (epochs < ``sl_epochs``): move classification on expert games.
   The experts are the perfect negamax solver (``tictactoe_solver``) choosing among its
   optimal moves, with a share ``expert_noise`` of random moves (as human games hold
   mistakes) whose positions are played but not learnt. Its accuracy is measured on each
   epoch's fresh games before training on them. The **linear rollout policy p_pi** (a
   softmax on the raw planes) learns from the same moves.
2. **RL policy p_rho** (next ``rl_epochs`` epochs): starts as a copy of the SL policy and
   improves by REINFORCE, playing games against an opponent drawn from a pool of its past
   selves (a snapshot joins the pool every ``pool_every`` iterations), the gradient of
   z * log p(a|s) over its own moves, z = +1 win, -1 loss, 0 draw.
3. **Value network v_theta** (the epochs after): MSE regression on one (S_(N+1), z) pair per
   self-play game — the SL policy plays N moves (N uniform), one random move gives S_(N+1),
   then the RL policy plays both sides to the end; z is the result for the side to move
   at S_(N+1). One pair per game keeps the training positions uncorrelated.

The agent searches with PUCT (``mcts.py``): priors from the SL policy (more diverse than
the RL one, as the paper found), each leaf valued by (1 - lambda) v_theta(s) + lambda z_r,
where z_r is the result of a rollout of the fast policy from the leaf.
"""

from __future__ import annotations

import time

import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.models.rl import mcts
from workbench.models.rl import tictactoe_solver as solver
from workbench.models.rl.alphago_zero import check_source, probe_view
from workbench.models.rl.board_agent import compiled
from workbench.models.rl.board_state import TICTACTOE, Cells, Rules
from workbench.models.rl.policy_value_net import (
    build_policy_net,
    build_rollout_policy,
    build_value_net,
)
from workbench.training import events
from workbench.views.types import Curves, View


def masked(probs: np.ndarray, positions: list[Cells], rules: Rules) -> np.ndarray:
    """Each row restricted to the legal moves of its position (a game still going) and renormalised."""
    mask = rules.legal_mask(positions)
    p = np.asarray(probs, np.float64) * mask + 1e-12 * mask
    return p / p.sum(axis=1, keepdims=True)


def sample_moves(policy, positions: list[Cells], rules: Rules, rng: np.random.Generator) -> list[int]:
    """One move per position, drawn from ``policy`` (a Keras model on 3-plane inputs)."""
    probs = masked(np.asarray(policy(rules.planes(positions, side_plane=True), training=False)), positions, rules)
    return [int(rng.choice(len(p), p=p)) for p in probs]


# -- stage 1: expert games -------------------------------------------------------------------------
def expert_games(games: int, noise: float, rng: np.random.Generator):
    """Solver-vs-solver games with a share ``noise`` of random moves: (positions, expert moves)."""
    positions, moves = [], []
    for _ in range(games):
        cells = TICTACTOE.empty
        while not TICTACTOE.is_over(cells):
            if rng.random() < noise:
                action = int(rng.choice(TICTACTOE.legal_actions(cells)))
            else:
                action = int(rng.choice(solver.optimal_moves(cells)))
                positions.append(cells)
                moves.append(action)
            cells = TICTACTOE.play(cells, action)
    return positions, np.asarray(moves, np.int64)


# -- stage 2: RL policy against its pool -------------------------------------------------------------
def play_against(rules: Rules, learner, opponent, games: int, rng: np.random.Generator):
    """``games`` games in lock step, the learner X in the first half and O in the second.
    Returns the learner's (positions, moves, z per move) and its score per game."""
    boards = [rules.empty] * games
    sides = [0 if g < games // 2 else 1 for g in range(games)]
    taken: list[list] = [[] for _ in range(games)]
    active = list(range(games))
    while active:
        for side_net, is_learner in ((learner, True), (opponent, False)):
            movers = [g for g in active if not rules.is_over(boards[g])
                      and (rules.to_move(boards[g]) == sides[g]) == is_learner]
            if not movers:
                continue
            moves = sample_moves(side_net, [boards[g] for g in movers], rules, rng)
            for g, a in zip(movers, moves):
                if is_learner:
                    taken[g].append((boards[g], a))
                boards[g] = rules.play(boards[g], a)
        active = [g for g in active if not rules.is_over(boards[g])]
    positions, actions, zs, scores = [], [], [], []
    for g in range(games):
        winner = rules.winner(boards[g])
        z = 0.0 if winner is None else (1.0 if winner == sides[g] else -1.0)
        scores.append(z)
        for cells, a in taken[g]:
            positions.append(cells)
            actions.append(a)
            zs.append(z)
    return positions, np.asarray(actions, np.int64), np.asarray(zs, np.float32), np.asarray(scores)


# -- stage 3: value data ------------------------------------------------------------------------------
def value_pairs(rules: Rules, sl, rl, games: int, rng: np.random.Generator):
    """One (S_(N+1), z) pair per game: SL policy for N moves, one random move, RL policy to the end."""
    boards = [rules.empty] * games
    cut = rng.integers(0, rules.size - 1, games)  # N for each game
    for ply in range(int(cut.max()) + 1):
        live = [g for g in range(games) if ply < cut[g] and not rules.is_over(boards[g])]
        if live:
            for g, a in zip(live, sample_moves(sl, [boards[g] for g in live], rules, rng)):
                boards[g] = rules.play(boards[g], a)
    for g in range(games):  # the one random move
        if not rules.is_over(boards[g]):
            boards[g] = rules.play(boards[g], int(rng.choice(rules.legal_actions(boards[g]))))
    start = list(boards)
    active = [g for g in range(games) if not rules.is_over(boards[g])]
    while active:
        for g, a in zip(active, sample_moves(rl, [boards[g] for g in active], rules, rng)):
            boards[g] = rules.play(boards[g], a)
        active = [g for g in active if not rules.is_over(boards[g])]
    keep = [g for g in range(games) if not rules.is_over(start[g])]  # a finished S_(N+1) teaches nothing
    zs = []
    for g in keep:
        winner = rules.winner(boards[g])
        zs.append(0.0 if winner is None else (1.0 if winner == rules.to_move(start[g]) else -1.0))
    return [start[g] for g in keep], np.asarray(zs, np.float32)


# -- the search's evaluator ---------------------------------------------------------------------------
def position_uniforms(positions: list[Cells], ply: int) -> np.ndarray:
    """A uniform number in [0, 1) for each (position, ply), the same in every search and
    process (splitmix64 of the board read as a base-3 number), so a rollout is repeatable
    whatever batch its leaf was evaluated in."""
    digits = (np.asarray(positions, np.int64) + 1).astype(np.uint64)
    key = np.zeros(len(digits), np.uint64)
    with np.errstate(over="ignore"):  # wrapping multiplication is the point of a hash
        for column in digits.T:
            key = key * np.uint64(3) + column
        z = key * np.uint64(64) + np.uint64(ply) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def rollout_values(rules: Rules, weights: tuple[np.ndarray, np.ndarray], positions: list[Cells]) -> np.ndarray:
    """Play each position to the end with the linear rollout policy (NumPy, all in lock step,
    moves drawn by inverse CDF from ``position_uniforms``); the result for the side to move
    at the start."""
    kernel, bias = weights
    boards, starts = list(positions), [rules.to_move(c) for c in positions]
    active = [i for i, c in enumerate(boards) if not rules.is_over(c)]
    ply = 0
    while active:
        current = [boards[i] for i in active]
        logits = rules.planes(current, side_plane=True).reshape(len(active), -1) @ kernel + bias
        probs = masked(np.exp(logits - logits.max(axis=1, keepdims=True)), current, rules)
        cdf = np.cumsum(probs, axis=1)
        u = position_uniforms([positions[i] for i in active], ply)[:, None] * cdf[:, -1:]
        moves = np.minimum((cdf <= u).sum(axis=1), rules.num_actions - 1)
        for i, a in zip(active, moves):
            boards[i] = rules.play(boards[i], int(a))
        active = [i for i in active if not rules.is_over(boards[i])]
        ply += 1
    values = np.zeros(len(positions))
    for i, cells in enumerate(boards):
        winner = rules.winner(cells)
        values[i] = 0.0 if winner is None else (1.0 if winner == starts[i] else -1.0)
    return values


def alphago_evaluator(rules: Rules, sl, value_net, rollout, mix: float, eager: bool = False):
    """(positions) -> (SL priors, (1 - mix) v_theta + mix z_rollout)."""
    import tensorflow as tf

    spec = tf.TensorSpec((None, rules.rows, rules.cols, 3), tf.float32)
    policy = compiled(lambda x: sl(x, training=False), eager, input_signature=[spec])
    value = compiled(lambda x: value_net(x, training=False), eager, input_signature=[spec])
    kernel, bias = (np.asarray(w) for w in rollout.get_layer("rollout_moves").get_weights())

    def evaluate(positions: list):
        x = tf.constant(rules.planes(positions, side_plane=True))
        v = value(x).numpy().reshape(-1)
        z = rollout_values(rules, (kernel, bias), positions) if mix > 0 else 0.0
        return policy(x).numpy(), (1 - mix) * v + mix * z

    def networks_only(positions: list):
        x = tf.constant(rules.planes(positions, side_plane=True))
        return policy(x).numpy(), value(x).numpy().reshape(-1)

    return evaluate, networks_only


# -- the learner ---------------------------------------------------------------------------------------
class AlphaGoLearner:
    def __init__(self, hp: dict, info, eager: bool = False):
        import tensorflow as tf

        from workbench.training.job import make_optimizer

        self.hp, self.rules, self.eager = hp, TICTACTOE, eager
        self.sl = build_policy_net(hp, info, "sl_policy")
        self.rl = build_policy_net(hp, info, "rl_policy")
        self.opponent = build_policy_net(hp, info, "opponent")  # holds a pool member's weights
        self.value = build_value_net(hp, info)
        self.rollout = build_rollout_policy(hp, info)
        self.networks = {"model": self.sl, "rl_policy": self.rl, "value": self.value, "rollout": self.rollout}
        self.optimizers = {}
        for name, net in self.networks.items():
            rate = hp["rl_learning_rate"] if name == "rl_policy" else hp["learning_rate"]
            self.optimizers[name] = make_optimizer({**hp, "learning_rate": rate})
            self.optimizers[name].build(net.trainable_variables)
        self.pool: list[list[np.ndarray]] = []

        def classify(net, opt):
            def step(x, a):
                with tf.GradientTape() as tape:
                    p = net(x, training=True)
                    loss = -tf.reduce_mean(tf.math.log(tf.gather(p, a, axis=1, batch_dims=1) + 1e-8))
                grads = tape.gradient(loss, net.trainable_variables)
                opt.apply(grads, net.trainable_variables)
                return loss
            return compiled(step, eager)

        def policy_gradient(x, a, z):
            with tf.GradientTape() as tape:
                p = self.rl(x, training=True)
                logp = tf.math.log(tf.gather(p, a, axis=1, batch_dims=1) + 1e-8)
                loss = -tf.reduce_mean(z * logp)
            grads = tape.gradient(loss, self.rl.trainable_variables)
            self.optimizers["rl_policy"].apply(grads, self.rl.trainable_variables)
            return loss

        def regress(x, z):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(z - tf.squeeze(self.value(x, training=True), -1)))
            grads = tape.gradient(loss, self.value.trainable_variables)
            self.optimizers["value"].apply(grads, self.value.trainable_variables)
            return loss

        self.sl_step = classify(self.sl, self.optimizers["model"])
        self.rollout_step = classify(self.rollout, self.optimizers["rollout"])
        self.pg_step = compiled(policy_gradient, eager)
        self.value_step = compiled(regress, eager)

    def planes(self, positions):
        return self.rules.planes(positions, side_plane=True)

    # the pool travels in the resume point as arrays pool{j}_{i}
    def pool_arrays(self) -> dict:
        return {f"pool{j}_{i}": w for j, weights in enumerate(self.pool) for i, w in enumerate(weights)}

    def restore_pool(self, arrays: dict, size: int) -> None:
        count = len(self.rl.get_weights())
        self.pool = [[arrays[f"pool{j}_{i}"] for i in range(count)] for j in range(size)]


def train_alphago(ctx):
    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    rules = check_source(source)
    if rules is not TICTACTOE:
        raise WorkbenchError("the AlphaGo pipeline here learns its SL policy from a perfect solver's games, "
                             f"which exists for tic-tac-toe only; train alphago_zero on {rules.name}")
    g = AlphaGoLearner(hp, source.info, eager=config.eager)
    snapshot = ctx.restore_networks(g.networks, g.optimizers)
    state = dict(snapshot.state) if snapshot else {}
    arrays = dict(snapshot.arrays) if snapshot else {}
    g.restore_pool(arrays, int(state.get("pool_size", 0)))
    value_x, value_z = arrays.get("value_x"), arrays.get("value_z")
    record: dict = state.get("record") or {}
    iteration = int(state.get("rl_iterations", 0))
    cap = config.steps_per_epoch or None
    steps = lambda n: min(n, cap) if cap else n
    batch = config.batch_size
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (self-play and MCTS)", config.epochs,
                               ctx.initial_epoch, 1, int(sum(n.count_params() for n in g.networks.values()))))
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        ctx.control.wait_while_paused()
        if ctx.control.stop_requested:
            stopped = True
            break
        started, logs = time.perf_counter(), {}
        rng = rng_for(config.seed, epoch, 0)
        if epoch < hp["sl_epochs"]:
            logs.update(_sl_epoch(g, hp, steps, batch, rng))
        elif epoch < hp["sl_epochs"] + hp["rl_epochs"]:
            if not g.pool:  # entering stage 2: the RL policy starts as the SL policy
                g.rl.set_weights(g.sl.get_weights())
                g.pool.append([np.array(w) for w in g.rl.get_weights()])
            stage, iteration = _rl_epoch(g, hp, steps, batch, rng, iteration)
            logs.update(stage)
        else:
            x, z = value_pairs(rules, g.sl, g.rl, steps(hp["value_games"]), rng)
            x = g.planes(x)
            value_x = x if value_x is None else np.concatenate([value_x, x])[-hp["replay_size"]:]
            value_z = z if value_z is None else np.concatenate([value_z, z])[-hp["replay_size"]:]
            losses = [float(g.value_step(value_x[idx], value_z[idx]))
                      for idx in (rng.integers(0, len(value_x), min(batch, len(value_x)))
                                  for _ in range(steps(hp["value_steps"])))]
            logs["value_loss"] = float(np.mean(losses))
        ctx.emit(events.BatchEnd(epoch, 1, 1, {}))
        evaluate, _ = alphago_evaluator(rules, g.sl, g.value, g.rollout, hp["mix"], eager=config.eager)
        evaluate = mcts.CachedEvaluator(evaluate)
        logs.update(_judge(g, evaluate, hp))
        logs["loss"] = logs.get("sl_loss", logs.get("rl_loss", logs.get("value_loss", 0.0)))
        for key, value in logs.items():
            record.setdefault(key, []).append(value)
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        ctx.emit(probe_view(rules, evaluate, {**hp, "c_puct": hp["c_puct"]}, epoch + 1))
        ctx.emit(_figures_view(record, epoch + 1))
        saved = g.pool_arrays()
        if value_x is not None:
            saved.update(value_x=value_x, value_z=value_z)
        ctx.save_point(epoch + 1, g.networks, g.optimizers, arrays=saved,
                       state={"pool_size": len(g.pool), "rl_iterations": iteration, "record": record})
    return ctx.finish(g.sl, stopped=stopped, networks=g.networks)


train_alphago.resumable = True  # four networks, their optimizers, the pool, the value data and counters


def _sl_epoch(g: AlphaGoLearner, hp: dict, steps, batch: int, rng) -> dict:
    positions, moves = expert_games(steps(hp["expert_games"]), hp["expert_noise"], rng)
    x = g.planes(positions)
    predicted = np.argmax(masked(np.asarray(g.sl(x, training=False)), positions, g.rules), axis=1)
    accuracy = float(np.mean(predicted == moves))  # on games it has not seen yet
    sl_losses, rollout_losses = [], []
    for _ in range(steps(hp["sl_steps"])):
        idx = rng.integers(0, len(moves), min(batch, len(moves)))
        sl_losses.append(float(g.sl_step(x[idx], moves[idx])))
        rollout_losses.append(float(g.rollout_step(x[idx], moves[idx])))
    return {"sl_accuracy": accuracy, "sl_loss": float(np.mean(sl_losses)),
            "rollout_loss": float(np.mean(rollout_losses))}


def _rl_epoch(g: AlphaGoLearner, hp: dict, steps, batch: int, rng, iteration: int):
    losses, scores = [], []
    for _ in range(steps(hp["rl_iterations"])):
        g.opponent.set_weights(g.pool[int(rng.integers(len(g.pool)))])
        positions, actions, zs, score = play_against(g.rules, g.rl, g.opponent, hp["rl_games"], rng)
        losses.append(float(g.pg_step(g.planes(positions), actions, zs)))
        scores.extend(score)
        iteration += 1
        if iteration % hp["pool_every"] == 0:
            g.pool.append([np.array(w) for w in g.rl.get_weights()])
    return {"rl_loss": float(np.mean(losses)), "rl_score_vs_pool": float(np.mean(scores))}, iteration


def _judge(g: AlphaGoLearner, evaluate, hp: dict) -> dict:
    positions = solver.reachable_positions()
    sl = masked(np.asarray(g.sl(g.planes(positions), training=False)), positions, g.rules)
    rl = masked(np.asarray(g.rl(g.planes(positions), training=False)), positions, g.rules)
    optimal = [solver.optimal_moves(c) for c in positions]
    evaluate.prefill(positions)

    def agent(cells):
        root = mcts.search([cells], TICTACTOE, evaluate, hp["eval_simulations"], hp["c_puct"])[0]
        return mcts.best_action(root, TICTACTOE.num_actions)

    report = solver.losing_lines(agent)
    return {"sl_optimal": float(np.mean([int(np.argmax(p)) in o for p, o in zip(sl, optimal)])),
            "rl_optimal": float(np.mean([int(np.argmax(p)) in o for p, o in zip(rl, optimal)])),
            "losing_lines": float(report.losing_lines), "losses_as_x": float(report.losses_as_x),
            "losses_as_o": float(report.losses_as_o)}


def _figures_view(record: dict, epoch: int) -> View:
    x = np.arange(1, len(record["loss"]) + 1)
    series = {"SL policy: optimal-move fraction": (x, record["sl_optimal"]),
              "RL policy: optimal-move fraction": (x, record["rl_optimal"]),
              "MCTS agent: losing lines / 10": (x, np.asarray(record["losing_lines"]) / 10.0)}
    return View("perfect_play", Curves(series, "epoch", "fraction"),
                "Against the perfect solver (tic-tac-toe): the policies' optimal moves, the agent's losing lines",
                step=epoch)


# -- hooks --------------------------------------------------------------------------------------------
def load_board_agent(run_dir: str):
    from workbench.models.io import load_model
    from workbench.models.rl.board_agent import BoardAgent, network_file, read_board_run
    from workbench.quiet import import_tensorflow

    _, _, hp, rules = read_board_run(run_dir, "alphago")
    import_tensorflow()
    sl, value, rollout = (load_model(network_file(run_dir, n)) for n in ("model", "value", "rollout"))
    evaluate, networks_only = alphago_evaluator(rules, sl, value, rollout, hp["mix"])
    return BoardAgent(rules, evaluate, networks_only, hp["eval_simulations"], hp["c_puct"], "AlphaGo")


def act_board(run_dir: str, states: list[str], simulations: int | None = None) -> list[dict]:
    from workbench.models.rl.board_agent import act_on_states

    return act_on_states(load_board_agent, "alphago", run_dir, states, simulations)


def load_agent(run_dir: str):
    return load_board_agent(run_dir)
