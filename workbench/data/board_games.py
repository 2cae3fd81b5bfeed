"""Two-player board games written here: tic-tac-toe and Connect Four.

Both follow gymnasium's ``Env`` API (``reset(seed=)``, ``step(action)`` with the five-tuple,
``observation_space``, ``action_space``, ``render()`` as an RGB array) and add what
self-play and tree search need: ``legal_actions()``, ``current_player``, ``winner`` and
``clone()``. The observation is canonical, as in AlphaZero: plane 0 holds the stones of the
player to move, plane 1 the opponent's, so one network plays both sides.

The board stores player 0's stones as ``1`` and player 1's as ``-1``. A reward goes to the
player who just moved: ``1`` for the winning move, otherwise ``0``. An illegal action is a
programming error of the agent (it must choose from ``legal_actions()``): ``ValueError``.
"""

from __future__ import annotations

import abc
import copy

import numpy as np

#: Stone colours in RGB for the renderer: player 0, player 1, board, grid.
_COLOURS = {"p0": (220, 60, 50), "p1": (240, 200, 40), "board": (30, 80, 170), "grid": (20, 20, 20)}


def _lines_kernels(length: int) -> list[np.ndarray]:
    """Kernels that sum ``length`` cells in a row, a column and both diagonals."""
    return [np.ones((1, length)), np.ones((length, 1)), np.eye(length), np.fliplr(np.eye(length))]


