"""Data sets shipped with scikit-learn: always available, no network."""

from __future__ import annotations

import numpy as np

from workbench.data.base import DataInfo, Dataset, split
from workbench.data.registry import DatasetSpec, register

register(DatasetSpec(
    "digits", "image", "classification",
    "scikit-learn handwritten digits: 1,797 grayscale 8x8 images of 0-9 (embedded).",
    "workbench.data.embedded:load_digits", options=(),
))
register(DatasetSpec(
    "iris", "tabular", "classification",
    "Fisher's iris: 150 flowers, 4 measurements, 3 species (embedded).",
    "workbench.data.embedded:load_iris", options=(),
))


def load_digits(options: dict, seed: int, val_fraction: float) -> Dataset:
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    x = (bunch.images / 16.0).astype(np.float32)[..., None]
    y = bunch.target.astype(np.int64)
    info = DataInfo("digits", "image", "classification", (8, 8, 1),
                    tuple(str(d) for d in range(10)))
    return with_ids(info, split(x, y, val_fraction, seed, ids=indexed_ids("digits", len(x))))


def load_iris(options: dict, seed: int, val_fraction: float) -> Dataset:
    from sklearn.datasets import load_iris as sk_iris

    bunch = sk_iris()
    x = bunch.data.astype(np.float32)
    y = bunch.target.astype(np.int64)
    info = DataInfo("iris", "tabular", "classification", (x.shape[1],),
                    tuple(str(n) for n in bunch.target_names), tuple(bunch.feature_names))
    return standardized(with_ids(info, split(x, y, val_fraction, seed, ids=indexed_ids("iris", len(x)))))


def indexed_ids(prefix: str, count: int, offset: int = 0) -> list[str]:
    """``digits:0``, ``digits:1``, ...: the sample's index in the original array."""
    return [f"{prefix}:{i}" for i in range(offset, offset + count)]


def with_ids(info: DataInfo, parts, **extra) -> Dataset:
    """A ``Dataset`` from ``split(..., ids=...)``'s six arrays."""
    x_train, y_train, x_val, y_val, ids_train, ids_val = parts
    return Dataset(info, x_train, y_train, x_val, y_val, ids_train=ids_train, ids_val=ids_val, **extra)


def standardized(data: Dataset) -> Dataset:
    """Scale features with the training split's mean and std (kept for prediction)."""
    mean = data.x_train.mean(axis=0)
    std = data.x_train.std(axis=0)
    std[std == 0] = 1.0
    data.x_train = ((data.x_train - mean) / std).astype(np.float32)
    data.x_val = ((data.x_val - mean) / std).astype(np.float32)
    data.scaler = {"mean": mean.tolist(), "std": std.tolist()}
    return data
