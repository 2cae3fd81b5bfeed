"""Where a command may write: one policy for every output a user names.

Nothing that exists is deleted or overwritten unless the user said so:

- an existing folder where a file is asked for is refused (or, where writing *inside* it
  is the natural meaning, the file goes inside it);
- an existing file is replaced only with ``force`` (``--force`` on the command line, a
  question in the window);
- an existing folder is replaced only with ``force`` and only when it holds the same kind
  of output (a SavedModel over a SavedModel), never an arbitrary folder;
- nothing ever replaces a run directory or its own files (config.json, model.keras, ...);
- a missing parent folder is created (as ``atomic_path`` does), unless a file is in the way.
"""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError
from workbench.runs.atomic import clean_stale_temporaries

#: What makes a folder a run directory, and the entries of one that only training writes.
RUN_MARKER = "config.json"
RUN_OWN_FILES = ("config.json", "history.json", "model.keras", "info.json", "checkpoint", ".lock")


class OutputExists(WorkbenchError):
    """The output path holds something that ``force`` would replace (the GUI asks first)."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


def check_output_path(path: str, kind: str = "file", force: bool = False, inside_ok: bool = False,
                      example: str = "", marker: str = "", option: str = "--force") -> str:
    """The absolute path to write, or a ``WorkbenchError`` saying why not.

    ``kind`` is what will be written: ``"file"`` or ``"directory"``. ``inside_ok`` with a
    file: an existing folder receives the file as ``folder/example``; with a directory:
    an existing folder is written into, not replaced. ``example`` is the file name offered
    when a folder is given where a file is wanted; ``marker`` is the entry a folder must
    hold to be replaceable by this kind of output (``saved_model.pb``). ``option`` is how
    the caller spells "replace it" in the sentence.
    """
    if kind not in ("file", "directory"):
        raise ValueError(f"kind must be 'file' or 'directory', not {kind!r}")
    if not str(path).strip():
        raise WorkbenchError("the output path is empty; give a file name")
    path = os.path.abspath(os.path.expanduser(str(path)))
    if kind == "file" and os.path.isdir(path):
        if not inside_ok or not example:
            name = example or "output" + (os.path.splitext(path)[1] or "")
            raise WorkbenchError(f"{path} is a directory; give a file name such as {os.path.join(path, name)}")
        path = os.path.join(path, example)
    _refuse_run_files(path)
    if os.path.isdir(path):
        if kind == "file":
            raise WorkbenchError(f"{path} is a directory; give a file name such as {os.path.join(path, example or 'output')}")
        if not inside_ok and os.listdir(path):
            _check_replaceable_folder(path, force, marker, option)
    elif os.path.lexists(path):
        if kind == "directory":
            raise WorkbenchError(f"{path} is a file, not a folder; give a new folder name")
        if not force:
            raise OutputExists(f"{path} exists; add {option} to replace it", path)
    _check_parent(path)
    clean_stale_temporaries(os.path.dirname(path))
    return path


def _check_replaceable_folder(path: str, force: bool, marker: str, option: str) -> None:
    if marker and not os.path.exists(os.path.join(path, marker)):
        raise WorkbenchError(f"{path} is a folder that is not an earlier export (no {marker} in it), "
                             "so it is left as it is; give a new folder name")
    if not marker:
        raise WorkbenchError(f"{path} is a folder that is not empty, so it is left as it is; "
                             "give a new folder name")
    if not force:
        raise OutputExists(f"{path} exists; add {option} to replace it", path)


def _refuse_run_files(path: str) -> None:
    """A run directory, or one of its own entries, is never an output: it is the run."""
    here = path
    while True:
        if os.path.isfile(os.path.join(here, RUN_MARKER)):
            inside = os.path.relpath(path, here)
            first = inside.split(os.sep)[0]
            if inside == os.curdir:
                raise WorkbenchError(f"{path} is a run directory; writing there would replace the run "
                                     f"(config, history, model, checkpoint) - give a new name, such as "
                                     f"{os.path.join(path, 'export')}")
            if first in RUN_OWN_FILES:
                raise WorkbenchError(f"{path} would replace the run's own {first} in {here}; "
                                     f"give another name, such as {os.path.join(here, 'export', os.path.basename(path))}")
            return
        parent = os.path.dirname(here)
        if parent == here:
            return
        here = parent


def _check_parent(path: str) -> None:
    parent = os.path.dirname(path)
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent) if os.path.dirname(parent) != parent else ""
    if parent and not os.path.isdir(parent):
        raise WorkbenchError(f"{parent} is a file, so {path} cannot be written inside it; give another path")
