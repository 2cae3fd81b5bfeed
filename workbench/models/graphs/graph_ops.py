"""The matrices graph convolutions multiply by, built once per graph with scipy.sparse.

* GCN (Kipf & Welling 2017): the renormalised adjacency  A_hat = D~^-1/2 (A + I) D~^-1/2,
  D~ the degrees of A + I (the "renormalisation trick": self-loops keep a node's own
  features and the eigenvalues of A_hat inside (-1, 1], so stacking layers does not explode).
* ChebNet (Defferrard et al. 2016): the scaled Laplacian  L~ = 2 L / lambda_max - I with
  L = I - D^-1/2 A D^-1/2, and the Chebyshev polynomials T_0 = I, T_1 = L~,
  T_k = 2 L~ T_(k-1) - T_(k-2). T_k(L~) is zero beyond k hops, so order K sees K-1 hops.
* R-GCN (Schlichtkrull et al. 2018): one neighbour matrix per relation, each row divided by
  c_(i,r) = |N_i^r|, the node's neighbours of that relation.

Node indices come from ``GraphData.edges`` (each undirected edge once); isolated nodes get a
zero row in the normalised neighbour matrices (degree 0 gives d^-1/2 = 0, not infinity).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def adjacency(edges: np.ndarray, num_nodes: int) -> sp.csr_matrix:
    """The symmetric 0/1 adjacency as a sparse matrix (each undirected edge once in ``edges``)."""
    edges = np.asarray(edges, np.int64).reshape(-1, 2)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    a = sp.coo_matrix((np.ones(len(rows), np.float64), (rows, cols)), shape=(num_nodes, num_nodes)).tocsr()
    a.data[:] = 1.0  # a repeated edge stays one edge
    return a


def _inverse_sqrt(degrees: np.ndarray) -> np.ndarray:
    out = np.zeros_like(degrees, dtype=np.float64)
    positive = degrees > 0
    out[positive] = degrees[positive] ** -0.5
    return out


def gcn_normalized(edges: np.ndarray, num_nodes: int) -> sp.csr_matrix:
    """A_hat = D~^-1/2 (A + I) D~^-1/2 (GCN's renormalised propagation matrix)."""
    a_tilde = adjacency(edges, num_nodes) + sp.identity(num_nodes, format="csr")
    d = sp.diags(_inverse_sqrt(np.asarray(a_tilde.sum(axis=1)).ravel()))
    return (d @ a_tilde @ d).tocsr()


def normalized_laplacian(edges: np.ndarray, num_nodes: int) -> sp.csr_matrix:
    """L = I - D^-1/2 A D^-1/2 (no self-loops; an isolated node's row is the identity's)."""
    a = adjacency(edges, num_nodes)
    d = sp.diags(_inverse_sqrt(np.asarray(a.sum(axis=1)).ravel()))
    return (sp.identity(num_nodes, format="csr") - d @ a @ d).tocsr()


def largest_eigenvalue(laplacian: sp.csr_matrix) -> float:
    """lambda_max of a symmetric Laplacian (dense for small graphs, Lanczos for large)."""
    n = laplacian.shape[0]
    if n <= 1000:
        return float(np.linalg.eigvalsh(laplacian.toarray())[-1])
    from scipy.sparse.linalg import eigsh

    return float(eigsh(laplacian, k=1, which="LA", return_eigenvectors=False)[0])


def scaled_laplacian(edges: np.ndarray, num_nodes: int, lambda_max: float | None = None) -> sp.csr_matrix:
    """L~ = 2 L / lambda_max - I, whose spectrum lies in [-1, 1] where T_k is bounded."""
    laplacian = normalized_laplacian(edges, num_nodes)
    lam = largest_eigenvalue(laplacian) if lambda_max is None else float(lambda_max)
    lam = lam if lam > 1e-9 else 2.0  # a graph without edges: L = 0, any scale serves
    return (2.0 / lam * laplacian - sp.identity(num_nodes, format="csr")).tocsr()


def chebyshev_polynomials(scaled: sp.spmatrix, order: int) -> list[sp.csr_matrix]:
    """[T_0(L~), ..., T_(order-1)(L~)] by the recursion T_k = 2 L~ T_(k-1) - T_(k-2)."""
    n = scaled.shape[0]
    terms = [sp.identity(n, format="csr")]
    if order > 1:
        terms.append(sp.csr_matrix(scaled))
    while len(terms) < order:
        terms.append((2 * scaled @ terms[-1] - terms[-2]).tocsr())
    return terms[:order]


def relation_adjacencies(edges: np.ndarray, edge_types: np.ndarray, num_nodes: int,
                         num_relations: int) -> np.ndarray:
    """(N, R, N) float32: for each relation r, A_r with row i divided by c_(i,r) = |N_i^r|
    (undirected edges: each relation is symmetric, as in R-GCN's node-classification graphs)."""
    out = np.zeros((num_nodes, num_relations, num_nodes), np.float32)
    edges = np.asarray(edges, np.int64).reshape(-1, 2)
    types = np.asarray(edge_types, np.int64).ravel()
    for r in range(num_relations):
        a = adjacency(edges[types == r], num_nodes)
        degrees = np.asarray(a.sum(axis=1)).ravel()
        inv = np.zeros_like(degrees)
        inv[degrees > 0] = 1.0 / degrees[degrees > 0]
        out[:, r, :] = (sp.diags(inv) @ a).toarray()
    return out


def hop_distances(edges: np.ndarray, num_nodes: int, node: int) -> np.ndarray:
    """Shortest-path hops from ``node`` to every node (-1 where unreachable), by networkx."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(num_nodes))
    graph.add_edges_from(map(tuple, np.asarray(edges).reshape(-1, 2)))
    out = np.full(num_nodes, -1, np.int64)
    for other, hops in nx.single_source_shortest_path_length(graph, node).items():
        out[other] = hops
    return out


def receptive_field(polynomials: list[sp.spmatrix], node: int) -> np.ndarray:
    """For each node j, the smallest order K (1-based) whose filter sum_(k<K) theta_k T_k has a
    nonzero (i, j) entry — where j first influences node i; 0 where it never does."""
    first = np.zeros(polynomials[0].shape[0], np.int64)
    for order, term in enumerate(polynomials, start=1):
        reach = np.flatnonzero(np.abs(term.getrow(node).toarray().ravel()) > 1e-12)
        fresh = reach[first[reach] == 0]
        first[fresh] = order
    return first
