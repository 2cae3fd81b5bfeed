"""Triplet loss with online negative mining (Schroff, Kalenichenko, Philbin, FaceNet, 2015;
Hermans, Beyer, Leibe, In Defense of the Triplet Loss, 2017).

For an anchor a, a positive p of its class and a negative n of another class:

    L(a, p, n) = max(0, d(a, p) - d(a, n) + margin)

Triplets are mined inside each batch ("online"): every (anchor, positive) pair of the
batch gets one negative, chosen by ``mining``:

* ``hard``: the closest negative, min d(a, n): the strongest signal, and the noisiest.
* ``semi_hard``: the closest negative still FARTHER than the positive, d(a, p) < d(a, n)
  (inside the margin it still costs; FaceNet's choice, stable from the start); where there is
  none, the farthest negative.
* ``easy``: the farthest negative, max d(a, n): almost always beyond the margin, so the loss
  and the gradient are near zero. It is there to show why mining matters.

``active_triplets`` logs the fraction of triplets with a positive loss.
"""

from __future__ import annotations

import keras
from keras import ops

from workbench.models.paradigms.encoders import (
    EmbeddingLossModel,
    build_encoder,
    check_classes,
)
from workbench.models.paradigms.siamese import pairwise_distances

MINING = ("easy", "semi_hard", "hard")
_FAR = 1e9


def mine_negatives(distances, labels, mining: str):
    """For each (anchor a, positive p) of the batch, the index of the negative ``mining`` picks.

    Returns ``(negatives (B, B) int, valid (B, B) bool)``: ``negatives[a, p]`` is the chosen
    index, ``valid[a, p]`` says (a, p) is a positive pair (same class, a != p) and a has a negative.
    """
    if mining not in MINING:
        raise ValueError(f"mining={mining!r} is not one of {', '.join(MINING)}")
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    n = ops.shape(labels)[0]
    same = ops.equal(labels[:, None], labels[None, :])
    is_negative = ops.logical_not(same)  # [a, n]
    d_an = distances[:, None, :]  # [a, ., n]
    d_ap = distances[:, :, None]  # [a, p, .]
    negative3 = ops.broadcast_to(is_negative[:, None, :], (n, n, n))
    d_an3 = ops.broadcast_to(d_an, (n, n, n))
    farthest = ops.argmax(ops.where(negative3, d_an3, -_FAR), axis=2)
    if mining == "easy":
        chosen = farthest
    elif mining == "hard":
        chosen = ops.argmin(ops.where(negative3, d_an3, _FAR), axis=2)
    else:
        outside = ops.logical_and(negative3, d_an3 > d_ap)
        closest_outside = ops.argmin(ops.where(outside, d_an3, _FAR), axis=2)
        chosen = ops.where(ops.any(outside, axis=2), closest_outside, farthest)
    positive = ops.logical_and(same, ops.logical_not(ops.cast(ops.eye(n), "bool")))
    valid = ops.logical_and(positive, ops.any(is_negative, axis=1)[:, None])
    return ops.cast(chosen, "int32"), valid


def triplet_loss(embeddings, labels, margin: float, mining: str):
    """Mean hinge over the mined triplets; also the fraction with a positive loss and the mean
    anchor-positive and anchor-negative distances."""
    distances = pairwise_distances(embeddings)
    negatives, valid = mine_negatives(ops.stop_gradient(distances), labels, mining)
    d_ap = distances
    d_an = ops.take_along_axis(distances, negatives, axis=1)  # row a: d(a, negatives[a, p])
    valid = ops.cast(valid, distances.dtype)
    count = ops.maximum(ops.sum(valid), 1.0)
    losses = ops.relu(d_ap - d_an + margin) * valid
    active = ops.sum(ops.cast(losses > 0, distances.dtype)) / count
    return (ops.sum(losses) / count, active, ops.sum(d_ap * valid) / count, ops.sum(d_an * valid) / count)


@keras.saving.register_keras_serializable(package="workbench")
class Triplet(EmbeddingLossModel):
    """The ``encoder`` trained on the triplets mined in each batch."""

    TRACKED = ("loss", "active_triplets", "positive_distance", "negative_distance")

    def __init__(self, networks: dict, margin: float = 0.5, mining: str = "semi_hard", **kwargs):
        super().__init__(networks, **kwargs)
        self.margin, self.mining = float(margin), str(mining)

    def settings(self) -> dict:
        return {"margin": self.margin, "mining": self.mining}

    def loss_of(self, data, training: bool):
        return triplet_loss(self.encoder(data[0], training=training), data[1], self.margin, self.mining)


def build_triplet(hp: dict, info) -> Triplet:
    check_classes(info, "The triplet loss")
    encoder = build_encoder(info, hp["width"], hp["embedding_dim"], normalize=True)
    return Triplet({"encoder": encoder}, margin=hp["margin"], mining=hp["mining"], seed=hp.get("seed", 0),
                   name="triplet")
