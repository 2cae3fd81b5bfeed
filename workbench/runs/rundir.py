"""The layout of a run directory, so a run can be inspected, repeated and resumed.

    RUN_DIR/config.json        what was asked for (model, data, hyperparameters, seed)
    RUN_DIR/history.json       per-epoch metrics, {"epoch": [...], "loss": [...], ...}
    RUN_DIR/model.keras        the trained model (also after Stop)
    RUN_DIR/info.json          the data's metadata (classes, input shape, scaler) for prediction
    RUN_DIR/checkpoint/        the resume point: state.json names the last complete epoch's
                               variables (model and optimizer), see training/checkpoints.py
"""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError
from workbench.runs.atomic import read_json, write_json


class RunDir:
    def __init__(self, path: str):
        self.path = os.path.abspath(path)

    config = property(lambda self: os.path.join(self.path, "config.json"))
    history = property(lambda self: os.path.join(self.path, "history.json"))
    model = property(lambda self: os.path.join(self.path, "model.keras"))
    info = property(lambda self: os.path.join(self.path, "info.json"))
    checkpoint_dir = property(lambda self: os.path.join(self.path, "checkpoint"))
    state = property(lambda self: os.path.join(self.path, "checkpoint", "state.json"))

    def create(self) -> "RunDir":
        try:
            os.makedirs(self.checkpoint_dir, exist_ok=True)
        except OSError as error:
            raise WorkbenchError(f"cannot create run directory {self.path}: {error.strerror}") from None
        return self

    def read_config(self) -> dict:
        if not os.path.isfile(self.config):
            raise WorkbenchError(f"{self.path} is not a run directory (no config.json)")
        return read_json(self.config)

    def read_state(self) -> dict | None:
        """The resume point, or None when no epoch has completed yet."""
        if not os.path.isfile(self.state):
            return None
        return read_json(self.state)

    def read_history(self) -> dict:
        return read_json(self.history) if os.path.isfile(self.history) else {}

    def write_history(self, history: dict) -> None:
        write_json(self.history, history)

    def checkpoint_path(self, epochs_done: int) -> str:
        return os.path.join(self.checkpoint_dir, f"epoch-{epochs_done:05d}.npz")

    def mark_checkpoint(self, epochs_done: int, history: dict) -> None:
        """Point the resume state at a checkpoint written before, then drop older ones.

        The model file is complete before state.json names it, so a kill at any moment
        leaves a state that names a whole file.
        """
        current = self.checkpoint_path(epochs_done)
        write_json(self.state, {"epochs_done": epochs_done, "checkpoint": os.path.basename(current),
                                "history": history})
        for name in os.listdir(self.checkpoint_dir):
            if name.endswith(".npz") and name != os.path.basename(current):
                os.unlink(os.path.join(self.checkpoint_dir, name))
