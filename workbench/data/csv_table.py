"""A CSV table: one column is the target, the others numeric features.

A text target is a class label (classification); a numeric target with few distinct
whole values is also treated as classes, otherwise as a regression target.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.data.base import DataInfo, Dataset, split
from workbench.data.embedded import standardized
from workbench.data.registry import DatasetSpec, register
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "csv", "tabular", "classification",
    "Your own table: a CSV file; pick the target column (default: the last one).",
    "workbench.data.csv_table:load_csv", needs_path=True, options=("target",),
))

MAX_CLASSES_FOR_INTEGERS = 20


def load_csv(options: dict, seed: int, val_fraction: float) -> Dataset:
    import pandas as pd

    path = options["path"]
    delimiter = sniff_delimiter(path)
    try:
        # ";" is what spreadsheets write where "," is the decimal mark: read "1,5" as 1.5
        frame = pd.read_csv(path, sep=delimiter, decimal="," if delimiter == ";" else ".")
    except FileNotFoundError:
        raise WorkbenchError(f"CSV file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise WorkbenchError(f"{path} is not a readable CSV table: {error}") from None
    if frame.shape[1] < 2 or frame.empty:
        raise WorkbenchError(f"{path} needs a header, at least two columns and one row")
    target = options.get("target") or frame.columns[-1]
    if target not in frame.columns:
        raise WorkbenchError(f"{path} has no column {target!r}; columns: {', '.join(frame.columns)}")
    features = frame.drop(columns=[target])
    x = _numeric_features(features, path)
    skipped = [] if delimiter == "," else [
        f"{path}: columns are separated by {delimiter!r}, not commas; read that way"
        + (" (with ',' as the decimal mark)" if delimiter == ";" else "")]
    rows = ~np.isnan(x).any(axis=1) & frame[target].notna().to_numpy()
    for row in np.flatnonzero(~rows):
        skipped.append(f"{path}: row {row + 2} has an empty value and was skipped")
    x, column = x[rows], frame[target][rows]
    name = os.path.basename(path)
    ids = [f"{name}:{row + 2}" for row in np.flatnonzero(rows)]  # the line in the file: +1 header, +1 one-based
    task, y, class_names = _target(column)
    info = DataInfo(os.path.splitext(os.path.basename(path))[0], "tabular", task,
                    (x.shape[1],), class_names, tuple(map(str, features.columns)))
    x_train, y_train, x_val, y_val, ids_train, ids_val = split(
        x, y, val_fraction, seed, stratify=task == "classification", ids=ids)
    data = Dataset(info, x_train, y_train, x_val, y_val, skipped=skipped, ids_train=ids_train,
                   ids_val=ids_val)
    return standardized(data)


def sniff_delimiter(path: str) -> str:
    """The column separator of a CSV file: ``,`` unless its first lines are clearly split by
    ``;`` (Excel in locales whose decimal mark is a comma), a tab or ``|``."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            sample = handle.read(64 * 1024)
    except (OSError, UnicodeDecodeError):
        return ","  # pandas then reports the problem in its own words
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:  # one column, or nothing regular enough to tell
        return ","


def _numeric_features(features, path: str) -> np.ndarray:
    import pandas as pd

    for name in features.columns:
        converted = pd.to_numeric(features[name], errors="coerce")
        bad = converted.isna() & features[name].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # +1 header, +1 one-based
            raise WorkbenchError(
                f"{path}: feature column {name!r} has text ({features[name][bad].iloc[0]!r} on line "
                f"{row}); feature columns must be numbers (or make {name!r} the target)"
            )
        features[name] = converted
    return features.to_numpy(np.float32)


def _target(column):
    import pandas as pd

    numeric = pd.to_numeric(column, errors="coerce")
    if numeric.notna().all():
        values = numeric.to_numpy()
        whole = np.all(values == np.round(values))
        if not (whole and len(np.unique(values)) <= MAX_CLASSES_FOR_INTEGERS):
            return "regression", values.astype(np.float32), ()
        labels = np.unique(values)
        names = tuple(str(int(v)) for v in labels)
        return "classification", np.searchsorted(labels, values).astype(np.int64), names
    labels = sorted(column.astype(str).unique())
    index = {name: i for i, name in enumerate(labels)}
    return "classification", column.astype(str).map(index).to_numpy(np.int64), tuple(labels)
