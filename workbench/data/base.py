"""What every data source returns: arrays plus the metadata a builder needs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class DataInfo:
    """What a model builder needs to know about the data.

    Images are ``float32`` in ``[0, 1]``, shape ``(H, W, C)``; tabular rows are
    standardised ``float32`` feature vectors. Labels are integer class indices
    for classification and float targets for regression.
    """

    name: str
    kind: str  # "image", "tabular", "sequence", ...
    task: str  # "classification" or "regression" for plain supervised data
    input_shape: tuple[int, ...]
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "kind": self.kind, "task": self.task,
            "input_shape": list(self.input_shape), "class_names": list(self.class_names),
            "feature_names": list(self.feature_names),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "DataInfo":
        return cls(d["name"], d["kind"], d["task"], tuple(d["input_shape"]),
                   tuple(d.get("class_names", ())), tuple(d.get("feature_names", ())))


@dataclass
class Dataset:
    """A loaded data set split into training and validation arrays."""

    info: DataInfo
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    #: One line per input that could not be used (corrupt image, bad row), for the user.
    skipped: list[str] = field(default_factory=list)
    #: Per-feature mean and std used to standardise tabular data (kept for prediction).
    scaler: dict | None = None
    #: A stable id per sample (``cat/001.png``, ``digits:17``, ``mnist:test:5``, ``t.csv:12``),
    #: so a mark names it and ``--data-option exclude=FILE`` can leave it out; None: no ids.
    ids_train: np.ndarray | None = None
    ids_val: np.ndarray | None = None
    #: The folder file-path ids are relative to (class folders), else None.
    root: str | None = None

    def sample_path(self, sample_id: str) -> str | None:
        """The absolute file behind ``sample_id`` (class folders), else None."""
        if self.root is None:
            return None
        return os.path.abspath(os.path.join(self.root, *str(sample_id).split("/")))

    def class_counts(self) -> dict[str, int]:
        """Samples per class over both splits (classification only)."""
        if self.info.task != "classification":
            return {}
        labels = np.concatenate([self.y_train, self.y_val]).astype(int)
        counts = np.bincount(labels, minlength=self.info.num_classes)
        return {name: int(n) for name, n in zip(self.info.class_names, counts)}


def split(x: np.ndarray, y: np.ndarray, val_fraction: float, seed: int, stratify: bool = True,
          ids=None):
    """Shuffle and split into train/validation; stratified for class labels.

    Returns ``x_train, y_train, x_val, y_val``; with ``ids`` (one per sample) also
    ``ids_train, ids_val`` as arrays of str, drawn exactly as the samples are.
    """
    from workbench.errors import WorkbenchError

    if not 0.0 <= val_fraction < 1.0:
        raise WorkbenchError(f"validation fraction {val_fraction} must be in [0, 1)")
    if len(x) < 2:
        raise WorkbenchError(f"only {len(x)} usable sample(s): at least 2 are needed")
    rng = np.random.default_rng(seed)
    if stratify and np.issubdtype(y.dtype, np.integer):
        val_idx = []
        for label in np.unique(y):
            members = rng.permutation(np.flatnonzero(y == label))
            val_idx.extend(members[: int(round(len(members) * val_fraction))])
        val_mask = np.zeros(len(x), bool)
        val_mask[val_idx] = True
    else:
        order = rng.permutation(len(x))
        val_mask = np.zeros(len(x), bool)
        val_mask[order[: int(round(len(x) * val_fraction))]] = True
    if val_fraction > 0 and not val_mask.any():  # every validation metric would be missing
        raise WorkbenchError(
            f"validation fraction {val_fraction:g} leaves no sample for validation ({len(x)} "
            "sample(s), too few per class); add samples or use a validation fraction of 0")
    train_idx = rng.permutation(np.flatnonzero(~val_mask))
    val_idx = np.flatnonzero(val_mask)
    if ids is None:
        return x[train_idx], y[train_idx], x[val_idx], y[val_idx]
    ids = np.asarray(ids, dtype=str)
    return x[train_idx], y[train_idx], x[val_idx], y[val_idx], ids[train_idx], ids[val_idx]
