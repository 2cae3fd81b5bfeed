"""Monte-Carlo tree search with PUCT, shared by AlphaGo and AlphaGo Zero.

Each node keeps, per legal move a, the prior P(s,a), the visit count N(s,a) and the total
value W(s,a) of the simulations through it, from the point of view of the player to move
at s. A simulation descends by

    a* = argmax_a  Q(s,a) + c_puct * P(s,a) * sqrt(N(s)) / (1 + N(s,a)),   Q = W / N (0 unvisited)

(N(s) counts the visits of s itself, so the first simulation from a fresh node follows the
prior), evaluates the leaf it reaches — a finished game by its result, otherwise with the
evaluator (a network's value, or AlphaGo's mix of value net and rollout) — expands it with
the evaluator's priors and backs the value up, negated at each ply because the players
alternate.

Searches of many positions (parallel self-play games) run in lock step: one simulation in
every tree, then one batched evaluation of all their leaves, so a network sees a batch
instead of single positions. An evaluator maps a list of positions to (priors over all
actions, values for the side to move); ``CachedEvaluator`` memoises it per position.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from workbench.models.rl.board_state import Cells, Rules

#: (positions) -> (priors (n, num_actions), values (n,)) for the side to move.
Evaluate = Callable[[list], tuple]


def puct_scores(prior: np.ndarray, visits: np.ndarray, total_value: np.ndarray,
                parent_visits: int, c_puct: float) -> np.ndarray:
    """Q + U for each move: the selection rule of AlphaGo Zero."""
    q = np.divide(total_value, visits, out=np.zeros_like(total_value, dtype=np.float64), where=visits > 0)
    return q + c_puct * prior * np.sqrt(parent_visits) / (1.0 + visits)


class Node:
    """One position in the tree and the statistics of its legal moves."""

    __slots__ = ("actions", "cells", "children", "count", "prior", "terminal", "total_value", "visits")

    def __init__(self, cells: Cells, rules: Rules):
        self.cells = cells
        self.terminal = rules.terminal_value(cells)  # None while the game goes on
        self.actions: np.ndarray | None = None  # legal moves, set on expansion
        self.prior = self.visits = self.total_value = None
        self.children: dict[int, Node] = {}
        self.count = 0  # N(s): visits of this node

    @property
    def expanded(self) -> bool:
        return self.actions is not None

    def expand(self, rules: Rules, priors: np.ndarray) -> None:
        """Keep the priors of the legal moves, renormalised (a network spreads some mass on
        illegal ones)."""
        actions = np.asarray(rules.legal_actions(self.cells), np.int64)
        p = np.asarray(priors, np.float64)[actions]
        p = p / p.sum() if p.sum() > 0 else np.full(len(actions), 1.0 / len(actions))
        self.actions, self.prior = actions, p
        self.visits = np.zeros(len(actions), np.float64)
        self.total_value = np.zeros(len(actions), np.float64)

    def select(self, c_puct: float) -> int:
        """The index (into ``actions``) with the highest Q + U; ties go to the first."""
        return int(np.argmax(puct_scores(self.prior, self.visits, self.total_value, self.count, c_puct)))

    def child(self, index: int, rules: Rules) -> Node:
        action = int(self.actions[index])
        node = self.children.get(action)
        if node is None:
            node = self.children[action] = Node(rules.play(self.cells, action), rules)
        return node

    def visit_counts(self, num_actions: int) -> np.ndarray:
        counts = np.zeros(num_actions, np.float64)
        if self.expanded:
            counts[self.actions] = self.visits
        return counts

    def mean_value(self) -> float:
        """The search's value of this position for the side to move: visits-weighted Q."""
        if not self.expanded or self.visits.sum() == 0:
            return 0.0
        return float(self.total_value.sum() / self.visits.sum())


def backup(path: list[tuple[Node, int]], leaf_value: float) -> None:
    """Add the leaf's value (for its side to move) along ``path`` of (node, move index),
    negated at every ply: each node's statistics are for the player to move there."""
    value = leaf_value
    for node, index in reversed(path):
        value = -value
        node.visits[index] += 1
        node.total_value[index] += value
        node.count += 1


