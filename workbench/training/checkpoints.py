"""Resume points that cost the training loop almost nothing, and resume exactly.

A resume point is a ``Snapshot`` of everything a trainer needs to continue as if it had
never stopped: every named network's variables (weights *and* the states of its
dropout/noise seed generators), each network's optimizer variables (moments and the
iteration counter), and the trainer's own arrays (replay buffers, ...) and JSON state
(counters, NumPy generator states). At the end of each epoch the variables are copied to
TensorFlow tensors (one read per variable: TensorFlow copies a buffer that is still read
before it updates it in place, so later training steps do not change them) and a
background thread turns them into NumPy arrays and writes them to one ``.npz`` file,
atomically, then points ``state.json`` at it. The previous resume point is kept until the
next one is complete, so a damaged newest file still leaves one to fall back on.

To resume, the networks are rebuilt from the run's config (builders are deterministic)
and the arrays are assigned back; data order and exploration are functions of
(seed, epoch, step), so the continuation draws what the uninterrupted run drew.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import zipfile
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path

#: The network of a plain ``fit`` run (also saved as ``model.keras``).
MAIN = "model"


@dataclass
class Snapshot:
    """Everything a trainer resumes from, as NumPy arrays and JSON values."""

    networks: dict[str, list[np.ndarray]] = field(default_factory=dict)
    optimizers: dict[str, list[np.ndarray]] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    state: dict = field(default_factory=dict)


def network_variables(model) -> list:
    """The variables that define a network's behaviour: its weights and its seed
    generators' states (``model.variables`` minus metric accumulators, which every
    epoch resets). Without the seed states a resumed run's dropout would draw
    different masks from the uninterrupted one's."""
    metric_ids = {id(v) for metric in getattr(model, "metrics", []) for v in metric.variables}
    return [v for v in model.variables if id(v) not in metric_ids]


def take_snapshot(networks: dict, optimizers: dict | None = None, arrays: dict | None = None,
                  state: dict | None = None, deferred: bool = False) -> Snapshot:
    """Copy the variables of ``networks`` ({name: keras.Model}) and ``optimizers``
    ({name: optimizer}, by default each network's compiled optimizer). ``deferred``: the
    variables as tensors read now, made NumPy arrays later (``materialized``, on the
    checkpoint writer's thread), which keeps the training thread's share to one read each."""
    optimizers = _optimizers_of(networks) if optimizers is None else optimizers
    optimizers = {name: _optimizer(entry) for name, entry in optimizers.items()}
    copy = _read if deferred else (lambda v: np.array(v.numpy()))
    return Snapshot(
        networks={name: [copy(v) for v in network_variables(model)]
                  for name, model in networks.items()},
        optimizers={name: [copy(v) for v in opt.variables]
                    for name, opt in optimizers.items() if opt is not None},
        arrays={k: np.array(v) for k, v in (arrays or {}).items()},
        state=json.loads(json.dumps(state or {}, default=_plain)),  # a copy, checked JSON-able now
    )


def snapshot(model, deferred: bool = False) -> Snapshot:
    """The snapshot of a plain ``fit`` run: one network and its compiled optimizer."""
    return take_snapshot({MAIN: model}, deferred=deferred)


def _read(variable):
    """The variable's value now, as a tensor that later updates leave alone (TensorFlow
    copies a buffer still referenced before an in-place update); NumPy where the
    variable is no plain TensorFlow variable (a distributed one)."""
    import tensorflow as tf

    inner = getattr(variable, "value", variable)
    if isinstance(inner, tf.Variable) and not isinstance(inner, tf.distribute.DistributedValues):
        return inner.read_value()
    return np.array(variable.numpy())


def materialized(snap: Snapshot) -> Snapshot:
    """``snap`` with every value a NumPy array (a deferred snapshot's tensors converted)."""
    def arrays(values):
        return [np.asarray(v) for v in values]

    return Snapshot({k: arrays(v) for k, v in snap.networks.items()},
                    {k: arrays(v) for k, v in snap.optimizers.items()}, snap.arrays, snap.state)


