"""Catalog section G: graph neural networks for transductive node classification.

GCN (``gcn.py``), ChebNet (``chebnet.py``) and R-GCN (``rgcn.py``) are Keras models with two
inputs, the node features X (N, F) and the graph's propagation matrix (rows as the batch:
the whole graph is one batch), trained full-batch by ``node_classification.train_nodes``
on the labelled training nodes only. ``graph_ops.py`` builds the matrices.
"""
