"""Multi-task learning with hard parameter sharing (Caruana, 1997).

One trunk is shared by several heads, one per task, and trained on the weighted sum of
the tasks' losses, sum_t w_t L_t. Tasks that need the same features lend each other
data (an inductive bias: the trunk must serve all of them). Here the tasks are derived
from the class label, so any class-labelled source serves: the class itself, its parity
(class index even/odd: for digits, the digit's parity) and the upper half (index >=
half the classes: digit >= 5).

Each head's loss and accuracy is a metric of its own (``parity_loss``, ``val_parity_accuracy``),
so every task is a curve; the ``task_accuracy`` view draws the heads' validation
accuracies together. The saved model answers the main task, the class.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.models.paradigms.encoders import (
    NetworkBundle,
    build_encoder,
    check_classes,
)
from workbench.views.types import Curves, View

TASKS = ("class", "parity", "upper_half")


def task_targets(task: str, labels, num_classes: int):
    """The integer target of ``task`` for class indices ``labels``."""
    labels = ops.cast(labels, "int32")
    if task == "class":
        return labels
    if task == "parity":
        return labels % 2
    if task == "upper_half":
        return ops.cast(labels >= (num_classes + 1) // 2, "int32")
    raise ValueError(f"unknown task {task!r}")


def task_classes(task: str, num_classes: int) -> int:
    return num_classes if task == "class" else 2


def parse_tasks(hp: dict) -> tuple[list[str], list[float]]:
    tasks = [t.strip() for t in str(hp["tasks"]).split(",") if t.strip()]
    unknown = [t for t in tasks if t not in TASKS]
    if unknown or "class" not in tasks or len(set(tasks)) != len(tasks):
        raise WorkbenchError(f"tasks={hp['tasks']!r} must list distinct tasks from {', '.join(TASKS)}, "
                             "class among them (the saved model answers it)")
    try:
        weights = [float(w) for w in str(hp["loss_weights"]).split(",") if w.strip()]
    except ValueError:
        raise WorkbenchError(f"loss_weights={hp['loss_weights']!r} must be numbers separated by commas") from None
    if len(weights) != len(tasks) or min(weights) < 0 or not np.all(np.isfinite(weights)):
        raise WorkbenchError(f"loss_weights={hp['loss_weights']!r} needs one weight of 0 or more per task "
                             f"({len(tasks)}: {', '.join(tasks)})")
    return tasks, weights


def build_network(hp: dict, info, tasks: list[str]) -> keras.Model:
    """The shared trunk and one softmax head per task (outputs in the order of ``tasks``)."""
    trunk = build_encoder(info, hp["width"], hp["feature_dim"], name="trunk")
    shared = keras.layers.ReLU(name="trunk_relu")(trunk.output)
    heads = [keras.layers.Dense(task_classes(t, info.num_classes), activation="softmax", name=f"{t}_head")(shared)
             for t in tasks]
    return keras.Model(trunk.input, heads, name="network")


@keras.saving.register_keras_serializable(package="workbench")
class MultiTask(NetworkBundle):
    """``network``'s heads trained on sum_t w_t CE_t; ``model(x)`` is the class head."""

    main = "network"

    def __init__(self, networks: dict, tasks=TASKS, loss_weights=(1.0, 0.5, 0.5), num_classes: int = 10,
                 **kwargs):
        super().__init__(networks, **kwargs)
        self.tasks, self.loss_weights = list(tasks), [float(w) for w in loss_weights]
        self.num_classes = int(num_classes)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.task_trackers = {t: (keras.metrics.Mean(name=f"{t}_loss"), keras.metrics.Mean(name=f"{t}_accuracy"))
                              for t in self.tasks}

    def settings(self) -> dict:
        return {"tasks": self.tasks, "loss_weights": self.loss_weights, "num_classes": self.num_classes}

    @property
    def metrics(self):
        return [self.loss_tracker] + [m for pair in self.task_trackers.values() for m in pair]

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)[self.tasks.index("class")]

    def losses_of(self, x, y, training: bool):
        """The weighted total and each task's (loss, accuracy)."""
        outputs = self.network(x, training=training)
        total, per_task = 0.0, {}
        for task, weight, probs in zip(self.tasks, self.loss_weights, outputs):
            target = task_targets(task, ops.reshape(y, (-1,)), self.num_classes)
            loss = ops.mean(keras.losses.sparse_categorical_crossentropy(target, probs))
            per_task[task] = (loss, ops.mean(keras.metrics.sparse_categorical_accuracy(target, probs)))
            total = total + weight * loss
        return total, per_task

    def train_step(self, data):
        import tensorflow as tf

        variables = self.network.trainable_variables
        with tf.GradientTape() as tape:
            total, per_task = self.losses_of(data[0], data[1], training=True)
        self.apply_gradients(tape, total, variables)
        return self._track(total, per_task)

    def test_step(self, data):
        return self._track(*self.losses_of(data[0], data[1], training=False))

    def _track(self, total, per_task):
        self.loss_tracker.update_state(total)
        for task, (loss, accuracy) in per_task.items():
            self.task_trackers[task][0].update_state(loss)
            self.task_trackers[task][1].update_state(accuracy)
        return self.tracked_logs()


def build_multitask(hp: dict, info) -> MultiTask:
    check_classes(info, "Multi-task learning")
    tasks, weights = parse_tasks(hp)
    return MultiTask({"network": build_network(hp, info, tasks)}, tasks=tasks, loss_weights=weights,
                     num_classes=info.num_classes, seed=hp.get("seed", 0), name="multitask")


class TaskCurves(keras.callbacks.Callback):
    """Each head's validation accuracy per epoch, drawn together (one view per epoch)."""

    def __init__(self, emit, tasks: list[str], history: dict | None = None):
        super().__init__()
        self.emit, self.tasks = emit, tasks
        self.values = {t: list((history or {}).get(f"val_{t}_accuracy", [])) for t in tasks}

    def on_epoch_end(self, epoch, logs=None):
        if not logs or f"val_{self.tasks[0]}_accuracy" not in logs:
            return  # no validation split, or a stopped epoch
        for task in self.tasks:
            self.values[task].append(float(logs[f"val_{task}_accuracy"]))
        series = {task: (np.arange(1, len(v) + 1), v) for task, v in self.values.items()}
        self.emit(View("task_accuracy", Curves(series, "epoch", "validation accuracy"),
                       "Validation accuracy of each task's head", epoch + 1))


def train_multitask(ctx):
    from workbench.training.job import fit_arrays, make_optimizer

    data = ctx.dataset
    model = build_multitask({**ctx.hp, "seed": ctx.config.seed}, data.info)
    model.compile(optimizer=make_optimizer(ctx.hp))
    curves = TaskCurves(ctx.emit, model.tasks, ctx.history)
    return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val, extra_callbacks=[curves])


train_multitask.resumable = True  # one network and its optimizer, like a plain fit
