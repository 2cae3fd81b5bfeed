"""Knowledge distillation (Hinton, Vinyals & Dean, 2015): a small student learns from a
large, frozen teacher's softened predictions as well as from the labels.

With temperature T, the teacher's logits t and the student's s, the student minimises

    alpha * T^2 * KL( softmax(t / T) || softmax(s / T) )  +  (1 - alpha) * CE(y, softmax(s))

A high T spreads the teacher's probability over the wrong classes ("dark knowledge":
which digits a 3 resembles); T^2 keeps the soft term's gradients the size of the hard
term's as T grows. ``alpha = 0`` is the student trained alone on the labels.

Where it pays (``benchmarks/compression.py --part distillation``, digits, 3 seeds): with
the whole training set a small MLP alone comes within about 1.5 points of a LeNet
teacher (96-97% against 98%) and the soft targets add nothing: they repeat the labels,
as the teacher fits its own training samples. With 10% of the labels for the student
(``transfer_fraction``, Hinton et al. section 3 used 3%) and the teacher trained on all,
the distilled MLP(128) beats the same MLP alone by about 2 points. ``compare_alone``
trains that same student alone in the run itself and shows both curves.

The workbench's classifiers output probabilities, not logits. Their last layer is a Dense
layer with a softmax, so the logits are read before it (``logits_of``): the same kernel
and bias, without the activation. Only a model that ends otherwise falls back on log(p),
which differs from the logits by a constant per sample (softmax ignores it) but only
down to float32's smallest probabilities: a confident teacher's 1e-12 for a wrong class
is clipped, and the soft targets at T > 1 would carry the clip, not the teacher's
ranking of the wrong classes (the "dark knowledge"); a clipped student probability gets
no gradient at all.

``Distiller`` is a ``keras.Model`` with its own ``train_step`` (as ``gan.GAN``), so
``fit``, Stop/Pause, the live curves and exact resume work unchanged. The teacher is
held outside Keras' tracking: it is not trained, not in the resume point and not saved
with the run, whose ``model.keras`` is the student alone.
"""

from __future__ import annotations

import keras
from keras import ops

from workbench.errors import WorkbenchError

#: Probabilities are clipped here before their logarithm (a softmax never gives 0 exactly,
#: but float32 rounds tiny ones to it).
EPSILON = 1e-7


def soft_logits(probabilities):
    """Logits up to a per-sample constant: log p (for models whose logits are not at hand)."""
    return ops.log(ops.clip(probabilities, EPSILON, 1.0))


def logits_of(model):
    """``x, training -> logits`` of a classifier ending in ``Dense(softmax)``: its features
    through the same kernel and bias, no activation (the weights are shared, so the
    student's gradients reach them). Otherwise ``log p`` of its output."""
    last = model.layers[-1] if getattr(model, "layers", None) else None
    if isinstance(last, keras.layers.Average):  # a saved ensemble (keras-workbench ensemble --save)
        from workbench.models.ensemble import ensemble_logits

        exact = ensemble_logits(model)
        if exact is not None:
            return exact
    if isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax:
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
        features = keras.Model(inputs, last.input, name=f"{model.name}_features")

        def logits(x, training=False):
            return ops.matmul(features(x, training=training), last.kernel) + last.bias
        return logits
    return lambda x, training=False: soft_logits(model(x, training=training))


def distillation_terms(y, teacher_logits, student_logits, temperature: float):
    """``(KL(softmax(t/T) || softmax(s/T)), CE(y, softmax(s)))``, each the mean over the
    batch, from both networks' logits; ``y`` holds class indices."""
    t = teacher_logits / temperature
    s = student_logits / temperature
    p_teacher = ops.softmax(t, axis=-1)
    kl = ops.sum(p_teacher * (ops.log_softmax(t, axis=-1) - ops.log_softmax(s, axis=-1)), axis=-1)
    ce = keras.losses.sparse_categorical_crossentropy(ops.reshape(y, (-1,)), student_logits, from_logits=True)
    return ops.mean(kl), ops.mean(ce)


def distillation_loss(y, teacher_logits, student_logits, temperature: float, alpha: float):
    kl, ce = distillation_terms(y, teacher_logits, student_logits, temperature)
    return alpha * temperature ** 2 * kl + (1.0 - alpha) * ce


class _Frozen:
    """Keeps the teacher out of Keras' attribute tracking (no weights saved, none trained)."""

    def __init__(self, model):
        self.model = model


