"""Named data sources. Each source module declares ``DatasetSpec``s with ``register``.

``load("digits")`` gives the embedded scikit-learn digits; a path gives a folder of
class sub-folders or a CSV table, chosen by what the path is.
"""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
from dataclasses import dataclass
from typing import Any

from workbench.errors import WorkbenchError

#: Modules of this package that are helpers, not sources.
_NOT_SOURCES = {"base", "registry", "images"}


@dataclass(frozen=True)
class DatasetSpec:
    """A data source: ``loader(options: dict, seed: int, val_fraction: float) -> Dataset``."""

    name: str
    kind: str
    task: str
    summary: str
    loader: str  # "module:function"
    offline: bool = True  # False: downloaded on first use, then cached
    needs_path: bool = False

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "task": self.task,
                "summary": self.summary, "offline": self.offline, "needs_path": self.needs_path}


_SPECS: dict[str, DatasetSpec] = {}


def register(spec: DatasetSpec) -> DatasetSpec:
    if spec.name in _SPECS:
        raise ValueError(f"dataset {spec.name!r} is declared twice")
    _SPECS[spec.name] = spec
    return spec


def all_datasets() -> list[DatasetSpec]:
    _load_sources()
    return list(_SPECS.values())


def get(name: str) -> DatasetSpec:
    _load_sources()
    if name in _SPECS:
        return _SPECS[name]
    close = difflib.get_close_matches(name, list(_SPECS), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(sorted(_SPECS))}"
    raise WorkbenchError(
        f"unknown dataset {name!r} (not a registered name nor an existing folder or .csv file); {hint}"
    )


def resolve(source: str) -> tuple[DatasetSpec, dict]:
    """A dataset name or a path -> its spec and the options implied by the path.

    A folder with ``Annotations/`` is Pascal VOC, another folder holds class
    sub-folders, a ``.json`` file is COCO and a ``.csv`` file a table.
    """
    if os.path.isdir(source):
        if os.path.isdir(os.path.join(source, "Annotations")):  # Pascal VOC layout
            return get("voc"), {"path": source}
        return get("folder"), {"path": source}
    if source.lower().endswith(".json"):
        if not os.path.exists(source):
            raise WorkbenchError(f"COCO annotation file not found: {source}")
        return get("coco"), {"path": source}
    if source.lower().endswith(".csv"):
        if not os.path.exists(source):
            raise WorkbenchError(f"CSV file not found: {source}")
        return get("csv"), {"path": source}
    return get(source), {}


def load(source: str, options: dict[str, Any] | None = None, seed: int = 0,
         val_fraction: float = 0.2):
    """Load ``source`` (a name or a path) into a ``Dataset``."""
    from workbench.catalog.registry import load_symbol

    spec, implied = resolve(source)
    merged = {"_spec_name": spec.name, **implied, **(options or {})}
    if spec.needs_path and not merged.get("path"):
        raise WorkbenchError(f"dataset {spec.name!r} needs a path")
    return load_symbol(spec.loader)(merged, seed, val_fraction)


def _load_sources() -> None:
    package = importlib.import_module("workbench.data")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _NOT_SOURCES:
            importlib.import_module(f"workbench.data.{info.name}")