def apply_snapshot(snap: Snapshot, networks: dict, optimizers: dict | None = None,
                   where: str = "the checkpoint") -> None:
    """Assign ``snap`` to freshly built networks and their optimizers."""
    optimizers = _optimizers_of(networks) if optimizers is None else optimizers
    missing = sorted(set(networks) - set(snap.networks))
    if missing:
        raise WorkbenchError(f"{where} holds no variables for the network(s) {', '.join(missing)} "
                             "(was the model's code changed since the run started?)")
    for name, model in networks.items():
        _assign(network_variables(model), snap.networks[name], f"{name} network", where)
    for name, entry in optimizers.items():
        arrays = snap.optimizers.get(name)
        optimizer = _optimizer(entry)
        if optimizer is None or not arrays:
            continue
        if not optimizer.built:  # an optimizer creates its slots for the variables it will update
            variables = entry[1] if isinstance(entry, tuple) else networks[name].trainable_variables
            optimizer.build(variables)
        _assign(optimizer.variables, arrays, f"{name} optimizer", where)


def restore(model, path: str) -> Snapshot:
    """Assign a plain ``fit`` run's resume point to a freshly built, compiled model."""
    snap = read_snapshot(path)
    apply_snapshot(snap, {MAIN: model}, where=path)
    return snap


def _optimizers_of(networks: dict) -> dict:
    """Each network's compiled optimizer; a model with several (a GAN's generator and
    discriminator optimizers) lists them in ``checkpoint_optimizers()`` as
    ``{name: (optimizer, the variables it updates)}``."""
    found = {}
    for name, model in networks.items():
        own = getattr(model, "checkpoint_optimizers", None)
        if callable(own):
            found.update({f"{name}.{key}": value for key, value in own().items()})
        else:
            found[name] = getattr(model, "optimizer", None)
    return found


def _optimizer(entry):
    """An optimizer given alone or as ``(optimizer, variables)``."""
    return entry[0] if isinstance(entry, tuple) else entry


def _assign(variables, arrays, what: str, where: str) -> None:
    if len(variables) != len(arrays) or any(tuple(v.shape) != a.shape for v, a in zip(variables, arrays)):
        raise WorkbenchError(f"{where} does not fit this run's {what} variables "
                             "(was the model's code changed since the run started?)")
    for variable, array in zip(variables, arrays):
        variable.assign(array)


# -- the file format ------------------------------------------------------------------------
# One .npz: "net:NAME:I", "opt:NAME:I", "arr:KEY" arrays and "__meta__", a JSON string
# holding the names, the counts and the trainer's JSON state.

def write_snapshot(path: str, snap: Snapshot) -> None:
    meta = {"format": 2,
            "networks": {name: len(v) for name, v in snap.networks.items()},
            "optimizers": {name: len(v) for name, v in snap.optimizers.items()},
            "arrays": sorted(snap.arrays), "state": snap.state}
    flat = {"__meta__": np.array(json.dumps(meta, default=_plain))}
    for name, values in snap.networks.items():
        flat.update({f"net:{name}:{i}": a for i, a in enumerate(values)})
    for name, values in snap.optimizers.items():
        flat.update({f"opt:{name}:{i}": a for i, a in enumerate(values)})
    flat.update({f"arr:{key}": a for key, a in snap.arrays.items()})
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            np.savez(handle, **flat)
            handle.flush()
            os.fsync(handle.fileno())


