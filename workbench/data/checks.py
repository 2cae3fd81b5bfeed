"""What a person must hear about loaded data before training on it.

Loaders never drop an input silently: each unusable file, row or annotation is one line
in the source's ``skipped`` (arrays, other sources) or ``problems`` (detection) list.
``data_report`` turns that list and the train/validation split into the few lines the
CLI prints and the Data tab shows: how many inputs were skipped and the first of them,
and a validation split that misses classes. A validation split that was asked for but
is empty is an error: every validation metric would be missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError

#: Problem lines shown in full before "... and N more".
SHOWN = 5
PROBLEM_FILE = "data_problems.txt"


def problems_of(dataset) -> list[str]:
    """The loader's lines about inputs it could not use (detection ``problems`` or ``skipped``)."""
    lines = getattr(dataset, "problems", None)
    if lines is None:
        lines = getattr(dataset, "skipped", None)
    return list(lines or [])


@dataclass
class DataReport:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self, full_list: str | None = None, shown: int = SHOWN) -> list[str]:
        """Count, the first ``shown`` problems, where the full list is, then the warnings."""
        out = []
        if self.problems:
            where = f"; the full list is in {full_list}" if full_list else ""
            out.append(f"data: {len(self.problems)} input(s) skipped or changed{where}:")
            out += [f"  {line}" for line in self.problems[:shown]]
            if len(self.problems) > shown:
                out.append(f"  ... and {len(self.problems) - shown} more")
        out += [f"warning: {w}" for w in self.warnings]
        return out


def data_report(dataset, val_fraction: float | None = None) -> DataReport:
    """The problem list and split warnings of a loaded source; raises ``WorkbenchError``
    when validation was asked for (``val_fraction > 0``) but the split holds nothing."""
    return DataReport(problems_of(dataset), split_warnings(dataset, val_fraction))


def split_warnings(dataset, val_fraction: float | None = None) -> list[str]:
    """Warnings about a classification split whose validation part misses classes."""
    info = getattr(dataset, "info", None)
    y_val = getattr(dataset, "y_val", None)
    y_train = getattr(dataset, "y_train", None)
    if info is None or y_val is None or y_train is None:
        return []  # detection data and non-array sources split elsewhere
    if val_fraction is None:
        val_fraction = 0.0 if len(y_val) == 0 else 1.0
    if val_fraction > 0 and len(y_val) == 0:
        raise WorkbenchError(
            f"validation split {val_fraction:g} left no sample for validation "
            f"({len(y_train)} sample(s) in all, too few per class); add samples or use "
            "--val-split 0 to train without validation")
    if info.task != "classification" or len(y_val) == 0 or not info.class_names:
        return []
    present = set(np.asarray(y_val, np.int64).tolist())
    missing = [name for k, name in enumerate(info.class_names) if k not in present]
    if not missing:
        return []
    named = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [f"the validation split has no sample of {len(missing)} of {info.num_classes} "
            f"classes ({named}): too few samples per class, so validation scores ignore them"]


def write_problem_list(dataset, folder: str) -> str | None:
    """The full problem list as ``folder/data_problems.txt`` (atomic); its path, or None
    when there is nothing to write or the folder cannot be written."""
    from workbench.runs.atomic import atomic_path

    problems = problems_of(dataset)
    if not problems:
        return None
    path = os.path.join(folder, PROBLEM_FILE)
    try:
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write("\n".join(problems) + "\n")
    except OSError:
        return None
    return path
