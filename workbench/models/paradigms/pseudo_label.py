"""Pseudo-labelling (Lee, 2013): semi-supervised learning from a few labels.

Only ``labelled_fraction`` of the training samples keep their label (stratified, at least
one per class). Every step sees a batch of the unlabelled samples (what ``fit`` streams)
and a batch drawn from the labelled ones, and minimises

    L = CE(labelled) + alpha(t) * mean_u [ max p(x_u) >= threshold ] * CE(argmax p(x_u), p(x_u))

The pseudo-label argmax p(x_u) is the network's own current guess, kept only where it is
confident; alpha(t) rises linearly from 0 over ``ramp_epochs`` because the early guesses
are poor (Lee's schedule). The effect is entropy minimisation: the decision boundary moves
to low-density regions between the clusters the unlabelled data show.

Lee trains with dropout; here the guesses come from the clean image and the network without
dropout, and are learned on a distorted copy with dropout (``augment_strength``, ``dropout``;
FixMatch's weak/strong split), which makes the pseudo-label loss a consistency target too.
The labelled batch is distorted the same way with or without pseudo-labels.

The hidden labels of the unlabelled samples are never in the loss: they only score the
pseudo-labels (``pseudo_accuracy``: the fraction of confident guesses that are right).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.models.paradigms.augment import augment
from workbench.models.paradigms.encoders import (
    NetworkBundle,
    build_encoder,
    check_classes,
)


def labelled_subset(y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Indices of the samples that keep their label: ``fraction`` of each class (at least one),
    drawn by ``seed``, sorted."""
    rng = np.random.default_rng([int(seed), 11])
    keep = []
    for cls in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == cls))
        keep.extend(members[:max(1, round(fraction * len(members)))])
    return np.sort(np.asarray(keep, np.int64))


def pseudo_targets(probabilities, threshold: float):
    """(argmax labels, 1.0 where the top probability reaches ``threshold`` else 0.0)."""
    confident = ops.cast(ops.max(probabilities, axis=-1) >= threshold, "float32")
    return ops.stop_gradient(ops.argmax(probabilities, axis=-1)), confident


