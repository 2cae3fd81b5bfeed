"""GCN, the graph convolutional network of Kipf & Welling (2017).

One layer:  H' = sigma(A_hat H W),  A_hat = D~^-1/2 (A + I) D~^-1/2  (``graph_ops.gcn_normalized``),
the first-order approximation of a spectral filter: each node averages its own and its
neighbours' transformed features, weighted by 1/sqrt(d_i d_j). Two layers (ReLU, then
softmax) see two hops; dropout before each, as in the paper. Transductive: the model sees
every node's features and the whole graph, the loss only the training nodes' labels.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.models.graphs import graph_ops


@keras.saving.register_keras_serializable(package="workbench")
class GraphConv(keras.layers.Layer):
    """H' = activation(P H W + b) for a given propagation matrix P (the batch is the graph's nodes)."""

    def __init__(self, units: int, activation=None, use_bias: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        features = input_shape[0][-1]
        self.kernel = self.add_weight(name="kernel", shape=(features, self.units),
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros") \
            if self.use_bias else None

    def call(self, inputs):
        h, propagation = inputs
        out = keras.ops.matmul(propagation, keras.ops.matmul(h, self.kernel))
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation), "use_bias": self.use_bias}


def build_gcn(hp: dict, info) -> keras.Model:
    """X (N, F) and A_hat (N, N) -> class probabilities per node (N, C)."""
    features = keras.Input(info.input_shape, name="features")
    propagation = keras.Input((None,), name="a_hat")
    x = keras.layers.Dropout(hp["dropout"], name="dropout1")(features)
    x = GraphConv(hp["hidden_units"], "relu", name="gcn1")([x, propagation])
    x = keras.layers.Dropout(hp["dropout"], name="dropout2")(x)
    outputs = GraphConv(max(info.num_classes, 1), "softmax", name="gcn2")([x, propagation])
    return keras.Model([features, propagation], outputs, name="gcn")


def gcn_inputs(source, hp: dict) -> list[np.ndarray]:
    """The model's second input: the dense renormalised adjacency."""
    return [graph_ops.gcn_normalized(source.edges, source.num_nodes).toarray().astype(np.float32)]
