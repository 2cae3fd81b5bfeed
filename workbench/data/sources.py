"""Sources that are not a pair of train/validation arrays.

``Dataset`` (``base.py``) stays the source of labelled arrays (images, tables, fixed
sequence tasks, audio clips). The kinds here are what sections D-G train on. Each has
``info`` (a ``DataInfo`` whose ``kind`` an entry's ``data_kinds`` names), ``skipped``
(one line per input that could not be used, for the user) and ``preview()``, the views
(``workbench.views``) the Data tab and ``datasets --preview`` show. The training job
hands the source to the entry's own trainer as ``ctx.dataset``; it assumes nothing else.

Randomness is a function of (seed, epoch, step): samplers take a ``numpy.random.Generator``
made by the caller (``rng_for``), so a resumed run draws what the uninterrupted one drew.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from workbench.data.base import DataInfo


def rng_for(seed: int, *counters: int) -> np.random.Generator:
    """A generator determined by the seed and counters (epoch, step, worker): the same
    numbers give the same draws in a fresh process, so resumed runs replay them."""
    return np.random.default_rng([int(seed), *map(int, counters)])


@dataclass
class Source:
    """What every non-array source shares."""

    info: DataInfo
    skipped: list[str] = field(default_factory=list, kw_only=True)

    def preview(self) -> list:
        """Views that show what is in the source (``workbench.views.View``s)."""
        return []

    def describe(self) -> dict:
        """Counts and facts for ``datasets --json`` and the Data tab's summary line."""
        return {}


@dataclass
class Environment(Source):
    """An environment an agent acts in: ``make(seed)`` returns a gymnasium-style env
    (``reset(seed=) -> (obs, info)``, ``step(a) -> (obs, reward, terminated, truncated, info)``,
    ``observation_space``, ``action_space``; ``render()`` gives RGB frames where it can)."""

    make: Callable[..., Any] = None
    env_id: str = ""
    #: Two-player board games written here also offer ``legal_actions()`` and ``current_player``.
    two_player: bool = False


@dataclass
class Corpus(Source):
    """Text: the training and validation parts of a corpus, and its vocabulary."""

    train_text: str = ""
    val_text: str = ""
    #: Characters or words in index order; index 0 is padding where a model needs one.
    vocabulary: list[str] = field(default_factory=list)
    level: str = "char"  # "char" or "word"


@dataclass
class GraphData(Source):
    """One graph for node classification (transductive, as GCN's paper): every node's
    features, the edges, labels, and which nodes train / validate."""

    edges: np.ndarray = None  # (E, 2) node indices, each undirected edge once
    features: np.ndarray = None  # (N, F) float32
    labels: np.ndarray = None  # (N,) int, -1 where unknown
    train_mask: np.ndarray = None  # (N,) bool
    val_mask: np.ndarray = None  # (N,) bool
    node_names: list[str] = field(default_factory=list)

    @property
    def num_nodes(self) -> int:
        return int(len(self.features))

    def adjacency(self) -> np.ndarray:
        """The symmetric 0/1 adjacency matrix (N, N), float32."""
        a = np.zeros((self.num_nodes, self.num_nodes), np.float32)
        if len(self.edges):
            a[self.edges[:, 0], self.edges[:, 1]] = 1.0
            a[self.edges[:, 1], self.edges[:, 0]] = 1.0
        return a


@dataclass
class Episode:
    """One few-shot task: ``n_way`` classes, ``k_shot`` labelled examples each (support) and
    queries to classify; labels are 0..n_way-1 within the episode, ``classes`` maps them back."""

    support_x: np.ndarray
    support_y: np.ndarray
    query_x: np.ndarray
    query_y: np.ndarray
    classes: np.ndarray


@dataclass
class TaskSampler(Source):
    """N-way K-shot episodes drawn from a class-labelled array source. Training episodes use
    the ``train_classes``, validation episodes the disjoint ``val_classes`` (few-shot
    learning is judged on classes never trained on)."""

    x: np.ndarray = None
    y: np.ndarray = None
    train_classes: np.ndarray = None
    val_classes: np.ndarray = None
    n_way: int = 5
    k_shot: int = 1
    queries: int = 5

    def sample(self, rng: np.random.Generator, split: str = "train") -> Episode:
        """One episode: ``n_way`` classes of ``split``, ``k_shot`` + ``queries`` distinct samples each."""
        pool = self.train_classes if split == "train" else self.val_classes
        classes = rng.choice(pool, size=self.n_way, replace=False)
        support, query = [], []
        for way, cls in enumerate(classes):
            members = rng.permutation(np.flatnonzero(self.y == cls))[: self.k_shot + self.queries]
            support += [(i, way) for i in members[: self.k_shot]]
            query += [(i, way) for i in members[self.k_shot:]]
        s_idx, s_y = np.array(support).T
        q_idx, q_y = np.array(query).T
        return Episode(self.x[s_idx], s_y.astype(np.int64), self.x[q_idx], q_y.astype(np.int64), classes)
