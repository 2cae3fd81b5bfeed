"""What the paradigm entries share: the encoder network, the model that bundles several
networks for ``fit``, the embedding view and the linear probe.

``NetworkBundle`` is the GAN pattern made generic: a ``keras.Model`` whose subclasses
override ``train_step`` (SimCLR's two views, BYOL's EMA target, mined triplets, ...),
so ``fit``, Stop, Pause, the live curves and exact resume work unchanged. Its networks
are attributes (tracked by Keras, saved as ``NAME.keras`` by the run) and its
``SeedGenerator`` draws every augmentation, so the resume point carries its state.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.views.types import Scatter, View

#: Validation samples drawn in the embedding projection (more only hide each other).
VIEW_POINTS = 500
#: Training samples the linear probe fits on (logistic regression stays well under a second),
#: and validation samples it is scored on each epoch (MNIST's 12,000 would cost seconds).
PROBE_TRAIN = 1500
PROBE_TEST = 2000


# -- the encoder ------------------------------------------------------------------------------

def build_encoder(info, width: int, embedding_dim: int, name: str = "encoder",
                  normalize: bool = False, batch_norm: bool = False) -> keras.Model:
    """Images -> two conv/pool blocks -> dense features; tabular rows -> a two-layer MLP.
    ``normalize`` puts the embedding on the unit sphere (metric learning: a margin then
    means the same whatever the scale of the weights); ``batch_norm`` normalises after each
    conv and the hidden layer (BYOL leans on it to keep its features from collapsing).

    Small on purpose: the paradigms are about the training signal, not the architecture.
    """
    shape = tuple(info.input_shape)
    inputs = keras.Input(shape, name="input")
    x = inputs
    if len(shape) == 3:
        for block, filters in enumerate((width, 2 * width), start=1):
            x = keras.layers.Conv2D(filters, 3, padding="same", name=f"{name}_block{block}_conv")(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(name=f"{name}_block{block}_bn")(x)
            x = keras.layers.ReLU(name=f"{name}_block{block}_relu")(x)
            if x.shape[1] >= 4 and x.shape[2] >= 4:  # 8x8 digits pool twice to 2x2
                x = keras.layers.MaxPooling2D(2, name=f"{name}_block{block}_pool")(x)
        x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    elif len(shape) != 1:
        raise WorkbenchError(f"this entry encodes images or feature rows, not inputs of shape {shape}")
    x = keras.layers.Dense(4 * width, name=f"{name}_hidden")(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name=f"{name}_hidden_bn")(x)
    x = keras.layers.ReLU(name=f"{name}_hidden_relu")(x)
    outputs = keras.layers.Dense(embedding_dim, name=f"{name}_features")(x)
    if normalize:
        outputs = keras.layers.UnitNormalization(name=f"{name}_l2")(outputs)
    return keras.Model(inputs, outputs, name=name)


def mlp_head(input_dim: int, hidden: int, output_dim: int, name: str) -> keras.Model:
    """Dense -> BatchNorm -> ReLU -> Dense: SimCLR's projection head, BYOL's projector and predictor."""
    inputs = keras.Input((input_dim,), name=f"{name}_input")
    x = keras.layers.Dense(hidden, name=f"{name}_dense1")(inputs)
    x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    x = keras.layers.ReLU(name=f"{name}_relu")(x)
    outputs = keras.layers.Dense(output_dim, name=f"{name}_dense2")(x)
    return keras.Model(inputs, outputs, name=name)


def l2_normalize(x, axis: int = -1):
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12))


def check_images(info, name: str) -> None:
    if info.kind != "image" or len(tuple(info.input_shape)) != 3:
        raise WorkbenchError(f"{name} learns from augmented views of images, but {info.name!r} is "
                             f"{info.kind} data of shape {tuple(info.input_shape)}")


def check_classes(info, name: str, at_least: int = 2) -> None:
    if info.task != "classification" or info.num_classes < at_least:
        raise WorkbenchError(f"{name} needs class-labelled samples of at least {at_least} classes; "
                             f"{info.name!r} is {info.task} data")


# -- the model that holds several networks ---------------------------------------------------

@keras.saving.register_keras_serializable(package="workbench")
class NetworkBundle(keras.Model):
    """Named networks trained together by a subclass's ``train_step``.

    ``model(x)`` runs the network named by ``main`` (the encoder, the classifier).
    Subclasses add their scalar arguments to ``settings()`` so a saved model reloads.
    """

    main = "encoder"

    def __init__(self, networks: dict, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.network_names = list(networks)
        for name, network in networks.items():
            setattr(self, name, network)
        self.seed = int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed, name="augment_seed")
        self.built = True  # every network is a functional model, built with its inputs

    def named_networks(self) -> dict:
        return {name: getattr(self, name) for name in self.network_names}

    def call(self, inputs, training=False):
        return getattr(self, self.main)(inputs, training=training)

    def compile(self, optimizer=None, **kwargs):
        super().compile(optimizer=optimizer, jit_compile=False, **kwargs)

    def get_compile_config(self):
        return None  # the optimizer is the trainer's; a reloaded bundle is for inference

    def settings(self) -> dict:
        return {}

    def get_config(self):
        networks = {name: keras.saving.serialize_keras_object(net) for name, net in self.named_networks().items()}
        return {**super().get_config(), "networks": networks, "seed": self.seed, **self.settings()}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["networks"] = {name: keras.saving.deserialize_keras_object(net)
                              for name, net in config["networks"].items()}
        return cls(**config)

    def apply_gradients(self, tape, loss, variables) -> None:
        self.optimizer.apply(tape.gradient(loss, variables), variables)

    def tracked_logs(self) -> dict:
        return {m.name: m.result() for m in self.metrics}


class EmbeddingLossModel(NetworkBundle):
    """An ``encoder`` trained by a loss over its embeddings of each batch (Siamese pairs,
    mined triplets). A subclass names what it tracks (``TRACKED``, the loss first) and
    gives ``loss_of(data, training)``, which returns those values in that order."""

    TRACKED: tuple = ("loss",)

    def __init__(self, networks: dict, **kwargs):
        super().__init__(networks, **kwargs)
        self.trackers = [keras.metrics.Mean(name=name) for name in self.TRACKED]

    @property
    def metrics(self):
        return self.trackers

    def loss_of(self, data, training: bool):
        raise NotImplementedError

    def train_step(self, data):
        import tensorflow as tf

        variables = self.encoder.trainable_variables
        with tf.GradientTape() as tape:
            values = self.loss_of(data, training=True)
        self.apply_gradients(tape, values[0], variables)
        return self._track(values)

    def test_step(self, data):
        return self._track(self.loss_of(data, training=False))

    def _track(self, values):
        for tracker, value in zip(self.trackers, values):
            tracker.update_state(value)
        return self.tracked_logs()


# -- what a person sees and what the probe measures -------------------------------------------

def embed(network, x, batch_size: int = 256) -> np.ndarray:
    """``network``'s outputs for ``x``, in batches, as float64 numpy (inference mode)."""
    parts = [np.asarray(network(x[i:i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros((0, 0))


def linear_probe_accuracy(encoder, x_train, y_train, x_test, y_test, seed: int = 0) -> float:
    """Accuracy of a logistic regression trained on FROZEN encoder features (the standard
    measure of a self-supervised representation: how linearly separable the classes are)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(np.unique(y_train)) < 2 or not len(x_test):
        return float("nan")
    rng = np.random.default_rng(seed)
    take = rng.permutation(len(x_train))[:PROBE_TRAIN]
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    probe.fit(embed(encoder, x_train[take]), np.asarray(y_train)[take])
    return float(probe.score(embed(encoder, x_test), np.asarray(y_test)))


def embedding_view(network, x, y, class_names, step: int, title: str, name: str = "embedding") -> View:
    """The embeddings of up to ``VIEW_POINTS`` samples, projected by PCA, coloured by class."""
    points = embed(network, x[:VIEW_POINTS])
    return View(name, Scatter(points, np.asarray(y[:VIEW_POINTS]), list(class_names), projection="pca"),
                title, step)


class EmbeddingMonitor(keras.callbacks.Callback):
    """After each epoch: the linear probe's accuracy into the epoch logs (``probe_accuracy``,
    so it is a curve and in ``history.json``), and the embedding projection of the
    validation samples, at most once per ``min_interval`` seconds and always at the end."""

    def __init__(self, emit, dataset, network: str = "encoder", probe: bool = True, seed: int = 0,
                 title: str = "Validation embeddings (PCA), coloured by class", min_interval: float = 2.0):
        super().__init__()
        self.emit, self.data, self.network, self.probe, self.seed = emit, dataset, network, probe, seed
        self.title, self.min_interval = title, min_interval
        self._last_time, self._pending = -math.inf, None

    def _x_y(self):
        data = self.data
        if len(getattr(data, "x_val", ())):
            return data.x_val, data.y_val
        return data.x_train, data.y_train

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        encoder = getattr(self.model, self.network)
        if self.probe and len(getattr(self.data, "x_val", ())):
            logs["probe_accuracy"] = linear_probe_accuracy(encoder, self.data.x_train, self.data.y_train,
                                                           self.data.x_val[:PROBE_TEST], self.data.y_val[:PROBE_TEST],
                                                           self.seed)
        self._pending = epoch + 1
        if epoch + 1 >= self.params.get("epochs", 0) or time.monotonic() - self._last_time >= self.min_interval:
            self._show()

    def on_train_end(self, logs=None):
        if self._pending is not None:
            self._show()

    def _show(self) -> None:
        step, self._pending = self._pending, None
        x, y = self._x_y()
        self.emit(embedding_view(getattr(self.model, self.network), x, y, self.data.info.class_names,
                                 step, self.title))
        self._last_time = time.monotonic()


def train_bundle(ctx, network: str = "encoder"):
    """``fit`` the entry's bundle (its own ``train_step``) with the linear probe and the
    embedding projection of ``network`` after each epoch. Self-supervised bundles ignore the
    labels; they only feed the probe and the colours of the view."""
    from workbench.training.job import fit_arrays, make_optimizer

    data = ctx.dataset
    model = ctx.entry.build({**ctx.hp, "seed": ctx.config.seed}, data.info)
    model.compile(optimizer=make_optimizer(ctx.hp))
    monitor = EmbeddingMonitor(ctx.emit, data, network=network, probe=True, seed=ctx.config.seed,
                               title=f"{ctx.entry.name}: validation embeddings (PCA), coloured by class")
    return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val, extra_callbacks=[monitor])


train_bundle.resumable = True  # networks, optimizer and the augmentation seed are in the resume point
