"""Resume points that cost the training loop almost nothing.

At the end of each epoch the model's and the optimizer's variables are copied to
numpy (a memory copy) and a background thread writes them to disk, atomically,
then points ``state.json`` at them. Saving a whole ``.keras`` file every epoch would
cost more than a small model's epoch. To resume, the model is rebuilt from the run's
config (builders are deterministic) and the arrays are assigned back.
"""

from __future__ import annotations

import os
import queue
import threading

import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path


def snapshot(model) -> dict[str, list[np.ndarray]]:
    optimizer = getattr(model, "optimizer", None)
    return {
        "model": [np.array(v.numpy()) for v in model.weights],
        "optimizer": [np.array(v.numpy()) for v in optimizer.variables] if optimizer else [],
    }


def restore(model, path: str) -> None:
    """Assign a snapshot written by ``CheckpointWriter`` to a freshly built, compiled model."""
    with np.load(path) as arrays:
        model_arrays = [arrays[f"model_{i}"] for i in range(int(arrays["model_count"]))]
        optimizer_arrays = [arrays[f"optimizer_{i}"] for i in range(int(arrays["optimizer_count"]))]
    _assign(model.weights, model_arrays, "model", path)
    if optimizer_arrays:
        model.optimizer.build(model.trainable_variables)
        _assign(model.optimizer.variables, optimizer_arrays, "optimizer", path)


def _assign(variables, arrays, what: str, path: str) -> None:
    if len(variables) != len(arrays) or any(v.shape != a.shape for v, a in zip(variables, arrays)):
        raise WorkbenchError(f"checkpoint {path} does not fit this model's {what} variables "
                             "(was the model's code changed since the run started?)")
    for variable, array in zip(variables, arrays):
        variable.assign(array)


class CheckpointWriter:
    """Writes snapshots on a background thread; only the newest pending one is kept."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self._pending: queue.Queue = queue.Queue(maxsize=1)
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._loop, name="checkpoint-writer", daemon=True)
        self._thread.start()

    def submit(self, epochs_done: int, arrays: dict, history: dict) -> None:
        item = (epochs_done, arrays, {k: list(v) for k, v in history.items()})
        try:
            self._pending.get_nowait()  # a newer epoch supersedes one not yet written
        except queue.Empty:
            pass
        self._pending.put(item)

    def close(self) -> None:
        """Write what is pending and stop; raises if a write failed."""
        self._pending.put(None)
        self._thread.join()
        if self._error:
            raise WorkbenchError(f"could not write the resume checkpoint: {self._error}")

    def _loop(self) -> None:
        while (item := self._pending.get()) is not None:
            try:
                self._write(*item)
            except OSError as error:
                self._error = error

    def _write(self, epochs_done: int, arrays: dict, history: dict) -> None:
        path = self.run_dir.checkpoint_path(epochs_done)
        flat = {"model_count": len(arrays["model"]), "optimizer_count": len(arrays["optimizer"])}
        flat.update({f"model_{i}": a for i, a in enumerate(arrays["model"])})
        flat.update({f"optimizer_{i}": a for i, a in enumerate(arrays["optimizer"])})
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, **flat)
                handle.flush()
                os.fsync(handle.fileno())
        self.run_dir.mark_checkpoint(epochs_done, history)
        self.run_dir.write_history(history)