@keras.saving.register_keras_serializable(package="workbench")
class PseudoLabel(NetworkBundle):
    """A ``classifier`` trained on a labelled batch plus the confident guesses on an unlabelled one."""

    main = "classifier"

    def __init__(self, networks: dict, threshold: float = 0.95, alpha: float = 1.0, ramp_steps: int = 0,
                 use_pseudo_labels: bool = True, labelled_batch: int = 32, augment_strength: float = 0.0, **kwargs):
        super().__init__(networks, **kwargs)
        self.augment_strength = float(augment_strength)
        self.threshold, self.alpha, self.ramp_steps = float(threshold), float(alpha), int(ramp_steps)
        self.use_pseudo_labels, self.labelled_batch = bool(use_pseudo_labels), int(labelled_batch)
        self.x_labelled = self.y_labelled = None
        names = ("loss", "labelled_loss", "accuracy", "pseudo_fraction", "pseudo_accuracy")
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}

    def settings(self) -> dict:
        return {"threshold": self.threshold, "alpha": self.alpha, "ramp_steps": self.ramp_steps,
                "use_pseudo_labels": self.use_pseudo_labels, "labelled_batch": self.labelled_batch,
                "augment_strength": self.augment_strength}

    def set_labelled(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x_labelled = ops.convert_to_tensor(np.asarray(x, np.float32))
        self.y_labelled = ops.convert_to_tensor(np.asarray(y, np.int32))

    @property
    def metrics(self):
        return list(self.trackers.values())

    def alpha_now(self):
        """alpha * min(1, t / ramp_steps), t the optimizer's step count."""
        if self.ramp_steps <= 0:
            return ops.convert_to_tensor(self.alpha, "float32")
        t = ops.cast(self.optimizer.iterations, "float32")
        return self.alpha * ops.minimum(1.0, t / float(self.ramp_steps))

    def train_step(self, data):
        import tensorflow as tf

        x_u, y_hidden = data[0], data[1]
        pick = keras.random.randint((self.labelled_batch,), 0, ops.shape(self.y_labelled)[0],
                                    seed=self.seed_generator)
        x_l, y_l = ops.take(self.x_labelled, pick, axis=0), ops.take(self.y_labelled, pick, axis=0)
        variables = self.classifier.trainable_variables
        # the guesses come from the clean image and the network without dropout; it then learns
        # them on a distorted copy with dropout, so the unlabelled loss asks for predictions that
        # survive the noise (FixMatch's weak/strong split; both arms distort the labelled batch alike)
        guesses, confident = pseudo_targets(self.classifier(x_u, training=False), self.threshold)
        x_l, x_u_seen = self.distort(x_l), self.distort(x_u)
        with tf.GradientTape() as tape:
            p_l = self.classifier(x_l, training=True)
            labelled_loss = ops.mean(keras.losses.sparse_categorical_crossentropy(y_l, p_l))
            loss = labelled_loss
            p_u = self.classifier(x_u_seen, training=True)
            if self.use_pseudo_labels:
                unlabelled = keras.losses.sparse_categorical_crossentropy(guesses, p_u)
                loss = loss + self.alpha_now() * ops.mean(confident * unlabelled)
        self.apply_gradients(tape, loss, variables)
        right = ops.cast(ops.equal(guesses, ops.cast(ops.reshape(y_hidden, (-1,)), guesses.dtype)), "float32")
        self.trackers["loss"].update_state(loss)
        self.trackers["labelled_loss"].update_state(labelled_loss)
        self.trackers["accuracy"].update_state(keras.metrics.sparse_categorical_accuracy(y_l, p_l))
        self.trackers["pseudo_fraction"].update_state(ops.mean(confident))
        self.trackers["pseudo_accuracy"].update_state(right, sample_weight=confident)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def distort(self, images):
        if not self.augment_strength or len(images.shape) != 4:  # feature rows are not distorted
            return images
        return augment(images, self.seed_generator, self.augment_strength)

    def test_step(self, data):
        x, y = data[0], data[1]
        p = self.classifier(x, training=False)
        self.trackers["loss"].update_state(ops.mean(keras.losses.sparse_categorical_crossentropy(y, p)))
        self.trackers["accuracy"].update_state(keras.metrics.sparse_categorical_accuracy(y, p))
        return {"loss": self.trackers["loss"].result(), "accuracy": self.trackers["accuracy"].result()}


def build_classifier(hp: dict, info) -> keras.Model:
    encoder = build_encoder(info, hp["width"], 4 * hp["width"], name="features")
    x = keras.layers.ReLU(name="features_relu")(encoder.output)
    if hp.get("dropout", 0.0):
        x = keras.layers.Dropout(hp["dropout"], name="features_dropout")(x)
    outputs = keras.layers.Dense(info.num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(encoder.input, outputs, name="classifier")


def build_pseudo_label(hp: dict, info) -> PseudoLabel:
    check_classes(info, "Pseudo-labelling")
    return PseudoLabel({"classifier": build_classifier(hp, info)}, threshold=hp["threshold"], alpha=hp["alpha"],
                       ramp_steps=hp.get("ramp_steps", 0), use_pseudo_labels=hp["pseudo_labels"],
                       labelled_batch=hp.get("labelled_batch", 32), augment_strength=hp.get("augment_strength", 0.0),
                       seed=hp.get("seed", 0), name="pseudo_label")


def train_pseudo_label(ctx):
    """Hide all labels but ``labelled_fraction``; ``fit`` streams the unlabelled samples."""
    from workbench.training import events
    from workbench.training.data_order import steps_per_epoch
    from workbench.training.job import fit_arrays, make_optimizer

    data, hp, config = ctx.dataset, ctx.hp, ctx.config
    keep = labelled_subset(data.y_train, hp["labelled_fraction"], config.seed)
    rest = np.setdiff1d(np.arange(len(data.y_train)), keep)
    if not len(rest):
        raise WorkbenchError(f"labelled_fraction={hp['labelled_fraction']} labels every training sample; "
                             "lower it to leave samples for the pseudo-labels")
    steps = steps_per_epoch(len(rest), config.batch_size, config.steps_per_epoch)
    model = build_pseudo_label({**hp, "seed": config.seed, "ramp_steps": hp["ramp_epochs"] * steps,
                                "labelled_batch": min(config.batch_size, len(keep))}, data.info)
    model.set_labelled(data.x_train[keep], data.y_train[keep])
    model.compile(optimizer=make_optimizer(hp))
    ctx.emit(events.Status(f"{len(keep)} labelled and {len(rest)} unlabelled training samples"))
    return fit_arrays(ctx, model, data.x_train[rest], data.y_train[rest], data.x_val, data.y_val)


train_pseudo_label.resumable = True  # the labelled subset is a function of the seed; the rest is in the resume point
