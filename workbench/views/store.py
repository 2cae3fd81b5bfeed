"""A run's views on disk, and the recorder that writes them while training goes on.

    RUN_DIR/views/NAME.json   {"name", "title", "kind", "step", "meta"}: what the view is
    RUN_DIR/views/NAME.npz    its arrays (when it has any): the numbers behind the picture
    RUN_DIR/views/NAME.png    the picture (``render.render_png``)

Each file is written atomically; the JSON last, so a listing never names a view whose
arrays are not yet on disk. ``ViewRecorder`` sits between a run and its event sink:
events pass straight through, and the newest view of each name is written by one
background thread, so the training loop never waits on matplotlib.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import zipfile
from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path, read_json, write_json
from workbench.views.types import VALUE_TYPES, View, check_name

VIEWS_DIR = "views"
PNG_SIZE = (640, 480)
log = logging.getLogger(__name__)


@dataclass
class ViewInfo:
    """One row of a run's view list; ``kind == "damaged"`` when its files cannot be read
    (``title`` then says why)."""

    name: str
    title: str
    kind: str
    step: int
    png: str  # "" when there is no picture
    data: str  # the .npz behind it, or the .json when the view has no arrays


def views_dir(run_dir: str) -> str:
    return os.path.join(os.path.abspath(run_dir), VIEWS_DIR)


def view_paths(run_dir: str, name: str) -> tuple[str, str, str]:
    """``(json, npz, png)`` paths of view ``name``."""
    base = os.path.join(views_dir(run_dir), check_name(name))
    return base + ".json", base + ".npz", base + ".png"


def save_view(run_dir: str, view: View, picture: bool = True) -> str:
    """Write the view's arrays, picture and description; returns the PNG's path.

    ``picture=False`` writes the numbers only (milliseconds); the PNG (a matplotlib
    render, a tenth of a second or more) is then left as it was, to be drawn later.
    """
    from workbench.views.render import render_png

    json_path, npz_path, png_path = view_paths(run_dir, view.name)
    meta, arrays = view.value.to_record()
    try:
        os.makedirs(os.path.dirname(json_path), exist_ok=True)
        if arrays:
            with atomic_path(npz_path) as tmp:
                np.savez(tmp, **arrays)
        elif os.path.exists(npz_path):  # the name held a view with arrays before
            os.unlink(npz_path)
        if picture:
            render_png(view, png_path, PNG_SIZE)
        write_json(json_path, {"name": view.name, "title": view.title, "kind": view.value.kind,
                               "step": int(view.step), "meta": meta})
    except OSError as error:
        raise WorkbenchError(f"cannot write view {view.name} into {os.path.dirname(json_path)}: "
                             f"{error.strerror or error}") from None
    return png_path


def list_views(run_dir: str) -> list[ViewInfo]:
    """The run's views sorted by name; a view whose files are damaged is listed as such."""
    folder = views_dir(run_dir)
    if not os.path.isdir(folder):
        return []
    names = sorted(entry[:-5] for entry in os.listdir(folder)
                   if entry.endswith(".json") and not entry.startswith("."))
    return [_info(run_dir, name) for name in names]


def _info(run_dir: str, name: str) -> ViewInfo:
    json_path, npz_path, png_path = (os.path.join(views_dir(run_dir), name + ext) for ext in (".json", ".npz", ".png"))
    png = png_path if os.path.isfile(png_path) else ""
    try:
        record = _read_record(json_path)
        if os.path.exists(npz_path):
            with zipfile.ZipFile(npz_path) as archive:  # reads the directory at the end: a cut file fails
                archive.namelist()
        return ViewInfo(name, str(record["title"]), record["kind"], int(record["step"]), png,
                        npz_path if os.path.exists(npz_path) else json_path)
    except (WorkbenchError, OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError) as error:
        reason = str(error) if isinstance(error, WorkbenchError) else f"{os.path.basename(npz_path)} is damaged"
        return ViewInfo(name, reason, "damaged", 0, png, json_path)


