"""Data sources: ``load(name_or_path, options, seed, val_fraction) -> Dataset``."""

from workbench.data.base import DataInfo, Dataset  # noqa: F401
from workbench.data.registry import DatasetSpec, all_datasets, get, load, register  # noqa: F401
