"""Changes to a run while it trains, as data: ``{"epoch": E, "batch": B, "change": {...}}``.

A change is applied at the batch boundary *before* batch ``B`` (0-based) of epoch ``E``
(0-based), so ``{"epoch": 2, "batch": 0, ...}`` takes effect from the first batch of the
third epoch on. A batch past an epoch's end applies before the next epoch's first batch.
What a change may hold:

    {"learning_rate": 0.01}                      the optimizer's learning rate, from now on
    {"freeze": ["conv1", "block3_*"]}            layers by name, glob or block prefix
    {"unfreeze": "block3"}                       (a block prefix matches NAME and NAME_*)
    {"early_stopping": true, "patience": 3}      early stopping on (patience optional) or off

The run's ``config.json`` keeps every applied change under ``schedule``, so a new run
with that config repeats it and a resumed run re-applies what came before its resume
point. This module checks the form only, without Keras (the CLI checks a schedule file
before TensorFlow loads); ``training.steering`` applies changes to a model.
"""

from __future__ import annotations

import json
import math
import os

from workbench.errors import WorkbenchError

KEYS = ("learning_rate", "freeze", "unfreeze", "early_stopping", "patience")


def check_change(change) -> dict:
    """A checked copy of one change; a bad one is a sentence that says what is wrong."""
    if not isinstance(change, dict) or not change:
        raise WorkbenchError(f"a change must be an object such as {{\"learning_rate\": 0.01}}, not {change!r}")
    unknown = sorted(set(change) - set(KEYS))
    if unknown:
        raise WorkbenchError(f"{unknown[0]!r} cannot be changed during a run; a change sets one of "
                             f"{', '.join(KEYS)}")
    checked: dict = {}
    if "learning_rate" in change:
        rate = change["learning_rate"]
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
            raise WorkbenchError(f"learning_rate {rate!r} must be a number above 0")
        checked["learning_rate"] = float(rate)
    for key in ("freeze", "unfreeze"):
        if key in change:
            checked[key] = _layer_patterns(key, change[key])
    if "freeze" in checked and "unfreeze" in checked and set(checked["freeze"]) & set(checked["unfreeze"]):
        raise WorkbenchError("one change cannot both freeze and unfreeze the same layers")
    if "early_stopping" in change:
        if not isinstance(change["early_stopping"], bool):
            raise WorkbenchError(f"early_stopping {change['early_stopping']!r} must be true or false")
        checked["early_stopping"] = change["early_stopping"]
    if "patience" in change:
        patience = change["patience"]
        if isinstance(patience, bool) or not isinstance(patience, int) or not 1 <= patience <= 1000:
            raise WorkbenchError(f"patience {patience!r} must be a whole number of epochs from 1 to 1000")
        if change.get("early_stopping") is False:
            raise WorkbenchError("patience goes with early_stopping true, not with switching it off")
        checked["patience"] = patience
    return checked


def _layer_patterns(key: str, value) -> list[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise WorkbenchError(f"{key} needs a layer name or block (\"conv1\", \"block3_*\") or a list of them")
    return [name.strip() for name in names]


def check_schedule(items) -> list[dict]:
    """A checked copy of a schedule: a list of ``{epoch, batch, change}``."""
    if not isinstance(items, list):
        raise WorkbenchError("a schedule must be a list of {\"epoch\": E, \"batch\": B, \"change\": {...}}")
    checked = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) - {"epoch", "batch", "change"} or "change" not in item:
            raise WorkbenchError(f"schedule item {number} must be {{\"epoch\": E, \"batch\": B, \"change\": {{...}}}}")
        where = {}
        for key in ("epoch", "batch"):
            value = item.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise WorkbenchError(f"schedule item {number}: {key} {value!r} must be a whole number from 0 "
                                     "(epochs and batches count from 0)")
            where[key] = value
        try:
            change = check_change(item["change"])
        except WorkbenchError as error:
            raise WorkbenchError(f"schedule item {number}: {error}") from None
        checked.append({**where, "change": change})
    return checked


def in_order(items: list[dict]) -> list[dict]:
    """By boundary; changes at the same boundary keep the order they were listed (recorded) in."""
    return sorted(items, key=lambda item: (item["epoch"], item["batch"]))


def load_schedule(path: str) -> list[dict]:
    """The schedule in a JSON file (``--schedule``): a list, or a run's config.json's ``schedule``."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise WorkbenchError(f"schedule file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise WorkbenchError(f"cannot read schedule file {path} ({error})") from None
    except json.JSONDecodeError as error:
        raise WorkbenchError(f"schedule file {os.path.basename(path)} is not valid JSON "
                             f"(line {error.lineno}: {error.msg})") from None
    if isinstance(data, dict) and "schedule" in data:
        data = data["schedule"]
    try:
        return check_schedule(data)
    except WorkbenchError as error:
        raise WorkbenchError(f"{os.path.basename(path)}: {error}") from None


def describe(change: dict) -> str:
    """A short label for a change: ``lr 0.01``, ``freeze conv1``, ``early stop off``."""
    parts = []
    if "learning_rate" in change:
        parts.append(f"lr {change['learning_rate']:g}")
    for key in ("freeze", "unfreeze"):
        if key in change:
            parts.append(f"{key} {','.join(change[key])}")
    if "early_stopping" in change:
        parts.append("early stop " + ("on" if change["early_stopping"] else "off"))
    if "patience" in change:
        parts.append(f"patience {change['patience']}")
    return ", ".join(parts)