@keras.saving.register_keras_serializable(package="workbench")
class Distiller(keras.Model):
    """The student trained on the frozen teacher's soft targets and the labels.
    ``model(x)`` is the student's class probabilities."""

    def __init__(self, student, teacher, temperature: float = 4.0, alpha: float = 0.9, **kwargs):
        super().__init__(**kwargs)
        self.student = student
        teacher.trainable = False
        self._teacher = _Frozen(teacher)
        # functions of the two networks' layers, outside Keras' tracking (no weights of their own)
        self._logits = _Frozen((logits_of(teacher), logits_of(student)))
        self.temperature, self.alpha = float(temperature), float(alpha)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.soft_tracker = keras.metrics.Mean(name="distillation_loss")
        self.hard_tracker = keras.metrics.Mean(name="student_loss")
        self.accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
        self.built = True  # the student is a functional model, built with its input

    @property
    def teacher(self):
        return self._teacher.model

    @property
    def metrics(self):
        return [self.loss_tracker, self.soft_tracker, self.hard_tracker, self.accuracy]

    def call(self, inputs, training=False):
        return self.student(inputs, training=training)

    def compile(self, optimizer=None, **kwargs):
        super().compile(optimizer=optimizer or keras.optimizers.Adam(1e-3), jit_compile=False)

    def get_compile_config(self):
        return None

    def train_step(self, data):
        import tensorflow as tf

        x, y = data[0], data[1]
        teacher_logits, student_logits_of = self._logits.model
        t = teacher_logits(x, training=False)  # frozen: no tape needed
        variables = self.student.trainable_variables
        with tf.GradientTape() as tape:
            s = student_logits_of(x, training=True)
            kl, ce = distillation_terms(y, t, s, self.temperature)
            loss = self.alpha * self.temperature ** 2 * kl + (1.0 - self.alpha) * ce
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        return self._track(loss, kl, ce, y, s)

    def test_step(self, data):
        x, y = data[0], data[1]
        teacher_logits, student_logits_of = self._logits.model
        s = student_logits_of(x, training=False)
        kl, ce = distillation_terms(y, teacher_logits(x, training=False), s, self.temperature)
        return self._track(self.alpha * self.temperature ** 2 * kl + (1.0 - self.alpha) * ce, kl, ce, y, s)

    def _track(self, loss, kl, ce, y, student_logits) -> dict:
        self.loss_tracker.update_state(loss)
        self.soft_tracker.update_state(kl)
        self.hard_tracker.update_state(ce)
        self.accuracy.update_state(y, student_logits)  # the arg max of the logits: the predicted class
        return {m.name: m.result() for m in self.metrics}


# -- building ---------------------------------------------------------------------------------

def build_student(hp: dict, info) -> keras.Model:
    """The student: a catalog classifier with its own defaults and the student's size."""
    from workbench import catalog

    entry = catalog.get(hp.get("student", "mlp"))
    own = {h.name: h.default for h in entry.all_hparams}
    if entry.name == "mlp":
        own["hidden_units"] = hp.get("student_units", "128")
    elif entry.name == "lenet":
        own["width"] = int(hp.get("student_width", 1))
    return entry.build(own, info)


def build_distiller(hp: dict, info) -> keras.Model:
    """What the catalog's builder shows (model summary, the Build tab): the student.
    Training (``train_distillation``) wraps it with its teacher."""
    return build_student(hp, info)


def load_teacher(path: str, info):
    """The teacher run's model, checked against the data the student learns."""
    import os

    from workbench.models.io import load_model

    if not os.path.exists(path):
        raise WorkbenchError(f"teacher={path}: no such run directory or model file")
    teacher = load_model(path)
    if not getattr(teacher, "inputs", None) or len(teacher.outputs[0].shape) != 2:
        raise WorkbenchError(f"teacher={path} is not a classifier (one input, one vector of class "
                             "scores); a teacher must be a trained classifier run")
    shape, classes = tuple(teacher.inputs[0].shape[1:]), int(teacher.outputs[0].shape[-1])
    if shape != tuple(info.input_shape) or classes != info.num_classes:
        raise WorkbenchError(f"teacher={path} takes {shape} and predicts {classes} classes, but "
                             f"{info.name} has inputs {tuple(info.input_shape)} and {info.num_classes} "
                             "classes: the teacher must be trained on the same data")
    return teacher


def train_teacher(ctx):
    """No teacher run given: train a wide LeNet on the data first (``teacher_epochs``)."""
    from workbench import catalog
    from workbench.training import events
    from workbench.training.job import build_compiled

    data, hp = ctx.dataset, ctx.hp
    ctx.emit(events.Status(f"training the teacher (width {hp['teacher_width']}) for "
                           f"{hp['teacher_epochs']} epoch(s) before distilling"))
    image = data.info.kind == "image"
    entry = catalog.get("lenet" if image else "mlp")  # a table's teacher: a wide MLP
    own = {h.name: h.default for h in entry.all_hparams}
    if image:
        own["width"] = hp["teacher_width"]
    else:
        own["hidden_units"] = f"{64 * hp['teacher_width']},{32 * hp['teacher_width']}"
    teacher = build_compiled(entry, own, data.info)
    teacher.run_eagerly = ctx.config.eager
    steps = ctx.config.steps_per_epoch or None
    teacher.fit(data.x_train, data.y_train, batch_size=ctx.config.batch_size, epochs=hp["teacher_epochs"],
                steps_per_epoch=steps, verbose=0, shuffle=True)
    return teacher


class _StudentContext:
    """The training context, except that the run keeps the student as its model."""

    def __init__(self, ctx):
        self._ctx = ctx

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def finish(self, model, stopped: bool = False, early_stopped: bool = False, networks=None):
        return self._ctx.finish(model.student, stopped=stopped, early_stopped=early_stopped)