def read_snapshot(path: str) -> Snapshot:
    """The snapshot in ``path``; a damaged file gives a sentence that names it."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if "__meta__" not in data.files:
                return _read_format_1(data, path)
            meta = json.loads(str(data["__meta__"]))
            return Snapshot(
                networks={n: [data[f"net:{n}:{i}"] for i in range(int(c))] for n, c in meta["networks"].items()},
                optimizers={n: [data[f"opt:{n}:{i}"] for i in range(int(c))]
                            for n, c in meta["optimizers"].items()},
                arrays={k: data[f"arr:{k}"] for k in meta["arrays"]},
                state=dict(meta.get("state") or {}),
            )
    except FileNotFoundError:
        raise WorkbenchError(f"the resume checkpoint {path} is missing") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError,
            zipfile.BadZipFile, json.JSONDecodeError) as error:
        raise WorkbenchError(f"the resume checkpoint {path} is damaged ({_reason(error)})") from None


def _read_format_1(data, path: str) -> Snapshot:
    """Checkpoints written before several networks existed: ``model_I`` and ``optimizer_I``."""
    model = [data[f"model_{i}"] for i in range(int(data["model_count"]))]
    optimizer = [data[f"optimizer_{i}"] for i in range(int(data["optimizer_count"]))]
    return Snapshot(networks={MAIN: model}, optimizers={MAIN: optimizer} if optimizer else {})


def _reason(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return f"entry {error.args[0]!r} is missing"
    if isinstance(error, (zipfile.BadZipFile, EOFError)):
        return "not a complete .npz archive"
    text = str(error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class CheckpointWriter:
    """Writes snapshots on a background thread; only the newest pending one is kept."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self._pending: queue.Queue = queue.Queue(maxsize=1)
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._loop, name="checkpoint-writer", daemon=True)
        self._thread.start()

    def submit(self, epochs_done: int, snap: Snapshot, history: dict) -> None:
        item = (epochs_done, snap, {k: list(v) for k, v in history.items()})
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
            except (OSError, WorkbenchError) as error:
                self._error = error

    def _write(self, epochs_done: int, snap: Snapshot, history: dict) -> None:
        write_snapshot(self.run_dir.checkpoint_path(epochs_done), materialized(snap))
        self.run_dir.mark_checkpoint(epochs_done, history)
        self.run_dir.write_history(history)


@dataclass
class ResumePoint:
    """Where a resumed run continues: after ``epochs_done`` epochs, from ``snapshot``."""

    epochs_done: int
    path: str
    snapshot: Snapshot
    history: dict
    #: What had to be fallen back from (a damaged newest checkpoint), for the user.
    notes: list[str] = field(default_factory=list)


def resume_point(run_dir) -> ResumePoint | None:
    """The newest usable resume point of ``run_dir``; None when no epoch was completed.

    A damaged newest checkpoint falls back to the previous one (kept for that), and a
    damaged ``state.json`` to the checkpoint files themselves with ``history.json``; each
    fallback is said in ``notes``. Nothing usable at all is a sentence naming the files.
    """
    notes: list[str] = []
    try:
        state = run_dir.read_state()
        candidates = _candidates_from_state(run_dir, state) if state else []
    except WorkbenchError as error:
        notes.append(f"{error}; looking for the checkpoint files themselves")
        candidates = _candidates_from_files(run_dir)
    if not candidates:
        if notes:
            raise WorkbenchError(f"{notes[0]}, but there are none: start the run again "
                                 f"(train ... --out {run_dir.path} --force)")
        return None
    for done, path, history in candidates:
        try:
            snap = read_snapshot(path)
        except WorkbenchError as error:
            notes.append(str(error))
            continue
        if notes:
            notes.append(f"resuming from the previous checkpoint instead, after epoch {done}")
        return ResumePoint(done, path, snap, history, notes)
    raise WorkbenchError(f"{'; '.join(notes)}; no usable resume point is left: start the run again "
                         f"(train ... --out {run_dir.path} --force)")


def _candidates_from_state(run_dir, state: dict) -> list[tuple[int, str, dict]]:
    history = state.get("history") or {}
    found = [(state["epochs_done"], os.path.join(run_dir.checkpoint_dir, state["checkpoint"]), history)]
    previous = state.get("previous")
    if isinstance(previous, dict) and isinstance(previous.get("checkpoint"), str):
        done = int(previous.get("epochs_done", 0))
        found.append((done, os.path.join(run_dir.checkpoint_dir, previous["checkpoint"]),
                      truncate_history(history, done)))
    return found


def _candidates_from_files(run_dir) -> list[tuple[int, str, dict]]:
    try:
        history = run_dir.read_history()
    except (WorkbenchError, OSError, ValueError):
        history = {}
    return [(done, path, truncate_history(history, done)) for done, path in run_dir.checkpoint_files()]


def truncate_history(history: dict, epochs_done: int) -> dict:
    """The history as it was after ``epochs_done`` epochs."""
    epochs = list(history.get("epoch", []))
    keep = epochs.index(epochs_done) + 1 if epochs_done in epochs else min(epochs_done, len(epochs))
    return {key: list(values)[:keep] for key, values in history.items() if isinstance(values, list)}