def add_dirichlet_noise(node: Node, rng: np.random.Generator, alpha: float, fraction: float) -> None:
    """P = (1 - fraction) P + fraction Dir(alpha): exploration at a self-play root."""
    if fraction > 0 and len(node.actions) > 1:
        noise = rng.dirichlet(np.full(len(node.actions), alpha))
        node.prior = (1 - fraction) * node.prior + fraction * noise


def search(roots: list[Cells], rules: Rules, evaluate: Evaluate, simulations: int, c_puct: float,
           rng: np.random.Generator | None = None, dirichlet_alpha: float = 0.3,
           noise_fraction: float = 0.0) -> list[Node]:
    """Run ``simulations`` simulations from each root, in lock step with batched evaluations;
    roots are positions with a move to make. Returns the root nodes."""
    nodes = [Node(cells, rules) for cells in roots]
    priors, _ = evaluate([n.cells for n in nodes])
    for node, p in zip(nodes, priors):
        node.expand(rules, p)
        node.count = 1  # the expansion is the root's first visit
        if rng is not None:
            add_dirichlet_noise(node, rng, dirichlet_alpha, noise_fraction)
    for _ in range(simulations):
        pending: list[tuple[Node, list]] = []
        for root in nodes:
            node, path = root, []
            while node.expanded and node.terminal is None:
                index = node.select(c_puct)
                path.append((node, index))
                node = node.child(index, rules)
            if node.terminal is not None:
                backup(path, node.terminal)
            else:
                pending.append((node, path))
        if not pending:
            continue
        # two trees (or two paths) may reach the same leaf: evaluate it once
        unique = list({id(node): node for node, _ in pending}.values())
        priors, values = evaluate([n.cells for n in unique])
        results = {id(n): (p, v) for n, p, v in zip(unique, priors, values)}
        for node, path in pending:
            p, v = results[id(node)]
            if not node.expanded:
                node.expand(rules, p)
                node.count = 1
            backup(path, float(v))
    return nodes


def visit_policy(node: Node, num_actions: int, temperature: float) -> np.ndarray:
    """pi(a) proportional to N(s,a)^(1/temperature); temperature 0: all mass on the most
    visited move (ties to the lowest action)."""
    counts = node.visit_counts(num_actions)
    if temperature <= 1e-6:
        pi = np.zeros(num_actions)
        pi[int(np.argmax(counts))] = 1.0
        return pi
    scaled = counts ** (1.0 / temperature)
    return scaled / scaled.sum()


def best_action(node: Node, num_actions: int) -> int:
    """The deterministic choice after a search: the most visited move (lowest index on ties)."""
    return int(np.argmax(node.visit_counts(num_actions)))


class CachedEvaluator:
    """Memoise an evaluator per position (a position's evaluation does not change until the
    network does: call ``clear()`` after each update). Misses are evaluated as one batch."""

    def __init__(self, evaluate: Evaluate):
        self._evaluate = evaluate
        self._cache: dict[Cells, tuple[np.ndarray, float]] = {}
        self.calls = 0  # batched evaluations made (cache misses in one call count once)

    def clear(self) -> None:
        self._cache.clear()

    def __call__(self, positions: list) -> tuple[np.ndarray, np.ndarray]:
        missing = list(dict.fromkeys(c for c in positions if c not in self._cache))
        if missing:
            self.calls += 1
            priors, values = self._evaluate(missing)
            for cells, p, v in zip(missing, np.asarray(priors), np.asarray(values).reshape(-1)):
                self._cache[cells] = (p, float(v))
        found = [self._cache[c] for c in positions]
        return np.stack([p for p, _ in found]), np.array([v for _, v in found])

    def prefill(self, positions: list, batch: int = 4096) -> None:
        for start in range(0, len(positions), batch):
            self(positions[start:start + batch])