def train_distillation(ctx):
    """Distil the teacher (``teacher=RUN_DIR``, or one trained here) into the student."""
    from workbench.training.job import fit_arrays, make_optimizer

    data, hp = ctx.dataset, ctx.hp
    if data.info.task != "classification" or not hasattr(data, "x_train"):
        raise WorkbenchError(f"distillation transfers a classifier's knowledge; {data.info.name} is "
                             f"{data.info.task} data")
    teacher = load_teacher(hp["teacher"], data.info) if hp.get("teacher") else train_teacher(ctx)
    student = build_student(hp, data.info)
    model = Distiller(student, teacher, hp["temperature"], hp["alpha"], name="distiller")
    model.compile(optimizer=make_optimizer(hp))
    x, y = transfer_set(data.x_train, data.y_train, hp.get("transfer_fraction", 1.0), ctx.config.seed)
    extra = []
    if hp.get("compare_alone") and hp["alpha"] > 0 and len(data.x_val):
        alone = train_alone(ctx, hp, student.get_weights(), teacher, x, y)
        extra.append(AloneComparison(ctx, alone))
    return fit_arrays(_StudentContext(ctx), model, x, y, data.x_val, data.y_val, extra_callbacks=extra)


def train_alone(ctx, hp: dict, weights, teacher, x, y) -> list[float]:
    """The same student trained alone: the same initial weights, optimizer, batches (the
    run's seeded epoch order), epochs and transfer set, with ``alpha = 0``. Returns its
    validation accuracy after each epoch."""
    from workbench.training import events
    from workbench.training.data_order import epoch_stream, steps_per_epoch
    from workbench.training.job import make_optimizer

    config, data = ctx.config, ctx.dataset
    ctx.emit(events.Status(f"training the student alone (alpha 0) for {config.epochs} epoch(s), to compare"))
    student = build_student(hp, data.info)
    student.set_weights(weights)
    model = Distiller(student, teacher, hp["temperature"], 0.0, name="alone")
    model.compile(optimizer=make_optimizer(hp))
    steps = steps_per_epoch(len(x), config.batch_size, config.steps_per_epoch)
    fit = model.fit(epoch_stream(x, y, config.batch_size, config.seed, 0, config.epochs, steps),
                    epochs=config.epochs, steps_per_epoch=steps, validation_data=(data.x_val, data.y_val),
                    shuffle=False, verbose=0,  # the stream is the order
                    callbacks=[StopAndPause(ctx.control)])
    return [float(v) for v in fit.history.get("val_accuracy", [])]


class StopAndPause(keras.callbacks.Callback):
    """Stop and Pause reach the comparison run too: it is part of the run a person sees.
    After a Stop, the distilled run that follows ends after its first batch as well."""

    def __init__(self, control):
        super().__init__()
        self.control = control

    def on_train_batch_begin(self, batch, logs=None):
        self.control.wait_while_paused()
        if self.control.stop_requested:
            self.model.stop_training = True


class AloneComparison(keras.callbacks.Callback):
    """Each epoch: the distilled student's validation accuracy beside the student alone's
    (a view); at the end, both as one line."""

    def __init__(self, ctx, alone: list[float]):
        super().__init__()
        self.ctx, self.alone, self.distilled = ctx, alone, {}

    def on_epoch_end(self, epoch, logs=None):
        from workbench.views.types import Curves, View

        if logs and "val_accuracy" in logs:
            self.distilled[epoch + 1] = float(logs["val_accuracy"])
        epochs = sorted(self.distilled)
        curves = {"student alone (alpha 0)": (list(range(1, len(self.alone) + 1)), self.alone),
                  "distilled": (epochs, [self.distilled[e] for e in epochs])}
        self.ctx.emit(View("distilled_vs_alone", Curves(curves, x_label="epoch", y_label="validation accuracy"),
                           title="Distilled student vs the same student alone", step=epoch + 1))

    def on_train_end(self, logs=None):
        from workbench.training import events

        if not self.distilled:
            return
        last = max(self.distilled)
        if last > len(self.alone):
            return  # stopped or resumed past the comparison's epochs
        distilled, alone = self.distilled[last], self.alone[last - 1]
        self.ctx.emit(events.Status(f"distilled vs alone after {last} epoch(s): validation accuracy "
                                    f"{distilled:.4f} distilled, {alone:.4f} alone (the same student, initial "
                                    f"weights, batches and epochs): {100 * (distilled - alone):+.1f} points"))


def transfer_set(x, y, fraction: float, seed: int):
    """The student's training samples: a seeded ``fraction`` of each class (at least one).
    Hinton et al. (section 3) trained the student on 3% of the data: with few labels the
    soft targets matter most, as a regulariser. The teacher has seen the whole split."""
    import numpy as np

    if fraction >= 1.0:
        return x, y
    rng = np.random.default_rng(seed)
    labels = np.asarray(y).reshape(-1)
    keep = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        keep.extend(rng.choice(members, max(1, int(np.ceil(fraction * len(members)))), replace=False))
    keep = np.sort(np.array(keep))
    return x[keep], y[keep]


train_distillation.resumable = True  # fit_arrays: the student and its optimizer are the resume point
