"""A training run: ``TrainConfig`` in, events out, a run directory on disk.

The GUI (on a worker thread), the CLI and the tests all call ``run_training``. It
never touches a widget: everything it has to say goes through ``emit``.

A run directory is locked while a process trains into it, an existing run is replaced
only when asked (``force``), and a resumed run continues exactly where the
uninterrupted one would have been: the data order is a function of (seed, epoch) and
the resume point holds every variable that decides what comes next (weights, seed
generator states, optimizer slots and iteration count, the trainer's own state).
"""

from __future__ import annotations

import math
import os
import shutil
import time
from dataclasses import dataclass
from typing import Any

from workbench import catalog
from workbench.data.checks import PROBLEM_FILE, write_problem_list
from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path, write_json
from workbench.runs.lock import RunLock
from workbench.runs.rundir import RunDir
from workbench.training import events, strategies
from workbench.training.checkpoints import (MAIN, CheckpointWriter, ResumePoint, Snapshot, apply_snapshot,
                                            resume_point, take_snapshot)
from workbench.training.config import TrainConfig
from workbench.training.control import RunControl
from workbench.training.data_order import epoch_stream, length, steps_per_epoch
from workbench.training.losses import classifier_loss, encoded_labels


@dataclass
class TrainResult:
    model: Any
    history: dict
    run_dir: str
    stopped: bool
    dataset: Any = None


class Diverged(WorkbenchError):
    """The loss became NaN or infinite: the run stops, its last finite resume point stays."""


#: What a run directory holds that a new run into it replaces (with ``force``).
_RUN_FILES = ("config.json", "info.json", "history.json", "model.keras", "meta.json", PROBLEM_FILE)
_RUN_FOLDERS = ("checkpoint", "views", "tensorboard")


def run_training(config: TrainConfig, emit: events.Emit = events.ignore,
                 control: RunControl | None = None, dataset=None, force: bool = False) -> TrainResult:
    """Train ``config.model`` on ``config.data``; ``dataset`` skips loading when already loaded
    (it must be what ``load_dataset(config)`` gives, split with ``config.seed``: a resume
    reloads the data that way).

    ``config.out`` must not hold a run already unless ``force`` (then it is replaced);
    nothing is written before the data have loaded and the entry has accepted them.
    """
    config.validate()
    control = control or RunControl()
    entry = catalog.get(config.model)
    strategies.check_entry(entry, config.strategy)
    strategies.prepare_devices(config)  # before TensorFlow fixes its devices
    hp = entry.resolve(config.hparams)
    run_dir = RunDir(config.out or _default_run_dir(config))
    _check_new_run(run_dir, force)
    dataset = dataset or load_dataset(config)
    strategies.check_data(dataset, config.strategy)
    fits, why = entry.accepts(dataset.info)
    if not fits:
        raise WorkbenchError(why)
    with RunLock(run_dir.path):
        _check_new_run(run_dir, force)  # again, now that no one else can start one here
        _clear_previous_run(run_dir)
        run_dir.create()
        write_json(run_dir.config, {**config.to_dict(), "out": run_dir.path, "hparams": hp})
        write_json(run_dir.info, {**dataset.info.as_dict(), "scaler": getattr(dataset, "scaler", None),
                                  "model": entry.name})
        write_problem_list(dataset, run_dir.path)  # every input the loader could not use, in full
        context = TrainingContext(config, entry, hp, dataset, run_dir, emit, control)
        seed_everything(config.seed)  # before any builder draws its initial weights
        return _train(entry, context)


def resume_training(run_path: str, emit: events.Emit = events.ignore,
                    control: RunControl | None = None) -> TrainResult:
    """Continue a run from its last complete epoch (after Stop, a crash or ``kill -9``)."""
    run_dir = RunDir(run_path)
    config = TrainConfig.from_dict(run_dir.read_config()).validate()
    config.out = run_dir.path
    control = control or RunControl()
    entry = catalog.get(config.model)
    if entry.trainer and not getattr(catalog.registry.load_symbol(entry.trainer), "resumable", False):
        raise WorkbenchError(f"{entry.name} uses its own training loop, which cannot be resumed")
    strategies.check_entry(entry, config.strategy)
    strategies.prepare_devices(config)
    hp = entry.resolve(config.hparams)
    with RunLock(run_dir.path):
        point = resume_point(run_dir)
        if point is None:  # killed before the first epoch ended: start again from scratch
            return _restart(config, run_dir, emit, control)
        dataset = load_dataset(config)
        context = TrainingContext(config, entry, hp, dataset, run_dir, emit, control)
        context.resume = point
        context.history = point.history
        context.initial_epoch = point.epochs_done
        for note in point.notes:
            emit(events.Status(note))
        seed_everything(config.seed)  # the same initial draws; the snapshot then replaces them
        return _train(entry, context)


