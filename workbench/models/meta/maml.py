"""MAML, model-agnostic meta-learning (Finn, Abbeel & Levine 2017), on sine regression.

For a batch of tasks T_i, each with a support set (K points) and a query set:

    inner loop:  theta'_i = theta - alpha grad_theta L_support_i(theta)        (``inner_steps`` times)
    outer loop:  theta    <- theta - beta grad_theta sum_i L_query_i(theta'_i)

The outer gradient goes *through* the inner steps: d theta'_i / d theta = I - alpha H_i, with H_i
the Hessian of the support loss, so the inner gradients are computed inside the outer
``tf.GradientTape`` (nested tapes: second-order MAML). ``first_order=true`` stops the gradient at
the inner gradients (d theta'_i / d theta = I), cheaper and often nearly as good.

The network is run functionally on a list of weight tensors (``forward``) so the adapted
weights theta'_i never overwrite the model's variables. The outer update uses Adam with
``outer_lr``; the inner steps are plain SGD with ``inner_lr``.
"""

from __future__ import annotations

import time

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.training import events
from workbench.training.checkpoints import MAIN
from workbench.views.types import Curves, View

#: Validation tasks are drawn from this counter on, apart from every training draw.
VAL_COUNTER = 999_999


def _units(text) -> list[int]:
    try:
        units = [int(u) for u in str(text).split(",") if u.strip()]
    except ValueError:
        raise WorkbenchError(f"hidden_units={text!r} must be whole numbers separated by commas, e.g. 40,40") from None
    if not units or min(units) < 1:
        raise WorkbenchError(f"hidden_units={text!r} needs at least one layer of 1 or more units")
    return units


def build_net(hidden: list[int], dtype: str = "float32") -> keras.Model:
    """x (1) -> ReLU layers -> y (1): the paper's 40-40 regressor by default."""
    inputs = keras.Input((1,), name="x", dtype=dtype)
    h = inputs
    for i, units in enumerate(hidden):
        h = keras.layers.Dense(units, activation="relu", name=f"hidden{i + 1}", dtype=dtype)(h)
    return keras.Model(inputs, keras.layers.Dense(1, name="y", dtype=dtype)(h), name="maml_regressor")


def build_maml_net(hp: dict, info) -> keras.Model:
    return build_net(_units(hp["hidden_units"]))


def dense_layers(model) -> list:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def forward(model, weights: list, x):
    """The model's Dense stack run on ``weights`` ([kernel, bias] per layer, in order)."""
    import tensorflow as tf

    h = tf.cast(x, weights[0].dtype)
    for i, layer in enumerate(dense_layers(model)):
        h = layer.activation(tf.matmul(h, weights[2 * i]) + weights[2 * i + 1])
    return h


def mse(prediction, target):
    import tensorflow as tf

    return tf.reduce_mean(tf.square(prediction - tf.cast(target, prediction.dtype)))


def adapt(model, weights: list, support_x, support_y, inner_lr: float, steps: int, first_order: bool) -> list:
    """``steps`` SGD steps on the support loss from ``weights``; returns the adapted weights.
    Called under an outer tape, the gradients of these steps are themselves recorded
    (second order) unless ``first_order``."""
    import tensorflow as tf

    fast = [tf.convert_to_tensor(w) for w in weights]  # a read of a variable is recorded by the outer tape
    for _ in range(steps):
        with tf.GradientTape() as inner:
            inner.watch(fast)
            loss = mse(forward(model, fast, support_x), support_y)
        grads = inner.gradient(loss, fast)
        if first_order:
            grads = [tf.stop_gradient(g) for g in grads]
        fast = [w - inner_lr * g for w, g in zip(fast, grads)]
    return fast


def meta_loss(model, tasks, inner_lr: float, steps: int, first_order: bool):
    """Mean query loss over ``tasks`` ((support_x, support_y, query_x, query_y) each) after adapting."""
    import tensorflow as tf

    losses = []
    for support_x, support_y, query_x, query_y in tasks:
        fast = adapt(model, model.trainable_variables, support_x, support_y, inner_lr, steps, first_order)
        losses.append(mse(forward(model, fast, query_x), query_y))
    return tf.add_n(losses) / len(losses)


def meta_gradient(model, tasks, inner_lr: float, steps: int, first_order: bool):
    """(meta-loss, its gradient with respect to the model's variables)."""
    import tensorflow as tf

    with tf.GradientTape() as outer:
        loss = meta_loss(model, tasks, inner_lr, steps, first_order)
    return loss, outer.gradient(loss, model.trainable_variables)


def task_tuple(task) -> tuple:
    return task.support_x, task.support_y, task.query_x, task.query_y


