"""Graph sources compared with networkx: the karate club, a planted partition, edge lists."""

import networkx as nx
import numpy as np
import pytest

from workbench import data
from workbench.data import graphs
from workbench.data.registry import resolve
from workbench.errors import WorkbenchError
from workbench.views.types import Curves, Graph


def test_karate_is_networkx_karate_club():
    source = data.load("karate", seed=0)
    reference = nx.karate_club_graph()
    assert source.num_nodes == 34 and len(source.edges) == reference.number_of_edges() == 78
    assert {tuple(e) for e in source.edges.tolist()} == {tuple(sorted(e)) for e in reference.edges}
    clubs = [reference.nodes[n]["club"] for n in reference.nodes]
    assert [source.class_names[label] for label in source.labels] == clubs
    assert source.info.kind == "graph" and source.info.class_names == ("Mr. Hi", "Officer")
    assert np.array_equal(source.features, np.eye(34))  # featureless: the identity
    assert np.array_equal(source.adjacency(), nx.to_numpy_array(reference, weight=None))


def test_karate_degree_features_are_one_hot_degrees():
    source = data.load("karate", {"features": "degree"})
    degrees = [d for _, d in nx.karate_club_graph().degree()]
    assert np.array_equal(source.features.argmax(axis=1), degrees)
    assert source.features.shape == (34, max(degrees) + 1) and (source.features.sum(axis=1) == 1).all()
    with pytest.raises(WorkbenchError, match="identity or degree"):
        data.load("karate", {"features": "pagerank"})


def test_masks_are_seeded_stratified_and_disjoint():
    source = data.load("karate", seed=0, val_fraction=0.2)
    assert not (source.train_mask & source.val_mask).any()
    for cls in (0, 1):
        members = source.labels == cls  # 17 members each: round(3.4) = 3 validate
        assert source.val_mask[members].sum() == 3 and source.train_mask[members].sum() == 14
    again = data.load("karate", seed=0, val_fraction=0.2)
    other = data.load("karate", seed=1, val_fraction=0.2)
    assert np.array_equal(source.val_mask, again.val_mask)
    assert not np.array_equal(source.val_mask, other.val_mask)
    few = data.load("karate", {"labels_per_class": "1"}, seed=0)
    assert [few.train_mask[few.labels == c].sum() for c in (0, 1)] == [1, 1]
    with pytest.raises(WorkbenchError, match="labels_per_class=20"):
        data.load("karate", {"labels_per_class": "20"})


def test_communities_is_networkx_stochastic_block_model():
    options = {"nodes": "90", "communities": "3", "p_in": "0.3", "p_out": "0.02"}
    source = data.load("communities", options, seed=4)
    reference = nx.stochastic_block_model([30, 30, 30], [[0.3, 0.02, 0.02], [0.02, 0.3, 0.02],
                                                         [0.02, 0.02, 0.3]], seed=4)
    assert [len(block) for block in reference.graph["partition"]] == [30, 30, 30]
    assert np.bincount(source.labels).tolist() == [30, 30, 30]
    assert {tuple(e) for e in source.edges.tolist()} == {tuple(sorted(e)) for e in reference.edges}
    same = source.labels[source.edges[:, 0]] == source.labels[source.edges[:, 1]]
    inside_pairs, between_pairs = 3 * 30 * 29 / 2, 3 * 30 * 30
    assert abs(same.sum() / inside_pairs - 0.3) < 0.05
    assert abs((~same).sum() / between_pairs - 0.02) < 0.01
    # noisy class signals: a nearest-centroid rule on the features recovers most labels
    centroids = np.stack([source.features[source.labels == c].mean(axis=0) for c in range(3)])
    nearest = np.linalg.norm(source.features[:, None] - centroids[None], axis=2).argmin(axis=1)
    assert (nearest == source.labels).mean() > 0.9


def test_uneven_communities_and_bad_options():
    source = data.load("communities", {"nodes": "10", "communities": "3", "p_in": "1"}, seed=0)
    assert np.bincount(source.labels).tolist() == [4, 3, 3]
    with pytest.raises(WorkbenchError, match="p_in=2.0 must be between"):
        data.load("communities", {"p_in": "2"})
    with pytest.raises(WorkbenchError, match="drew no edges"):
        data.load("communities", {"p_in": "0", "p_out": "0"})


def _write(path, text):
    path.write_text(text)
    return str(path)


def test_edge_list_csv_is_told_from_a_table(tmp_path):
    edges = _write(tmp_path / "friends.csv", "source,target\na,b\nb,c\n")
    table = _write(tmp_path / "table.csv", "x,y,label\n1,2,a\n")
    assert resolve(edges)[0].name == "edges" and resolve(table)[0].name == "csv"


