"""R-GCN, the relational graph convolutional network of Schlichtkrull et al. (2018).

Edges carry a type r (a relation); each relation has its own weight matrix:

    h_i' = sigma( W_0 h_i + sum_r sum_(j in N_i^r) (1 / c_(i,r)) W_r h_j ),   c_(i,r) = |N_i^r|

W_0 is the self-connection. With many relations the W_r overfit, so the paper's basis
decomposition shares B matrices between them: W_r = sum_b a_(r,b) V_b (``--set bases=B``;
0 = a full W_r per relation). The graph sources give edge types where they have them
(``communities``: "inside" / "between" communities; an ``edges`` CSV with a ``type``
column); a graph without types is one relation, and R-GCN is then a GCN with a separate
self-weight and mean aggregation.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.models.graphs import graph_ops


@keras.saving.register_keras_serializable(package="workbench")
class RelationalGraphConv(keras.layers.Layer):
    """inputs [H (N, F), A (N, R, N) row-normalised per relation] -> (N, units)."""

    def __init__(self, units: int, num_relations: int, num_bases: int = 0, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.num_relations, self.num_bases = int(units), int(num_relations), int(num_bases)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        features = input_shape[0][-1]
        self.self_kernel = self.add_weight(name="self_kernel", shape=(features, self.units),
                                           initializer="glorot_uniform")
        if self.num_bases:
            self.bases = self.add_weight(name="bases", shape=(self.num_bases, features, self.units),
                                         initializer="glorot_uniform")
            self.coefficients = self.add_weight(name="coefficients", shape=(self.num_relations, self.num_bases),
                                                initializer="glorot_uniform")
        else:
            self.relation_kernels = self.add_weight(
                name="relation_kernels", shape=(self.num_relations, features, self.units),
                initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def relation_weights(self):
        """W_r for every relation, (R, F, units): sum_b a_(r,b) V_b with bases, else the W_r."""
        if self.num_bases:
            return keras.ops.einsum("rb,bfu->rfu", self.coefficients, self.bases)
        return self.relation_kernels

    def call(self, inputs):
        h, relations = inputs
        messages = keras.ops.einsum("irj,jf->irf", relations, h)  # mean of each relation's neighbours
        out = keras.ops.einsum("irf,rfu->iu", messages, self.relation_weights())
        out = out + keras.ops.matmul(h, self.self_kernel) + self.bias
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "num_relations": self.num_relations,
                "num_bases": self.num_bases, "activation": keras.activations.serialize(self.activation)}


def build_rgcn(hp: dict, info) -> keras.Model:
    """Two relational layers; ``num_relations`` is set by the trainer from the graph (2 when
    the model is only shown, the ``communities`` graph's inside / between)."""
    relations = int(hp.get("num_relations", 2))
    bases = min(hp["bases"], relations) if hp["bases"] else 0
    features = keras.Input(info.input_shape, name="features")
    adjacency = keras.Input((relations, None), name="relation_adjacency")
    x = keras.layers.Dropout(hp["dropout"], name="dropout1")(features)
    x = RelationalGraphConv(hp["hidden_units"], relations, bases, "relu", name="rgcn1")([x, adjacency])
    x = keras.layers.Dropout(hp["dropout"], name="dropout2")(x)
    outputs = RelationalGraphConv(max(info.num_classes, 1), relations, bases, "softmax",
                                  name="rgcn2")([x, adjacency])
    return keras.Model([features, adjacency], outputs, name="rgcn")


def relations_of(source) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each edge's relation index and the relation names (one relation "edge" without types)."""
    types = getattr(source, "edge_types", None)
    if types is None or not len(getattr(source, "relation_names", ())):
        return np.zeros(len(source.edges), np.int64), ("edge",)
    return np.asarray(types, np.int64), tuple(source.relation_names)


def rgcn_inputs(source, hp: dict) -> list[np.ndarray]:
    types, names = relations_of(source)
    return [graph_ops.relation_adjacencies(source.edges, types, source.num_nodes, len(names))]


def rgcn_hparams(source, hp: dict) -> dict:
    """What the builder needs from the graph: its number of relations."""
    return {**hp, "num_relations": len(relations_of(source)[1])}
