"""ChebNet, spectral graph convolution with Chebyshev polynomial filters (Defferrard et al. 2016).

The spectral filter g_theta * x = U g_theta(Lambda) U^T x needs the Laplacian's eigenvectors
(O(N^2) per product). Approximated by a polynomial of order K-1 in the scaled Laplacian
L~ = 2 L / lambda_max - I:

    y = sum_(k=0)^(K-1) T_k(L~) X Theta_k,   T_0 = I, T_1 = L~, T_k = 2 L~ T_(k-1) - T_(k-2)

computed by the recursion on the features (K - 1 products with the sparse L~: O(K E)), with
no eigendecomposition. T_k(L~) is zero beyond k hops, so a layer of order K mixes a node
with its (K-1)-hop neighbourhood: K=1 is a plain linear layer on X (no graph at all), K=2
adds the neighbours, ... (``--set k=K``; the ``receptive_field`` view shows it).
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.models.graphs import graph_ops


@keras.saving.register_keras_serializable(package="workbench")
class ChebConv(keras.layers.Layer):
    """y = activation(sum_k T_k(L~) X Theta_k + b); inputs [X (N, F), L~ (N, N)]."""

    def __init__(self, units: int, order: int, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.order = int(units), int(order)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        features = input_shape[0][-1]
        self.kernel = self.add_weight(name="kernel", shape=(self.order, features, self.units),
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        x, scaled = inputs
        previous, current = None, x  # T_0(L~) X = X
        out = keras.ops.matmul(current, self.kernel[0])
        for k in range(1, self.order):
            if k == 1:
                following = keras.ops.matmul(scaled, x)
            else:
                following = 2.0 * keras.ops.matmul(scaled, current) - previous
            previous, current = current, following
            out = out + keras.ops.matmul(current, self.kernel[k])
        return self.activation(out + self.bias)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "order": self.order,
                "activation": keras.activations.serialize(self.activation)}


def build_chebnet(hp: dict, info) -> keras.Model:
    """Two Chebyshev layers of order K: X (N, F) and L~ (N, N) -> class probabilities (N, C)."""
    features = keras.Input(info.input_shape, name="features")
    scaled = keras.Input((None,), name="scaled_laplacian")
    x = keras.layers.Dropout(hp["dropout"], name="dropout1")(features)
    x = ChebConv(hp["hidden_units"], hp["k"], "relu", name="cheb1")([x, scaled])
    x = keras.layers.Dropout(hp["dropout"], name="dropout2")(x)
    outputs = ChebConv(max(info.num_classes, 1), hp["k"], "softmax", name="cheb2")([x, scaled])
    return keras.Model([features, scaled], outputs, name="chebnet")


def chebnet_inputs(source, hp: dict) -> list[np.ndarray]:
    return [graph_ops.scaled_laplacian(source.edges, source.num_nodes).toarray().astype(np.float32)]


def receptive_field_view(source, order: int, node: int | None = None):
    """The graph coloured by the order K at which each node first reaches ``node`` (the
    highest-degree node unless given) through one Chebyshev layer, and the mean receptive
    field size (nodes with a nonzero filter entry) per K over all nodes."""
    from workbench.views.graph_layout import graph_layout
    from workbench.views.types import Curves, Graph, View

    n = source.num_nodes
    degrees = np.bincount(source.edges.ravel(), minlength=n)
    node = int(np.argmax(degrees)) if node is None else int(node)
    terms = graph_ops.chebyshev_polynomials(graph_ops.scaled_laplacian(source.edges, n), order)
    first = graph_ops.receptive_field(terms, node)
    labels = np.where(first > 0, first - 1, order)  # class i = "enters at K=i+1", last = never
    names = [f"K={k}" for k in range(1, order + 1)] + [f"beyond K={order}"]
    node_names = [name + (" <" if i == node else "") for i, name in enumerate(source.node_names)]
    reach, sizes = None, []
    for term in terms:  # union of the supports of T_0..T_(K-1): what an order-K filter can mix
        nonzero = (abs(term) > 1e-12).astype(np.int8)
        reach = nonzero if reach is None else ((reach + nonzero) > 0).astype(np.int8)
        sizes.append(float(np.asarray(reach.sum(axis=1)).mean()))
    ks = np.arange(1, order + 1)
    graph = View("receptive_field", Graph(source.edges, n, labels, names, node_names,
                                          graph_layout(source.edges, n, seed=0)),
                 title=f"ChebNet: nodes reaching node {source.node_names[node]} (<) in one layer, by smallest order K")
    curve = View("receptive_field_size", Curves({"mean nodes seen per node": (ks, sizes)},
                                                x_label="Chebyshev order K", y_label="nodes"),
                 title="ChebNet receptive field: mean nodes each node mixes with, per order K")
    return [graph, curve]
