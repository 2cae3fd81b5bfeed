"""Reading a run's JSON files so that a damaged one is a sentence, not a crash.

A run directory's ``config.json``, ``history.json`` and ``info.json`` can be empty (a disk
that filled up), truncated or overwritten with other bytes (a copy that failed, a sync
tool), or valid JSON of the wrong shape (edited by hand, written by another program).
Each reader checks the shape its users rely on and raises ``DamagedFile``: which file,
what is wrong with it, and what the user can still do.
"""

from __future__ import annotations

import json
import numbers
import os
import typing

from workbench.errors import WorkbenchError

#: What each damaged file costs, and what still works.
CONSEQUENCES = {
    "config.json": "the run cannot be repeated or resumed, but model.keras can still be used "
                   "with predict/explain/export",
    "history.json": "its curves cannot be shown; delete history.json to list the run without "
                    "curves (model.keras can still be used with predict/explain/export)",
    "info.json": "the model's class names and input scaling are unknown; restore info.json from "
                 "a copy, or delete it to get numbered classes",
}


class DamagedFile(WorkbenchError):
    """A run file that cannot be used; the message names it and says what to do."""

    def __init__(self, path: str, why: str):
        self.path, self.why = os.path.abspath(path), why
        name = os.path.basename(self.path)
        run = os.path.dirname(self.path)
        consequence = CONSEQUENCES.get(name, "restore it from a copy or delete it")
        super().__init__(f"{name} of {run} is damaged ({why}); {consequence}")


def load_json(path: str):
    """The JSON value in ``path``; ``DamagedFile`` when it cannot be read as JSON."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except IsADirectoryError:
        raise DamagedFile(path, "a folder, not a file") from None
    except OSError as error:
        raise DamagedFile(path, f"cannot be read: {error.strerror}") from None
    if not raw.strip():
        raise DamagedFile(path, "empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DamagedFile(path, "not text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # a string that never closes also means the file ends inside it
        ends_early = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        where = "cut short" if ends_early else f"line {error.lineno}"
        raise DamagedFile(path, f"not JSON, {where}") from None
    except RecursionError:
        raise DamagedFile(path, "nested too deeply") from None


def read_config(path: str) -> dict:
    """``config.json``: an object whose known fields have the types ``TrainConfig`` gives them."""
    from workbench.training.config import TrainConfig

    data = _object(path, load_json(path))
    if "model" not in data:
        raise DamagedFile(path, "no model named")
    hints = typing.get_type_hints(TrainConfig)
    for key, value in data.items():
        if key in hints and not _has_type(value, hints[key]):
            raise DamagedFile(path, f"{key} is {_shown(value)}, not {_type_name(hints[key])}")
    return data


def read_history(path: str) -> dict:
    """``history.json``: ``{"epoch": [1, 2, ...], "loss": [...], ...}`` of numbers (null allowed)."""
    data = _object(path, load_json(path))
    for key, values in data.items():
        if not isinstance(values, list):
            raise DamagedFile(path, f"{key} is {_shown(values)}, not a list")
        for value in values:
            if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
                raise DamagedFile(path, f"{key} holds {_shown(value)}, not a number")
    return data


#: The fields of ``info.json`` (``DataInfo.as_dict`` plus the scaler) that readers use.
INFO_FIELDS = {"name": str, "kind": str, "task": str, "input_shape": list, "class_names": list,
               "feature_names": list, "scaler": (dict, type(None))}


def read_info(path: str) -> dict:
    """``info.json``: class names are text, the input shape is whole numbers, the scaler a
    ``{"mean": [...], "std": [...]}`` object or null."""
    data = _object(path, load_json(path))
    for key, kind in INFO_FIELDS.items():
        if key in data and (not isinstance(data[key], kind) or isinstance(data[key], bool)):
            raise DamagedFile(path, f"{key} is {_shown(data[key])}")
    if not all(isinstance(name, str) for name in data.get("class_names", [])):
        raise DamagedFile(path, "class_names holds something other than text")
    if not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0)
               for d in data.get("input_shape", [])):
        raise DamagedFile(path, "input_shape holds something other than positive whole numbers")
    scaler = data.get("scaler")
    if scaler is not None and not all(isinstance(scaler.get(k), list) for k in ("mean", "std")):
        raise DamagedFile(path, "scaler has no mean and std lists")
    return data


def _object(path: str, data):
    if not isinstance(data, dict):
        raise DamagedFile(path, f"a JSON {_json_kind(data)}, not an object")
    return data


def _has_type(value, hint) -> bool:
    origin = typing.get_origin(hint) or hint
    if origin is typing.Any:
        return True
    if origin is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):  # JSON true is not a number of epochs
        return False
    if origin is float:
        return isinstance(value, numbers.Real)
    return isinstance(value, origin)


def _type_name(hint) -> str:
    origin = typing.get_origin(hint) or hint
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false",
            dict: "an object", list: "a list"}.get(origin, getattr(origin, "__name__", str(origin)))


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {list: "list", str: "string", int: "number", float: "number"}.get(type(value), type(value).__name__)


def _shown(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else f"a JSON {_json_kind(value)}"
