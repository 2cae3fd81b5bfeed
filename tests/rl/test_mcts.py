"""PUCT selection, the backup's sign alternation, the solver, the perfect-play checker and
position parsing, each against a hand computation or known tic-tac-toe facts."""

import re

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.models.rl import mcts
from workbench.models.rl import tictactoe_solver as solver
from workbench.models.rl.board_state import (
    CONNECT4,
    TICTACTOE,
    check_move,
    format_state,
    parse_state,
)


def cells(text):
    return parse_state(text, playable=False)[1]


def uniform(positions):
    """An evaluator that knows nothing: uniform priors, value 0."""
    n = len(positions)
    return np.full((n, TICTACTOE.num_actions), 1 / 9), np.zeros(n)


# -- PUCT ----------------------------------------------------------------------------------------
def test_puct_scores_are_q_plus_c_p_sqrt_n_over_one_plus_n():
    prior, visits, value = np.array([0.5, 0.3, 0.2]), np.array([2.0, 1.0, 0.0]), np.array([1.0, -0.5, 0.0])
    # Q = [0.5, -0.5, 0]; U = 1.5 * P * sqrt(4) / (1 + n) = [0.5, 0.45, 0.6]
    np.testing.assert_allclose(mcts.puct_scores(prior, visits, value, 4, 1.5), [1.0, -0.05, 0.6])
    node = mcts.Node(TICTACTOE.empty, TICTACTOE)
    node.actions, node.prior, node.visits, node.count = np.arange(3), prior, visits, 4
    node.total_value = value
    assert node.select(1.5) == 0
    node.total_value = np.array([0.0, -0.5, 0.0])  # Q0 = 0: scores [0.5, -0.05, 0.6]
    assert node.select(1.5) == 2
    node.total_value = np.array([0.0, 0.5, 0.0])  # Q1 = 0.5: scores [0.5, 0.95, 0.6]
    assert node.select(1.5) == 1


def test_backup_negates_the_value_at_every_ply():
    root, middle = mcts.Node(TICTACTOE.empty, TICTACTOE), mcts.Node(cells("X........"), TICTACTOE)
    for node in (root, middle):
        node.expand(TICTACTOE, np.full(9, 1 / 9))
    mcts.backup([(root, 3), (middle, 5)], 1.0)  # the leaf is good for X, who moves there
    assert middle.total_value[5] == -1.0  # O moved into it: bad for O
    assert root.total_value[3] == 1.0  # X chose the line: good for X
    assert middle.visits[5] == root.visits[3] == 1 and root.count == middle.count == 1


def test_search_finds_an_immediate_win_and_a_forced_block():
    win = mcts.search([cells("XX.OO....")], TICTACTOE, uniform, 60, 1.5)[0]
    assert mcts.best_action(win, 9) == 2
    assert win.total_value[list(win.actions).index(2)] / win.visits[list(win.actions).index(2)] == 1.0
    assert win.visits.sum() == 60 and win.count == 61
    block = mcts.search([cells("XX..O....")], TICTACTOE, uniform, 400, 1.5)[0]  # O must block at 2
    assert mcts.best_action(block, 9) == 2


def test_lock_step_search_batches_the_leaves_of_all_trees():
    calls = []

    def counting(positions):
        calls.append(len(positions))
        return uniform(positions)

    roots = [TICTACTOE.empty, cells("X........"), cells("X...O....")]
    nodes = mcts.search(roots, TICTACTOE, counting, 10, 1.0)
    assert len(calls) == 11 and calls[0] == 3  # the roots, then one batch per simulation
    assert [n.visits.sum() for n in nodes] == [10, 10, 10]
    assert max(calls[1:]) == 3


def test_visit_policy_temperature():
    node = mcts.Node(TICTACTOE.empty, TICTACTOE)
    node.expand(TICTACTOE, np.full(9, 1 / 9))
    node.visits[:] = [0, 1, 2, 3, 0, 0, 0, 0, 4]
    np.testing.assert_allclose(mcts.visit_policy(node, 9, 1.0), node.visits / 10)
    np.testing.assert_allclose(mcts.visit_policy(node, 9, 0.5), node.visits ** 2 / 30)
    assert mcts.visit_policy(node, 9, 0.0).tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 1]


