"""Grid and random hyperparameter search, built on the comparison run (``sweep.run_trials``).

A search space names several keys (any hyperparameter of the entry, or ``batch_size``):

- grid: ``learning_rate=0.1,0.01`` and ``batch_size=32,64`` -> every combination, in the order
  ``itertools.product`` gives them (the first key varies slowest, the last fastest);
- random: ``learning_rate=log:1e-4:1e-1`` (log-uniform: uniform in log10), ``dropout=0.0:0.5``
  (uniform), ``optimizer=sgd,adam`` (one of the values, equally likely) -> N draws from a
  ``numpy`` generator seeded with the search seed, so the same seed gives the same trials
  (Bergstra & Bengio, Random search for hyper-parameter optimization, JMLR 2012).

Each trial is a normal run directory ``OUT/NNN-key-value_...``; after every trial the table of
results, best first by the chosen metric, is rewritten atomically as ``OUT/search.json`` and
``OUT/search.csv``, so a stopped search keeps the table of the trials it finished.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import time
from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path, write_json
from workbench.training import events
from workbench.training.config import TrainConfig
from workbench.training.control import RunControl
from workbench.training.sweep import Trial, key_spec, run_name, run_trials, sweep_values

SUMMARY_FILE = "search.json"
TABLE_FILE = "search.csv"
MODES = ("grid", "random")


@dataclass(frozen=True)
class Dimension:
    """How one key of a random search is drawn: from ``values``, or between ``low`` and ``high``."""

    key: str
    values: tuple = ()
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    integer: bool = False

    def draw(self, rng: np.random.Generator):
        if self.values:
            return self.values[int(rng.integers(len(self.values)))]
        if self.log:  # uniform in log space: 1e-4..1e-3 as likely as 1e-2..1e-1
            value = 10 ** rng.uniform(math.log10(self.low), math.log10(self.high))
        else:
            value = rng.uniform(self.low, self.high)
        if self.integer:
            return int(min(max(round(value), math.ceil(self.low)), math.floor(self.high)))
        return float(value)


def split_assignment(text: str) -> tuple[str, str]:
    """``"lr=0.1,0.01"`` -> ``("lr", "0.1,0.01")``."""
    key, sep, rest = text.partition("=")
    if not sep or not key.strip() or not rest.strip():
        raise WorkbenchError(f"a search key is written key=values, e.g. learning_rate=0.1,0.01; got {text!r}")
    return key.strip(), rest.strip()


def parse_grid(model: str, specs: list[str]) -> dict[str, list]:
    """``["learning_rate=0.1,0.01", "batch_size=32,64"]`` -> ``{key: [parsed values]}``, in order."""
    space: dict[str, list] = {}
    for text in specs:
        key, rest = split_assignment(text)
        if key in space:
            raise WorkbenchError(f"{key} is named twice in the search space")
        # values that hold commas themselves (hidden_units=150,75) are separated by ";"
        values = rest.split(";") if ";" in rest else rest.split(",")
        space[key] = sweep_values(TrainConfig(model, ""), key, [v for v in values if v.strip()])
    if not space:
        raise WorkbenchError("a grid search needs at least one key=values")
    return space


def parse_random(model: str, specs: list[str]) -> dict[str, Dimension]:
    """``["learning_rate=log:1e-4:1e-1", "dropout=0.0:0.5", "optimizer=sgd,adam"]`` -> dimensions."""
    space: dict[str, Dimension] = {}
    for text in specs:
        key, rest = split_assignment(text)
        if key in space:
            raise WorkbenchError(f"{key} is named twice in the search space")
        spec = key_spec(model, key)
        parts = rest.split(":")
        log = parts[0].strip().lower() == "log"
        if log:
            parts = parts[1:]
        if len(parts) == 1:  # a list of values to choose from
            if log:
                raise WorkbenchError(f"{key}=log:... needs a range low:high, e.g. log:1e-4:1e-1")
            space[key] = Dimension(key, tuple(sweep_values(TrainConfig(model, ""), key, parts[0].split(","))))
            continue
        if len(parts) != 2 or spec.type not in (int, float):
            raise WorkbenchError(f"{key}: a range is written low:high (or log:low:high) for a number; "
                                 f"{key} takes {spec.type.__name__} values, so list them: {key}=a,b")
        low, high = (float(spec.parse(p.strip())) for p in parts)
        if not low < high:
            raise WorkbenchError(f"{key}: the range {low:g}:{high:g} is empty (low must be below high)")
        if log and low <= 0:
            raise WorkbenchError(f"{key}: a log range needs positive bounds, got {low:g}")
        space[key] = Dimension(key, (), low, high, log, spec.type is int)
    if not space:
        raise WorkbenchError("a random search needs at least one key=range")
    return space


def grid_trials(space: dict[str, list]) -> list[dict]:
    """Every combination: the first key varies slowest, the last fastest."""
    keys = list(space)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(space[k] for k in keys))]


def random_trials(space: dict[str, Dimension], count: int, seed: int) -> list[dict]:
    """``count`` draws, a function of ``seed`` only (keys drawn in the order given)."""
    if count < 1:
        raise WorkbenchError("a random search needs --trials 1 or more")
    rng = np.random.default_rng(seed)
    return [{key: dim.draw(rng) for key, dim in space.items()} for _ in range(count)]


def make_trials(model: str, mode: str, specs: list[str], count: int = 0, seed: int = 0) -> list[dict]:
    """The trials of a search from its command-line/dialog form."""
    if mode == "grid":
        return grid_trials(parse_grid(model, specs))
    if mode == "random":
        return random_trials(parse_random(model, specs), count, seed)
    raise WorkbenchError(f"search mode {mode!r} is not one of {', '.join(MODES)}")


def trial_label(index: int, settings: dict) -> str:
    """``"3: learning_rate=0.01, batch_size=64"``: the legend label and the event tag of a trial."""
    from workbench.runs.history import short_value

    return f"{index}: " + ", ".join(f"{k}={short_value(v)}" for k, v in settings.items())


def trial_folder(index: int, settings: dict) -> str:
    return f"{index:03d}-" + ("_".join(run_name(k, _round(v)) for k, v in settings.items()) or "run")


def lower_is_better(metric: str) -> bool:
    """Losses and errors fall as a model improves; accuracies and scores rise."""
    return any(word in metric.lower() for word in ("loss", "error", "mse", "mae", "perplexity"))


def table(config: TrainConfig, trials: list[dict], results: list, metric: str, mode: str,
          search_seed: int = 0) -> dict:
    """What ``search.json`` holds: the space, and one row per finished trial, best first."""
    keys = list(dict.fromkeys(k for t in trials for k in t))
    rows = []
    for index, (settings, result) in enumerate(zip(trials, results), start=1):
        final = {k: v[-1] for k, v in result.history.items() if k != "epoch" and v}
        rows.append({"trial": index, "hparams": settings, "run_dir": result.run_dir,
                     "stopped": bool(result.stopped), "epochs_done": len(result.history.get("epoch", [])),
                     "final": final})
    rows = sort_rows(rows, metric)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {"model": config.model, "data": config.data, "mode": mode, "keys": keys, "metric": metric,
            "goal": "min" if lower_is_better(metric) else "max", "seed": config.seed,
            "search_seed": search_seed, "epochs": config.epochs, "trials_planned": len(trials),
            "trials": trials, "rows": rows}


def sort_rows(rows: list[dict], metric: str) -> list[dict]:
    """Best first by ``metric``; rows without it (a run stopped before its first epoch) last."""
    sign = 1.0 if lower_is_better(metric) else -1.0

    def key(row):
        value = row["final"].get(metric)
        ok = isinstance(value, (int, float)) and math.isfinite(value)
        return (not ok, sign * value if ok else 0.0, row["trial"])

    return sorted(rows, key=key)


def write_table(root: str, summary: dict) -> None:
    """``search.json`` and ``search.csv`` (rank, trial, each key, each final metric, run directory)."""
    write_json(os.path.join(root, SUMMARY_FILE), summary)
    metrics = sorted({m for row in summary["rows"] for m in row["final"]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "trial", *summary["keys"], *metrics, "run_dir"])
    for row in summary["rows"]:
        writer.writerow([row["rank"], row["trial"], *(row["hparams"].get(k, "") for k in summary["keys"]),
                         *(row["final"].get(m, "") for m in metrics), row["run_dir"]])
    with atomic_path(os.path.join(root, TABLE_FILE)) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(buffer.getvalue())


def search(config: TrainConfig, trials: list[dict], metric: str = "val_accuracy", mode: str = "grid",
           emit: events.Emit = events.ignore, control: RunControl | None = None, dataset=None,
           search_seed: int = 0) -> dict:
    """Train one run per trial (settings dicts, see ``make_trials``) into ``config.out``; returns
    the table that ``search.json`` holds. Stop ends the current trial and skips the rest."""
    config.validate()
    if not trials:
        raise WorkbenchError("the search space is empty")
    for settings in trials:  # every value checked before the first run starts
        for key, value in settings.items():
            key_spec(config.model, key).parse(value)
    root = config.out or _default_root(config)
    planned = [Trial(settings, trial_folder(i, settings), ("trial", trial_label(i, settings)),
                     f"search {i}/{len(trials)}: {trial_label(i, settings)}")
               for i, settings in enumerate(trials, start=1)]
    summary: dict = {}

    def record(results):
        summary.clear()
        summary.update(table(config, trials, results, metric, mode, search_seed))
        write_table(root, summary)

    results = run_trials(config, planned, root, emit, control, dataset, after_each=record)
    if not results:
        record(results)
    return summary


def _round(value):
    """Random floats in folder names: 4 significant digits are enough to tell trials apart."""
    return float(f"{value:.4g}") if isinstance(value, float) else value


def _default_root(config: TrainConfig) -> str:
    from workbench.runs.history import default_runs_root

    return os.path.join(default_runs_root(), f"{time.strftime('%Y%m%d-%H%M%S')}-{config.model}-search")
