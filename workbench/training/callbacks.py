"""The Keras callbacks that connect ``fit`` to the workbench: validation that a Stop
can skip, events, pause/stop flags, and the resume checkpoint."""

from __future__ import annotations

import threading
import time
import warnings

import math

import keras

from workbench.training import events
from workbench.training.checkpoints import snapshot


class EpochValidation(keras.callbacks.Callback):
    """Validation at the end of each *complete* epoch.

    ``fit(validation_data=...)`` would still run a full validation pass after a Stop;
    doing it here lets a Stop end the run within one batch. It must come first in the
    callback list so that later callbacks (events, early stopping) see ``val_*``.
    """

    def __init__(self, x_val, y_val, batch_size: int, progress: "EventReporter"):
        super().__init__()
        import tensorflow as tf

        #: Batches of (x, y) streamed from files (not cached), whose length Keras learns only
        #: at their end: it warns "ran out of data" there, which is no problem here.
        self.streamed = isinstance(x_val, tf.data.Dataset)
        if self.streamed:
            self.data = x_val
        else:  # batched once, as fit does for its own validation data, not converted every epoch
            self.data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size).cache()
            # Each epoch's pass opens a new iterator: without tf.data's static rewrites (as
            # Keras's array adapter) that costs no serialisation of the pipeline each time.
            options = tf.data.Options()
            options.experimental_optimization.apply_default_optimizations = False
            self.data = self.data.with_options(options)
        self.progress = progress

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or not self.progress.epoch_complete:
            return
        with warnings.catch_warnings():
            if self.streamed:
                warnings.filterwarnings("ignore", message="Your input ran out of data")
            results = self.model.evaluate(self.data, verbose=0, return_dict=True)
        logs.update({f"val_{name}": float(value) for name, value in results.items()})


class EventReporter(keras.callbacks.Callback):
    """Turns batch and epoch ends into events, and honours Stop and Pause between batches.

    Stop sets the model's ``stop_training`` flag at once (``RunControl.attach``), which
    ``fit`` checks after every batch, so the batch under way is the last one. Pause is
    honoured before each batch (``on_train_batch_begin`` runs on the training loop's
    thread). Batch ends only report, so Keras may dispatch them on its callback thread
    pool (``async_safe``) and the loop never waits for the logs to be converted: that
    keeps ``fit``'s asynchronous pipelining, which a synchronous batch-end hook would
    switch off. Their events may arrive slightly out of order; each carries its own
    epoch and step.
    """

    async_safe = True

    def __init__(self, emit, control, steps: int, epochs: int, initial_epoch: int):
        super().__init__()
        self.emit, self.control = emit, control
        self.steps, self.epochs = steps, epochs
        self.epoch = initial_epoch
        self.step = 0
        self._complete: bool | None = None
        self._lock = threading.Lock()
        self._epoch_start = 0.0
        self._epoch_seconds: list[float] = []
        #: The ``Diverged`` error of the first batch whose loss was NaN or infinite.
        self.diverged = None

    @property
    def epoch_complete(self) -> bool:
        """Every batch of the epoch ran and no Stop came before the epoch's end (a stopped
        epoch is neither validated nor checkpointed). Decided once, by the first callback
        that asks at the epoch's end, so a Stop during that end does not undo the epoch."""
        if self._complete is None:
            self._complete = self.step >= self.steps and not self.stopped and not self.diverged
        return self._complete

    @property
    def stopped(self) -> bool:
        return self.control.stop_requested

    def on_train_begin(self, logs=None):
        self.control.attach(self.model)

    def on_train_end(self, logs=None):
        self.control.detach()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.step, self._complete = epoch, 0, None
        self._epoch_start = time.perf_counter()

    def on_train_batch_begin(self, batch, logs=None):
        if self.control.paused and not self.control.stop_requested:
            self.emit(events.Status("paused"))
            self.control.wait_while_paused()
            self.emit(events.Status("resumed"))
        if self.control.stop_requested:  # asked before fit began, or between two batches
            self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        logs = dict(logs or {})
        with self._lock:
            self.step = max(self.step, batch + 1)
            if self.diverged is None and not math.isfinite(logs.get("loss", 0.0)):
                self._diverge(self.epoch, batch + 1, logs)
        self.emit(events.BatchEnd(self.epoch, batch + 1, self.steps, logs))

    def _diverge(self, epoch: int, batch: int | None, logs: dict) -> None:
        """Stop at once; the epoch is not complete, so it is neither validated nor checkpointed."""
        from workbench.training.job import Diverged, check_finite

        try:
            check_finite(logs, epoch, batch)
        except Diverged as error:
            self.diverged = error
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if self.diverged is None and self._complete is None and logs:
            numbers = {k: v for k, v in logs.items() if isinstance(v, (int, float))}
            if not all(math.isfinite(v) for v in numbers.values()):
                self._diverge(epoch, None, numbers)  # caught only at the epoch's end (validation)
        if not self.epoch_complete:
            return
        seconds = time.perf_counter() - self._epoch_start
        self._epoch_seconds.append(seconds)
        mean = sum(self._epoch_seconds) / len(self._epoch_seconds)
        eta = mean * (self.epochs - epoch - 1)
        self.emit(events.EpochEnd(epoch, {k: float(v) for k, v in (logs or {}).items()}, seconds, eta))


