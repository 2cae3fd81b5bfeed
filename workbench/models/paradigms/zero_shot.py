"""Attribute-based zero-shot learning (Lampert, Nickisch, Harmeling, 2009): classes with no
training images, recognised through what they are described as.

Every class has a vector of binary attributes (the table below). The network learns
image -> attribute probabilities on the SEEN classes only (a sigmoid per attribute,
binary cross-entropy). An image is then given the class whose attribute vector is
nearest to its predicted attributes; among the unseen classes, that is zero-shot
classification, since no image of them was ever a training target. It works when
every attribute is both present and absent among the seen classes (else it cannot be
learned) and the unseen classes differ in attributes that were.

The saved model scores every class by softmax(-||a(x) - a_c||^2 / T), so ``predict``,
``evaluate`` and the confusion matrix treat it as a classifier of all ten digits.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.models.paradigms.augment import augment
from workbench.models.paradigms.encoders import NetworkBundle, build_encoder, embed
from workbench.views.types import HeatGrid, View

#: The stroke attributes of each digit as they are usually handwritten (the sklearn digits:
#: the 4 open at the top, the 7 without a crossbar, the 9 with a straight tail).
ATTRIBUTES = ("closed loop", "two loops", "vertical stroke", "horizontal bar", "diagonal stroke",
              "open curve", "loop at the top", "loop at the bottom")
DIGIT_ATTRIBUTES = np.array([
    # loop two vert horiz diag curve top bottom
    [1, 0, 0, 0, 0, 0, 0, 0],  # 0: one oval loop
    [0, 0, 1, 0, 0, 0, 0, 0],  # 1: a single vertical stroke
    [0, 0, 0, 1, 1, 1, 0, 0],  # 2: a hook (open curve), a diagonal, a bottom bar
    [0, 0, 0, 0, 0, 1, 0, 0],  # 3: two open bumps
    [0, 0, 1, 1, 0, 0, 0, 0],  # 4: a vertical stem and a crossbar
    [0, 0, 0, 1, 0, 1, 0, 0],  # 5: a top bar over an open bowl
    [1, 0, 0, 0, 0, 1, 0, 1],  # 6: an open top curve into a bottom loop
    [0, 0, 0, 1, 1, 0, 0, 0],  # 7: a top bar and a diagonal stem
    [1, 1, 0, 0, 0, 0, 1, 1],  # 8: two loops, one over the other
    [1, 0, 1, 0, 0, 0, 1, 0],  # 9: a top loop on a vertical tail
], np.float32)
DIGIT_NAMES = tuple(str(d) for d in range(10))


def nearest_class(predicted_attributes, table, candidates) -> np.ndarray:
    """For each row of predicted attributes, the class among ``candidates`` (indices into the
    rows of ``table``) whose attribute vector is nearest in Euclidean distance."""
    candidates = np.asarray(candidates)
    predicted = np.asarray(predicted_attributes, np.float64)
    d2 = ((predicted[:, None, :] - np.asarray(table, np.float64)[candidates][None, :, :]) ** 2).sum(-1)
    return candidates[d2.argmin(axis=1)]


def parse_unseen(text: str) -> list[int]:
    try:
        unseen = sorted({int(v) for v in str(text).split(",") if v.strip()})
    except ValueError:
        raise WorkbenchError(f"unseen_classes={text!r} must be digits separated by commas, e.g. 1,6,7") from None
    if len(unseen) < 2 or min(unseen) < 0 or max(unseen) > 9:
        raise WorkbenchError(f"unseen_classes={text!r} needs at least two digits from 0 to 9 to choose between")
    seen = [c for c in range(10) if c not in unseen]
    constant = [ATTRIBUTES[a] for a in range(len(ATTRIBUTES)) if len(set(DIGIT_ATTRIBUTES[seen, a])) < 2]
    if constant:
        raise WorkbenchError(f"with unseen_classes={text!r} the attribute {constant[0]!r} is the same for every "
                             "seen digit, so it cannot be learned; leave out other digits")
    return unseen


@keras.saving.register_keras_serializable(package="workbench")
class ZeroShot(NetworkBundle):
    """``attribute_net`` trained on seen-class images; classes scored by attribute distance."""

    main = "attribute_net"

    def __init__(self, networks: dict, table=None, unseen=(), temperature: float = 0.1, augment_strength: float = 0.0,
                 **kwargs):
        super().__init__(networks, **kwargs)
        self.table = np.asarray(DIGIT_ATTRIBUTES if table is None else table, np.float32)
        self.unseen, self.temperature = [int(c) for c in unseen], float(temperature)
        self.augment_strength = float(augment_strength)
        unseen_mask = np.zeros(len(self.table), np.float32)
        unseen_mask[self.unseen] = 1.0
        self._unseen_mask = unseen_mask
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("loss", "attribute_accuracy", "zero_shot_accuracy")}

    def settings(self) -> dict:
        return {"table": self.table.tolist(), "unseen": self.unseen, "temperature": self.temperature,
                "augment_strength": self.augment_strength}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def distances(self, attributes):
        return ops.sum(ops.square(attributes[:, None, :] - ops.convert_to_tensor(self.table)[None]), axis=-1)

    def call(self, inputs, training=False):
        """Probabilities over every class: softmax(-distance^2 / T)."""
        return ops.softmax(-self.distances(self.attribute_net(inputs, training=training)) / self.temperature)

    def attribute_loss(self, x, y, training: bool):
        predicted = self.attribute_net(x, training=training)
        target = ops.take(ops.convert_to_tensor(self.table), ops.cast(ops.reshape(y, (-1,)), "int32"), axis=0)
        loss = ops.mean(keras.losses.binary_crossentropy(target, predicted))
        accuracy = ops.mean(ops.cast(ops.equal(predicted > 0.5, target > 0.5), "float32"))
        return predicted, loss, accuracy

    def train_step(self, data):
        import tensorflow as tf

        variables = self.attribute_net.trainable_variables
        # distorted images: the attributes must be read from the strokes, not from a memorised class
        x = augment(data[0], self.seed_generator, self.augment_strength) if self.augment_strength else data[0]
        with tf.GradientTape() as tape:
            _, loss, accuracy = self.attribute_loss(x, data[1], training=True)
        self.apply_gradients(tape, loss, variables)
        self.trackers["loss"].update_state(loss)
        self.trackers["attribute_accuracy"].update_state(accuracy)
        return {n: self.trackers[n].result() for n in ("loss", "attribute_accuracy")}

    def test_step(self, data):
        """Attribute loss on every validation image; zero-shot accuracy on the unseen classes' ones,
        choosing among the unseen classes only."""
        y = ops.cast(ops.reshape(data[1], (-1,)), "int32")
        predicted, loss, accuracy = self.attribute_loss(data[0], y, training=False)
        mask = ops.convert_to_tensor(self._unseen_mask)
        among_unseen = ops.argmin(self.distances(predicted) + 1e9 * (1.0 - mask)[None, :], axis=-1)
        is_unseen = ops.take(mask, y)
        self.trackers["loss"].update_state(loss)
        self.trackers["attribute_accuracy"].update_state(accuracy)
        self.trackers["zero_shot_accuracy"].update_state(
            ops.cast(ops.equal(ops.cast(among_unseen, "int32"), y), "float32"), sample_weight=is_unseen)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def check_digits(info) -> None:
    if tuple(info.class_names) != DIGIT_NAMES or info.kind != "image":
        raise WorkbenchError(f"zero_shot's attribute table describes the ten digits; {info.name!r} has classes "
                             f"{', '.join(info.class_names[:5]) or 'none'}... (use digits or mnist)")


def build_attribute_net(hp: dict, info) -> keras.Model:
    encoder = build_encoder(info, hp["width"], hp["feature_dim"], name="features")
    x = keras.layers.ReLU(name="features_relu")(encoder.output)
    if hp.get("dropout", 0.0):
        x = keras.layers.Dropout(hp["dropout"], name="features_dropout")(x)
    outputs = keras.layers.Dense(len(ATTRIBUTES), activation="sigmoid", name="attributes")(x)
    return keras.Model(encoder.input, outputs, name="attribute_net")


def build_zero_shot(hp: dict, info) -> ZeroShot:
    check_digits(info)
    return ZeroShot({"attribute_net": build_attribute_net(hp, info)}, table=DIGIT_ATTRIBUTES,
                    unseen=parse_unseen(hp["unseen_classes"]), temperature=hp["temperature"],
                    augment_strength=hp.get("augment_strength", 0.0), seed=hp.get("seed", 0), name="zero_shot")


class AttributeView(keras.callbacks.Callback):
    """Mean predicted attributes of each digit's validation images beside the table (unseen
    digits marked), once per epoch."""

    def __init__(self, emit, x_val, y_val, unseen):
        super().__init__()
        self.emit, self.x, self.y, self.unseen = emit, x_val, np.asarray(y_val), unseen

    def on_epoch_end(self, epoch, logs=None):
        predicted = embed(self.model.attribute_net, self.x)
        means = np.array([predicted[self.y == c].mean(axis=0) if np.any(self.y == c) else np.zeros(len(ATTRIBUTES))
                          for c in range(10)])
        rows = [f"{c} (unseen)" if c in self.unseen else str(c) for c in range(10)]
        self.emit(View("attributes", HeatGrid(means, rows, list(ATTRIBUTES), "attribute", "digit",
                                              annotate=True),
                       "Mean predicted attributes of each digit's validation images", epoch + 1))


def train_zero_shot(ctx):
    """``fit`` on the seen digits' training images only; validate on all digits."""
    from workbench.training import events
    from workbench.training.job import fit_arrays, make_optimizer

    data = ctx.dataset
    model = build_zero_shot({**ctx.hp, "seed": ctx.config.seed}, data.info)
    model.compile(optimizer=make_optimizer(ctx.hp))
    seen = ~np.isin(data.y_train, model.unseen)
    ctx.emit(events.Status(f"training on the {int(seen.sum())} images of digits "
                           f"{', '.join(str(c) for c in range(10) if c not in model.unseen)}; "
                           f"{', '.join(map(str, model.unseen))} are never shown"))
    callbacks = [AttributeView(ctx.emit, data.x_val, data.y_val, model.unseen)] if len(data.x_val) else []
    return fit_arrays(ctx, model, data.x_train[seen], data.y_train[seen], data.x_val, data.y_val,
                      extra_callbacks=callbacks)


train_zero_shot.resumable = True  # one network and its optimizer, like a plain fit
