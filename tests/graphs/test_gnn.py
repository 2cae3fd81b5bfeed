"""GCN, ChebNet and R-GCN: the matrices and layers checked against hand numbers and networkx."""

import networkx as nx
import numpy as np
import pytest

from workbench.data.graphs import load_communities, load_edge_list, load_karate
from workbench.errors import WorkbenchError
from workbench.models.graphs import graph_ops

PATH3 = np.array([[0, 1], [1, 2]])  # 0 - 1 - 2


def test_gcn_normalisation_on_a_hand_three_node_path():
    a_hat = graph_ops.gcn_normalized(PATH3, 3).toarray()
    # A + I has degrees 2, 3, 2: entry (i, j) = 1 / sqrt(d_i d_j) where i, j are linked or equal
    expected = np.array([[1 / 2, 1 / np.sqrt(6), 0],
                         [1 / np.sqrt(6), 1 / 3, 1 / np.sqrt(6)],
                         [0, 1 / np.sqrt(6), 1 / 2]])
    np.testing.assert_allclose(a_hat, expected, atol=1e-12)


def test_gcn_normalisation_against_networkx_on_karate():
    source = load_karate({}, seed=0, val_fraction=0.2)
    graph = nx.Graph(map(tuple, source.edges))
    graph.add_edges_from((n, n) for n in range(source.num_nodes))  # the renormalisation's self-loops
    order = list(range(source.num_nodes))
    expected = np.eye(source.num_nodes) - nx.normalized_laplacian_matrix(graph, nodelist=order).toarray()
    np.testing.assert_allclose(graph_ops.gcn_normalized(source.edges, source.num_nodes).toarray(), expected,
                               atol=1e-12)


def test_chebyshev_recursion_on_a_hand_laplacian():
    # two linked nodes: L = [[1, -1], [-1, 1]], lambda_max = 2, L~ = L - I = [[0, -1], [-1, 0]]
    scaled = graph_ops.scaled_laplacian(np.array([[0, 1]]), 2).toarray()
    np.testing.assert_allclose(scaled, [[0, -1], [-1, 0]], atol=1e-12)
    terms = [t.toarray() for t in graph_ops.chebyshev_polynomials(graph_ops.scaled_laplacian(
        np.array([[0, 1]]), 2), 4)]
    # L~^2 = I: T_2 = 2 I - I = I, T_3 = 2 L~ I - L~ = L~
    np.testing.assert_allclose(terms[0], np.eye(2))
    np.testing.assert_allclose(terms[1], scaled)
    np.testing.assert_allclose(terms[2], np.eye(2), atol=1e-12)
    np.testing.assert_allclose(terms[3], scaled, atol=1e-12)


def test_chebyshev_terms_equal_the_spectral_cosines_on_karate():
    source = load_karate({}, seed=0, val_fraction=0.2)
    scaled = graph_ops.scaled_laplacian(source.edges, source.num_nodes)
    values, vectors = np.linalg.eigh(scaled.toarray())
    angles = np.arccos(np.clip(values, -1, 1))
    for k, term in enumerate(graph_ops.chebyshev_polynomials(scaled, 5)):
        # T_k(cos a) = cos(k a): U diag(T_k(lambda)) U^T
        np.testing.assert_allclose(term.toarray(), vectors @ np.diag(np.cos(k * angles)) @ vectors.T, atol=1e-9)


def test_receptive_field_grows_one_hop_per_order():
    path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    terms = graph_ops.chebyshev_polynomials(graph_ops.scaled_laplacian(path, 5), 3)
    np.testing.assert_array_equal(graph_ops.receptive_field(terms, 0), [1, 2, 3, 0, 0])
    np.testing.assert_array_equal(graph_ops.hop_distances(path, 5, 0), [0, 1, 2, 3, 4])


@pytest.fixture(scope="module")
def keras_mod():
    return pytest.importorskip("keras")