# -- the solver ------------------------------------------------------------------------------------
def test_solver_values_of_known_positions():
    assert solver.value(TICTACTOE.empty) == 0  # tic-tac-toe is a draw
    assert solver.value(cells("XX.OO....")) == 1  # X to move completes the top row
    assert solver.value(cells("X.O.O...X")) == 1  # X blocks at 6 and forks (0-3-6, 6-7-8)
    assert solver.value(cells("X...O...X")) == 0
    assert solver.optimal_moves(cells("X...O...X")) == [1, 3, 5, 7]  # O must not take a corner
    assert solver.optimal_moves(cells("X........")) == [4]  # against a corner only the centre holds
    assert sorted(solver.optimal_moves(TICTACTOE.empty)) == list(range(9))
    assert solver.move_values(cells("XX..O...."))[2] == 0 and solver.move_values(cells("XX..O...."))[3] == -1
    assert len(solver.reachable_positions(with_finished=True)) == 5478
    assert len(solver.reachable_positions()) == 4520


def test_the_checker_passes_the_solver_and_catches_weak_agents():
    perfect = solver.losing_lines(solver.best_move)
    assert perfect.perfect and perfect.losses_as_x == perfect.losses_as_o == 0
    assert perfect.lines_as_x > 0 and perfect.lines_as_o > 0
    def random_agent(c):  # uniformly random, but the same move each time it sees a position
        return int(np.random.default_rng([v + 1 for v in c]).choice(TICTACTOE.legal_actions(c)))

    rand = solver.losing_lines(random_agent)
    assert rand.losses_as_x > 0 and rand.losses_as_o > 0 and not rand.perfect
    first_free = solver.losing_lines(lambda c: TICTACTOE.legal_actions(c)[0])
    assert first_free.losses_as_x > 0 and first_free.losses_as_o > 0 and first_free.examples

    corner = cells("X........")

    def one_slip(c):  # perfect except for an edge reply to a corner opening
        return 1 if c == corner else solver.best_move(c)

    slip = solver.losing_lines(one_slip)
    assert slip.losses_as_x == 0 and slip.losses_as_o > 0
    assert "agent O: moves [0, 1" in slip.examples[0]


# -- positions --------------------------------------------------------------------------------------
def test_parsing_and_side_to_move():
    rules, c = parse_state("X...O...x")
    assert rules is TICTACTOE and c == (1, 0, 0, 0, -1, 0, 0, 0, 1) and TICTACTOE.to_move(c) == 1
    assert TICTACTOE.to_move(cells("X...O....")) == 0 and TICTACTOE.to_move(TICTACTOE.empty) == 0
    assert format_state(c) == "X...O...X"
    rules, c4 = parse_state("." * 35 + "X" + "." * 6)
    assert rules is CONNECT4 and CONNECT4.to_move(c4) == 1 and CONNECT4.legal_actions(c4) == list(range(7))
    after = CONNECT4.play(c4, 0)  # O's disc lands on top of X's in column 0
    assert after[28] == -1 and after[35] == 1


@pytest.mark.parametrize("text, words", [
    ("XO.", "has 3 characters"),
    ("X........" + ".", "has 10 characters"),
    ("XZ.......", "contains 'Z'"),
    ("XX.......", "X has 2 marks and O 0"),
    ("O........", "X has 0 marks and O 1"),
    ("XXXOOO...", "both X and O"),
    ("XXXOO.O..", "X has won, so X made the last move"),
    ("XXXOO....", "finished game (X has won)"),
    ("XOXXOOOXX", "finished game (a draw"),
    ("X" + "." * 41, "column 0 has a disc above an empty cell"),
])
def test_bad_positions_get_a_sentence(text, words):
    with pytest.raises(WorkbenchError, match=re.escape(words)):
        parse_state(text)


def test_illegal_moves_get_a_sentence():
    with pytest.raises(WorkbenchError, match="row 0 column 0 is taken"):
        check_move(TICTACTOE, cells("X........"), 0)
    full_column = tuple(([1, -1] * 3)[r] if c == 2 else 0 for r in range(6) for c in range(7))
    with pytest.raises(WorkbenchError, match="column 2 is full"):
        check_move(CONNECT4, full_column, 2)
    with pytest.raises(WorkbenchError, match="game is over"):
        check_move(TICTACTOE, cells("XXXOO...."), 5)