def _restart(config, run_dir, emit, control) -> TrainResult:
    """A run with no complete epoch: its directory is started again, under the lock held."""
    entry = catalog.get(config.model)
    hp = entry.resolve(config.hparams)
    dataset = load_dataset(config)
    context = TrainingContext(config, entry, hp, dataset, run_dir, emit, control)
    run_dir.create()
    seed_everything(config.seed)
    return _train(entry, context)


def _check_new_run(run_dir: RunDir, force: bool) -> None:
    if os.path.isfile(run_dir.path) or (os.path.exists(run_dir.path) and not os.path.isdir(run_dir.path)):
        raise WorkbenchError(f"{run_dir.path} is a file, not a run directory; choose another --out")
    if not os.path.isdir(run_dir.path) or force:
        return
    if os.path.exists(run_dir.config) or os.path.isdir(run_dir.checkpoint_dir):
        raise WorkbenchError(f"{run_dir.path} already holds a run; resume it with --resume, choose "
                             "another --out, or add --force to replace it")
    foreign = [name for name in os.listdir(run_dir.path) if not name.startswith(".")]
    if foreign:
        raise WorkbenchError(f"{run_dir.path} is a folder with other files in it ({foreign[0]}, ...); "
                             "choose an empty or new folder for the run")


def _clear_previous_run(run_dir: RunDir) -> None:
    """With ``force``: the old run's resume point goes first, so a kill part-way leaves
    a directory that resumes as the old run from scratch or as the new one, never a mix."""
    for folder in _RUN_FOLDERS:
        path = os.path.join(run_dir.path, folder)
        if os.path.isdir(path):
            trash = os.path.join(run_dir.path, f".tmp-{os.getpid()}-old-{folder}")
            os.replace(path, trash)
            shutil.rmtree(trash, ignore_errors=True)
    if not os.path.isdir(run_dir.path):
        return
    for name in os.listdir(run_dir.path):
        if name in _RUN_FILES or name.endswith(".keras"):
            os.unlink(os.path.join(run_dir.path, name))


