"""Node positions for a graph view: networkx's force-directed layout (Fruchterman & Reingold
1991) with a fixed seed, so the same graph is drawn the same way in the PNG and the window."""

from __future__ import annotations

import numpy as np


def graph_layout(edges, num_nodes: int, seed: int = 0) -> np.ndarray:
    """``(num_nodes, 2)`` positions in about ``[-1, 1]``; isolated nodes are placed too."""
    from workbench.views.memo import cached, key

    edges = np.asarray(edges, np.int64).reshape(-1, 2)
    return cached(key("layout", edges, int(num_nodes), seed), lambda: _spring(edges, num_nodes, seed)).copy()


def _spring(edges: np.ndarray, num_nodes: int, seed: int) -> np.ndarray:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(int(num_nodes)))
    graph.add_edges_from(np.asarray(edges, np.int64).reshape(-1, 2).tolist())
    if num_nodes == 0:
        return np.zeros((0, 2))
    positions = nx.spring_layout(graph, seed=seed)
    return np.array([positions[node] for node in range(int(num_nodes))], np.float64)
