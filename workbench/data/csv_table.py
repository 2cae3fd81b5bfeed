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
    "workbench.data.csv_table:load_csv", needs_path=True,
))

MAX_CLASSES_FOR_INTEGERS = 20


def load_csv(options: dict, seed: int, val_fraction: float) -> Dataset:
    import pandas as pd

    path = options["path"]
    try:
        frame = pd.read_csv(path)
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
    skipped = []
    rows = ~np.isnan(x).any(axis=1) & frame[target].notna().to_numpy()
    for row in np.flatnonzero(~rows):
        skipped.append(f"{path}: row {row + 2} has an empty value and was skipped")
    x, column = x[rows], frame[target][rows]
    task, y, class_names = _target(column)
    info = DataInfo(os.path.splitext(os.path.basename(path))[0], "tabular", task,
                    (x.shape[1],), class_names, tuple(map(str, features.columns)))
    data = Dataset(info, *split(x, y, val_fraction, seed, stratify=task == "classification"),
                   skipped=skipped)
    return standardized(data)


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
