"""BYOL, Bootstrap Your Own Latent (Grill et al., 2020): self-supervised learning with no
negative pairs.

An online network (encoder, projector, predictor q) predicts, from one view of an image,
the target network's projection of another view. The target (encoder, projector) gets no
gradient: after every step it moves towards the online weights by an exponential moving
average, xi <- tau * xi + (1 - tau) * theta. The loss is the squared distance of the
normalised vectors, 2 - 2 cos(q(z_online), z_target), symmetrised over the two views.
What keeps it from collapsing to a constant without negatives is the asymmetry: the
predictor and the slowly moving, stop-gradient target.
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


def byol_loss(prediction, target):
    """2 - 2 cos(prediction, target) per pair, averaged; no gradient reaches ``target``."""
    target = ops.stop_gradient(target)
    return ops.mean(2.0 - 2.0 * ops.sum(l2_normalize(prediction) * l2_normalize(target), axis=-1))


def ema_update(target_variables, online_variables, tau: float) -> None:
    """xi <- tau * xi + (1 - tau) * theta for each pair of matching variables."""
    for target, online in zip(target_variables, online_variables):
        target.assign(tau * target + (1.0 - tau) * ops.cast(online, target.dtype))


@keras.saving.register_keras_serializable(package="workbench")
class BYOL(NetworkBundle):
    """Online ``encoder``/``projector``/``predictor``; EMA ``target_encoder``/``target_projector``."""

    def __init__(self, networks: dict, tau: float = 0.99, augment_strength: float = 1.0, **kwargs):
        super().__init__(networks, **kwargs)
        self.tau, self.augment_strength = float(tau), float(augment_strength)
        for name in ("target_encoder", "target_projector"):
            getattr(self, name).trainable = False  # moved by ema_update only
        self.loss_tracker = keras.metrics.Mean(name="loss")

    def settings(self) -> dict:
        return {"tau": self.tau, "augment_strength": self.augment_strength}

    @property
    def metrics(self):
        return [self.loss_tracker]

    @property
    def online_variables(self) -> list:
        return self.encoder.trainable_variables + self.projector.trainable_variables + \
            self.predictor.trainable_variables

    @property
    def target_pairs(self) -> tuple[list, list]:
        """(target weights, the online weights each follows): all weights, batch-norm statistics too."""
        return (self.target_encoder.weights + self.target_projector.weights,
                self.encoder.weights + self.projector.weights)

    def online(self, images, training: bool):
        return self.predictor(self.projector(self.encoder(images, training=training), training=training),
                              training=training)

    def target(self, images):
        return self.target_projector(self.target_encoder(images, training=False), training=False)

    def loss_of(self, view1, view2, training: bool):
        return 0.5 * (byol_loss(self.online(view1, training), self.target(view2)) +
                      byol_loss(self.online(view2, training), self.target(view1)))

    def views(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        return (augment(images, self.seed_generator, self.augment_strength),
                augment(images, self.seed_generator, self.augment_strength))

    def train_step(self, data):
        import tensorflow as tf

        view1, view2 = self.views(data)
        variables = self.online_variables
        with tf.GradientTape() as tape:
            loss = self.loss_of(view1, view2, training=True)
        self.apply_gradients(tape, loss, variables)
        ema_update(*self.target_pairs, self.tau)
        self.loss_tracker.update_state(loss)
        return self.tracked_logs()

    def test_step(self, data):
        self.loss_tracker.update_state(self.loss_of(*self.views(data), training=False))
        return self.tracked_logs()


def build_byol(hp: dict, info) -> BYOL:
    check_images(info, "BYOL")
    dim, hidden, out = hp["feature_dim"], 2 * hp["feature_dim"], hp["projection_dim"]
    encoder = build_encoder(info, hp["width"], dim, batch_norm=True)
    projector = mlp_head(dim, hidden, out, "projector")
    target_encoder = build_encoder(info, hp["width"], dim, name="target_encoder", batch_norm=True)
    target_projector = mlp_head(dim, hidden, out, "target_projector")
    # the target starts as a copy of the online network
    target_encoder.set_weights(encoder.get_weights())
    target_projector.set_weights(projector.get_weights())
    networks = {"encoder": encoder, "projector": projector, "predictor": mlp_head(out, hidden, out, "predictor"),
                "target_encoder": target_encoder, "target_projector": target_projector}
    return BYOL(networks, tau=hp["tau"], augment_strength=hp["augment_strength"], seed=hp.get("seed", 0),
                name="byol")
