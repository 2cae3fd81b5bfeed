"""A perfect tic-tac-toe player (negamax with a memo) and the exhaustive perfect-play check.

Negamax: the value of a position for the side to move is the best over its moves of minus
the value of the position after the move; a finished game is -1 (the previous mover won)
or 0 (a draw). Tic-tac-toe has 5,478 reachable positions, so memoising every one makes the
whole game tree a few milliseconds of work. Values here are exact game-theoretic values,
with no preference for quicker wins: every optimal move is equally "expert".

The check: an agent plays tic-tac-toe perfectly when no sequence of opponent moves beats
it. ``losing_lines`` walks the whole game tree, following the agent's one (deterministic)
choice at its turns and every legal reply at the opponent's, and counts the lines that
end in a loss for the agent, from either side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from workbench.models.rl.board_state import TICTACTOE, Cells, Rules, format_state


@cache
def value(cells: Cells) -> int:
    """The game-theoretic value of a tic-tac-toe position for the side to move: 1 win, 0 draw, -1 loss."""
    end = TICTACTOE.terminal_value(cells)
    if end is not None:
        return int(end)
    return max(-value(TICTACTOE.play(cells, a)) for a in TICTACTOE.legal_actions(cells))


def move_values(cells: Cells) -> dict[int, int]:
    """Each legal move's value for the side to move (minus the value of the position it makes)."""
    return {a: -value(TICTACTOE.play(cells, a)) for a in TICTACTOE.legal_actions(cells)}


def optimal_moves(cells: Cells) -> list[int]:
    """The moves that keep the position's value (all of them when several do)."""
    values = move_values(cells)
    best = max(values.values())
    return [a for a, v in values.items() if v == best]


def best_move(cells: Cells) -> int:
    """One optimal move (the lowest index): a deterministic perfect player."""
    return optimal_moves(cells)[0]


def reachable_positions(rules: Rules = TICTACTOE, with_finished: bool = False) -> list[Cells]:
    """Every position legal play reaches from the empty board (5,478 with the finished ones,
    4,520 with a move to make), in breadth-first order."""
    seen, frontier, order = {rules.empty}, [rules.empty], [rules.empty]
    while frontier:
        nxt = []
        for cells in frontier:
            for a in rules.legal_actions(cells):
                child = rules.play(cells, a)
                if child not in seen:
                    seen.add(child)
                    nxt.append(child)
                    order.append(child)
        frontier = nxt
    return order if with_finished else [c for c in order if not rules.is_over(c)]


@dataclass
class PerfectPlayReport:
    """How an agent fares against every opponent line, as X and as O."""

    losses_as_x: int = 0
    losses_as_o: int = 0
    lines_as_x: int = 0  # finished games enumerated
    lines_as_o: int = 0
    examples: list[str] = field(default_factory=list)  # a few losing lines, as move lists

    @property
    def losing_lines(self) -> int:
        return self.losses_as_x + self.losses_as_o

    @property
    def perfect(self) -> bool:
        return self.losing_lines == 0

    def as_dict(self) -> dict:
        return {"losing_lines": self.losing_lines, "losses_as_x": self.losses_as_x,
                "losses_as_o": self.losses_as_o, "lines_as_x": self.lines_as_x,
                "lines_as_o": self.lines_as_o, "perfect": self.perfect, "examples": self.examples}


def losing_lines(agent_move: Callable[[Cells], int], rules: Rules = TICTACTOE,
                 max_examples: int = 5) -> PerfectPlayReport:
    """Play the agent against every sequence of opponent moves, from both sides.
    ``agent_move(cells)`` is called once per distinct position (memoised here), so it must
    be deterministic; it must return a legal move."""
    report = PerfectPlayReport()
    chosen: dict[Cells, int] = {}

    def choose(cells: Cells) -> int:
        if cells not in chosen:
            move = int(agent_move(cells))
            if move not in rules.legal_actions(cells):
                raise ValueError(f"the agent chose illegal move {move} in {format_state(cells)}")
            chosen[cells] = move
        return chosen[cells]

    def walk(cells: Cells, agent_side: int, moves: list[int]) -> tuple[int, int]:
        """(lines, losses) below ``cells``."""
        if rules.is_over(cells):
            lost = rules.winner(cells) == 1 - agent_side
            if lost and len(report.examples) < max_examples:
                report.examples.append(f"agent {'XO'[agent_side]}: moves {moves}")
            return 1, int(lost)
        if rules.to_move(cells) == agent_side:
            move = choose(cells)
            return walk(rules.play(cells, move), agent_side, moves + [move])
        lines = losses = 0
        for a in rules.legal_actions(cells):
            n, lost = walk(rules.play(cells, a), agent_side, moves + [a])
            lines, losses = lines + n, losses + lost
        return lines, losses

    report.lines_as_x, report.losses_as_x = walk(rules.empty, 0, [])
    report.lines_as_o, report.losses_as_o = walk(rules.empty, 1, [])
    return report


def optimal_fraction(agent_move: Callable[[Cells], int], positions: list[Cells] | None = None) -> float:
    """The fraction of ``positions`` (default: every reachable one with a move to make)
    where ``agent_move`` picks a move the solver rates optimal."""
    positions = positions if positions is not None else reachable_positions()
    good = sum(agent_move(c) in optimal_moves(c) for c in positions)
    return good / max(1, len(positions))
