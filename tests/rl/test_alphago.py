"""AlphaGo and AlphaGo Zero: their data (symmetries, outcomes, expert moves, rollouts, value
pairs) against hand checks, each trains a few epochs (AlphaGo through all its stages), and a
killed AlphaGo Zero run resumes to the uninterrupted run's weights."""

import json
import os
import sys

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.models.io import load_model
from workbench.models.rl import alphago, alphago_zero
from workbench.models.rl import tictactoe_solver as solver
from workbench.models.rl.board_state import CONNECT4, TICTACTOE, parse_state
from workbench.training import TrainConfig, job

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "training"))
from test_kill_resume import kill_after, resume

ZERO = {"simulations": 4, "eval_simulations": 2, "filters": 4, "blocks": 1, "value_units": 4,
        "games_per_epoch": 3, "train_steps": 2}


def cells(text):
    return parse_state(text, playable=False)[1]


def uniform(positions):
    n = len(positions)
    return np.full((n, 9), 1 / 9), np.zeros(n)


def test_symmetries_move_pi_with_the_board():
    positions = [cells("X........"), cells("X...O..X.")]
    pis = np.zeros((2, 9), np.float32)
    pis[0, 1], pis[1, 2] = 1.0, 1.0  # each position's target move
    x, p, copies = alphago_zero.symmetries(TICTACTOE, TICTACTOE.planes(positions), pis)
    assert copies == 8 and x.shape == (16, 3, 3, 2)
    for k in range(16):
        board = x[k, :, :, 0] - x[k, :, :, 1]  # the mover's stones +1, the opponent's -1
        original = -np.asarray(positions[k % 2]).reshape(3, 3)  # O moves in both: O's stones are +1
        # the same transform takes the board and the move: find it among the 8
        found = [(np.rot90(b, r), np.rot90(m, r)) for b, m in
                 ((original, pis[k % 2].reshape(3, 3)), (original[:, ::-1], pis[k % 2].reshape(3, 3)[:, ::-1]))
                 for r in range(4)]
        assert any(np.array_equal(board, b) and np.array_equal(p[k].reshape(3, 3), m) for b, m in found)
    _, p4, copies4 = alphago_zero.symmetries(CONNECT4, CONNECT4.planes([CONNECT4.empty]), np.eye(7)[[0]])
    assert copies4 == 2 and p4[1].tolist() == np.eye(7)[6].tolist()


def test_self_play_outcomes_are_from_the_side_to_move():
    hp = {"simulations": 8, "c_puct": 1.5, "dirichlet_alpha": 1.0, "noise_fraction": 0.25, "temperature_moves": 9}
    positions, pis, zs, winners = alphago_zero.self_play(TICTACTOE, uniform, 4, hp,
                                                         np.random.default_rng(0))
    np.testing.assert_allclose(pis.sum(axis=1), 1.0, rtol=1e-5)
    game = 0
    for i, c in enumerate(positions):  # each game starts from the empty board
        if i > 0 and c == TICTACTOE.empty:
            game += 1
        winner = winners[game]
        expected = 0.0 if winner is None else (1.0 if TICTACTOE.to_move(c) == winner else -1.0)
        assert zs[i] == expected
    assert game == 3
    assert any(w is not None for w in winners)  # random-ish play: some games are won


def test_expert_moves_are_optimal_and_rollouts_score_the_end():
    positions, moves = alphago.expert_games(10, 0.3, np.random.default_rng(1))
    assert len(positions) > 30
    assert all(m in solver.optimal_moves(c) for c, m in zip(positions, moves))
    kernel, bias = np.zeros((27, 9)), np.zeros(9)
    # X's only move completes the top row: +1; in the second, X's only move fills the board: a draw
    values = alphago.rollout_values(TICTACTOE, (kernel, bias), [cells("XX.OOXOXO"), cells("XOXXOOOX.")])
    assert values.tolist() == [1.0, 0.0]
    u = alphago.position_uniforms([cells("XX..O...."), cells("XX..O....")], 3)
    assert u[0] == u[1] and 0 <= u[0] < 1


