"""Projections and graph layouts come from scikit-learn and networkx, deterministically."""

import networkx as nx
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA

from workbench.errors import WorkbenchError
from workbench.views.graph_layout import graph_layout
from workbench.views.projection import project


def test_pca_equals_scikit_learn_up_to_the_sign_of_each_axis():
    features = load_iris().data
    ours = project(features, "pca")
    reference = PCA(n_components=2).fit_transform(features)
    signs = np.sign(np.sum(ours * reference, axis=0))
    np.testing.assert_allclose(ours, reference * signs, atol=1e-8)
    assert ours.var(axis=0)[0] > ours.var(axis=0)[1]  # the first axis carries the most variance


def test_tsne_is_repeatable_by_seed_and_keeps_the_classes_apart():
    iris = load_iris()
    first, again = project(iris.data[::5], "tsne", seed=1), project(iris.data[::5], "tsne", seed=1)
    np.testing.assert_array_equal(first, again)
    labels = iris.target[::5]
    setosa, others = first[labels == 0], first[labels != 0]
    gap = np.min(np.linalg.norm(setosa[:, None] - others[None], axis=-1))
    assert gap > np.median(np.linalg.norm(setosa[:, None] - setosa[None], axis=-1))


def test_small_sets_and_bad_arguments():
    two = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(project(two, "tsne"), two)  # already 2-D: nothing to project
    np.testing.assert_array_equal(project(np.array([[1.0], [2.0]]), "pca"), [[1.0, 0.0], [2.0, 0.0]])
    assert project(np.ones((1, 5)), "pca").shape == (1, 2)
    assert project(np.random.default_rng(0).normal(size=(3, 4)), "tsne").shape == (3, 2)  # perplexity clamped
    with pytest.raises(WorkbenchError, match="at least 3 points"):
        project(np.ones((2, 5)), "tsne")
    with pytest.raises(WorkbenchError, match="umap"):
        project(np.ones((4, 5)), "umap")


def test_graph_layout_is_networkx_spring_layout_with_the_seed():
    graph = nx.karate_club_graph()
    edges = np.array(graph.edges())
    ours = graph_layout(edges, graph.number_of_nodes(), seed=3)
    reference = nx.Graph()
    reference.add_nodes_from(range(graph.number_of_nodes()))
    reference.add_edges_from(edges.tolist())
    expected = nx.spring_layout(reference, seed=3)
    np.testing.assert_allclose(ours, [expected[n] for n in range(34)])
    isolated = graph_layout([[0, 1]], 3)
    assert isolated.shape == (3, 2) and np.all(np.isfinite(isolated))
