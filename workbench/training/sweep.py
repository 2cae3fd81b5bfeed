"""A comparison run: the same model, data, seed and epochs, one run per value of one
hyperparameter (the notes' "compare SGD, Momentum, AdaGrad, RMSProp and Adam on the
same network": same initial weights, only the update rule changes).

Runs go one after another into ``OUT/<key>-<value>/`` and share one loaded data set.
Every event of a run is tagged before it reaches ``emit``: ``event.sweep`` is
``(key, value)``, so a plot that receives the events of all runs can tell them apart
while the event types stay the ones every sink already understands. ``OUT/sweep.json``
names the runs and their final metrics once the sweep ends.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time

from workbench import catalog
from workbench.catalog.registry import HParam
from workbench.errors import WorkbenchError
from workbench.runs.atomic import write_json
from workbench.training import events
from workbench.training.config import TrainConfig
from workbench.training.control import RunControl
from workbench.training.job import TrainResult, load_dataset, run_training

SUMMARY_FILE = "sweep.json"


#: Settings of the run itself (``TrainConfig`` fields) that a sweep or search may vary like a
#: hyperparameter: the notes compare batch sizes as they compare learning rates.
CONFIG_KEYS = {"batch_size": HParam("batch_size", int, 32, "Samples per batch", low=1, high=65536),
               "epochs": HParam("epochs", int, 5, "Passes over the training set", low=1, high=100000)}


def key_spec(model: str, key: str) -> HParam:
    """The ``HParam`` that parses values of ``key``: a ``CONFIG_KEYS`` setting or the entry's own."""
    return CONFIG_KEYS.get(key) or catalog.get(model).hparam(key)  # unknown -> a sentence


def sweep_values(config: TrainConfig, key: str, values) -> list:
    """``values`` parsed by the hyperparameter ``key`` of ``config.model`` (range and choices checked)."""
    spec = key_spec(config.model, key)
    parsed = [spec.parse(v.strip() if isinstance(v, str) else v) for v in values]
    if len(parsed) < 1:
        raise WorkbenchError(f"a sweep over {key} needs at least one value")
    if len(set(map(str, parsed))) != len(parsed):
        raise WorkbenchError(f"the values of {key} repeat: {', '.join(map(str, parsed))}")
    return parsed


def run_name(key: str, value) -> str:
    """The sub-folder of one run: ``optimizer-adam``, ``learning_rate-0.01``."""
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", f"{key}-{value}")


def tagged(emit: events.Emit, key: str, value) -> events.Emit:
    """``emit`` that marks each event with ``sweep = (key, value)`` before passing it on."""
    def emit_tagged(event) -> None:
        try:
            event.sweep = (key, value)
        except AttributeError:  # an event type with __slots__: pass it on untagged
            pass
        emit(event)

    return emit_tagged


def sweep(config: TrainConfig, key: str, values, emit: events.Emit = events.ignore,
          control: RunControl | None = None, dataset=None) -> list[TrainResult]:
    """Train ``config`` once per value of hyperparameter ``key``; returns the runs' results.

    Stop ends the current run (its model and resume point are kept, as in any run)
    and skips the remaining values. ``dataset`` skips loading when already loaded.
    """
    config.validate()
    parsed = sweep_values(config, key, values)
    root = config.out or _default_root(config, key)
    trials = [Trial({key: value}, run_name(key, value), (key, value), f"sweep {index}/{len(parsed)}: {key}={value}")
              for index, value in enumerate(parsed, start=1)]
    results = run_trials(config, trials, root, emit, control, dataset)
    write_json(os.path.join(root, SUMMARY_FILE), summary(config, key, parsed, results))
    _record_comparison(root, comparison_views(key, parsed, results), emit)
    return results


@dataclasses.dataclass(frozen=True)
class Trial:
    """One run of a sweep or search: its settings, sub-folder, event tag and status line."""

    settings: dict  # hyperparameters and CONFIG_KEYS settings, already parsed
    folder: str
    tag: tuple  # event.sweep of its events: (key, value)
    status: str


def run_trials(config: TrainConfig, trials: list[Trial], root: str, emit: events.Emit = events.ignore,
               control: RunControl | None = None, dataset=None, after_each=None) -> list[TrainResult]:
    """Train ``config`` once per trial, one after another, into ``root/<trial.folder>``.

    Every run starts from the same seeded initial weights and shares one loaded data set. Stop
    ends the current run (kept, as any stopped run) and skips the rest. ``after_each(results)``
    is called after every run (a search rewrites its table there).
    """
    control = control or RunControl()
    dataset = dataset or load_dataset(config)
    results: list[TrainResult] = []
    for trial in trials:
        if control.stop_requested:
            break
        fields = {k: v for k, v in trial.settings.items() if k in CONFIG_KEYS}
        hparams = {k: v for k, v in trial.settings.items() if k not in CONFIG_KEYS}
        run_config = dataclasses.replace(config, **fields, hparams={**config.hparams, **hparams},
                                         out=os.path.join(root, trial.folder))
        emit_run = tagged(emit, *trial.tag)
        emit_run(events.Status(trial.status))
        _seed_initial_weights(config.seed)
        results.append(run_training(run_config, emit_run, control, dataset=dataset))
        if after_each is not None:
            after_each(results)
    return results


def comparison_views(key: str, values: list, results: list[TrainResult]) -> list[events.View]:
    """One curve set per validation metric (the training ones when there was no validation):
    each value's metric per epoch, so the runs can be compared on one plot."""
    from workbench.views.types import Curves

    keys = [k for r in results for k in r.history if k != "epoch"]
    metrics = list(dict.fromkeys(k for k in keys if k.startswith("val_"))) or list(dict.fromkeys(keys))
    views = []
    for metric in metrics:
        series = {f"{key}={value}": (r.history["epoch"], r.history[metric])
                  for value, r in zip(values, results) if r.history.get(metric)}
        if series:
            name = "comparison_" + re.sub(r"[^a-z0-9_.-]", "_", metric.lower())
            views.append(events.View(name, Curves(series, "epoch", metric), f"{metric} by {key}",
                                     max(len(x) for x, _ in series.values())))
    return views


def _record_comparison(root: str, views: list, emit: events.Emit) -> None:
    """Into ``root/views/`` (the runs' own views are in their folders), and to ``emit``."""
    from workbench.views.store import ViewRecorder

    recorder = ViewRecorder(root, emit)
    try:
        for view in views:
            recorder(view)
    finally:
        recorder.close()


def _seed_initial_weights(seed: int) -> None:
    """Seed before the model is built: ``run_training`` seeds only ``fit`` (shuffling,
    dropout), after building, so without this the runs of one process would start from
    different weights and the comparison would measure the initialisation too."""
    import keras

    keras.utils.set_random_seed(seed)


def summary(config: TrainConfig, key: str, values: list, results: list[TrainResult]) -> dict:
    """What ``sweep.json`` holds: the swept key, and per value its run and final metrics."""
    runs = []
    for value, result in zip(values, results):
        final = {k: v[-1] for k, v in result.history.items() if k != "epoch" and v}
        runs.append({"value": value, "run_dir": result.run_dir, "stopped": result.stopped,
                     "epochs_done": len(result.history.get("epoch", [])), "final": final})
    return {"model": config.model, "data": config.data, "key": key, "values": values,
            "seed": config.seed, "epochs": config.epochs, "runs": runs}


def _default_root(config: TrainConfig, key: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    from workbench.runs.history import default_runs_root

    return os.path.join(default_runs_root(), f"{stamp}-{config.model}-sweep-{key}")
