"""What differs between two runs' settings: the Runs tab's "Differs from selected" column.

Each run's ``config.json`` is flattened into settings (``model``, ``data``, ``epochs``,
``seed``, ``batch_size``, ..., one ``hparams`` key each as its own name, ``data_options``
as ``data.KEY``), and two runs are compared key by key: ``learning_rate: 0.001 → 0.01``
reads "the selected run had 0.001, this one has 0.01".
"""

from __future__ import annotations

import json
import os

from workbench.runs.history import short_value

#: Config fields that say where or how the run was written, not what was trained.
NOT_SETTINGS = ("out", "hparams", "data_options")
#: Shown first, in this order; the rest follow alphabetically.
FIRST = ("model", "data", "epochs", "batch_size", "seed", "val_split", "steps_per_epoch")
ARROW = "\u2192"
MISSING = "\u2014"  # a setting one of the runs does not have (another model's hyperparameter)


def settings(config: dict) -> dict:
    """A run's config as flat ``{setting: value}``."""
    values = {key: value for key, value in config.items() if key not in NOT_SETTINGS}
    if "data" in values:
        values["data"] = os.path.basename(str(values["data"]).rstrip("/\\")) or values["data"]
    for key, value in (config.get("data_options") or {}).items():
        values[f"data.{key}"] = value
    values.update(config.get("hparams") or {})  # after the fields: a hyperparameter is what the user set
    return values


def differences(selected: dict, other: dict) -> list[tuple[str, object, object]]:
    """``[(setting, selected's value, other's value)]`` for every setting that differs.

    Runs of the same model compare every setting; runs of different models compare the
    model and the settings both have (each model's own hyperparameters would be noise)."""
    a, b = settings(selected), settings(other)
    same_model = a.get("model") == b.get("model")
    keys = set(a) | set(b) if same_model else (set(a) & set(b)) | {"model"}
    found = []
    for key in sorted(keys, key=_order):
        va, vb = a.get(key, MISSING), b.get(key, MISSING)
        if _canonical(va) != _canonical(vb):
            found.append((key, va, vb))
    return found


def differences_text(found: list[tuple[str, object, object]]) -> str:
    """``seed: 0 → 1, optimizer: adam → sgd``; "same settings" when nothing differs."""
    if not found:
        return "same settings"
    return ", ".join(f"{key}: {_show(a)} {ARROW} {_show(b)}" for key, a, b in found)


def _show(value) -> str:
    if isinstance(value, list):  # a schedule: how many changes, not the whole list
        return f"[{len(value)} item(s)]" if value else "[]"
    return short_value(value)


def _canonical(value) -> str:
    """Equal settings compare equal whatever their spelling (1 and 1.0, dict order)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(float(value))
    return json.dumps(value, sort_keys=True, default=str)


def _order(key: str):
    return (FIRST.index(key), "") if key in FIRST else (len(FIRST), key)


def differs_from_selected(selected, runs) -> dict[str, str]:
    """The "Differs from selected" column: ``{run path: text}`` for ``runs`` (``RunRecord``s)
    against the one ``selected``; the selected run itself says "(selected)"."""
    column = {}
    for run in runs:
        if run.path == selected.path:
            column[run.path] = "(selected)"
        elif run.damaged or selected.damaged:
            column[run.path] = "cannot compare (a damaged run)"
        else:
            column[run.path] = differences_text(differences(selected.config, run.config))
    return column
