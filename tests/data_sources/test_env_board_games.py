"""Tic-tac-toe and Connect Four: winner detection checked exhaustively against known counts
and an independent brute-force checker, and the gymnasium-style API around it."""

import itertools

import gymnasium as gym
import numpy as np
import pytest

from workbench import data
from workbench.data.board_games import ConnectFour, TicTacToe


def brute_force_winner(board, to_win):
    """Player (0 or 1) with ``to_win`` in a line, by walking every start and direction."""
    rows, cols = board.shape
    for r, c in itertools.product(range(rows), range(cols)):
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            cells = [(r + i * dr, c + i * dc) for i in range(to_win)]
            if all(0 <= y < rows and 0 <= x < cols for y, x in cells):
                values = {int(board[y, x]) for y, x in cells}
                if values == {1}:
                    return 0
                if values == {-1}:
                    return 1
    return None


def test_tictactoe_game_tree_has_the_known_counts():
    """The full game tree: 255,168 games, 131,184 won by X, 77,904 by O, 46,080 drawn,
    through 5,478 distinct positions (the textbook counts)."""
    memo, positions = {}, set()

    def count(game):
        key = (game.board.tobytes(), game.current_player)
        positions.add(key)
        if key in memo:
            return memo[key]
        if game.done:
            result = np.array([0, 0, 0])
            result[{0: 0, 1: 1, None: 2}[game.winner]] = 1
        else:
            result = np.zeros(3, int)
            for action in game.legal_actions():
                child = game.clone()
                child.step(action)
                result = result + count(child)
        memo[key] = result
        return result

    game = TicTacToe()
    game.reset(seed=0)
    x_wins, o_wins, draws = count(game)
    assert (x_wins, o_wins, draws) == (131_184, 77_904, 46_080)
    assert len(positions) == 5_478


def test_connect_four_positions_per_ply_are_the_known_counts():
    """Distinct positions after n plies: 1, 7, 49, 238, 1120, 4263 (OEIS A212693; the next,
    16422, takes seconds more and no game can be won before ply 7 anyway)."""
    frontier = {ConnectFour().board.tobytes(): ConnectFour()}
    counts = [1]
    for _ in range(5):
        following = {}
        for game in frontier.values():
            for action in game.legal_actions():
                child = game.clone()
                child.step(action)
                following.setdefault(child.board.tobytes(), child)
        frontier = following
        counts.append(len(frontier))
    assert counts == [1, 7, 49, 238, 1120, 4263]


@pytest.mark.parametrize("game_type", [TicTacToe, ConnectFour])
def test_every_line_wins_and_no_line_short_of_it_does(game_type):
    """Each possible winning line for each player, on an otherwise empty board; with one of
    its stones removed it must not win."""
    game = game_type()
    rows, cols, n = game.rows, game.cols, game.to_win
    lines = 0
    for r, c in itertools.product(range(rows), range(cols)):
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            cells = [(r + i * dr, c + i * dc) for i in range(n)]
            if not all(0 <= y < rows and 0 <= x < cols for y, x in cells):
                continue
            lines += 1
            for player, stone in ((0, 1), (1, -1)):
                board = np.zeros((rows, cols), np.int8)
                for cell in cells:
                    board[cell] = stone
                assert game.wins(board, player, game._kernels, n)
                assert not game.wins(board, 1 - player, game._kernels, n)
                board[cells[1]] = -stone  # break the line with the opponent's stone
                assert not game.wins(board, player, game._kernels, n)
    assert lines == {TicTacToe: 8, ConnectFour: 69}[game_type]


def test_random_connect_four_games_agree_with_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(60):
        game = ConnectFour()
        game.reset()
        while not game.done:
            mover = game.current_player
            _, reward, terminated, truncated, info = game.step(int(rng.choice(game.legal_actions())))
            expected = brute_force_winner(game.board, 4)
            assert game.winner == expected
            assert reward == (1.0 if expected == mover else 0.0)
            assert terminated == (expected is not None or not (game.board == 0).any())
            assert truncated is False
        assert game.legal_actions() == []


def test_a_vertical_four_ends_the_game_with_a_reward_for_the_mover():
    game = ConnectFour()
    game.reset(seed=0)
    for action in (3, 4, 3, 4, 3, 4):
        game.step(action)
    obs, reward, terminated, truncated, info = game.step(3)
    assert (reward, terminated, truncated, info["winner"]) == (1.0, True, False, 0)
    assert game.board[2:, 3].tolist() == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="over"):
        game.step(0)


def test_discs_drop_to_the_lowest_free_row_and_full_columns_are_illegal():
    game = ConnectFour()
    game.reset()
    for _ in range(6):
        game.step(0)  # alternate players stack column 1 without four in a row
    assert game.board[:, 0].tolist() == [-1, 1, -1, 1, -1, 1]
    assert 0 not in game.legal_actions() and game.legal_actions() == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="not legal"):
        game.step(0)


def test_tictactoe_draw_has_no_winner():
    game = TicTacToe()
    game.reset()
    # X O X / X O O / O X X: a full board, no three in a row
    for action in (0, 1, 2, 4, 3, 5, 7, 6, 8):
        _, reward, terminated, _, _ = game.step(action)
    assert terminated and reward == 0.0 and game.winner is None


def test_observation_is_canonical_planes_of_the_player_to_move():
    game = TicTacToe()
    obs, info = game.reset()
    assert obs.shape == (3, 3, 2) and not obs.any() and info["current_player"] == 0
    obs, *_ = game.step(4)  # X in the centre; now O is to move
    assert obs[1, 1, 1] == 1.0 and obs[..., 0].sum() == 0  # X is the opponent's stone
    obs, *_ = game.step(0)  # O top-left; X to move
    assert obs[1, 1, 0] == 1.0 and obs[0, 0, 1] == 1.0
    assert game.observation_space.contains(obs)


def test_spaces_are_gymnasium_spaces_and_render_is_rgb():
    game = ConnectFour()
    game.reset(seed=1)
    assert isinstance(game.observation_space, gym.spaces.Box)
    assert isinstance(game.action_space, gym.spaces.Discrete) and game.action_space.n == 7
    game.step(3)
    frame = game.render()
    assert frame.dtype == np.uint8 and frame.shape == (360, 420, 3)
    bottom_centre = frame[5 * 60 + 30, 3 * 60 + 30]
    assert tuple(bottom_centre) == (220, 60, 50)  # player 0's red disc
    assert tuple(frame[5 * 60 + 30, 2 * 60 + 30]) == (235, 235, 235)  # an empty hole


def test_clone_is_independent():
    game = TicTacToe()
    game.reset()
    game.step(0)
    copy = game.clone()
    copy.step(4)
    assert game.board[1, 1] == 0 and copy.board[1, 1] == -1 and game.current_player == 1


def test_board_game_sources_preview_a_seeded_random_game():
    first, again = data.load("connect4", seed=5), data.load("connect4", seed=5)
    assert first.two_player and first.info.input_shape == (6, 7, 2)
    assert first.info.class_names[0] == "column 1"
    frames = first.preview()[0].value.images
    assert np.array_equal(frames, again.preview()[0].value.images)
    assert not np.array_equal(frames, data.load("connect4", seed=6).preview()[0].value.images)
    (_, returns), = first.preview()[1].value.series.values()
    assert set(np.unique(returns)) <= {-1.0, 0.0, 1.0}
    assert data.load("tictactoe").describe()["max_episode_steps"] == 9