def test_chebnet_order_one_is_a_linear_layer_on_x(keras_mod):
    from workbench.models.graphs.chebnet import ChebConv

    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3)).astype(np.float32)
    scaled = graph_ops.scaled_laplacian(np.array([[0, 1], [1, 2], [3, 4]]), 5).toarray().astype(np.float32)
    cheb = ChebConv(2, order=1)
    cheb([x, scaled])  # builds the weights
    dense = keras_mod.layers.Dense(2)
    dense.build((None, 3))
    dense.set_weights([cheb.get_weights()[0][0], cheb.get_weights()[1] + 0.5])
    cheb.set_weights([cheb.get_weights()[0], np.full(2, 0.5, np.float32)])
    np.testing.assert_allclose(np.asarray(cheb([x, scaled])), np.asarray(dense(x)), rtol=1e-5, atol=1e-6)
    # the graph does not enter at K=1: any L~ gives the same output
    np.testing.assert_allclose(np.asarray(cheb([x, np.zeros_like(scaled)])), np.asarray(cheb([x, scaled])))


def test_chebnet_layer_equals_sum_of_polynomials_and_is_k_hop_local(keras_mod):
    from workbench.models.graphs.chebnet import ChebConv

    path = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    scaled_sparse = graph_ops.scaled_laplacian(path, 5)
    scaled = scaled_sparse.toarray().astype(np.float32)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 2)).astype(np.float32)
    layer = ChebConv(3, order=3)
    out = np.asarray(layer([x, scaled]))
    kernel, bias = layer.get_weights()
    expected = sum(t.toarray() @ x @ kernel[k] for k, t in
                   enumerate(graph_ops.chebyshev_polynomials(scaled_sparse, 3))) + bias
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    # order 3 sees 2 hops: node 0 ignores node 3's features, not node 2's
    moved = x.copy()
    moved[3] += 10.0
    assert np.allclose(np.asarray(layer([moved, scaled]))[0], out[0], atol=1e-5)
    moved = x.copy()
    moved[2] += 10.0
    assert not np.allclose(np.asarray(layer([moved, scaled]))[0], out[0], atol=1e-3)