def _train(entry, context: "TrainingContext") -> TrainResult:
    """The entry's own training loop where it has one, else ``fit``; views are written
    into the run directory as they come."""
    from workbench.views.store import ViewRecorder

    recorder = ViewRecorder(context.run_dir.path, context.emit)
    context.emit = recorder
    try:
        if entry.trainer:
            return catalog.registry.load_symbol(entry.trainer)(context)
        return fit_with_keras(context)
    finally:
        context.close_writer()
        context.close_tensorboard()
        recorder.close()
        if context.distribution is not None:
            context.distribution.close()  # local workers end with the chief


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
    calls ``end_epoch`` for each of its "epochs" (iterations, episodes) and then
    ``save_point`` with its networks and state, and returns ``finish(model, networks)``.
    On resume, ``resume_snapshot()`` gives what to restore (``restore_networks`` assigns
    it) and ``initial_epoch`` where to continue.
    """

    def __init__(self, config, entry, hp, dataset, run_dir, emit, control):
        self.config, self.entry, self.hp, self.dataset = config, entry, hp, dataset
        self.run_dir, self.emit, self.control = run_dir, emit, control
        self.history: dict = {}
        self.initial_epoch = 0
        self.resume: ResumePoint | None = None
        self.started = time.perf_counter()
        self._writer: CheckpointWriter | None = None
        self._tensorboard = None  # training.tensorboard.EpochScalars, opened at the first epoch's end
        self._schedule_refused = False  # an own loop's refusal of the schedule is said once
        #: The started ``tf.distribute`` strategy (``strategies.start``), None before the model is built.
        self.distribution: strategies.Distribution | None = None

    @property
    def resume_from(self) -> str:
        return self.resume.path if self.resume else ""

    def end_epoch(self, epoch: int, logs: dict, seconds: float = 0.0) -> None:
        check_finite(logs, epoch)
        self._refuse_steering()
        self.record_epoch(epoch, logs)
        eta = seconds * (self.config.epochs - epoch - 1)
        self.emit(events.EpochEnd(epoch, {k: float(v) for k, v in logs.items()}, seconds, eta))
        self.run_dir.write_history(self.history)

    def record_epoch(self, epoch: int, logs: dict) -> None:
        """``epoch``'s row of the history and, unless ``config.tensorboard`` is off, its
        TensorBoard scalars: every trainer's epoch ends here (``fit`` through ``ResumeCheckpoint``)."""
        from workbench.training.callbacks import record_epoch

        record_epoch(self.history, epoch, logs)
        if getattr(self.config, "tensorboard", True):
            if self._tensorboard is None:
                from workbench.training.tensorboard import EpochScalars

                # a resumed run drops what the files hold past its resume point first
                self._tensorboard = EpochScalars(self.run_dir.path, self.initial_epoch)
            self._tensorboard.write(epoch, logs)

    def close_tensorboard(self) -> None:
        if self._tensorboard is not None:
            self._tensorboard.close()

    def _refuse_steering(self) -> None:
        """An entry's own loop (not ``fit``) applies no changes: each one asked for, and a
        schedule given, is answered with a sentence instead of being lost in silence."""
        refused = self.control.take_requests()
        if self.config.schedule and not self._schedule_refused:
            self._schedule_refused = True
            refused += [item["change"] for item in self.config.schedule]
        if refused:
            from workbench.training.schedule import describe

            what = "; ".join(describe(change) for change in refused)
            self.emit(events.Status(f"{self.entry.name} trains here with its own loop (not Keras fit), which "
                                    f"cannot be steered during the run: not applied ({what})"))

    # -- resume points of trainers with several networks ---------------------------------------
    @property
    def writer(self) -> CheckpointWriter:
        if self._writer is None:
            self._writer = CheckpointWriter(self.run_dir)
        return self._writer

    def save_point(self, epochs_done: int, networks: dict, optimizers: dict | None = None,
                   arrays: dict | None = None, state: dict | None = None) -> None:
        """The resume point after ``epochs_done`` epochs: ``networks`` ({name: model}), their
        ``optimizers`` ({name: optimizer}, by default each model's compiled one), and the
        trainer's ``arrays`` (replay buffers, ...) and JSON ``state`` (counters, RNG states).
        Copied now, written on a background thread."""
        self.save_snapshot(epochs_done, take_snapshot(networks, optimizers, arrays, state, deferred=True))

    def save_snapshot(self, epochs_done: int, snap: Snapshot) -> None:
        self.writer.submit(epochs_done, snap, self.history)

    def resume_snapshot(self) -> Snapshot | None:
        return self.resume.snapshot if self.resume else None

    def restore_networks(self, networks: dict, optimizers: dict | None = None) -> Snapshot | None:
        """Assign the resume point to freshly built ``networks``; returns the snapshot (for
        its ``arrays`` and ``state``), or None on a fresh run."""
        if self.resume is None:
            return None
        self.emit(events.Status(f"resuming after epoch {self.initial_epoch}"))
        apply_snapshot(self.resume.snapshot, networks, optimizers, where=self.resume.path)
        return self.resume.snapshot

    def close_writer(self) -> None:
        """The last resume point is on disk before anyone is told the run ended."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def finish(self, model, stopped: bool = False, early_stopped: bool = False,
               networks: dict | None = None) -> TrainResult:
        """Save ``model`` as ``model.keras`` and each of ``networks`` as ``NAME.keras``."""
        self.close_writer()
        model_path = ""
        if model is not None:
            model_path = self.run_dir.model
            _save(model, model_path)
        for name, network in (networks or {}).items():
            if network is not model and name != MAIN:
                _save(network, os.path.join(self.run_dir.path, f"{name}.keras"))
        self.run_dir.write_history(self.history)
        epochs_done = len(self.history.get("epoch", []))
        self.emit(events.Finished(self.run_dir.path, epochs_done, stopped, early_stopped,
                                  self.history, model_path))
        return TrainResult(model, self.history, self.run_dir.path, stopped, self.dataset)


def _save(model, path: str) -> None:
    with atomic_path(path) as tmp:
        model.save(tmp)


def check_finite(logs: dict, epoch: int, batch: int | None = None) -> None:
    """A NaN or infinite loss (or metric) ends the run with a sentence that says where."""
    bad = {k: v for k, v in logs.items() if isinstance(v, (int, float)) and not math.isfinite(v)}
    if not bad:
        return
    where = f"epoch {epoch + 1}" + (f", batch {batch}" if batch is not None else "")
    what = ", ".join(f"{k}={v}" for k, v in bad.items())
    raise Diverged(f"training diverged at {where} ({what}); the run stopped and keeps its last "
                   "finite resume point: lower learning_rate (or add clipnorm) and train again")


def fit_with_keras(ctx: TrainingContext) -> TrainResult:
    """Plain supervised training: the entry's model on the dataset's arrays."""
    import tensorflow as tf

    from workbench.training import devices

    data = ctx.dataset
    y_train, y_val = encoded_labels(ctx.hp, data)  # one-hot where the loss takes it; refuses a mismatch
    ctx.distribution = dist = strategies.start(ctx)
    with dist.scope() if dist.strategy else tf.device(f"/{devices.resolve(ctx.config.device)}"):
        model = build_compiled(ctx.entry, ctx.hp, data.info, ctx.config.mixed_precision)
    if not hasattr(data, "train_stream"):
        dist.prepare_model(model, data.x_train, y_train)
    if dist.kind == "parameter-server":
        return strategies.fit_parameter_server(ctx, dist, model, data.x_train, y_train, data.x_val, y_val)
    if hasattr(data, "train_stream"):  # a class folder streamed from disk (data.streaming)
        return fit_stream(ctx, model, data)
    return fit_arrays(ctx, model, data.x_train, y_train, data.x_val, y_val)


def fit_arrays(ctx: TrainingContext, model, x, y, x_val=None, y_val=None,
               extra_callbacks=()) -> TrainResult:
    """``model.fit`` with the workbench's events, Stop/Pause, validation and resume checkpoints.

    Entries with their own trainer (detectors, generative models) call this with
    their own targets; ``y`` may be any structure ``fit`` accepts. When the run is
    being resumed, the model (built and compiled as at the start) gets the
    checkpoint's variables here, so such trainers resume too: a trainer says so with
    ``trainer.resumable = True``. ``extra_callbacks`` run after validation, so they
    can add metrics (``val_mAP``) to the epoch logs.

    A model made of several networks (a GAN with its own ``train_step``) says so with
    ``named_networks() -> {name: keras.Model}`` (each saved as ``NAME.keras``) and, when it
    has several optimizers, ``checkpoint_optimizers() -> {name: (optimizer, variables)}``
    (each optimizer's slots go into the resume point, so its resume is exact too).

    The batches come from ``epoch_stream``: epoch ``e`` is always the same permutation
    of the data, so a resumed run trains on exactly what the uninterrupted one did.
    """
    config = ctx.config
    steps = steps_per_epoch(length(x), config.batch_size, config.steps_per_epoch)
    has_val = x_val is not None and length(x_val) > 0
    return _fit(ctx, model, steps, lambda: epoch_stream(x, y, config.batch_size, config.seed, ctx.initial_epoch,
                                                        config.epochs, steps),
                (x_val, y_val) if has_val else None, extra_callbacks)


def fit_stream(ctx: TrainingContext, model, dataset, extra_callbacks=()) -> TrainResult:
    """``fit_arrays`` for a ``StreamingImages`` folder: the batches are decoded from the
    files as ``fit`` asks for them, in ``epoch_stream``'s order (a function of seed and
    epoch), and validation streams too. Files that do not decode are skipped, reported
    as a status line at the epoch's end and listed in the run's ``data_problems.txt``."""
    import keras

    config = ctx.config
    steps = steps_per_epoch(len(dataset.files_train), config.batch_size, config.steps_per_epoch)
    validation = (dataset.val_stream(config.batch_size), None) if len(dataset.files_val) else None

    def report(*_):
        failed = dataset.decode_failures()
        if failed:
            dataset.skipped.extend(f"did not decode: {path}" for path in failed)
            ctx.emit(events.Status(f"{len(failed)} image(s) did not decode and were skipped "
                                   f"(the first: {failed[0]})"))
            write_problem_list(dataset, ctx.run_dir.path)

    reporter = keras.callbacks.LambdaCallback(on_epoch_end=report, on_train_end=report)
    return _fit(ctx, model, steps, lambda: dataset.train_stream(config.batch_size, config.seed, ctx.initial_epoch,
                                                                config.epochs, steps),
                validation, [*extra_callbacks, reporter])


def _fit(ctx: TrainingContext, model, steps: int, make_stream, validation, extra_callbacks) -> TrainResult:
    """What ``fit_arrays`` and ``fit_stream`` share: ``validation`` is ``(x_val, y_val)``
    arrays, ``(stream, None)`` or None; ``make_stream()`` gives the training batches."""
    import tensorflow as tf

    from workbench.training import callbacks as cb
    from workbench.training import devices, steering
    from workbench.training.gradient_norms import gradient_norm_views

    config = ctx.config
    device = devices.resolve(config.device)
    dist = ctx.distribution or strategies.Distribution("one", None, "")
    with dist.scope():  # optimizer slots built on resume are mirrored like the weights
        steering.prepare(model, resume=ctx.resume_snapshot())  # it can train layers unfrozen later
        restored = ctx.restore_networks({MAIN: model})
    has_val = validation is not None
    x_val, y_val = validation if has_val else (None, None)
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), dist.description or devices.describe(device),
                               config.epochs, ctx.initial_epoch, steps, int(model.count_params())))
    reporter = cb.EventReporter(ctx.emit, ctx.control, steps, config.epochs, ctx.initial_epoch)
    callbacks = [cb.EpochValidation(x_val, y_val, config.batch_size, reporter)] if has_val else []
    early = cb.early_stopping(ctx.hp, has_validation=has_val,
                              state=(restored.state.get("early_stopping") if restored else None))
    views = cb.standard_views(ctx) if dist.synchronous_views else []
    views += gradient_norm_views(ctx, x_val, y_val) if dist.synchronous_views else []
    callbacks += [*extra_callbacks, *views, reporter, steering.Steering(ctx, early, steps),
                  cb.ResumeCheckpoint(ctx, reporter, early)]
    callbacks += [early] if early else []
    model.run_eagerly = config.eager
    if ctx.initial_epoch < config.epochs:
        stream = make_stream()
        with dist.scope() if dist.strategy else tf.device(f"/{device}"):
            try:
                model.fit(stream, epochs=config.epochs, initial_epoch=ctx.initial_epoch, steps_per_epoch=steps,
                          shuffle=False, verbose=0, callbacks=callbacks)  # the stream is shuffled
            except tf.errors.OpError:
                if dist.failure():  # a worker process died: its own last line says why
                    raise WorkbenchError(dist.failure()) from None
                raise
    ctx.close_writer()
    if reporter.diverged:
        raise reporter.diverged
    early_stopped = bool(early and early.stopped_epoch > 0)
    return ctx.finish(model, stopped=reporter.stopped, early_stopped=early_stopped, networks=named_networks(model))


def named_networks(model) -> dict:
    """The networks a model is made of, each kept as ``NAME.keras`` (a GAN's generator and
    discriminator): what its ``named_networks()`` returns, if it has one."""
    own = getattr(model, "named_networks", None)
    return dict(own()) if callable(own) else {}


def build_compiled(entry, hp: dict, info, mixed_precision: bool = False):
    """Build ``entry`` for ``info`` and compile it with the shared training hyperparameters."""
    import keras

    from workbench.models.initializers import apply_initializer

    policy = keras.mixed_precision.global_policy()
    if mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = entry.build(hp, info)
    finally:
        keras.mixed_precision.set_global_policy(policy)
    apply_initializer(model, hp)  # "default" keeps the builder's own initial weights
    apply_l2(model, hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(hp), **loss_and_metrics(info.task, hp))
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


def loss_and_metrics(task: str, hp: dict | None = None) -> dict:
    if task == "classification":  # the loss hyperparameter (sparse cross-entropy by default)
        return {"loss": classifier_loss(hp or {})[0], "metrics": ["accuracy"]}
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


def _default_run_dir(config: TrainConfig) -> str:
    from workbench.runs.history import default_runs_root

    base = os.path.join(default_runs_root(), f"{time.strftime('%Y%m%d-%H%M%S')}-{config.model}")
    path, suffix = base, 1
    while os.path.exists(path):  # two runs started in the same second
        suffix += 1
        path = f"{base}-{suffix}"
    return path
