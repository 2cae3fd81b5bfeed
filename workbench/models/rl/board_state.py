"""Board positions as immutable tuples, for tree search, solvers and the ``act`` command.

The gymnasium-style games in ``workbench/data/board_games.py`` are what an agent plays
episodes in; a tree search visits hundreds of thousands of positions and wants them
cheap to copy, hash and compare. Here a position is a tuple of cells, row by row: ``1``
for the first player's stone (X, red), ``-1`` for the second player's (O, yellow), ``0``
empty — the same numbers ``BoardGame.board`` holds. The side to move follows from the
counts (the first player when they are equal), so the tuple alone is the whole state and
serves as a cache key.

Text positions (``act --state``): one character a cell, row by row, ``X``, ``O`` or ``.``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from workbench.errors import WorkbenchError

SYMBOLS = {"X": 1, "O": -1, ".": 0}
Cells = tuple  # tuple[int, ...], length rows * cols


@dataclass(frozen=True)
class Rules:
    """One game: board size, stones in a row to win, and whether stones fall (Connect Four)."""

    name: str
    rows: int
    cols: int
    to_win: int
    gravity: bool

    @property
    def size(self) -> int:
        return self.rows * self.cols

    @property
    def num_actions(self) -> int:
        return self.cols if self.gravity else self.size

    @property
    def empty(self) -> Cells:
        return (0,) * self.size

    @cached_property
    def lines(self) -> tuple[tuple[int, ...], ...]:
        """Every run of ``to_win`` cells: rows, columns and both diagonals, as cell indices."""
        found = []
        for r in range(self.rows):
            for c in range(self.cols):
                for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                    end_r, end_c = r + dr * (self.to_win - 1), c + dc * (self.to_win - 1)
                    if 0 <= end_r < self.rows and 0 <= end_c < self.cols:
                        found.append(tuple((r + dr * k) * self.cols + c + dc * k for k in range(self.to_win)))
        return tuple(found)

    # -- the rules ---------------------------------------------------------------------------
    def to_move(self, cells: Cells) -> int:
        """0 (X, first player) or 1 (O): the side with fewer stones, X when equal."""
        return 0 if sum(cells) == 0 else 1

    def winner(self, cells: Cells) -> int | None:
        """0 or 1 when that player has ``to_win`` in a line, else None."""
        full = self.to_win
        for line in self.lines:
            total = 0
            for i in line:
                total += cells[i]
            if total == full:
                return 0
            if total == -full:
                return 1
        return None

    def is_over(self, cells: Cells) -> bool:
        return self.winner(cells) is not None or 0 not in cells

    def terminal_value(self, cells: Cells) -> float | None:
        """The finished game's value for the side to move (-1: the previous mover won, 0: a
        draw); None while the game goes on."""
        if self.winner(cells) is not None:
            return -1.0
        return 0.0 if 0 not in cells else None

    def legal_actions(self, cells: Cells) -> list[int]:
        """Actions the rules allow (none once the game is over)."""
        if self.winner(cells) is not None:
            return []
        if self.gravity:
            return [c for c in range(self.cols) if cells[c] == 0]  # the top cell is free
        return [i for i, v in enumerate(cells) if v == 0]

    def cell_of(self, cells: Cells, action: int) -> int | None:
        """The cell index ``action`` puts a stone on, or None where it cannot."""
        if not 0 <= action < self.num_actions:
            return None
        if not self.gravity:
            return action if cells[action] == 0 else None
        for row in range(self.rows - 1, -1, -1):  # the lowest empty cell of the column
            if cells[row * self.cols + action] == 0:
                return row * self.cols + action
        return None

    def play(self, cells: Cells, action: int) -> Cells:
        cell = self.cell_of(cells, action)
        if cell is None:
            raise ValueError(f"{self.name}: action {action} is not legal in {format_state(cells)}")
        board = list(cells)
        board[cell] = 1 if self.to_move(cells) == 0 else -1
        return tuple(board)

    # -- what networks see -------------------------------------------------------------------
    def planes(self, many: list[Cells], side_plane: bool = False) -> np.ndarray:
        """Canonical input planes (as AlphaZero): the mover's stones, the opponent's, and with
        ``side_plane`` a third plane of ones when the first player moves (AlphaGo's colour
        feature). Shape (n, rows, cols, 2 or 3), float32."""
        board = np.asarray(many, np.float32).reshape(len(many), self.rows, self.cols)
        sign = np.where(board.reshape(len(many), -1).sum(axis=1) == 0, 1.0, -1.0).astype(np.float32)
        own = board * sign[:, None, None]
        stacks = [own == 1, own == -1]
        if side_plane:
            stacks.append(np.broadcast_to((sign == 1)[:, None, None], own.shape))
        return np.stack(stacks, axis=-1).astype(np.float32)

    def legal_mask(self, many: list[Cells]) -> np.ndarray:
        """(n, num_actions) booleans: the actions open on each board (of a game still going)."""
        board = np.asarray(many, np.int8).reshape(len(many), self.size)
        return board[:, :self.cols] == 0 if self.gravity else board == 0

    def action_name(self, action: int) -> str:
        if self.gravity:
            return f"column {action}"
        row, col = divmod(action, self.cols)
        return f"row {row} column {col}"


TICTACTOE = Rules("tictactoe", 3, 3, 3, gravity=False)
CONNECT4 = Rules("connect4", 6, 7, 4, gravity=True)
RULES = {rules.name: rules for rules in (TICTACTOE, CONNECT4)}
_BY_LENGTH = {rules.size: rules for rules in RULES.values()}


def rules_for(game: str) -> Rules:
    try:
        return RULES[game]
    except KeyError:
        raise WorkbenchError(f"{game!r} is not a board game here; board games: {', '.join(RULES)}") from None


def format_state(cells: Cells) -> str:
    return "".join({1: "X", -1: "O", 0: "."}[v] for v in cells)


def parse_state(text: str, rules: Rules | None = None, playable: bool = True) -> tuple[Rules, Cells]:
    """A position from its text (``X``, ``O`` or ``.`` a cell, row by row), checked against
    the rules; with ``playable`` it must also have a move to make. ``rules`` None: the game
    is told by the length (9 tic-tac-toe, 42 Connect Four)."""
    text = str(text).strip()
    if rules is None:
        rules = _BY_LENGTH.get(len(text))
        if rules is None:
            raise WorkbenchError(f"position {text!r} has {len(text)} characters; a tic-tac-toe position has 9 "
                                 "and a Connect Four position 42 (one per cell, row by row)")
    if len(text) != rules.size:
        raise WorkbenchError(f"position {text!r} has {len(text)} characters; a {rules.name} position has "
                             f"{rules.size} (one per cell, row by row, {rules.rows}x{rules.cols})")
    bad = sorted({ch for ch in text.upper() if ch not in SYMBOLS})
    if bad:
        raise WorkbenchError(f"position {text!r} contains {', '.join(repr(b) for b in bad)}; use X, O "
                             "or . (an empty cell)")
    cells = tuple(SYMBOLS[ch] for ch in text.upper())
    check_position(rules, cells, text)
    if playable and rules.is_over(cells):
        winner = rules.winner(cells)
        how = "a draw (the board is full)" if winner is None else f"{'XO'[winner]} has won"
        raise WorkbenchError(f"position {text!r} is a finished game ({how}); there is no move to make")
    return rules, cells


def check_position(rules: Rules, cells: Cells, text: str = "") -> None:
    """Refuse a position no legal game reaches: impossible counts, floating discs, two
    winners, or a winner who did not make the last move."""
    text = text or format_state(cells)
    xs, os_ = cells.count(1), cells.count(-1)
    if xs not in (os_, os_ + 1):
        raise WorkbenchError(f"position {text!r} is impossible: X has {xs} marks and O {os_}; X moves first, "
                             "so X has as many as O or one more")
    if rules.gravity:
        for col in range(rules.cols):
            column = [cells[r * rules.cols + col] for r in range(rules.rows)]  # top to bottom
            filled = [v != 0 for v in column]
            if filled != sorted(filled):  # an empty cell under a disc
                raise WorkbenchError(f"position {text!r} is impossible: column {col} has a disc above an "
                                     "empty cell (discs fall to the bottom; row 0 is the top)")
    x_won = any(all(cells[i] == 1 for i in line) for line in rules.lines)
    o_won = any(all(cells[i] == -1 for i in line) for line in rules.lines)
    if x_won and o_won:
        raise WorkbenchError(f"position {text!r} is impossible: both X and O have {rules.to_win} in a row")
    if x_won and xs != os_ + 1:
        raise WorkbenchError(f"position {text!r} is impossible: X has won, so X made the last move, "
                             "but the counts say O did")
    if o_won and xs != os_:
        raise WorkbenchError(f"position {text!r} is impossible: O has won, so O made the last move, "
                             "but the counts say X did")


def check_move(rules: Rules, cells: Cells, action: int) -> None:
    """A user's move as a sentence when it breaks the rules."""
    if rules.is_over(cells):
        raise WorkbenchError("the game is over; start a new game or undo a move")
    if rules.cell_of(cells, action) is None:
        where = rules.action_name(action)
        why = "is full" if rules.gravity and 0 <= action < rules.cols else "is taken"
        if not 0 <= action < rules.num_actions:
            why = "is off the board"
        raise WorkbenchError(f"{where} {why}; choose {'a column with room' if rules.gravity else 'an empty cell'}")
