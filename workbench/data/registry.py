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
_NOT_SOURCES = {"base", "registry", "images", "checks"}


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
    #: The options the loader reads (besides the generic ones ``load`` handles itself);
    #: ``None`` = not declared yet, so not checked. An option a source ignores is an error.
    options: tuple[str, ...] | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "task": self.task,
                "summary": self.summary, "offline": self.offline, "needs_path": self.needs_path,
                "options": None if self.options is None else list(self.options)}


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

    A folder with ``Annotations/`` is Pascal VOC, one with ``images/`` + ``labels/`` YOLO-txt,
    one with ``image_2/`` + ``label_2/`` KITTI, another folder holds class
    sub-folders (images, or sounds when they hold ``.wav`` files), a ``.txt`` file is a
    text corpus, a ``.json`` file is COCO and a ``.csv`` file a table (an edge list when
    its header has ``source`` and ``target``, sequences when it has ``sequence`` and
    ``label``); a gymnasium id is an environment.
    """
    if os.path.isdir(source):
        if os.path.isdir(os.path.join(source, "Annotations")):  # Pascal VOC layout
            return get("voc"), {"path": source}
        from workbench.data.kitti import is_kitti_folder
        from workbench.data.yolo_txt import is_yolo_folder

        if is_yolo_folder(source):  # images/ + labels/: YOLO-txt (also Ultralytics' split folders)
            return get("yolo"), {"path": source}
        if is_kitti_folder(source):  # image_2/ + label_2/
            return get("kitti"), {"path": source}
        from workbench.data.audio import is_audio_folder

        if is_audio_folder(source):  # class sub-folders of .wav files
            return get("audiofolder"), {"path": source}
        return get("folder"), {"path": source}
    if source.lower().endswith(".txt"):
        if not os.path.exists(source):
            raise WorkbenchError(f"text file not found: {source}")
        return get("textfile"), {"path": source}
    if source.lower().endswith(".json"):
        if not os.path.exists(source):
            raise WorkbenchError(f"COCO annotation file not found: {source}")
        return get("coco"), {"path": source}
    if source.lower().endswith(".csv"):
        if not os.path.exists(source):
            raise WorkbenchError(f"CSV file not found: {source}")
        from workbench.data.graphs import is_edge_list
        from workbench.data.sequence_csv import is_sequence_csv

        if is_sequence_csv(source):  # a header with sequence and label: sequences to classify
            return get("sequences"), {"path": source}
        return get("edges" if is_edge_list(source) else "csv"), {"path": source}
    _load_sources()
    if source not in _SPECS:  # any id in gymnasium's registry is an environment source
        from workbench.data.environments import gym_spec_for

        spec = gym_spec_for(source)
        if spec is not None:
            return spec, {"env_id": source}
    return get(source), {}


def load(source: str, options: dict[str, Any] | None = None, seed: int = 0,
         val_fraction: float = 0.2):
    """Load ``source`` (a name or a path) into a ``Dataset``."""
    from workbench.catalog.registry import load_symbol

    spec, implied = resolve(source)
    check_options(spec, options or {})
    merged = {"_spec_name": spec.name, **implied, **(options or {})}
    if spec.needs_path and not merged.get("path"):
        raise WorkbenchError(f"dataset {spec.name!r} needs a path")
    exclude = merged.pop("exclude", None)
    if "split_seed" in merged:  # the data's own seed, apart from the run's: runs of several seeds
        # (an ensemble's members) then share one split and differ only in their initial weights
        seed = whole_option(merged, "split_seed", 0, 0, 2 ** 31 - 1)
        merged.pop("split_seed")
    if exclude:  # a marks CSV: its samples ("mislabelled" or "drop") leave both splits
        from workbench.evaluation.marks import exclude_marked, read_marks

        marks = read_marks(str(exclude))  # a missing or malformed file fails before the data loads
    dataset = load_symbol(spec.loader)(merged, seed, val_fraction)
    if exclude:
        dataset = exclude_marked(dataset, marks, os.path.basename(str(exclude)))
    return dataset


def flag_option(options: dict, name: str, default: bool = False) -> bool:
    """A yes/no data option (``--data-option keypoints=true``)."""
    value = options.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise WorkbenchError(f"data option {name}={value!r} must be true or false")


def whole_option(options: dict, name: str, default: int, low: int, high: int) -> int:
    """A whole-number data option (``--data-option count=200``) checked against its range."""
    value = options.get(name, default)
    try:
        number = float(value)
        if number != int(number):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise WorkbenchError(f"data option {name}={value!r} is not a whole number") from None
    if not low <= number <= high:
        raise WorkbenchError(f"data option {name}={value!r} must be between {low} and {high}")
    return int(number)


#: Options every source takes because ``load`` (or the path) handles them itself.
GENERIC_OPTIONS = ("path", "exclude", "split_seed")


def check_options(spec: DatasetSpec, options: dict) -> None:
    """Refuse an option the source would silently ignore (a sentence naming the known ones)."""
    if spec.options is None:  # a source that has not declared its options yet
        return
    known = set(spec.options) | set(GENERIC_OPTIONS)
    for key in options:
        if key in known or key.startswith("_"):
            continue
        if key == "image_size":
            raise WorkbenchError(
                f"dataset {spec.name!r} has a fixed image size, so image_size (--image-size) "
                "does nothing there; it applies to image folders, VOC, COCO and shapes")
        takes = f"it takes {', '.join(sorted(spec.options))}" if spec.options \
            else "it takes no options"
        raise WorkbenchError(f"dataset {spec.name!r} has no option {key!r}; {takes}")


def _load_sources() -> None:
    package = importlib.import_module("workbench.data")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _NOT_SOURCES:
            importlib.import_module(f"workbench.data.{info.name}")
