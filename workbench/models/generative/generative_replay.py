"""Continual learning with Deep Generative Replay (Shin, Lee, Kim & Kim, NeurIPS 2017).

A *scholar* is a pair (generator, solver) that learns a sequence of tasks, here the digits
split into pairs of classes (0/1, 2/3, 4/5, 6/7, 8/9), seeing only the new task's data:

    generator_t  <- trained on the new task's images mixed with samples of generator_(t-1)
                    (so it learns the cumulative distribution of every task so far)
    solver_t     <- trained on the new task's labelled images mixed with replayed images
                    x' ~ generator_(t-1), labelled y' = argmax solver_(t-1)(x')

The replayed labels come from the previous solver, never from the data: the scholar keeps
only networks, not examples. Without replay the solver sees only the new task and forgets
the earlier ones (catastrophic forgetting, McCloskey & Cohen 1989); ``generator=real``
replays stored real images with their labels instead, the upper bound DGR is measured against.

One task is one "epoch" of the run. After each task the solver is evaluated on the
validation images of every task (the task-by-task accuracy table); a resume point holds the
solver, the generator, both optimizers and the previous scholar. Data order and noise are
functions of (seed, task, epoch, step), so a resumed run trains on exactly what the
uninterrupted one did.
"""

from __future__ import annotations

import time

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.training import events
from workbench.views.types import Curves, HeatGrid, ImageGrid, View

#: Replayed samples shown with their labels after each task.
_SHOWN = 24
#: The GAN's step size relative to learning_rate (a GAN wants a smaller one than the solver).
GAN_LR_SCALE = 0.5


# -- the tasks ---------------------------------------------------------------------------------

def class_pairs(num_classes: int, tasks: int) -> list[tuple[int, ...]]:
    """Task k holds classes (2k, 2k+1): digits 0/1, 2/3, 4/5, ..."""
    if tasks * 2 > num_classes:
        raise WorkbenchError(f"tasks={tasks} needs {2 * tasks} classes (two per task), but the data "
                             f"have {num_classes}; lower tasks to {max(num_classes // 2, 1)} or less")
    return [(2 * k, 2 * k + 1) for k in range(tasks)]


def task_subset(x, y, classes) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isin(np.asarray(y), classes)
    return np.asarray(x)[keep], np.asarray(y)[keep].astype(np.int64)


# -- the solver ----------------------------------------------------------------------------------