class BoardGame(abc.ABC):
    """What tic-tac-toe and Connect Four share: ``rows`` x ``cols`` board, ``to_win`` in a line."""

    rows: int
    cols: int
    to_win: int
    name: str
    action_names: tuple[str, ...]
    metadata = {"render_modes": ["rgb_array"], "render_fps": 2}

    def __init__(self, render_mode: str | None = "rgb_array"):
        from gymnasium import spaces

        self.render_mode = render_mode
        self.observation_space = spaces.Box(0.0, 1.0, (self.rows, self.cols, 2), np.float32)
        self.action_space = spaces.Discrete(len(self.action_names))
        self.spec = None
        self._kernels = _lines_kernels(self.to_win)
        self.board = np.zeros((self.rows, self.cols), np.int8)
        self.current_player = 0
        self.winner: int | None = None  # 0 or 1; None while playing and after a draw
        self.done = False
        self.moves = 0

    @property
    def unwrapped(self):
        return self

    # -- gymnasium API -------------------------------------------------------------------
    def reset(self, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            self.action_space.seed(seed)
        self.board[:] = 0
        self.current_player, self.winner, self.done, self.moves = 0, None, False, 0
        return self.observation(), self._info()

    def step(self, action):
        if self.done:
            raise ValueError(f"{self.name}: the game is over; call reset()")
        cell = self._cell_for(int(action))
        if cell is None:
            raise ValueError(f"{self.name}: action {int(action)} ({self._action_name(action)}) is not "
                             f"legal now; legal: {self.legal_actions()}")
        mover = self.current_player
        self.board[cell] = 1 if mover == 0 else -1
        self.moves += 1
        if self.wins(self.board, mover, self._kernels, self.to_win):
            self.winner, self.done = mover, True
        elif self.moves == self.rows * self.cols:
            self.done = True  # a draw: the board is full
        self.current_player = 1 - mover
        reward = 1.0 if self.winner == mover else 0.0
        return self.observation(), reward, self.done, False, self._info()

    def render(self) -> np.ndarray:
        """The board as an RGB ``uint8`` array (drawn with OpenCV, no display needed)."""
        import cv2

        cell = 60
        image = np.zeros((self.rows * cell, self.cols * cell, 3), np.uint8)
        image[:] = _COLOURS["board"]
        for r in range(self.rows):
            for c in range(self.cols):
                centre = (c * cell + cell // 2, r * cell + cell // 2)
                self._draw_cell(cv2, image, centre, cell, int(self.board[r, c]))
        return image

    def close(self) -> None:
        pass

    # -- what self-play and search need ----------------------------------------------------
    def legal_actions(self) -> list[int]:
        if self.done:
            return []
        return self._open_actions()

    def observation(self) -> np.ndarray:
        """Canonical planes: the player to move's stones, then the opponent's."""
        own = 1 if self.current_player == 0 else -1
        return np.stack([self.board == own, self.board == -own], axis=-1).astype(np.float32)

    def clone(self) -> "BoardGame":
        """An independent copy for tree search (the spaces are shared: they hold no state of the game)."""
        other = copy.copy(self)
        other.board = self.board.copy()
        return other

    @staticmethod
    def wins(board: np.ndarray, player: int, kernels, to_win: int) -> bool:
        """Whether ``player`` has ``to_win`` stones in a row, column or diagonal:
        a line-summing convolution reaches ``to_win`` exactly where one lies."""
        stones = (board == (1 if player == 0 else -1)).astype(np.int32)
        from scipy.signal import convolve2d  # here, not at import: the registry lists this module at start-up

        return any((convolve2d(stones, k, mode="valid") >= to_win).any() for k in kernels)

    def _info(self) -> dict:
        return {"current_player": self.current_player, "winner": self.winner,
                "legal_actions": self.legal_actions()}

    def _action_name(self, action) -> str:
        return self.action_names[int(action)] if 0 <= int(action) < len(self.action_names) else "?"

    # -- what each game defines ------------------------------------------------------------
    @abc.abstractmethod
    def _cell_for(self, action: int):
        """The (row, col) an action puts a stone on, or None when it cannot."""

    @abc.abstractmethod
    def _open_actions(self) -> list[int]:
        """The actions the rules allow on the current board."""

    @abc.abstractmethod
    def _draw_cell(self, cv2, image, centre, cell, stone) -> None:
        """One cell of the rendered board (and its stone, if any)."""


class TicTacToe(BoardGame):
    """Noughts and crosses on 3x3; action ``3 * row + col``; player 0 is X and moves first."""

    rows = cols = to_win = 3
    name = "tictactoe"
    action_names = tuple(f"{row} {col}" for row in ("top", "middle", "bottom")
                         for col in ("left", "centre", "right"))

    def _cell_for(self, action: int):
        if not 0 <= action < 9:
            return None
        cell = divmod(action, 3)
        return cell if self.board[cell] == 0 else None

    def _open_actions(self) -> list[int]:
        return np.flatnonzero(self.board.ravel() == 0).tolist()

    def _draw_cell(self, cv2, image, centre, cell, stone) -> None:
        x, y = centre
        half = cell // 2
        cv2.rectangle(image, (x - half, y - half), (x + half - 1, y + half - 1), _COLOURS["grid"], 2)
        arm = cell // 3
        if stone == 1:  # X
            cv2.line(image, (x - arm, y - arm), (x + arm, y + arm), _COLOURS["p0"], 6)
            cv2.line(image, (x - arm, y + arm), (x + arm, y - arm), _COLOURS["p0"], 6)
        elif stone == -1:  # O
            cv2.circle(image, (x, y), arm, _COLOURS["p1"], 6)


class ConnectFour(BoardGame):
    """Connect Four on 6 rows x 7 columns; action = the column a disc drops into; row 0 is the top."""

    rows, cols, to_win = 6, 7, 4
    name = "connect4"
    action_names = tuple(f"column {c + 1}" for c in range(7))

    def _cell_for(self, action: int):
        if not 0 <= action < self.cols:
            return None
        empty = np.flatnonzero(self.board[:, action] == 0)
        return (int(empty[-1]), action) if len(empty) else None  # the lowest empty row

    def _open_actions(self) -> list[int]:
        return np.flatnonzero(self.board[0] == 0).tolist()  # a column with room at the top

    def _draw_cell(self, cv2, image, centre, cell, stone) -> None:
        colour = {1: _COLOURS["p0"], -1: _COLOURS["p1"]}.get(stone, (235, 235, 235))
        cv2.circle(image, centre, cell // 2 - 5, colour, -1)


GAMES = {"tictactoe": TicTacToe, "connect4": ConnectFour}
