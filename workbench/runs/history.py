"""The run history: every run directory under the runs root, read back for comparison.

The GUI's Runs tab and ``keras-workbench runs`` list them; a comparison run
(``workbench.training.sweep``) keeps its runs one folder deeper, which is read too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.runs.meta import RunMeta, read_meta_lenient

#: Top-level config fields that tell runs of one model apart besides the hyperparameters.
RUN_SETTINGS = ("batch_size", "seed", "val_split", "data_options")


def default_runs_root() -> str:
    """Where runs go unless told: ``$KERAS_WORKBENCH_RUNS``, else the user's data directory
    of this platform (platformdirs): ``~/.local/share/keras-workbench/runs`` on Linux,
    ``~/Library/Application Support/keras-workbench/runs`` on macOS, ``%LOCALAPPDATA%`` on
    Windows. The window and the command line share it, so each lists the other's runs."""
    import platformdirs

    return os.environ.get("KERAS_WORKBENCH_RUNS") or os.path.join(
        platformdirs.user_data_dir("keras-workbench", appauthor=False), "runs")


@dataclass
class RunRecord:
    """What the table and the plot need from one run directory."""

    path: str
    model: str
    data: str
    config: dict
    history: dict
    epochs_planned: int
    modified: float
    sweep: str = ""  # the sweep folder's name when the run is part of a comparison run
    differs: dict = field(default_factory=dict)
    #: Why the run cannot be used (a sentence naming the damaged file); "" for a good run.
    damaged: str = ""
    #: Its name, tags and note (``workbench.runs.meta``; empty without a ``meta.json``).
    meta: RunMeta = field(default_factory=RunMeta)

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def title(self) -> str:
        """The name the user gave it, else its folder's name."""
        return self.meta.name or self.name

    @property
    def tags(self) -> list[str]:
        return self.meta.tags

    @property
    def epochs_done(self) -> int:
        return len(self.history.get("epoch", []))

    @property
    def final(self) -> dict:
        return {k: v[-1] for k, v in self.history.items() if k != "epoch" and v}

    @property
    def differs_text(self) -> str:
        return ", ".join(f"{k}={short_value(v)}" for k, v in self.differs.items())

    def curve(self, metric: str) -> tuple[list, list]:
        ys = self.history.get(metric) or []
        xs = self.history.get("epoch") or list(range(1, len(ys) + 1))
        return list(xs[:len(ys)]), list(ys)


def read_run(path: str, sweep: str = "") -> RunRecord:
    """The run in ``path``; a damaged one (unreadable config.json or history.json) is a
    record with ``damaged`` set to the sentence that names the file, so one bad run
    never hides the others."""
    from workbench.runs.damage import read_config, read_history

    path = os.path.abspath(path)
    config_path, history_path = os.path.join(path, "config.json"), os.path.join(path, "history.json")
    modified = max((os.path.getmtime(p) for p in (config_path, history_path) if os.path.exists(p)),
                   default=0.0)
    record = RunRecord(path=path, model="?", data="?", config={}, history={}, epochs_planned=0,
                       modified=modified, sweep=sweep, meta=read_meta_lenient(path))
    try:
        config = read_config(config_path)
    except WorkbenchError as error:
        record.damaged = str(error)
        return record
    record.config, record.model = config, config["model"]
    record.data = os.path.basename(str(config.get("data", "?")))
    record.epochs_planned = int(config.get("epochs", 0) or 0)
    try:
        record.history = read_history(history_path) if os.path.lexists(history_path) else {}
    except WorkbenchError as error:  # the settings are still worth showing
        record.damaged = str(error)
    return record


def scan_runs(roots) -> list[RunRecord]:
    """Every run directly under each root, and the runs one level below (comparison runs
    keep theirs in one folder per sweep), newest first, each listed once."""
    found: dict[str, RunRecord] = {}
    for root in roots:
        if not os.path.isdir(root):
            continue
        for name in _entries(root):
            path = os.path.join(root, name)
            if os.path.isfile(os.path.join(path, "config.json")):
                record = read_run(path)
                found.setdefault(record.path, record)
            elif os.path.isdir(path):
                for child in _entries(path):
                    inner = os.path.join(path, child)
                    if os.path.isfile(os.path.join(inner, "config.json")):
                        record = read_run(inner, sweep=name)
                        found.setdefault(record.path, record)
    runs = sorted(found.values(), key=lambda r: (r.modified, r.path), reverse=True)
    mark_differences(runs)
    return runs


def runs_with_entries(roots, need_model: bool = False) -> list[tuple[RunRecord, object]]:
    """``(record, catalog entry)`` of every undamaged run under ``roots`` (newest first) whose
    entry this version knows; with ``need_model``, only runs that saved a ``model.keras``.
    The Play, Board and Text tabs pick their runs from these by the entry's hooks."""
    from workbench import catalog

    found = []
    for record in scan_runs([root for root in roots if root]):
        if record.damaged or (need_model and not os.path.isfile(os.path.join(record.path, "model.keras"))):
            continue
        try:
            found.append((record, catalog.get(record.model)))
        except WorkbenchError:  # an entry this version does not know
            continue
    return found


def _entries(folder: str) -> list[str]:
    """A folder's names, sorted; none when it cannot be read (another user's folder)."""
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def mark_differences(runs: list[RunRecord]) -> None:
    """Set each run's ``differs``: the settings that vary among the runs of its model,
    plus the hyperparameters it sets away from the catalog's defaults."""
    from workbench import catalog

    by_model: dict[str, list[RunRecord]] = {}
    for run in runs:
        if not run.damaged:  # a damaged run has no settings to compare
            by_model.setdefault(run.model, []).append(run)
    for model, group in by_model.items():
        try:
            defaults = catalog.get(model).resolve()
        except WorkbenchError:
            defaults = {}
        settings = [_settings(run) for run in group]
        varying = {key for key in set().union(*settings)
                   if len({json.dumps(s.get(key), sort_keys=True) for s in settings}) > 1}
        for run, values in zip(group, settings):
            run.differs = {key: value for key, value in values.items()
                           if key in varying or (key in defaults and defaults[key] != value)}


def _settings(run: RunRecord) -> dict:
    values = dict(run.config.get("hparams") or {})
    values.update({key: run.config.get(key) for key in RUN_SETTINGS if key in run.config})
    return values


def short_value(value) -> str:
    """A setting's value as the table and the legend show it."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True) if value else "{}"
    return str(value)


#: A legend label longer than this squeezes the plot beside it: the folder name is used instead.
LEGEND_CHARS = 40


def curve_labels(runs: list[RunRecord]) -> list[str]:
    """Legend labels: the name the user gave, else what tells the runs apart (``optimizer=sgd``)
    when that is short, else the folder name."""
    models = {run.model for run in runs}
    labels = []
    for run in runs:
        differs = run.differs_text if len(run.differs_text) <= LEGEND_CHARS else ""
        label = run.meta.name or differs or run.name
        labels.append(f"{run.model} · {label}" if len(models) > 1 else label)
    counts = {label: labels.count(label) for label in labels}
    return [f"{label} ({run.name})" if counts[label] > 1 else label for label, run in zip(labels, runs)]
