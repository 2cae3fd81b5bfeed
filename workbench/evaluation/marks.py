"""Marks on samples a person judged wrong ("mislabelled") or useless ("drop").

A marks file is a CSV with the columns ``MARK_FIELDS``; ``path`` holds a sample id
(``cat/001.png``, ``digits:17``, ``iris.csv:12``, ``mnist:test:5``) or an image file's
path. ``--data-option exclude=FILE`` leaves every marked sample out of both splits:
both marks exclude, because a mislabelled sample teaches the wrong class and a dropped
one was judged not worth learning from. Excluding after the split keeps every other
sample on its side, so a run with exclusions is validated on the same samples, minus
the marked ones.
"""

from __future__ import annotations

import csv
import os

import numpy as np

from workbench.errors import WorkbenchError

MARK_FIELDS = ("path", "given_label", "predicted_label", "confidence", "mark")
MARKS = ("mislabelled", "drop")


def write_marks(path: str, rows: list[dict]) -> None:
    """Add ``rows`` to the marks file at ``path`` (created if missing), atomically.

    A row whose ``path`` is already in the file replaces that row (a later mark wins).
    """
    from workbench.runs.atomic import atomic_path

    merged = {row["path"]: row for row in (read_marks(path) if os.path.exists(path) else [])}
    for row in rows:
        checked = _checked(row, f"mark for {row.get('path')!r}")
        merged[checked["path"]] = checked
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=MARK_FIELDS, extrasaction="ignore")
            writer.writeheader()
            for row in merged.values():
                confidence = row["confidence"]
                writer.writerow({**row, "confidence": "" if confidence is None else f"{confidence:.6g}"})


def read_marks(path: str) -> list[dict]:
    """The rows of a marks file; a missing file, column or a bad value is one sentence."""
    if not os.path.isfile(path):
        raise WorkbenchError(f"marks file not found: {path}")
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [f for f in MARK_FIELDS if f not in (reader.fieldnames or [])]
            if missing:
                raise WorkbenchError(f"{path} is not a marks file: it has no {', '.join(missing)} "
                                     f"column(s) (expected {', '.join(MARK_FIELDS)})")
            return [_checked(row, f"{path} line {line}") for line, row in enumerate(reader, start=2)]
    except UnicodeDecodeError:
        raise WorkbenchError(f"{path} is not a marks file (not UTF-8 text)") from None
    except csv.Error as error:
        raise WorkbenchError(f"{path} is not a readable CSV file: {error}") from None


def _checked(row: dict, where: str) -> dict:
    path = str(row.get("path") or "").strip()
    if not path:
        raise WorkbenchError(f"{where}: the path is empty")
    mark = str(row.get("mark") or "").strip()
    if mark not in MARKS:
        raise WorkbenchError(f"{where}: mark {mark!r} must be one of {', '.join(MARKS)}")
    confidence = row.get("confidence")
    if confidence in (None, ""):
        confidence = None
    else:
        try:
            confidence = float(confidence)
        except (TypeError, ValueError):
            raise WorkbenchError(f"{where}: confidence {confidence!r} is not a number") from None
    return {"path": path, "given_label": str(row.get("given_label") or ""),
            "predicted_label": str(row.get("predicted_label") or ""), "confidence": confidence,
            "mark": mark}


def exclude_marked(dataset, marks: list[dict], source: str = "the marks file"):
    """``dataset`` without the marked samples; the count (and ids it lacks) go to ``skipped``."""
    ids_train, ids_val = getattr(dataset, "ids_train", None), getattr(dataset, "ids_val", None)
    if ids_train is None or ids_val is None:
        raise WorkbenchError(
            f"exclude= needs samples with ids (class folders, CSV tables, digits, iris, the Keras "
            f"data sets); {dataset.info.name} has none")
    known = set(ids_train.tolist()) | set(ids_val.tolist())
    marked, unknown = set(), []
    for row in marks:
        sample = _as_id(row["path"], dataset.root, known)
        if sample:
            marked.add(sample)
        else:
            unknown.append(row["path"])
    keep_train, keep_val = ~np.isin(ids_train, list(marked)), ~np.isin(ids_val, list(marked))
    if not keep_train.any():
        raise WorkbenchError(f"excluding the samples listed in {source} leaves no training samples")
    if hasattr(dataset, "keep_samples"):  # a streamed folder: its file lists shrink, no arrays
        dataset.keep_samples(keep_train, keep_val)
        return _reported(dataset, marked, unknown, source)
    scaler = dataset.scaler
    raw_train, raw_val = _unscaled(dataset.x_train, scaler), _unscaled(dataset.x_val, scaler)
    dataset.x_train, dataset.y_train = raw_train[keep_train], dataset.y_train[keep_train]
    dataset.x_val, dataset.y_val = raw_val[keep_val], dataset.y_val[keep_val]
    dataset.ids_train, dataset.ids_val = ids_train[keep_train], ids_val[keep_val]
    if scaler is not None:  # the scaler comes from the training rows the model will see
        from workbench.data.embedded import standardized

        dataset = standardized(dataset)
    return _reported(dataset, marked, unknown, source)


def _reported(dataset, marked: set, unknown: list, source: str):
    dataset.skipped.append(f"excluded {len(marked)} sample(s) listed in {source}")
    if unknown:
        dataset.skipped.append(f"{source}: {len(unknown)} listed sample(s) are not in this data and "
                               f"were ignored (the first: {unknown[0]})")
    return dataset


def _as_id(path: str, root: str | None, known: set) -> str | None:
    """A mark's path as one of the data's sample ids: the id itself, or an image file under
    the data's folder given by its absolute path or its path from the working directory."""
    if path in known:
        return path
    if root is None:
        return None
    relative = os.path.relpath(os.path.abspath(os.path.expanduser(path)), root).replace(os.sep, "/")
    return relative if relative in known else None


def _unscaled(x: np.ndarray, scaler: dict | None) -> np.ndarray:
    if scaler is None:
        return x
    return (x * np.asarray(scaler["std"], np.float32) + np.asarray(scaler["mean"], np.float32)).astype(np.float32)
