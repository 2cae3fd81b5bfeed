"""A training run: ``TrainConfig`` in, events out, a run directory on disk.

The GUI (on a worker thread), the CLI and the tests all call ``run_training``. It
never touches a widget: everything it has to say goes through ``emit``.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Any

from workbench import catalog
from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path, write_json
from workbench.runs.rundir import RunDir
from workbench.training import events
from workbench.training.config import TrainConfig
from workbench.training.checkpoints import CheckpointWriter, restore
from workbench.training.control import RunControl


@dataclass
class TrainResult:
    model: Any
    history: dict
    run_dir: str
    stopped: bool
    dataset: Any = None


def run_training(config: TrainConfig, emit: events.Emit = events.ignore,
                 control: RunControl | None = None, dataset=None) -> TrainResult:
    """Train ``config.model`` on ``config.data``; ``dataset`` skips loading when already loaded."""
    config.validate()
    control = control or RunControl()
    entry = catalog.get(config.model)
    hp = entry.resolve(config.hparams)
    dataset = dataset or load_dataset(config)
    fits, why = entry.accepts(dataset.info)
    if not fits:
        raise WorkbenchError(why)
    run_dir = RunDir(config.out or _default_run_dir(config)).create()
    write_json(run_dir.config, {**config.to_dict(), "out": run_dir.path, "hparams": hp})
    write_json(run_dir.info, {**dataset.info.as_dict(), "scaler": getattr(dataset, "scaler", None),
                              "model": entry.name})
    context = TrainingContext(config, entry, hp, dataset, run_dir, emit, control)
    seed_everything(config.seed)  # before any builder draws its initial weights
    return _train(entry, context)


def resume_training(run_path: str, emit: events.Emit = events.ignore,
                    control: RunControl | None = None) -> TrainResult:
    """Continue a run from its last complete epoch (after Stop, a crash or ``kill -9``)."""
    run_dir = RunDir(run_path)
    config = TrainConfig.from_dict(run_dir.read_config())
    config.out = run_dir.path
    state = run_dir.read_state()
    if state is None:  # killed before the first epoch ended: start again from scratch
        return run_training(config, emit, control)
    control = control or RunControl()
    entry = catalog.get(config.model)
    if entry.trainer and not getattr(catalog.registry.load_symbol(entry.trainer), "resumable", False):
        raise WorkbenchError(f"{entry.name} uses its own training loop, which cannot be resumed")
    hp = entry.resolve(config.hparams)
    dataset = load_dataset(config)
    context = TrainingContext(config, entry, hp, dataset, run_dir, emit, control)
    context.history = state["history"]
    context.initial_epoch = int(state["epochs_done"])
    context.resume_from = os.path.join(run_dir.checkpoint_dir, state["checkpoint"])
    seed_everything(config.seed)
    return _train(entry, context)


def _train(entry, context: "TrainingContext") -> TrainResult:
    """The entry's own training loop where it has one, else ``fit``."""
    if entry.trainer:
        return catalog.registry.load_symbol(entry.trainer)(context)
    return fit_with_keras(context)


def seed_everything(seed: int) -> None:
    """Python's, NumPy's and the backend's random generators, so a run can be repeated."""
    import keras

    keras.utils.set_random_seed(seed)


def load_dataset(config: TrainConfig):
    from workbench import data

    return data.load(config.data, config.data_options, seed=config.seed, val_fraction=config.val_split)


class TrainingContext:
    """What a run needs, handed to ``fit_with_keras`` or to an entry's own training loop.

    A custom loop (RL, MCTS, MAML, ...) reports through ``emit``, polls
    ``control.stop_requested`` / ``control.wait_while_paused()`` between its steps,
    calls ``end_epoch`` for each of its "epochs" (iterations, episodes), and returns
    ``finish(model)``.
    """

    def __init__(self, config, entry, hp, dataset, run_dir, emit, control):
        self.config, self.entry, self.hp, self.dataset = config, entry, hp, dataset
        self.run_dir, self.emit, self.control = run_dir, emit, control
        self.history: dict = {}
        self.initial_epoch = 0
        self.resume_from = ""
        self.started = time.perf_counter()

    def end_epoch(self, epoch: int, logs: dict, seconds: float = 0.0) -> None:
        from workbench.training.callbacks import record_epoch

        record_epoch(self.history, epoch, logs)
        eta = seconds * (self.config.epochs - epoch - 1)
        self.emit(events.EpochEnd(epoch, {k: float(v) for k, v in logs.items()}, seconds, eta))
        self.run_dir.write_history(self.history)

    def finish(self, model, stopped: bool = False, early_stopped: bool = False) -> TrainResult:
        model_path = ""
        if model is not None:
            model_path = self.run_dir.model
            with atomic_path(model_path) as tmp:
                model.save(tmp)
        self.run_dir.write_history(self.history)
        epochs_done = len(self.history.get("epoch", []))
        self.emit(events.Finished(self.run_dir.path, epochs_done, stopped, early_stopped,
                                  self.history, model_path))
        return TrainResult(model, self.history, self.run_dir.path, stopped, self.dataset)


def fit_with_keras(ctx: TrainingContext) -> TrainResult:
    """Plain supervised training: the entry's model on the dataset's arrays."""
    import tensorflow as tf

    from workbench.training import devices

    data = ctx.dataset
    with tf.device(f"/{devices.resolve(ctx.config.device)}"):
        model = build_compiled(ctx.entry, ctx.hp, data.info, ctx.config.mixed_precision)
    return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val)