def adaptation_losses(model, task, inner_lr: float, steps: int) -> list[float]:
    """Query loss before adaptation and after each of ``steps`` SGD steps (no meta-update)."""
    fast = list(model.trainable_variables)
    losses = [float(mse(forward(model, fast, task.query_x), task.query_y))]
    for _ in range(steps):
        fast = adapt(model, fast, task.support_x, task.support_y, inner_lr, 1, True)
        losses.append(float(mse(forward(model, fast, task.query_x), task.query_y)))
    return losses


def adaptation_view(model, task, inner_lr: float, steps: int, epoch: int) -> View:
    """One validation task: the true sine, the prediction before and after 1..K steps, and the
    K support points (drawn as small crosses)."""
    from workbench.data.sine_tasks import X_RANGE

    grid = np.linspace(*X_RANGE, 200).astype(np.float32)[:, None]
    series = {"true function": (grid[:, 0], task(grid[:, 0]))}
    fast = list(model.trainable_variables)
    series["before adaptation"] = (grid[:, 0], np.asarray(forward(model, fast, grid))[:, 0])
    for k in range(1, steps + 1):
        fast = adapt(model, fast, task.support_x, task.support_y, inner_lr, 1, True)
        series[f"after {k} step{'s' if k > 1 else ''}"] = (grid[:, 0], np.asarray(forward(model, fast, grid))[:, 0])
    series[f"{len(task.support_x)} support points"] = _crosses(task.support_x[:, 0], task.support_y[:, 0])
    return View("maml_adaptation", Curves(series, x_label="x", y_label="y"),
                title=f"MAML epoch {epoch}: a new task (A={task.amplitude:.2f}, phase={task.phase:.2f}) "
                      f"before and after {steps} inner step(s)", step=epoch)


def _crosses(x: np.ndarray, y: np.ndarray, size: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Small '+' marks as line segments separated by NaN (a Curves view draws lines only)."""
    xs, ys = [], []
    for px, py in zip(x, y):
        xs += [px - size, px + size, np.nan, px, px, np.nan]
        ys += [py, py, np.nan, py - size * 2, py + size * 2, np.nan]
    return np.array(xs), np.array(ys)


def train_maml(ctx):
    """``epochs`` x ``updates_per_epoch`` meta-updates of ``meta_batch`` tasks each (the tasks of
    update s of epoch e come from (seed, e, s)); validation adapts on ``val_tasks`` fixed new tasks."""
    import tensorflow as tf

    from workbench.data.sine_tasks import SineTasks
    from workbench.training.job import make_optimizer

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    if not isinstance(source, SineTasks):
        raise WorkbenchError(f"MAML here meta-learns sine regression: train it on sine_tasks, not "
                             f"{source.info.name!r} ({source.info.kind} data)")
    model = build_maml_net(hp, source.info)
    optimizer = make_optimizer({**hp, "learning_rate": hp["outer_lr"]})
    optimizer.build(model.trainable_variables)
    ctx.restore_networks({MAIN: model}, {MAIN: optimizer})
    inner_lr, steps_k, first_order = hp["inner_lr"], hp["inner_steps"], hp["first_order"]

    def update(tasks):
        loss, grads = meta_gradient(model, tasks, inner_lr, steps_k, first_order)
        optimizer.apply(grads, model.trainable_variables)
        return loss

    if not config.eager:
        update = tf.function(update, reduce_retracing=True)
    updates = min(hp["updates_per_epoch"], config.steps_per_epoch or hp["updates_per_epoch"])
    val_tasks = [source.sample(rng_for(config.seed, VAL_COUNTER, i)) for i in range(hp["val_tasks"])]
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", config.epochs,
                               ctx.initial_epoch, updates, int(model.count_params())))
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started, total = time.perf_counter(), 0.0
        for step in range(updates):
            ctx.control.wait_while_paused()
            if ctx.control.stop_requested:
                break
            tasks = [task_tuple(source.sample(rng_for(config.seed, epoch, step, i))) for i in range(hp["meta_batch"])]
            loss = float(update(tasks))
            total += loss
            ctx.emit(events.BatchEnd(epoch, step + 1, updates, {"loss": loss}))
        if ctx.control.stop_requested:
            stopped = True
            break
        curves = np.array([adaptation_losses(model, task, inner_lr, steps_k) for task in val_tasks])
        logs = {"loss": total / updates, "val_loss_before": float(curves[:, 0].mean()),
                "val_loss": float(curves[:, -1].mean())}
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        ctx.emit(adaptation_view(model, val_tasks[0], inner_lr, steps_k, epoch + 1))
        ctx.save_point(epoch + 1, {MAIN: model}, {MAIN: optimizer})
    return ctx.finish(model, stopped=stopped)


train_maml.resumable = True  # the model, Adam's slots and the epoch; tasks come from (seed, epoch, step)