def test_rgcn_with_one_relation_is_a_mean_aggregating_gcn_layer(keras_mod):
    from workbench.models.graphs.rgcn import RelationalGraphConv

    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4)).astype(np.float32)
    relations = graph_ops.relation_adjacencies(PATH3, np.zeros(2), 3, 1)
    np.testing.assert_allclose(relations[:, 0, :], [[0, 1, 0], [0.5, 0, 0.5], [0, 1, 0]])
    layer = RelationalGraphConv(2, num_relations=1)
    out = np.asarray(layer([x, relations]))
    weights = {w.path.split("/")[-1]: np.asarray(w) for w in layer.weights}
    a = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.float64)
    mean_neighbours = np.diag(1 / a.sum(1)) @ a  # D^-1 A
    expected = x @ weights["self_kernel"] + mean_neighbours @ x @ weights["relation_kernels"][0] + weights["bias"]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_rgcn_basis_decomposition_and_typed_relations(keras_mod):
    from workbench.models.graphs.rgcn import RelationalGraphConv

    x = np.random.default_rng(3).normal(size=(3, 4)).astype(np.float32)
    relations = graph_ops.relation_adjacencies(PATH3, np.array([0, 1]), 3, 2)
    # relation 0 holds the edge 0-1 only, relation 1 the edge 1-2 only
    np.testing.assert_allclose(relations[:, 0, :], [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(relations[:, 1, :], [[0, 0, 0], [0, 0, 1], [0, 1, 0]])
    layer = RelationalGraphConv(2, num_relations=2, num_bases=1)
    out = np.asarray(layer([x, relations]))
    weights = {w.path.split("/")[-1]: np.asarray(w) for w in layer.weights}
    w_r = np.einsum("rb,bfu->rfu", weights["coefficients"], weights["bases"])
    np.testing.assert_allclose(np.asarray(layer.relation_weights()), w_r, rtol=1e-6)
    expected = x @ weights["self_kernel"] + weights["bias"] + sum(
        relations[:, r, :] @ x @ w_r[r] for r in range(2))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_communities_edges_are_typed_inside_and_between():
    source = load_communities({"nodes": 40, "communities": 2, "p_in": 0.3, "p_out": 0.05}, 0, 0.2)
    assert source.relation_names == ("inside", "between")
    same = source.labels[source.edges[:, 0]] == source.labels[source.edges[:, 1]]
    np.testing.assert_array_equal(source.edge_types, (~same).astype(np.int64))
    assert 0 < source.edge_types.sum() < len(source.edges)


def test_edge_list_types_unknown_and_isolated_nodes(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,type\na,b,likes\nb,c,knows\nc,a,likes\n")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("id,label\na,x\nb,y\nc,x\nd,y\n")
    source = load_edge_list({"path": str(edges), "nodes": str(nodes)}, 0, 0.0)
    assert source.relation_names == ("likes", "knows")
    np.testing.assert_array_equal(source.edge_types, [0, 1, 0])
    assert source.describe()["isolated_nodes"] == 1  # d has no edge
    assert "1 node(s) have no edges (isolated: d)" in source.isolation_note()

    edges.write_text("source,target\na,b\nb,zed\n")
    with pytest.raises(WorkbenchError, match="zed"):
        load_edge_list({"path": str(edges), "nodes": str(nodes)}, 0, 0.0)
    edges.write_text("source,target,type\na,b,likes\nb,c,\n")
    with pytest.raises(WorkbenchError, match="empty type"):
        load_edge_list({"path": str(edges)}, 0, 0.0)


def test_unlabelled_graph_gets_a_sentence(tmp_path):
    from workbench.models.graphs.node_classification import check_graph

    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\na,b\nb,c\n")
    with pytest.raises(WorkbenchError, match="no node labels"):
        check_graph(load_edge_list({"path": str(edges)}, 0, 0.0), "GCN")


def test_prediction_view_marks_the_wrong_nodes():
    from workbench.models.graphs.node_classification import prediction_view

    source = load_karate({}, seed=0, val_fraction=0.2)
    predicted = source.labels.copy()
    predicted[[0, 5]] = 1 - predicted[[0, 5]]
    view = prediction_view(source, predicted, np.zeros((source.num_nodes, 2)), 3, "GCN")
    np.testing.assert_array_equal(view.value.labels, predicted)  # coloured by the predicted class
    assert np.flatnonzero(view.value.marked).tolist() == [0, 5]  # the wrong ones ringed
    # and the mark survives the trip to disk
    again = type(view.value).from_record(*view.value.to_record())
    np.testing.assert_array_equal(again.marked, view.value.marked)
    assert view.value.node_names[0].endswith(" x") and not view.value.node_names[1].endswith(" x")
    assert "2 of 34 wrong" in view.title


def test_a_stopped_gcn_run_resumes_to_the_uninterrupted_history(tmp_path):
    """Dropout draws and Adam's moments continue where they were."""
    pytest.importorskip("keras")
    from workbench.training import TrainConfig, events, job
    from workbench.training.control import RunControl

    def config(out):
        return TrainConfig("gcn", "karate", epochs=3, steps_per_epoch=2, seed=4, hparams={"hidden_units": 4},
                           eager=True, out=str(out))

    whole = job.run_training(config(tmp_path / "whole"))
    control = RunControl()

    def stop_after_first(event):
        if isinstance(event, events.EpochEnd):
            control.stop()

    first = job.run_training(config(tmp_path / "parts"), emit=stop_after_first, control=control)
    assert first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2, 3]
    assert resumed.history["loss"] == whole.history["loss"]
    for a, b in zip(whole.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_array_equal(a, b)
