"""The layout of a run directory, so a run can be inspected, repeated and resumed.

    RUN_DIR/config.json        what was asked for (model, data, hyperparameters, seed)
    RUN_DIR/history.json       per-epoch metrics, {"epoch": [...], "loss": [...], ...}
    RUN_DIR/model.keras        the trained model (also after Stop)
    RUN_DIR/info.json          the data's metadata (classes, input shape, scaler) for prediction
    RUN_DIR/checkpoint/        the resume point: state.json names the last complete epoch's
                               snapshot (networks, optimizers, trainer state) and keeps the
                               one before as a fallback, see training/checkpoints.py
    RUN_DIR/NAME.keras         each further network of a trainer that has several
"""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError
from workbench.runs import damage
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
        return damage.read_config(self.config)  # a damaged file is a sentence naming it

    def read_state(self) -> dict | None:
        """The resume point, or None when no epoch has completed yet; a damaged
        ``state.json`` gives a sentence (``training.checkpoints.resume_point`` falls back
        to the checkpoint files themselves)."""
        if not os.path.isfile(self.state):
            return None
        try:
            state = read_json(self.state)
        except (OSError, ValueError) as error:
            raise WorkbenchError(f"{self.state} is damaged ({type(error).__name__})") from None
        if (not isinstance(state, dict) or not isinstance(state.get("epochs_done"), int)
                or not isinstance(state.get("checkpoint"), str) or not isinstance(state.get("history", {}), dict)):
            raise WorkbenchError(f"{self.state} is damaged (not a resume state)")
        return state

    def checkpoint_files(self) -> list[tuple[int, str]]:
        """(epochs done, path) of every checkpoint file on disk, newest first."""
        if not os.path.isdir(self.checkpoint_dir):
            return []
        found = []
        for name in os.listdir(self.checkpoint_dir):
            stem, ext = os.path.splitext(name)
            if ext == ".npz" and stem.startswith("epoch-") and stem[6:].isdigit():
                found.append((int(stem[6:]), os.path.join(self.checkpoint_dir, name)))
        return sorted(found, reverse=True)

    def read_history(self) -> dict:
        return damage.read_history(self.history) if os.path.isfile(self.history) else {}

    def read_info(self) -> dict:
        """The data's metadata (class names, input shape, scaler); {} when absent."""
        return damage.read_info(self.info) if os.path.lexists(self.info) else {}

    def write_history(self, history: dict) -> None:
        write_json(self.history, history)

    def checkpoint_path(self, epochs_done: int) -> str:
        return os.path.join(self.checkpoint_dir, f"epoch-{epochs_done:05d}.npz")

    def mark_checkpoint(self, epochs_done: int, history: dict) -> None:
        """Point the resume state at a checkpoint written before; keep the one before it
        (a fallback should the newest be damaged) and drop older ones.

        The checkpoint file is complete before state.json names it, so a kill at any
        moment leaves a state that names a whole file.
        """
        current = os.path.basename(self.checkpoint_path(epochs_done))
        try:
            previous = self.read_state()
        except WorkbenchError:
            previous = None
        keep = {current}
        state = {"epochs_done": epochs_done, "checkpoint": current, "history": history}
        if previous and previous["checkpoint"] != current and previous["epochs_done"] < epochs_done:
            keep.add(previous["checkpoint"])
            state["previous"] = {"epochs_done": previous["epochs_done"],
                                 "checkpoint": previous["checkpoint"]}
        write_json(self.state, state)
        for _done, path in self.checkpoint_files():
            if os.path.basename(path) not in keep:
                os.unlink(path)


def repeat_config(run_path: str) -> dict:
    """The configuration that repeats the run at ``run_path`` exactly (its seed, data,
    hyperparameters and recorded steering changes), into a new directory beside it:
    ``NAME-repeat``, ``NAME-repeat2``, ... the first that does not exist (nothing is
    overwritten)."""
    config = dict(RunDir(run_path).read_config())
    base = f"{os.path.abspath(run_path).rstrip(os.sep)}-repeat"
    out, index = base, 1
    while os.path.exists(out):
        index += 1
        out = f"{base}{index}"
    config["out"] = out
    return config