def load_view(run_dir: str, name: str) -> View:
    """The view ``name`` as it was saved; a missing or damaged file is a ``WorkbenchError``."""
    try:
        json_path, npz_path, _ = view_paths(run_dir, name)
    except ValueError as error:
        raise WorkbenchError(str(error)) from None
    if not os.path.isfile(json_path):
        raise WorkbenchError(f"{json_path} does not exist: the run has no view named {name!r}")
    record = _read_record(json_path)
    arrays = {}
    if os.path.exists(npz_path):
        try:
            with np.load(npz_path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
            raise WorkbenchError(f"{npz_path} is damaged ({error})") from None
    try:
        value = VALUE_TYPES[record["kind"]].from_record(record["meta"], arrays)
        return View(record["name"], value, record["title"], int(record["step"]))
    except (KeyError, TypeError, ValueError) as error:
        missing = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise WorkbenchError(f"{json_path} (or its .npz) does not describe a {record.get('kind')} view: "
                             f"{missing}") from None


def _read_record(json_path: str) -> dict:
    try:
        record = read_json(json_path)
    except (OSError, ValueError) as error:
        raise WorkbenchError(f"{json_path} is not a readable view description ({error})") from None
    if not isinstance(record, dict) or not {"name", "title", "kind", "step", "meta"} <= set(record):
        raise WorkbenchError(f"{json_path} lacks the keys name, title, kind, step and meta")
    if record["kind"] not in VALUE_TYPES:
        raise WorkbenchError(f"{json_path} names an unknown view kind {record['kind']!r}")
    return record


class ViewRecorder:
    """An event sink that forwards every event and writes ``View`` events into ``run_dir``.

    Views go to one background thread that holds only the newest pending view of each
    name (a view refreshed every batch is written as often as it can be, not queued
    without end). Its numbers (``.json``/``.npz``) are written at once; its picture is
    drawn only while rendering has taken less than ``duty`` of the wall time so far, so
    on a machine with few cores matplotlib never competes with training for long. Every
    picture left behind is drawn by ``close()``, which the run calls when it ends; the
    GUI draws live views from the numbers, not from the PNGs. ``written`` maps each name
    to its PNG.
    """

    def __init__(self, run_dir: str, emit, duty: float = 0.02):
        self.run_dir, self.emit = run_dir, emit
        self.duty = min(max(duty, 0.0), 1.0)
        self.written: dict[str, str] = {}
        self.failures: dict[str, str] = {}  # name -> why it could not be written
        self._pending: dict[str, View] = {}
        self._unpictured: dict[str, View] = {}  # written without its PNG; drawn at close
        self._wake = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._started = time.perf_counter()
        self._rendering = 0.0  # seconds spent drawing PNGs so far
        self._last_cost = 0.25  # what the next picture is expected to take (seconds)

    def __call__(self, event) -> None:
        if isinstance(event, View):
            try:
                event.png = view_paths(self.run_dir, event.name)[2]  # where it will be, for printers
            except AttributeError:
                pass
        self.emit(event)
        if isinstance(event, View):
            self.submit(event)

    def submit(self, view: View) -> None:
        with self._wake:
            if self._closing:  # after close(): write it here and now
                self._write(view, picture=True)
                return
            self._pending[view.name] = view  # replaces an unwritten older one of the same name
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="view-writer", daemon=True)
                self._thread.start()
            self._wake.notify()

    def close(self) -> None:
        """Write the pending views, draw every picture not drawn yet, stop (idempotent)."""
        with self._wake:
            self._closing = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join()
        for view in list(self._unpictured.values()):
            self._write(view, picture=True)
        self._unpictured.clear()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closing:
                    self._wake.wait()
                if not self._pending:
                    return
                view = self._pending.pop(next(iter(self._pending)))
            elapsed = time.perf_counter() - self._started
            # a picture only when its likely cost still fits the budget: matplotlib holds the
            # GIL while it draws, so each one pauses every other Python thread (the GUI's too)
            picture = self._closing or self._rendering + self._last_cost <= self.duty * elapsed
            started = time.perf_counter()
            self._write(view, picture)
            if picture:
                self._last_cost = time.perf_counter() - started
                self._rendering += self._last_cost

    def _write(self, view: View, picture: bool) -> None:
        try:
            png = save_view(self.run_dir, view, picture=picture)
            if picture:
                self.written[view.name] = png
                self._unpictured.pop(view.name, None)
            else:
                self._unpictured[view.name] = view
            self.failures.pop(view.name, None)
        except Exception as error:  # a view must never end a run; say so and go on
            self.failures[view.name] = f"{type(error).__name__}: {error}"
            log.warning("view %s was not written: %s", view.name, self.failures[view.name])