def test_value_pairs_have_one_live_position_per_game(tmp_path):
    class Uniform:
        def __call__(self, x, training=False):
            return np.full((len(x), 9), 1 / 9)

    starts, zs = alphago.value_pairs(TICTACTOE, Uniform(), Uniform(), 12, np.random.default_rng(2))
    assert 0 < len(starts) <= 12 and len(zs) == len(starts)
    assert all(not TICTACTOE.is_over(c) for c in starts) and set(zs.tolist()) <= {-1.0, 0.0, 1.0}


def test_alphago_trains_through_its_three_stages(tmp_path):
    hp = {"sl_epochs": 1, "rl_epochs": 1, "expert_games": 3, "sl_steps": 2, "rl_iterations": 2, "rl_games": 4,
          "pool_every": 1, "value_games": 6, "value_steps": 2, "eval_simulations": 2, "filters": 4, "layers": 1,
          "value_units": 4}
    result = job.run_training(TrainConfig("alphago", "tictactoe", epochs=3, batch_size=8, eager=True,
                                          hparams=hp, out=str(tmp_path / "ag")))
    history = result.history
    assert np.isfinite(history["sl_accuracy"][0]) and np.isfinite(history["rl_score_vs_pool"][-1])
    assert np.isfinite(history["value_loss"][-1])
    for name in ("model", "rl_policy", "value", "rollout"):
        assert os.path.isfile(tmp_path / "ag" / f"{name}.keras")
    # stage 2 started from the SL policy and then moved away from it
    sl = load_model(str(tmp_path / "ag" / "model.keras")).get_weights()
    rl = load_model(str(tmp_path / "ag" / "rl_policy.keras")).get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(sl, rl))
    state = json.loads((tmp_path / "ag" / "checkpoint" / "state.json").read_text())
    assert state["epochs_done"] == 3


def test_a_killed_alphago_zero_run_resumes_to_the_uninterrupted_weights(tmp_path):
    killed = tmp_path / "killed"
    sets = {**ZERO, "games_per_epoch": 4}
    args = ["alphago_zero", "--data", "tictactoe", "--epochs", "3", "--batch-size", "8", "--seed", "2", "--eager"]
    args += [f"--set={k}={v}" for k, v in sets.items()]
    done = kill_after([sys.executable, "-m", "workbench.cli", "train", *args, "--out", str(killed), "--quiet"],
                      killed, 1)
    assert 1 <= done < 3
    resume(killed)
    whole = job.run_training(TrainConfig("alphago_zero", "tictactoe", epochs=3, batch_size=8, seed=2,
                                         hparams=sets, eager=True, out=str(tmp_path / "whole")))
    history = whole.history  # it trained, and judged itself against every opponent line each epoch
    for key in ("loss", "policy_loss", "value_loss", "policy_optimal", "losing_lines"):
        assert len(history[key]) == 3 and np.isfinite(history[key]).all()
    assert np.add(history["losses_as_x"], history["losses_as_o"]).tolist() == history["losing_lines"]
    assert os.path.isfile(tmp_path / "whole" / "views" / "root_visits.png")
    a = load_model(str(killed / "model.keras")).get_weights()
    b = load_model(str(tmp_path / "whole" / "model.keras")).get_weights()
    assert len(a) == len(b) > 0
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert json.loads((killed / "history.json").read_text()) == \
        json.loads((tmp_path / "whole" / "history.json").read_text())


def test_games_they_cannot_play_get_a_sentence(tmp_path):
    with pytest.raises(WorkbenchError, match="plays two-player board games .* 'CartPole-v1' is not one"):
        job.run_training(TrainConfig("alphago_zero", "CartPole-v1", epochs=1, hparams=ZERO, out=str(tmp_path / "a")))
    with pytest.raises(WorkbenchError, match="exists for tic-tac-toe only; train alphago_zero on connect4"):
        job.run_training(TrainConfig("alphago", "connect4", epochs=1, out=str(tmp_path / "b")))
