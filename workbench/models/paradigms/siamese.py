"""Siamese network with the contrastive loss (Bromley et al., 1993; Hadsell, Chopra, LeCun, 2006).

One encoder (the shared "twin") embeds both members of a pair; their Euclidean distance d
should be small for a pair of the same class and at least a margin m for different
classes:

    L(d, same) = same * d^2 / 2 + (1 - same) * max(0, m - d)^2 / 2

Dissimilar pairs already farther apart than m cost nothing, so the loss does not push
everything apart forever. The pairs are every pair of samples in the batch; the positive
and the negative pairs are averaged separately so the rarer positives (a tenth of the
pairs with ten classes) weigh as much as the negatives.
"""

from __future__ import annotations

import keras
from keras import ops

from workbench.models.paradigms.encoders import (
    EmbeddingLossModel,
    build_encoder,
    check_classes,
)


def pairwise_distances(embeddings):
    """Euclidean distance matrix of the rows, ``(B, B)``; sqrt kept off 0 so its gradient is finite."""
    squares = ops.sum(ops.square(embeddings), axis=1)
    d2 = squares[:, None] + squares[None, :] - 2.0 * ops.matmul(embeddings, ops.transpose(embeddings))
    return ops.sqrt(ops.maximum(d2, 1e-12))


def contrastive_loss(distances, same, margin: float):
    """The loss of each pair: d^2/2 for a same-class pair, max(0, m - d)^2/2 for a different one."""
    same = ops.cast(same, distances.dtype)
    return 0.5 * (same * ops.square(distances) + (1.0 - same) * ops.square(ops.relu(margin - distances)))


def batch_pair_loss(embeddings, labels, margin: float):
    """Every pair of the batch (i < j): mean loss of the positive pairs + mean of the negative ones."""
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    n = ops.shape(labels)[0]
    distances = pairwise_distances(embeddings)
    same = ops.equal(labels[:, None], labels[None, :])
    upper = ops.cast(ops.triu(ops.ones((n, n)), k=1), distances.dtype)  # each pair once, no self-pairs
    losses = contrastive_loss(distances, same, margin)
    positive = upper * ops.cast(same, distances.dtype)
    negative = upper - positive
    mean_pos = ops.sum(losses * positive) / ops.maximum(ops.sum(positive), 1.0)
    mean_neg = ops.sum(losses * negative) / ops.maximum(ops.sum(negative), 1.0)
    d_pos = ops.sum(distances * positive) / ops.maximum(ops.sum(positive), 1.0)
    d_neg = ops.sum(distances * negative) / ops.maximum(ops.sum(negative), 1.0)
    return mean_pos + mean_neg, d_pos, d_neg


@keras.saving.register_keras_serializable(package="workbench")
class Siamese(EmbeddingLossModel):
    """The shared ``encoder`` trained on all pairs of each batch."""

    TRACKED = ("loss", "positive_distance", "negative_distance")

    def __init__(self, networks: dict, margin: float = 1.0, **kwargs):
        super().__init__(networks, **kwargs)
        self.margin = float(margin)

    def settings(self) -> dict:
        return {"margin": self.margin}

    def loss_of(self, data, training: bool):
        x, y = data[0], data[1]
        return batch_pair_loss(self.encoder(x, training=training), y, self.margin)


def build_siamese(hp: dict, info) -> Siamese:
    check_classes(info, "A Siamese network")
    encoder = build_encoder(info, hp["width"], hp["embedding_dim"], normalize=True)
    return Siamese({"encoder": encoder}, margin=hp["margin"], seed=hp.get("seed", 0), name="siamese")