def build_solver(hp: dict, info) -> keras.Model:
    """A small MLP classifier over *all* classes (the class-incremental setting)."""
    inputs = keras.Input(info.input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    x = keras.layers.Dense(hp["solver_units"], activation="relu", name="solver_hidden")(x)
    outputs = keras.layers.Dense(info.num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="solver")


def replay_batch(x_new, y_new, x_replayed, previous_solver=None, y_replayed=None):
    """The solver's batch: the new task's labelled images plus replayed images, labelled by
    the previous solver's argmax (DGR) unless ``y_replayed`` is given (exact replay of
    stored data). Returns ``(x, y, y_replayed)``."""
    if y_replayed is None:
        probabilities = np.asarray(previous_solver.predict_on_batch(np.asarray(x_replayed, np.float32)))
        y_replayed = np.argmax(probabilities, axis=-1).astype(np.int64)
    x = np.concatenate([x_new, x_replayed]).astype(np.float32)
    y = np.concatenate([np.asarray(y_new, np.int64), y_replayed])
    return x, y, y_replayed


def task_accuracies(solver, x_val, y_val, pairs) -> list[float]:
    """The solver's accuracy (over all classes) on each task's validation images."""
    predicted = np.argmax(np.asarray(solver(x_val, training=False)), axis=-1)
    found = []
    for classes in pairs:
        keep = np.isin(y_val, classes)
        found.append(float(np.mean(predicted[keep] == y_val[keep])))
    return found


# -- the generators --------------------------------------------------------------------------------

def build_decoder(hp: dict, info) -> keras.Model:
    """z -> image in [0, 1]: the generator the scholar replays from (a VAE decoder or a GAN generator)."""
    size = int(np.prod(info.input_shape))
    z = keras.Input((hp["latent_dim"],), name="z")
    x = keras.layers.Dense(hp["generator_units"], activation="relu", name="generator_hidden")(z)
    x = keras.layers.Dense(size, activation="sigmoid", name="generator_pixels")(x)
    outputs = keras.layers.Reshape(info.input_shape, name="image")(x)
    return keras.Model(z, outputs, name="generator")


def build_encoder(hp: dict, info) -> keras.Model:
    """image -> (mean, log variance) of q(z|x)."""
    inputs = keras.Input(info.input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    x = keras.layers.Dense(hp["generator_units"], activation="relu", name="encoder_hidden")(x)
    mean = keras.layers.Dense(hp["latent_dim"], name="z_mean")(x)
    log_var = keras.layers.Dense(hp["latent_dim"], name="z_log_var")(x)
    return keras.Model(inputs, [mean, log_var], name="encoder")


def build_discriminator(hp: dict, info) -> keras.Model:
    """image -> logit of 'real'."""
    inputs = keras.Input(info.input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    x = keras.layers.Dense(hp["generator_units"], name="discriminator_hidden")(x)
    x = keras.layers.LeakyReLU(0.2, name="discriminator_lrelu")(x)
    outputs = keras.layers.Dense(1, name="real_logit")(x)
    return keras.Model(inputs, outputs, name="discriminator")


@keras.saving.register_keras_serializable(package="workbench")
class ReplayVAE(keras.Model):
    """A VAE trained with its own ``train_step`` (keras-io vae.py): reconstruction (binary
    cross-entropy summed over pixels) + KL(q(z|x) || N(0, I)), with the reparameterisation
    z = mean + exp(log_var / 2) * eps; eps comes from the model's own SeedGenerator, whose
    state is one of its variables and so part of the resume point."""

    def __init__(self, encoder, decoder, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, x, training=False):
        mean, _ = self.encoder(x, training=training)
        return self.decoder(mean, training=training)

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            mean, log_var = self.encoder(x, training=True)
            eps = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
            z = mean + keras.ops.exp(0.5 * log_var) * eps
            reconstruction = self.decoder(z, training=True)
            pixels = keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))
            recon_pixels = keras.ops.reshape(reconstruction, (keras.ops.shape(x)[0], -1))
            recon_loss = keras.ops.mean(keras.ops.sum(
                keras.losses.binary_crossentropy(pixels[..., None], recon_pixels[..., None]), axis=-1))
            kl = keras.ops.mean(keras.ops.sum(
                -0.5 * (1 + log_var - keras.ops.square(mean) - keras.ops.exp(log_var)), axis=-1))
            loss = recon_loss + kl
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for name, value in (("loss", loss), ("reconstruction", recon_loss), ("kl", kl)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def get_config(self):
        return {**super().get_config(), "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


@keras.saving.register_keras_serializable(package="workbench")
class ReplayGAN(keras.Model):
    """A GAN with the non-saturating generator loss (Goodfellow et al., 2014): one
    discriminator step and one generator step per batch, each with its own optimizer."""

    def __init__(self, generator, discriminator, latent_dim, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.generator_optimizer = None
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "d_loss", "g_loss")}

    def compile(self, discriminator_optimizer, generator_optimizer, **kwargs):
        super().compile(optimizer=discriminator_optimizer, **kwargs)
        self.generator_optimizer = generator_optimizer

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def checkpoint_optimizers(self) -> dict:
        return {"discriminator": (self.optimizer, self.discriminator.trainable_variables),
                "generator": (self.generator_optimizer, self.generator.trainable_variables)}

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, (tuple, list)) else data
        n = keras.ops.shape(x)[0]
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            real = self.discriminator(x, training=True)
            fake = self.discriminator(self.generator(z, training=True), training=True)
            d_loss = bce(keras.ops.ones_like(real), real) + bce(keras.ops.zeros_like(fake), fake)
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.optimizer.apply(grads, self.discriminator.trainable_variables)
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = bce(keras.ops.ones_like(fake), fake)  # non-saturating: maximise log D(G(z))
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.generator_optimizer.apply(grads, self.generator.trainable_variables)
        for name, value in (("loss", d_loss + g_loss), ("d_loss", d_loss), ("g_loss", g_loss)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def sample_images(generator, n: int, latent_dim: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` images from the generator, z ~ N(0, I) drawn from ``rng`` (seeded by task and step)."""
    z = rng.standard_normal((n, latent_dim)).astype(np.float32)
    return np.asarray(generator.predict_on_batch(z), np.float32)  # traced once, unlike a call


# -- the scholar -----------------------------------------------------------------------------------

class Scholar:
    """The solver and the generator, their optimizers, and frozen copies of the previous pair."""

    def __init__(self, hp: dict, info, eager: bool = False):
        from workbench.training.job import make_optimizer

        self.hp, self.info, self.kind = hp, info, hp["generator"]
        self.solver = build_solver(hp, info)
        self.solver.compile(optimizer=make_optimizer(hp), loss="sparse_categorical_crossentropy",
                            metrics=["accuracy"])
        self.previous_solver = build_solver(hp, info)
        self.model = self.generator = self.previous_generator = self.encoder = None
        if self.kind == "vae":
            self.encoder, self.generator = build_encoder(hp, info), build_decoder(hp, info)
            self.model = ReplayVAE(self.encoder, self.generator, name="vae")
            self.model.compile(optimizer=make_optimizer(hp))
        elif self.kind == "gan":
            self.generator = build_decoder(hp, info)
            self.model = ReplayGAN(self.generator, build_discriminator(hp, info), hp["latent_dim"], name="gan")
            # Adam with beta_1 = 0.5 (Radford et al.): the usual momentum makes the two players oscillate
            self.model.compile(*(keras.optimizers.Adam(hp["learning_rate"] * GAN_LR_SCALE, beta_1=0.5)
                                 for _ in range(2)))
        if self.generator is not None:
            self.previous_generator = build_decoder(hp, info)
            self.model.run_eagerly = eager
        self.solver.run_eagerly = eager
        self._build_optimizers()

    def _build_optimizers(self) -> None:
        """Slots exist before the first step, so a resume point taken at any time has them."""
        self.solver.optimizer.build(self.solver.trainable_variables)
        if isinstance(self.model, ReplayGAN):
            for optimizer, variables in self.model.checkpoint_optimizers().values():
                optimizer.build(variables)
        elif self.model is not None:
            self.model.optimizer.build(self.model.trainable_variables)

    @property
    def networks(self) -> dict:
        """What the resume point holds."""
        found = {"solver": self.solver, "previous_solver": self.previous_solver}
        if self.model is not None:
            found.update({self.kind: self.model, "previous_generator": self.previous_generator})
        return found

    @property
    def optimizers(self) -> dict:
        found = {"solver": self.solver.optimizer}
        if isinstance(self.model, ReplayGAN):
            found.update({f"gan.{k}": v for k, v in self.model.checkpoint_optimizers().items()})
        elif self.model is not None:
            found[self.kind] = self.model.optimizer
        return found

    @property
    def saved_networks(self) -> dict:
        """What the run directory keeps as NAME.keras (the solver is ``model.keras``)."""
        found = {"solver": self.solver, "previous_solver": self.previous_solver}
        if self.generator is not None:
            found["generator"] = self.generator
        if self.encoder is not None:
            found["encoder"] = self.encoder
        return found

    def remember(self) -> None:
        """The scholar of the tasks so far becomes the frozen 'previous' one."""
        self.previous_solver.set_weights(self.solver.get_weights())
        if self.generator is not None:
            self.previous_generator.set_weights(self.generator.get_weights())


class ReplaySource:
    """Where replayed images of earlier tasks come from: the previous generator (labels by
    the previous solver) or, for ``generator=real``, the stored images of the earlier tasks
    (with their true labels: the exact-replay upper bound)."""

    def __init__(self, scholar: Scholar, x_seen=None, y_seen=None):
        self.scholar, self.x_seen, self.y_seen = scholar, x_seen, y_seen

    def images(self, n: int, rng) -> tuple[np.ndarray, np.ndarray | None]:
        if self.scholar.kind == "real":
            pick = rng.integers(0, len(self.x_seen), n)
            return self.x_seen[pick], self.y_seen[pick]
        return sample_images(self.scholar.previous_generator, n, self.scholar.hp["latent_dim"], rng), None


def replayed_count(hp: dict, batch_size: int, task: int) -> int:
    """How many of a batch's samples are replayed: ``replay_ratio`` of it, or with the
    default 0, task/(task+1) so each task seen so far weighs the same."""
    if task == 0 or not hp["replay"]:
        return 0
    ratio = hp["replay_ratio"] or task / (task + 1)
    return min(int(round(batch_size * ratio)), batch_size - 1)


def _batches(n_samples: int, per_batch: int, cap: int) -> int:
    steps = -(-n_samples // per_batch)
    return min(steps, cap) if cap else steps


class _Progress:
    """One BatchEnd per step over all the steps of one task (generator, then solver); the
    GUI bridge throttles them, the CLI's bar counts them."""

    def __init__(self, ctx, task: int, total: int):
        self.ctx, self.task, self.total, self.done = ctx, task, total, 0

    def step(self, logs: dict) -> None:
        self.done += 1
        self.ctx.emit(events.BatchEnd(self.task, self.done, self.total, {k: float(v) for k, v in logs.items()}))


def _stop_requested(ctx) -> bool:
    ctx.control.wait_while_paused()
    return ctx.control.stop_requested


def train_generator(ctx, scholar: Scholar, task: int, x_new, source: ReplaySource, progress) -> dict | None:
    """The generator on the new task's images mixed with the previous generator's samples
    (the cumulative distribution). None when stopped."""
    if scholar.model is None:
        return {}
    hp, config = ctx.hp, ctx.config
    n_replay = replayed_count(hp, config.batch_size, task)
    per_batch = config.batch_size - n_replay
    steps = _batches(len(x_new), per_batch, config.steps_per_epoch)
    logs = {}
    for epoch in range(hp["generator_epochs"]):
        order = rng_for(config.seed, task, epoch, 0).permutation(len(x_new))
        for step in range(steps):
            if _stop_requested(ctx):
                return None
            x = x_new[order[step * per_batch:(step + 1) * per_batch]]
            if n_replay:
                replayed, _ = source.images(n_replay, rng_for(config.seed, task, epoch, step, 1))
                x = np.concatenate([x, replayed])
            logs = scholar.model.train_on_batch(x, return_dict=True)
            progress.step({f"generator_{k}": v for k, v in logs.items()})
    return {"generator_loss": float(logs["loss"])} if logs else {}  # kl and reconstruction: per batch only


def train_solver(ctx, scholar: Scholar, task: int, x_new, y_new, source: ReplaySource, progress,
                 shown: list) -> dict | None:
    """The solver on the new task's labelled images mixed with replayed images labelled by
    the previous solver. ``shown`` receives the last replayed batch (images, labels)."""
    hp, config = ctx.hp, ctx.config
    n_replay = replayed_count(hp, config.batch_size, task)
    per_batch = config.batch_size - n_replay
    steps = _batches(len(x_new), per_batch, config.steps_per_epoch)
    logs = {}
    for epoch in range(hp["solver_epochs"]):
        order = rng_for(config.seed, task, epoch, 2).permutation(len(x_new))
        for step in range(steps):
            if _stop_requested(ctx):
                return None
            pick = order[step * per_batch:(step + 1) * per_batch]
            x, y = x_new[pick], y_new[pick]
            if n_replay:
                replayed, labels = source.images(n_replay, rng_for(config.seed, task, epoch, step, 3))
                x, y, labels = replay_batch(x, y, replayed, scholar.previous_solver, labels)
                shown[:] = [replayed, labels]
            logs = scholar.solver.train_on_batch(x, y, return_dict=True)
            progress.step(logs)
    return {"loss": float(logs["loss"]), "accuracy": float(logs["accuracy"])}


def _validation(data, pairs):
    """Validation images of the tasks (the training images where a task has none held out)."""
    x_val, y_val = np.asarray(getattr(data, "x_val", np.zeros((0,)))), np.asarray(getattr(data, "y_val", []))
    parts_x, parts_y = [], []
    for classes in pairs:
        x, y = task_subset(x_val, y_val, classes) if len(y_val) else (x_val[:0], y_val[:0])
        if not len(y):
            x, y = task_subset(data.x_train, data.y_train, classes)
        parts_x.append(x)
        parts_y.append(y)
    return np.concatenate(parts_x), np.concatenate(parts_y).astype(np.int64)


def train_generative_replay(ctx):
    """One task per epoch: generator, then solver, then the accuracy on every task; a resume
    point after each task."""
    data, hp, config = ctx.dataset, ctx.hp, ctx.config
    pairs = class_pairs(data.info.num_classes, hp["tasks"])
    tasks = min(config.epochs, len(pairs))
    scholar = Scholar(hp, data.info, eager=config.eager)
    ctx.restore_networks(scholar.networks, scholar.optimizers)
    x_val, y_val = _validation(data, pairs)
    names = [f"{a}/{b}" for a, b in pairs]
    all_steps = [_task_steps(hp, config, t, len(task_subset(data.x_train, data.y_train, pairs[t])[1]),
                             scholar.model is not None) for t in range(tasks)]
    stopped = False
    for task in range(ctx.initial_epoch, tasks):
        started = time.perf_counter()
        x_new, y_new = task_subset(data.x_train, data.y_train, pairs[task])
        if task > 0:
            scholar.remember()
        seen_x, seen_y = task_subset(data.x_train, data.y_train, [c for p in pairs[:task] for c in p])
        source = ReplaySource(scholar, seen_x, seen_y)
        steps = all_steps[task]
        if task == ctx.initial_epoch:
            params = sum(int(n.count_params()) for n in scholar.saved_networks.values())
            # later tasks replay more, so they take more steps: the mean makes the bar's total right
            ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", tasks,
                                       ctx.initial_epoch, -(-sum(all_steps[task:]) // (tasks - task)), params))
        ctx.emit(events.Status(f"task {task + 1} of {tasks}: digits {names[task]}"))
        progress, shown = _Progress(ctx, task, steps), []
        generator_logs = train_generator(ctx, scholar, task, x_new, source, progress)
        solver_logs = None if generator_logs is None else \
            train_solver(ctx, scholar, task, x_new, y_new, source, progress, shown)
        if solver_logs is None:
            stopped = True
            break
        accuracies = task_accuracies(scholar.solver, x_val, y_val, pairs)
        logs = {**solver_logs, **generator_logs, "accuracy_seen": float(np.mean(accuracies[:task + 1])),
                **{f"accuracy_task_{k + 1}": a for k, a in enumerate(accuracies)}}
        ctx.end_epoch(task, logs, time.perf_counter() - started)
        for view in _views(ctx.history, names, task, shown):
            ctx.emit(view)
        ctx.save_point(task + 1, scholar.networks, scholar.optimizers)
    return ctx.finish(scholar.solver, stopped=stopped, networks=scholar.saved_networks)


train_generative_replay.resumable = True  # every network, both optimizers; draws follow (seed, task)


def _task_steps(hp, config, task, n_new, has_generator) -> int:
    per_batch = config.batch_size - replayed_count(hp, config.batch_size, task)
    steps = _batches(n_new, per_batch, config.steps_per_epoch)
    return steps * (hp["solver_epochs"] + (hp["generator_epochs"] if has_generator else 0))


def accuracy_table(history: dict, tasks: int) -> np.ndarray:
    """Rows: after training task i; columns: accuracy on task j (from the run's history)."""
    rows = len(history.get("epoch", []))
    return np.array([[history[f"accuracy_task_{j + 1}"][i] for j in range(tasks)] for i in range(rows)])


def _views(history: dict, names: list[str], task: int, shown: list) -> list[View]:
    table = accuracy_table(history, len(names))
    step = task + 1
    views = [
        View("task_accuracy", HeatGrid(table, [f"after {n}" for n in names[:len(table)]], names,
                                       "task evaluated", "task trained", annotate=True),
             "Task-by-task accuracy", step),
        View("average_accuracy", Curves({"average over seen tasks": (history["epoch"], history["accuracy_seen"])},
                                        "tasks trained", "accuracy"), "Average accuracy, tasks seen", step),
    ]
    if shown:
        images, labels = shown
        views.append(View("replayed_samples", ImageGrid(images[:_SHOWN], [str(int(v)) for v in labels[:_SHOWN]]),
                          "Replayed, labelled by the previous solver", step))
    return views