class ResumeCheckpoint(keras.callbacks.Callback):
    """After each complete epoch: the variables (model and optimizer), the early-stopping
    counters and the history so far, copied here and written on a background thread."""

    def __init__(self, ctx, progress: EventReporter, early=None):
        super().__init__()
        self.ctx, self.progress, self.early = ctx, progress, early

    def on_epoch_end(self, epoch, logs=None):
        if not self.progress.epoch_complete:
            return
        self.ctx.record_epoch(epoch, logs or {})
        snap = snapshot(self.model, deferred=True)  # read now, made NumPy on the writer thread
        if self.early is not None:
            # EarlyStopping runs after this callback: count this epoch as it is about to.
            snap.state["early_stopping"] = self.early.state_after(epoch, logs or {})
        self.ctx.save_snapshot(epoch + 1, snap)


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """Early stopping whose patience counter and best value survive a resume."""

    def __init__(self, *args, state: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._resume_state = state

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if self._resume_state:
            self.wait = int(self._resume_state["wait"])
            best = self._resume_state.get("best")
            self.best = None if best is None else float(best)
            self.best_epoch = int(self._resume_state.get("best_epoch", 0))

    def state_after(self, epoch: int, logs: dict) -> dict:
        """``wait``/``best`` as they will be once this callback has seen ``epoch``."""
        if self.monitor_op is None:
            self._set_monitor_op()
        current = logs.get(self.monitor)
        wait, best, best_epoch = self.wait, self.best, self.best_epoch
        if current is not None:
            wait += 1
            if self._is_improvement(current, best):
                wait, best, best_epoch = 0, float(current), epoch
        return {"wait": int(wait), "best": None if best is None else float(best), "best_epoch": int(best_epoch)}


class SwitchableEarlyStopping(ResumableEarlyStopping):
    """Early stopping that steering (``training.steering``) switches on or off between
    batches; while off it neither counts epochs nor stops the run."""

    #: The patience early stopping gets when switched on without one (and none was set).
    DEFAULT_PATIENCE = 3

    def __init__(self, *args, enabled: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled = enabled

    def switch(self, on: bool, patience: int | None = None, fresh: bool = True) -> None:
        """Switched on ``fresh``, it counts from now on; re-applied on resume (``fresh``
        False) the counters are the resume point's own."""
        if patience:
            self.patience = int(patience)
        if on and not self.enabled and fresh:
            self.wait, self.best, self.best_epoch = 0, None, 0
        self.enabled = bool(on)

    def on_epoch_end(self, epoch, logs=None):
        if self.enabled:
            super().on_epoch_end(epoch, logs)

    def state_after(self, epoch: int, logs: dict) -> dict:
        if self.enabled:
            return super().state_after(epoch, logs)
        best = self.best
        return {"wait": int(self.wait), "best": None if best is None else float(best),
                "best_epoch": int(self.best_epoch)}


def early_stopping(hp: dict, has_validation: bool, state: dict | None = None):
    """Always a callback, switched off when the ``early_stopping`` patience is 0, so that
    steering can switch it on mid-run."""
    patience = hp.get("early_stopping", 0)
    return SwitchableEarlyStopping(monitor="val_loss" if has_validation else "loss",
                                   patience=patience or SwitchableEarlyStopping.DEFAULT_PATIENCE,
                                   state=state, enabled=bool(patience))


def standard_views(ctx) -> list:
    """The task-level views (decision boundary, ...) a ``fit`` run shows while it trains."""
    from workbench.views.callback import EpochViews

    if ctx.entry.task != "classification":  # a generator's outputs are not class scores
        return []
    return [EpochViews(ctx.emit, ctx.dataset)]


def record_epoch(history: dict, epoch: int, logs: dict) -> None:
    history.setdefault("epoch", []).append(epoch + 1)
    for key, value in logs.items():
        history.setdefault(key, []).append(float(value))
