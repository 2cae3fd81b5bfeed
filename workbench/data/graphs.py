"""Graphs for node classification (transductive, as in Kipf & Welling's GCN paper).

* ``karate``: Zachary's karate club (networkx); the labels are the two clubs after the split
  ("Mr. Hi" and "Officer"); features are the identity (the GCN paper's featureless setting)
  or a one-hot of each node's degree.
* ``communities``: a planted-partition stochastic block model (networkx), nodes of one
  community linked with ``p_in``, of two with ``p_out``; features are noisy class signals.
  Its edges are typed for relational models (R-GCN): "inside" a community or "between" two
  (the types come from the planted communities, so they carry label information).
* ``edges``: the user's edge list, a CSV whose header has ``source`` and ``target`` (and
  optionally ``type``, the relation of each edge); an optional node file
  (``--data-option nodes=nodes.csv``: ``id``, ``label``, feature columns). A node the node
  file lists but no edge names is isolated: it is kept (a GCN sees only its own features),
  counted in ``describe()`` and named by ``isolation_note()`` (a graph model's run says it).

Masks: per class, a seeded ``val_fraction`` of the labelled nodes validate; the rest train,
or only ``labels_per_class`` of them (the semi-supervised setting of few labelled nodes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, register
from workbench.data.sources import GraphData
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "karate", "graph", "graph",
    "Zachary's karate club: 34 members, 78 friendships, labelled by the club each joined after "
    "the split (embedded; options: features=identity|degree, labels_per_class).",
    "workbench.data.graphs:load_karate", options=("features", "labels_per_class"),
))
register(DatasetSpec(
    "communities", "graph", "graph",
    "A generated planted-partition graph: communities densely linked inside, sparsely between "
    "(options: nodes, communities, p_in, p_out, feature_dim, noise, labels_per_class).",
    "workbench.data.graphs:load_communities",
    options=("nodes", "communities", "p_in", "p_out", "feature_dim", "noise", "labels_per_class"),
))
register(DatasetSpec(
    "edges", "graph", "graph",
    "Your own graph: an edge-list CSV with source,target columns and an optional type column "
    "(option nodes=FILE.csv with id, label and feature columns; labels_per_class).",
    "workbench.data.graphs:load_edge_list", needs_path=True, options=("nodes", "labels_per_class"),
))

#: Above this many nodes the preview draws the subgraph of a fixed sample of them (networkx's
#: spring layout grows quadratically: 300 nodes take a few tenths of a second).
PREVIEW_NODES = 300


@dataclass
class GraphSource(GraphData):
    """``GraphData`` with the names of its classes, a summary and a preview."""

    class_names: tuple[str, ...] = ()
    #: (E,) the relation index of each edge, for relational models (None: one relation)
    edge_types: np.ndarray | None = None
    relation_names: tuple[str, ...] = ()

    def isolated_nodes(self) -> np.ndarray:
        """Indices of the nodes no edge names (a node file may list them)."""
        return np.flatnonzero(np.bincount(self.edges.ravel(), minlength=self.num_nodes) == 0)

    def isolation_note(self) -> str:
        """A sentence about the isolated nodes, or "" when there are none."""
        isolated = self.isolated_nodes()
        if not len(isolated):
            return ""
        shown = ", ".join(self.node_names[i] for i in isolated[:10]) + (", ..." if len(isolated) > 10 else "")
        return (f"{self.info.name}: {len(isolated)} node(s) have no edges (isolated: {shown}); they are kept, "
                "and a graph network sees only their own features")

    def describe(self) -> dict:
        labelled = self.labels >= 0
        return {
            "isolated_nodes": int(len(self.isolated_nodes())),
            **({"relations": {name: int((self.edge_types == r).sum())
                              for r, name in enumerate(self.relation_names)}}
               if self.edge_types is not None else {}),
            "nodes": self.num_nodes, "edges": int(len(self.edges)),
            "classes": len(self.class_names), "class_names": list(self.class_names),
            "labelled_nodes": int(labelled.sum()), "train_nodes": int(self.train_mask.sum()),
            "val_nodes": int(self.val_mask.sum()), "features": int(self.features.shape[1]),
            "per_class": {name: int((self.labels == i).sum()) for i, name in enumerate(self.class_names)},
        }

    def preview(self) -> list:
        """The graph coloured by class (training nodes' names end in ``*``) and the degree
        histogram. Positions are computed here with a fixed seed, so the preview repeats."""
        from workbench.views.graph_layout import graph_layout
        from workbench.views.types import Curves, Graph, View

        keep = np.arange(self.num_nodes)
        if self.num_nodes > PREVIEW_NODES:  # a fixed random sample: every class shows
            keep = np.sort(np.random.default_rng(0).choice(self.num_nodes, PREVIEW_NODES, replace=False))
        shown = len(keep)
        new_index = np.full(self.num_nodes, -1)
        new_index[keep] = np.arange(shown)
        edges = new_index[self.edges]
        edges = edges[(edges >= 0).all(axis=1)]
        labels = self.labels[keep].copy()
        names = list(self.class_names)
        if (labels < 0).any():  # unlabelled nodes get a colour of their own
            labels[labels < 0] = len(names)
            names.append("unlabelled")
        node_names = [self.node_names[i] + ("*" if self.train_mask[i] else "") for i in keep]
        part = "" if shown == self.num_nodes else f" (a sample of {shown} nodes shown)"
        degrees = np.bincount(self.edges.ravel(), minlength=self.num_nodes)
        histogram = np.bincount(degrees)
        return [
            View("graph", Graph(edges, shown, labels, names, node_names,
                                graph_layout(edges, shown, seed=0)),
                 title=f"{self.info.name}: {self.num_nodes} nodes, {len(self.edges)} edges{part}; "
                       f"coloured by class; training nodes ({int(self.train_mask.sum())}) have names ending in *"),
            View("degrees", Curves({"nodes": (np.arange(len(histogram)), histogram)},
                                   x_label="degree", y_label="nodes"),
                 title=f"{self.info.name}: degree histogram (mean {degrees.mean():.2f})"),
        ]


# -- the sources ---------------------------------------------------------------------------
def load_karate(options: dict, seed: int, val_fraction: float) -> GraphSource:
    import networkx as nx

    graph = nx.karate_club_graph()
    clubs = ("Mr. Hi", "Officer")
    labels = np.array([clubs.index(graph.nodes[n]["club"]) for n in graph.nodes], np.int64)
    edges = np.array(sorted((min(u, v), max(u, v)) for u, v in graph.edges), np.int64)
    how = str(options.get("features", "identity"))
    if how == "identity":
        features = np.eye(len(labels), dtype=np.float32)
    elif how == "degree":
        features = one_hot_degree(edges, len(labels))
    else:
        raise WorkbenchError(f"karate features {how!r} must be identity or degree")
    return _source("karate", edges, features, labels, clubs, [str(n) for n in graph.nodes],
                   options, seed, val_fraction)


def load_communities(options: dict, seed: int, val_fraction: float) -> GraphSource:
    import networkx as nx

    nodes = _number(options, "nodes", 200, int, 2, 100_000)
    count = _number(options, "communities", 4, int, 2, nodes)
    p_in = _number(options, "p_in", 0.1, float, 0.0, 1.0)
    p_out = _number(options, "p_out", 0.01, float, 0.0, 1.0)
    dim = _number(options, "feature_dim", 16, int, 1, 10_000)
    noise = _number(options, "noise", 1.0, float, 0.0, 1e6)
    sizes = [nodes // count + (1 if i < nodes % count else 0) for i in range(count)]
    probabilities = np.full((count, count), p_out) + np.eye(count) * (p_in - p_out)
    graph = nx.stochastic_block_model(sizes, probabilities.tolist(), seed=seed)
    labels = np.repeat(np.arange(count), sizes).astype(np.int64)
    edges = np.array(sorted((min(u, v), max(u, v)) for u, v in graph.edges), np.int64).reshape(-1, 2)
    if not len(edges):
        raise WorkbenchError(f"communities with p_in={p_in} and p_out={p_out} drew no edges; "
                             "raise p_in or p_out")
    # noisy class signals: each community a random centre, each node its centre plus noise
    rng = np.random.default_rng([seed, 1])
    centres = rng.normal(size=(count, dim))
    features = (centres[labels] + rng.normal(scale=noise, size=(nodes, dim))).astype(np.float32)
    source = _source("communities", edges, features, labels,
                     tuple(f"community {i}" for i in range(count)), [str(n) for n in range(nodes)],
                     options, seed, val_fraction)
    source.edge_types = (labels[edges[:, 0]] != labels[edges[:, 1]]).astype(np.int64)
    source.relation_names = ("inside", "between")
    return source


def load_edge_list(options: dict, seed: int, val_fraction: float) -> GraphSource:
    path = options["path"]
    frame = _read_csv(path, dtype=str)
    if "source" not in frame.columns or "target" not in frame.columns:
        raise WorkbenchError(f"{path}: an edge list needs source and target columns; it has "
                             f"{', '.join(map(str, frame.columns))}")
    nodes_path = options.get("nodes")
    known = _read_nodes(str(nodes_path)) if nodes_path else None
    names = list(known["id"]) if known is not None else []
    index = {name: i for i, name in enumerate(names)}
    edges, seen, skipped = [], set(), []
    typed = "type" in frame.columns
    raw_types = frame["type"] if typed else [None] * len(frame)
    relation_names: list[str] = []
    types: list[int] = []
    for line, (u, v, kind) in enumerate(zip(frame["source"], frame["target"], raw_types), start=2):
        if not isinstance(u, str) or not isinstance(v, str) or not u.strip() or not v.strip():
            skipped.append(f"{path}: line {line} has an empty source or target and was skipped")
            continue
        u, v = u.strip(), v.strip()
        for node in (u, v):
            if node not in index:
                if known is not None:
                    raise WorkbenchError(
                        f"{path} line {line}: the edge {u} - {v} names node {node!r}, which is not "
                        f"in {os.path.basename(str(nodes_path))}")
                index[node] = len(names)
                names.append(node)
        if u == v:
            skipped.append(f"{path}: line {line} is a self-loop on {u!r} and was skipped")
            continue
        key = tuple(sorted((index[u], index[v])))
        if key in seen:  # undirected: b - a repeats a - b
            skipped.append(f"{path}: line {line} repeats the edge {u} - {v} and was skipped")
            continue
        if typed:
            if not isinstance(kind, str) or not kind.strip():
                raise WorkbenchError(f"{path} line {line}: the edge {u} - {v} has an empty type; "
                                     "give every edge a type or drop the type column")
            if kind.strip() not in relation_names:
                relation_names.append(kind.strip())
            types.append(relation_names.index(kind.strip()))
        seen.add(key)
        edges.append(key)
    if not edges:
        raise WorkbenchError(f"{path} has no usable edges (rows of source,target naming two different nodes)")
    edges = np.array(edges, np.int64)
    if known is None:
        features = np.eye(len(names), dtype=np.float32)
        labels, class_names, feature_names = np.full(len(names), -1, np.int64), (), ()
    else:
        features, labels, class_names, feature_names = _node_table(known, str(nodes_path))
    source = _source(os.path.splitext(os.path.basename(path))[0], edges, features, labels,
                     class_names, names, options, seed, val_fraction, feature_names)
    if typed:
        source.edge_types = np.array(types, np.int64)
        source.relation_names = tuple(relation_names)
    source.skipped = skipped
    return source


def is_edge_list(path: str) -> bool:
    """Whether a CSV's header names ``source`` and ``target`` columns (a graph, not a table)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            header = handle.readline()
    except OSError:
        return False
    columns = {column.strip().strip('"').lower() for column in header.split(",")}
    return {"source", "target"} <= columns


# -- pieces ----------------------------------------------------------------------------------
def one_hot_degree(edges: np.ndarray, num_nodes: int) -> np.ndarray:
    degrees = np.bincount(edges.ravel(), minlength=num_nodes)
    return np.eye(degrees.max() + 1, dtype=np.float32)[degrees]


def split_masks(labels: np.ndarray, val_fraction: float, seed: int,
                labels_per_class: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Seeded, stratified: per class a ``val_fraction`` of its labelled nodes validate (at
    least one when the class has two or more), the rest train, or ``labels_per_class`` of them."""
    if not 0.0 <= val_fraction < 1.0:
        raise WorkbenchError(f"validation fraction {val_fraction} must be in [0, 1)")
    rng = np.random.default_rng(seed)
    train, val = np.zeros(len(labels), bool), np.zeros(len(labels), bool)
    for cls in np.unique(labels[labels >= 0]):
        members = rng.permutation(np.flatnonzero(labels == cls))
        n_val = int(round(len(members) * val_fraction))
        if val_fraction > 0 and len(members) >= 2:
            n_val = max(n_val, 1)
        rest = members[n_val:]
        if labels_per_class is not None:
            if labels_per_class > len(rest):
                raise WorkbenchError(
                    f"class {int(cls)} has only {len(rest)} labelled node(s) left for training, "
                    f"fewer than labels_per_class={labels_per_class}")
            rest = rest[:labels_per_class]
        val[members[:n_val]] = True
        train[rest] = True
    return train, val


def _source(name, edges, features, labels, class_names, node_names, options, seed,
            val_fraction, feature_names=()) -> GraphSource:
    per_class = options.get("labels_per_class")
    per_class = None if per_class in (None, "") else _number(options, "labels_per_class", 0, int, 1, 10**9)
    train, val = split_masks(labels, val_fraction, seed, per_class)
    info = DataInfo(name, "graph", "graph", (int(features.shape[1]),), tuple(class_names),
                    tuple(feature_names))
    return GraphSource(info, edges=edges, features=features, labels=labels, train_mask=train,
                       val_mask=val, node_names=list(node_names), class_names=tuple(class_names))


def _read_csv(path: str, **kwargs):
    import pandas as pd

    try:
        return pd.read_csv(path, skipinitialspace=True, **kwargs)
    except FileNotFoundError:
        raise WorkbenchError(f"CSV file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise WorkbenchError(f"{path} is not a readable CSV file: {error}") from None


def _read_nodes(path: str):
    frame = _read_csv(path, dtype=str)
    if "id" not in frame.columns:
        raise WorkbenchError(f"{path}: a node file needs an id column; it has {', '.join(map(str, frame.columns))}")
    frame["id"] = frame["id"].str.strip()
    duplicated = frame["id"][frame["id"].duplicated()]
    if len(duplicated):
        raise WorkbenchError(f"{path}: node {duplicated.iloc[0]!r} is listed twice")
    return frame


def _node_table(frame, path: str):
    """Features (identity when the file has none), labels (-1 where empty) and class names."""
    import pandas as pd

    columns = [c for c in frame.columns if c not in ("id", "label")]
    if columns:
        numbers = frame[columns].apply(pd.to_numeric, errors="coerce")
        bad = numbers.isna() & frame[columns].notna()
        if bad.any().any():
            column = bad.any().idxmax()
            row = int(np.flatnonzero(bad[column].to_numpy())[0])
            raise WorkbenchError(
                f"{path}: feature column {column!r} has text ({frame[column].iloc[row]!r} on line "
                f"{row + 2}); node features must be numbers")
        if numbers.isna().any().any():
            column = numbers.isna().any().idxmax()
            raise WorkbenchError(f"{path}: feature column {column!r} has an empty value")
        features = numbers.to_numpy(np.float32)
    else:
        features = np.eye(len(frame), dtype=np.float32)
    labels = np.full(len(frame), -1, np.int64)
    class_names: tuple[str, ...] = ()
    if "label" in frame.columns:
        given = frame["label"].notna() & (frame["label"].str.strip() != "")
        class_names = tuple(sorted(frame["label"][given].str.strip().unique(), key=_natural))
        lookup = {name: i for i, name in enumerate(class_names)}
        labels[given.to_numpy()] = [lookup[v.strip()] for v in frame["label"][given]]
    return features, labels, class_names, tuple(columns)


def _natural(text: str):
    """Sort "2" before "10" when the labels are numbers."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def _number(options: dict, key: str, default, cast, low, high):
    raw = options.get(key, default)
    try:
        value = cast(raw)
    except (TypeError, ValueError):
        raise WorkbenchError(f"option {key}={raw!r} must be a {cast.__name__}") from None
    if not low <= value <= high:
        raise WorkbenchError(f"option {key}={value} must be between {low} and {high}")
    return value