def test_edge_list_with_node_file(tmp_path):
    edges = _write(tmp_path / "e.csv", "source,target,weight\nn1,n2,1\nn2,n3,1\nn3,n1,1\nn4,n1,1\n"
                                        "n2,n1,1\nn3,n3,1\n")
    nodes = _write(tmp_path / "n.csv", "id,label,f1,f2\nn1,red,0.5,1\nn2,blue,1.5,2\n"
                                       "n3,red,2.5,3\nn4,,3.5,4\nn5,blue,4.5,5\n")
    source = data.load(edges, {"nodes": nodes}, seed=0, val_fraction=0.0)
    assert source.node_names == ["n1", "n2", "n3", "n4", "n5"]  # the node file's order
    assert source.edges.tolist() == [[0, 1], [1, 2], [0, 2], [0, 3]]
    assert source.class_names == ("blue", "red")
    assert source.labels.tolist() == [1, 0, 1, -1, 0]  # n4 unlabelled
    assert np.array_equal(source.features, [[0.5, 1], [1.5, 2], [2.5, 3], [3.5, 4], [4.5, 5]])
    assert source.info.feature_names == ("f1", "f2")
    # the reversed duplicate and the self-loop are reported, not silently dropped
    assert len(source.skipped) == 2
    assert "line 6" in source.skipped[0] and "repeats" in source.skipped[0]
    assert "line 7" in source.skipped[1] and "self-loop" in source.skipped[1]
    assert source.train_mask.tolist() == [True, True, True, False, True]
    facts = source.describe()
    assert (facts["nodes"], facts["edges"], facts["classes"], facts["labelled_nodes"]) == (5, 4, 2, 4)


def test_edge_list_without_node_file_is_unlabelled_with_identity_features(tmp_path):
    source = data.load(_write(tmp_path / "e.csv", "target,source\n1,2\n2,3\n"))
    assert source.node_names == ["2", "1", "3"] and source.num_nodes == 3
    assert (source.labels == -1).all() and not source.train_mask.any()
    assert np.array_equal(source.features, np.eye(3))


@pytest.mark.parametrize("edges, nodes, message", [
    ("source,target\na,b\nb,zz\n", "id,label\na,x\nb,y\n",
     "line 3: the edge b - zz names node 'zz', which is not in n.csv"),
    ("source,target\na,a\n", None, "no usable edges"),
    ("source,target\n", None, "no usable edges"),
    ("source,target\na,b\n", "id,label,size\na,x,big\nb,y,2\n",
     "feature column 'size' has text ('big' on line 2)"),
    ("source,target\na,b\n", "name,label\na,x\n", "needs an id column"),
    ("source,target\na,b\n", "id,label\na,x\na,y\n", "node 'a' is listed twice"),
])
def test_bad_graph_input_gets_a_sentence(tmp_path, edges, nodes, message):
    options = {"nodes": _write(tmp_path / "n.csv", nodes)} if nodes else {}
    with pytest.raises(WorkbenchError) as caught:
        data.load(_write(tmp_path / "e.csv", edges), options)
    assert message in str(caught.value)


def test_preview_colours_by_class_and_marks_training_nodes():
    source = data.load("karate", {"labels_per_class": "2"}, seed=0)
    graph_view, degree_view = source.preview()
    graph = graph_view.value
    assert isinstance(graph, Graph) and graph.num_nodes == 34
    assert np.array_equal(graph.labels, source.labels)
    starred = [name.endswith("*") for name in graph.node_names]
    assert starred == source.train_mask.tolist() and sum(starred) == 4
    assert graph.positions.shape == (34, 2)
    assert np.array_equal(graph.positions, source.preview()[0].value.positions)  # seeded layout
    assert isinstance(degree_view.value, Curves)
    (_, counts), = degree_view.value.series.values()
    assert counts.tolist() == nx.degree_histogram(nx.karate_club_graph())


def test_preview_of_a_large_graph_is_bounded():
    import time

    source = data.load("communities", {"nodes": "2000", "p_in": "0.01", "p_out": "0.001"})
    start = time.perf_counter()
    graph = source.preview()[0].value
    assert time.perf_counter() - start < 4.0
    assert graph.num_nodes == graphs.PREVIEW_NODES and graph.edges.max() < graphs.PREVIEW_NODES
    assert set(graph.labels.tolist()) == {0, 1, 2, 3}  # a sample, not the first community only
    # each drawn edge is an edge of the graph between the named nodes
    index = {name: i for i, name in enumerate(source.node_names)}
    full = {tuple(e) for e in source.edges.tolist()}
    for a, b in graph.edges[:50]:
        pair = tuple(sorted((index[graph.node_names[a].rstrip("*")], index[graph.node_names[b].rstrip("*")])))
        assert pair in full
