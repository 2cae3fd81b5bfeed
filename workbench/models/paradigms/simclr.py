"""SimCLR (Chen, Kornblith, Norouzi, Hinton, 2020): contrastive learning of visual
representations with no labels.

Each image of a batch of N gives two random views (``augment.py``); the encoder f and a
projection head g map them to z. For the 2N projections, the NT-Xent loss (normalised
temperature-scaled cross-entropy) asks each view to pick out its partner among the other
2N - 1, the in-batch negatives:

    l(i, j) = -log  exp(sim(z_i, z_j) / tau) / sum_{k != i} exp(sim(z_i, z_k) / tau)

with sim the cosine similarity, averaged over all 2N ordered positive pairs. A small
temperature tau sharpens the softmax so hard negatives weigh more. The head g is thrown
away after training: the encoder's features h = f(x) (before g) are what a linear probe
classifies (``probe_accuracy`` per epoch, and ``benchmarks/self_supervised_probe.py``).
"""

from __future__ import annotations

import keras
from keras import ops

from workbench.models.paradigms.augment import augment
from workbench.models.paradigms.encoders import (
    NetworkBundle,
    build_encoder,
    check_images,
    l2_normalize,
    mlp_head,
)


def nt_xent(z1, z2, temperature: float):
    """The NT-Xent loss of two batches of projections, row i of ``z1`` and of ``z2`` being two
    views of the same image; every other row of either batch is a negative."""
    n = ops.shape(z1)[0]
    z = l2_normalize(ops.concatenate([z1, z2], axis=0))
    logits = ops.matmul(z, ops.transpose(z)) / temperature
    # a view is never its own negative: its self-similarity leaves the softmax
    logits = logits - 1e9 * ops.eye(2 * n, dtype=logits.dtype)
    partners = ops.concatenate([ops.arange(n) + n, ops.arange(n)], axis=0)
    losses = keras.losses.sparse_categorical_crossentropy(partners, logits, from_logits=True)
    return ops.mean(losses)


@keras.saving.register_keras_serializable(package="workbench")
class SimCLR(NetworkBundle):
    """``encoder`` + ``projection_head``, trained by NT-Xent on two augmented views per image."""

    def __init__(self, networks: dict, temperature: float = 0.5, augment_strength: float = 1.0, **kwargs):
        super().__init__(networks, **kwargs)
        self.temperature, self.augment_strength = float(temperature), float(augment_strength)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.positive_tracker = keras.metrics.Mean(name="positive_similarity")

    def settings(self) -> dict:
        return {"temperature": self.temperature, "augment_strength": self.augment_strength}

    @property
    def metrics(self):
        return [self.loss_tracker, self.positive_tracker]

    def views(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        return (augment(images, self.seed_generator, self.augment_strength),
                augment(images, self.seed_generator, self.augment_strength))

    def contrast(self, view1, view2, training: bool):
        z1 = self.projection_head(self.encoder(view1, training=training), training=training)
        z2 = self.projection_head(self.encoder(view2, training=training), training=training)
        positive = ops.mean(ops.sum(l2_normalize(z1) * l2_normalize(z2), axis=-1))
        return nt_xent(z1, z2, self.temperature), positive

    def train_step(self, data):
        import tensorflow as tf

        view1, view2 = self.views(data)
        variables = self.encoder.trainable_variables + self.projection_head.trainable_variables
        with tf.GradientTape() as tape:
            loss, positive = self.contrast(view1, view2, training=True)
        self.apply_gradients(tape, loss, variables)
        return self._track(loss, positive)

    def test_step(self, data):
        return self._track(*self.contrast(*self.views(data), training=False))

    def _track(self, loss, positive):
        self.loss_tracker.update_state(loss)
        self.positive_tracker.update_state(positive)
        return self.tracked_logs()


def build_simclr(hp: dict, info) -> SimCLR:
    check_images(info, "SimCLR")
    encoder = build_encoder(info, hp["width"], hp["feature_dim"])
    head = mlp_head(hp["feature_dim"], hp["feature_dim"], hp["projection_dim"], "projection_head")
    return SimCLR({"encoder": encoder, "projection_head": head}, temperature=hp["temperature"],
                  augment_strength=hp["augment_strength"], seed=hp.get("seed", 0), name="simclr")

