"""The Keras callbacks that connect ``fit`` to the workbench: validation that a Stop
can skip, events, pause/stop flags, and the resume checkpoint."""

from __future__ import annotations

import threading
import time

import keras

from workbench.training.checkpoints import snapshot
from workbench.training import events


class EpochValidation(keras.callbacks.Callback):
    """Validation at the end of each *complete* epoch.

    ``fit(validation_data=...)`` would still run a full validation pass after a Stop;
    doing it here lets a Stop end the run within one batch. It must come first in the
    callback list so that later callbacks (events, early stopping) see ``val_*``.
    """

    def __init__(self, x_val, y_val, batch_size: int, progress: "EventReporter"):
        super().__init__()
        import tensorflow as tf

        # Batched once, as fit does for its own validation data, not converted every epoch.
        self.data = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size).cache()
        self.progress = progress

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or not self.progress.epoch_complete:
            return
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

    @property
    def epoch_complete(self) -> bool:
        """Every batch of the epoch ran and no Stop came before the epoch's end (a stopped
        epoch is neither validated nor checkpointed). Decided once, by the first callback
        that asks at the epoch's end, so a Stop during that end does not undo the epoch."""
        if self._complete is None:
            self._complete = self.step >= self.steps and not self.stopped
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
        with self._lock:
            self.step = max(self.step, batch + 1)
        self.emit(events.BatchEnd(self.epoch, batch + 1, self.steps, dict(logs or {})))

    def on_epoch_end(self, epoch, logs=None):
        if not self.epoch_complete:
            return
        seconds = time.perf_counter() - self._epoch_start
        self._epoch_seconds.append(seconds)
        mean = sum(self._epoch_seconds) / len(self._epoch_seconds)
        eta = mean * (self.epochs - epoch - 1)
        self.emit(events.EpochEnd(epoch, {k: float(v) for k, v in (logs or {}).items()}, seconds, eta))


class ResumeCheckpoint(keras.callbacks.Callback):
    """After each complete epoch: the variables (model and optimizer) and the history so far,
    copied here and written to disk on a background thread."""

    def __init__(self, writer, progress: EventReporter, history: dict):
        super().__init__()
        self.writer, self.progress, self.history = writer, progress, history

    def on_epoch_end(self, epoch, logs=None):
        if not self.progress.epoch_complete:
            return
        record_epoch(self.history, epoch, logs or {})
        self.writer.submit(epoch + 1, snapshot(self.model), self.history)


def record_epoch(history: dict, epoch: int, logs: dict) -> None:
    history.setdefault("epoch", []).append(epoch + 1)
    for key, value in logs.items():
        history.setdefault(key, []).append(float(value))
