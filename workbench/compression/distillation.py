"""Knowledge distillation (Hinton, Vinyals & Dean, 2015): a small student learns from a
large, frozen teacher's softened predictions as well as from the labels.

With temperature T, the teacher's logits t and the student's s, the student minimises

    alpha * T^2 * KL( softmax(t / T) || softmax(s / T) )  +  (1 - alpha) * CE(y, softmax(s))

A high T spreads the teacher's probability over the wrong classes ("dark knowledge":
which digits a 3 resembles); T^2 keeps the soft term's gradients the size of the hard
term's as T grows. ``alpha = 0`` is the student trained alone on the labels.

The workbench's classifiers output probabilities, not logits; log(p) differs from the
logits by a constant per sample, which softmax ignores, so softmax(log(p) / T) is
exactly softmax(logits / T) and every trained run can be a teacher.

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
    """Logits up to a per-sample constant: log p."""
    return ops.log(ops.clip(probabilities, EPSILON, 1.0))


def distillation_terms(y, teacher_probs, student_probs, temperature: float):
    """``(KL(softmax(t/T) || softmax(s/T)), CE(y, s))``, each the mean over the batch;
    ``y`` holds class indices."""
    t = soft_logits(teacher_probs) / temperature
    s = soft_logits(student_probs) / temperature
    p_teacher = ops.softmax(t, axis=-1)
    kl = ops.sum(p_teacher * (ops.log_softmax(t, axis=-1) - ops.log_softmax(s, axis=-1)), axis=-1)
    ce = keras.losses.sparse_categorical_crossentropy(ops.reshape(y, (-1,)), student_probs)
    return ops.mean(kl), ops.mean(ce)


def distillation_loss(y, teacher_probs, student_probs, temperature: float, alpha: float):
    kl, ce = distillation_terms(y, teacher_probs, student_probs, temperature)
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
        teacher_probs = self.teacher(x, training=False)  # frozen: no tape needed
        variables = self.student.trainable_variables
        with tf.GradientTape() as tape:
            student_probs = self.student(x, training=True)
            kl, ce = distillation_terms(y, teacher_probs, student_probs, self.temperature)
            loss = self.alpha * self.temperature ** 2 * kl + (1.0 - self.alpha) * ce
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        return self._track(loss, kl, ce, y, student_probs)

    def test_step(self, data):
        x, y = data[0], data[1]
        student_probs = self.student(x, training=False)
        kl, ce = distillation_terms(y, self.teacher(x, training=False), student_probs, self.temperature)
        return self._track(self.alpha * self.temperature ** 2 * kl + (1.0 - self.alpha) * ce, kl, ce, y,
                           student_probs)

    def _track(self, loss, kl, ce, y, student_probs) -> dict:
        self.loss_tracker.update_state(loss)
        self.soft_tracker.update_state(kl)
        self.hard_tracker.update_state(ce)
        self.accuracy.update_state(y, student_probs)
        return {m.name: m.result() for m in self.metrics}


# -- building ---------------------------------------------------------------------------------

def build_student(hp: dict, info) -> keras.Model:
    """The student: a catalog classifier with its own defaults and the student's size."""
    from workbench import catalog

    entry = catalog.get(hp.get("student", "mlp"))
    own = {h.name: h.default for h in entry.all_hparams}
    if entry.name == "mlp":
        own["hidden_units"] = hp.get("student_units", "32")
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
    model = Distiller(build_student(hp, data.info), teacher, hp["temperature"], hp["alpha"], name="distiller")
    model.compile(optimizer=make_optimizer(hp))
    x, y = transfer_set(data.x_train, data.y_train, hp.get("transfer_fraction", 1.0), ctx.config.seed)
    return fit_arrays(_StudentContext(ctx), model, x, y, data.x_val, data.y_val)


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