def fit_arrays(ctx: TrainingContext, model, x, y, x_val=None, y_val=None,
               extra_callbacks=()) -> TrainResult:
    """``model.fit`` with the workbench's events, Stop/Pause, validation and resume checkpoints.

    Entries with their own trainer (detectors, generative models) call this with
    their own targets; ``y`` may be any structure ``fit`` accepts. When the run is
    being resumed, the model (built and compiled as at the start) gets the
    checkpoint's variables here, so such trainers resume too: a trainer says so with
    ``trainer.resumable = True``. ``extra_callbacks``
    run after validation, so they can add metrics (``val_mAP``) to the epoch logs.
    """
    import keras
    import tensorflow as tf

    from workbench.training import callbacks as cb
    from workbench.training import devices

    config = ctx.config
    device = devices.resolve(config.device)
    if ctx.resume_from:
        ctx.emit(events.Status(f"resuming after epoch {ctx.initial_epoch}"))
        restore(model, ctx.resume_from)
    keras.utils.set_random_seed(config.seed + ctx.initial_epoch)
    steps = _steps_per_epoch(config, _length(x))
    has_val = x_val is not None and _length(x_val) > 0
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), devices.describe(device),
                               config.epochs, ctx.initial_epoch, steps, int(model.count_params())))
    reporter = cb.EventReporter(ctx.emit, ctx.control, steps, config.epochs, ctx.initial_epoch)
    callbacks = [cb.EpochValidation(x_val, y_val, config.batch_size, reporter)] if has_val else []
    writer = CheckpointWriter(ctx.run_dir)
    callbacks += [*extra_callbacks, reporter, cb.ResumeCheckpoint(writer, reporter, ctx.history)]
    early = _early_stopping(ctx.hp, has_validation=has_val)
    callbacks += [early] if early else []
    model.run_eagerly = config.eager
    try:
        if ctx.initial_epoch < config.epochs:
            with tf.device(f"/{device}"):
                if config.steps_per_epoch:
                    # Keras does not rewind arrays between capped epochs: feed a repeating stream.
                    model.fit(_repeating(x, y, config.batch_size, config.seed), epochs=config.epochs,
                              initial_epoch=ctx.initial_epoch, verbose=0, callbacks=callbacks,
                              steps_per_epoch=steps, shuffle=False)  # the stream shuffles itself
                else:
                    model.fit(x, y, batch_size=config.batch_size, epochs=config.epochs,
                              initial_epoch=ctx.initial_epoch, verbose=0, callbacks=callbacks)
    finally:
        writer.close()  # the resume point is on disk before anyone is told the run ended
    early_stopped = bool(early and early.stopped_epoch > 0)
    return ctx.finish(model, stopped=reporter.stopped, early_stopped=early_stopped)


def _repeating(x, y, batch_size: int, seed: int):
    import tensorflow as tf

    stream = tf.data.Dataset.from_tensor_slices((x, y))
    stream = stream.shuffle(_length(x), seed=seed, reshuffle_each_iteration=True)
    return stream.batch(batch_size).repeat().prefetch(tf.data.AUTOTUNE)


def _length(x) -> int:
    if isinstance(x, dict):
        x = next(iter(x.values()))
    elif isinstance(x, (list, tuple)):
        x = x[0]
    return len(x)


def build_compiled(entry, hp: dict, info, mixed_precision: bool = False):
    """Build ``entry`` for ``info`` and compile it with the shared training hyperparameters."""
    import keras

    policy = keras.mixed_precision.global_policy()
    if mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = entry.build(hp, info)
    finally:
        keras.mixed_precision.set_global_policy(policy)
    apply_l2(model, hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(hp), **loss_and_metrics(info.task))
    return model


def make_optimizer(hp: dict):
    """SGD, Momentum, Adagrad, RMSProp, Adam or AdamW, with optional global-norm clipping."""
    from keras import optimizers

    lr = hp.get("learning_rate", 1e-3)
    clip = {"global_clipnorm": hp["clipnorm"]} if hp.get("clipnorm") else {}
    name = hp.get("optimizer", "adam")
    if name == "sgd":
        return optimizers.SGD(lr, **clip)
    if name == "momentum":
        return optimizers.SGD(lr, momentum=hp.get("momentum", 0.9), **clip)
    if name == "adagrad":
        return optimizers.Adagrad(lr, **clip)
    if name == "rmsprop":
        return optimizers.RMSprop(lr, **clip)
    if name == "adam":
        return optimizers.Adam(lr, **clip)
    if name == "adamw":
        return optimizers.AdamW(lr, weight_decay=hp.get("weight_decay", 1e-4), **clip)
    raise WorkbenchError(f"optimizer={name!r} is not one of sgd, momentum, adagrad, rmsprop, adam, adamw")


def loss_and_metrics(task: str) -> dict:
    if task == "classification":
        return {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    if task == "regression":
        return {"loss": "mse", "metrics": ["mae"]}
    return {}  # entries with their own train_step compute their own losses


def apply_l2(model, factor: float) -> None:
    """L2 weight decay on every kernel, as a loss term (the notes' 'L2 regularisation')."""
    if not factor:
        return
    import keras

    for variable in model.trainable_weights:
        if variable.path.endswith("kernel"):  # kernel, depthwise_kernel, recurrent_kernel
            variable.regularizer = keras.regularizers.L2(factor)


def _early_stopping(hp: dict, has_validation: bool):
    import keras

    patience = hp.get("early_stopping", 0)
    if not patience:
        return None
    return keras.callbacks.EarlyStopping(monitor="val_loss" if has_validation else "loss",
                                         patience=patience)


def _steps_per_epoch(config: TrainConfig, samples: int) -> int:
    full = math.ceil(samples / config.batch_size)
    return min(full, config.steps_per_epoch) if config.steps_per_epoch else full


def _default_run_dir(config: TrainConfig) -> str:
    from workbench.runs.history import default_runs_root

    return os.path.join(default_runs_root(), f"{time.strftime('%Y%m%d-%H%M%S')}-{config.model}")
