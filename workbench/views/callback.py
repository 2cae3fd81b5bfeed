"""A Keras callback that emits the standard views of a ``fit`` run as it trains.

Computing a view costs a prediction over a grid on the training thread, so it runs at
most once per ``min_interval`` seconds of wall time, and always for the last epoch
(also when Stop or early stopping ends the run before the planned last one). When
training ends, a classifier's validation confusion matrix is shown once.
"""

from __future__ import annotations

import time

import keras

from workbench.views import standard


class EpochViews(keras.callbacks.Callback):
    def __init__(self, emit, dataset, min_interval: float = 2.0):
        super().__init__()
        self.emit, self.dataset, self.min_interval = emit, dataset, min_interval
        self.active = bool(standard.applicable(dataset.info))
        self._epochs_seen = 0
        self._last_time = -float("inf")
        self._last_shown = self._last_done = None

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_seen = epoch + 1
        if not self.active:
            return
        self._last_done = epoch
        last = epoch + 1 >= self.params.get("epochs", 0)
        if last or time.monotonic() - self._last_time >= self.min_interval:
            self._show(epoch)

    def on_train_end(self, logs=None):
        if self.active and self._last_done is not None and self._last_shown != self._last_done:
            self._show(self._last_done)
        if self._epochs_seen:  # once per run: a pass over the validation split
            for view in standard.final_views(self.model, self.dataset, step=self._epochs_seen):
                self.emit(view)

    def _show(self, epoch: int) -> None:
        for view in standard.standard_views(self.model, self.dataset, step=epoch + 1):
            self.emit(view)
        self._last_time, self._last_shown = time.monotonic(), epoch
