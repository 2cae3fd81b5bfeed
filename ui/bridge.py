"""Worker threads for the GUI, and core events turned into throttled Qt signals.

Two tools, both built on plain ``threading.Thread``s (the core functions are ordinary
Python functions; a ``QThread`` adds nothing):

- ``run_in_background(fn, on_done, on_error, key=)`` runs any slow call (loading data,
  building a model, an explanation, an export) and calls back on the GUI thread.
  Like Orange's ``concurrent`` helpers, a newer task with the same ``key`` supersedes
  the older one: the older result is dropped instead of overwriting the newer one.
- ``RunBridge`` runs a training job, in a child process by default
  (``workbench.training.process``: the window's interpreter then only draws), or on a
  thread. The job's ``emit`` only puts events on a queue; a ~30 Hz ``QTimer`` drains it
  and re-emits them, so a thousand batches a second still cost the GUI thirty signals
  (``batches`` carries the list since the last tick).

Exceptions never reach the user as tracebacks: a ``WorkbenchError`` gives its own
sentence, anything else one line naming the exception (the traceback goes to the log).
"""

from __future__ import annotations

import collections
import logging
import os
import queue
import threading
import time
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from workbench.errors import WorkbenchError
from workbench.training import events

log = logging.getLogger(__name__)

#: Milliseconds between two deliveries of queued run events (about 30 per second).
FLUSH_INTERVAL_MS = 33


def error_message(error: BaseException) -> str:
    """The sentence a person sees for ``error``."""
    if isinstance(error, WorkbenchError):
        return str(error)
    lines = str(error).strip().splitlines()
    detail = lines[0][:300] if lines else "no details"
    return f"Unexpected error ({type(error).__name__}): {detail}"


#: Nice increment of worker threads: the GUI thread wins the CPU when both want it.
WORKER_NICENESS = 5


def lower_thread_priority() -> None:
    """Make the calling worker thread (and the threads it starts, such as TensorFlow's
    pools when it is imported here) yield the CPU to the GUI thread. Linux nice values
    are per thread; elsewhere this does nothing."""
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        except OSError:
            pass


#: What worker threads are done with, to be dropped on the GUI thread (``_park``).
_parked: collections.deque = collections.deque()
#: Milliseconds between two drops of the parked references by the GUI thread.
SWEEP_INTERVAL_MS = 250


def _park(references) -> None:
    """Hand ``references`` to the GUI thread, which drops them (``_Relay``'s sweep).

    A task's closure may hold the last reference to a Python object that owns a Qt object
    (a lambda over a widget, a bound method of a panel a test has closed). Dropped on the
    worker, its destructor runs there: ``~QObject`` takes Qt's signal-slot mutex and then
    waits for Python's lock, while the GUI thread, holding that lock, waits for the mutex in
    ``QObject::connect`` — neither moves again (a test worker hung so, at the line that took
    the next task). Callers move the object out of their own container into the deque in
    one call (``_park(held.pop())``), so the worker keeps no reference the GUI thread could
    outlive."""
    _parked.append(references)


def release_parked() -> None:
    """Drop the parked references (GUI thread)."""
    while _parked:
        _parked.popleft()


class _Relay(QObject):
    """Lives in the GUI thread; a signal emitted from a worker is queued to it. It also
    drops what workers have parked (``_park``), on a timer of its own."""

    deliver = Signal(object, object)

    def __init__(self):
        super().__init__()
        self.deliver.connect(self._call)
        self._sweep = QTimer(self)
        self._sweep.setInterval(SWEEP_INTERVAL_MS)
        self._sweep.timeout.connect(release_parked)
        self._sweep.start()

    @staticmethod
    def _call(callback, value):
        callback(value)


class Task:
    """A handle on one background call: ``done`` tells whether it has returned."""

    def __init__(self, key: str | None):
        self.key = key
        self.done = False
        self.dropped = False  # superseded before it started (lanes only)
        self.thread: threading.Thread | None = None


class _Lane:
    """One worker thread that runs its tasks in order.

    Explanations, exports and model builds share the "tf" lane so that one Keras model
    is never called from two threads at once (a model's first calls set up state that
    is not thread-safe). A queued task is dropped when a newer one with its key arrives.
    """

    def __init__(self, name: str):
        self.name = name
        self._pending: list[tuple[Task, Callable[[], None]]] = []
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False

    def submit(self, task: Task, work: Callable[[], None]) -> None:
        with self._ready:
            if task.key is not None:
                for old, _ in self._pending:
                    if old.key == task.key:
                        old.dropped = True
                self._pending = [(t, w) for t, w in self._pending if not t.dropped]
            self._pending.append((task, work))
            self._ready.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=f"workbench-lane-{self.name}",
                                                daemon=True)
                self._thread.start()
            task.thread = self._thread

    def idle(self) -> bool:
        with self._ready:
            return not self._pending and not self._busy

    def _loop(self) -> None:
        lower_thread_priority()
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
                held = [self._pending.pop(0)]  # (task, work): never bound to a name of this frame
                self._busy = True
            try:
                held[0][1]()
            finally:
                with self._ready:
                    self._busy = False
                _park(held.pop())  # the closure dies on the GUI thread, not here


_relay: _Relay | None = None
_latest: dict[str, Task] = {}
_lanes: dict[str, _Lane] = {}


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None, key: str | None = None,
                      lane: str | None = None, owner: QObject | None = None) -> Task:
    """Call ``fn()`` on a worker thread; ``on_done(result)`` / ``on_error(message)`` run on the GUI thread.

    ``key``: a newer task with the same key supersedes this one (its result is dropped).
    ``lane``: run on that lane's single worker thread, after the lane's earlier tasks,
    instead of on a thread of its own. ``owner``: the widget the callbacks touch; when it
    has been deleted by the time the result arrives (its window closed), the result is
    dropped. Must be called from the GUI thread.
    """
    global _relay
    if _relay is None:
        _relay = _Relay()
    relay = _relay
    task = Task(key)
    if key is not None:
        _latest[key] = task

    def current() -> bool:
        return key is None or _latest.get(key) is task

    def finish(callback, value):
        task.done = True
        if callback is not None and current() and (owner is None or shiboken6.isValid(owner)):
            callback(value)

    def work():
        if not current():  # superseded while waiting: skip the work altogether
            task.done = True
            return
        if lane is None:
            lower_thread_priority()
        try:
            result = fn()
        except BaseException as error:  # noqa: BLE001 - every failure must reach the user as a sentence
            if not isinstance(error, WorkbenchError):
                log.exception("background task failed")
            relay.deliver.emit(lambda message: finish(on_error, message), error_message(error))
            return
        relay.deliver.emit(lambda value: finish(on_done, value), result)

    if lane is not None:
        _lanes.setdefault(lane, _Lane(lane)).submit(task, work)
        return task
    task.thread = threading.Thread(target=_run_and_park, args=([work],), name=f"workbench-{key or 'task'}",
                                   daemon=True)
    task.thread.start()
    return task


def _run_and_park(held: list) -> None:
    """A thread of its own: run ``held``'s one function, then park it (``_park``): the thread
    would otherwise drop it, and with it the task's closure, on the worker."""
    try:
        held[0]()
    finally:
        _park(held.pop())


def _in_order(batches: list) -> list:
    """Batch ends are reported from Keras's callback threads and may overtake each other."""
    return sorted(batches, key=lambda event: (event.epoch, event.step))


def wait_for_lanes(timeout: float) -> bool:
    """Let queued model work finish before the process exits (True when all lanes are idle).

    Exiting while a worker is inside TensorFlow aborts the process untidily.
    """
    deadline = time.monotonic() + timeout
    while not all(lane.idle() for lane in _lanes.values()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class RunBridge(QObject):
    """Runs one training job at a time and re-emits its events as Qt signals."""

    started = Signal(object)  # events.RunStarted
    batches = Signal(list)  # [events.BatchEnd, ...] since the previous tick
    epoch_end = Signal(object)  # events.EpochEnd
    status = Signal(str)
    image = Signal(object)  # events.Image
    text = Signal(object)  # events.Text
    figure = Signal(object)  # events.Figure
    view = Signal(object)  # events.View: the latest of each name since the previous tick
    artifact = Signal(object)  # events.Artifact
    finished = Signal(object)  # events.Finished
    result = Signal(object)  # what the job function returned (a TrainResult)
    failed = Signal(str)
    running_changed = Signal(bool)
    steerable = Signal(object)  # events.Steerable: the run accepts changes (the Steer box)
    steered = Signal(object)  # events.Steered: a change was applied at a batch boundary

    def __init__(self, parent: QObject | None = None, in_process: bool = True):
        super().__init__(parent)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self._flush)
        self._thread: threading.Thread | None = None
        self._process = None  # the ProcessRun of the current run
        self._warm = None  # a WarmProcess waiting for the next job
        #: Run jobs in a child process (they must then be picklable: a module-level function
        #: bound with functools.partial); False runs them on a thread of this process.
        self.in_process = in_process
        self.control = None  # the RunControl of the current run
        # a run's result is a RunOutcome in a child process (the model stays in its file)

    @property
    def running(self) -> bool:
        return self._thread is not None or self._process is not None

    def prewarm(self) -> None:
        """Start the next run's process now, while the window is idle (it imports TensorFlow)."""
        from workbench.training.process import WarmProcess

        if self.in_process and self._process is None and (self._warm is None or not self._warm.alive()):
            self._warm = WarmProcess()

    def start(self, job: Callable[[Callable, Any], Any]) -> None:
        """``job(emit, control)`` runs in a child process (or on a worker thread when
        ``in_process`` is False), e.g. ``run_training`` with its config bound."""
        from workbench.training.control import RunControl

        if self.running:
            raise WorkbenchError("a run is already in progress; stop it first")
        if self.in_process:
            self._start_process(job)
            return
        self.control = RunControl()
        control, put = self.control, self._queue.put

        def work():
            lower_thread_priority()
            try:
                put(("result", job(put, control)))
            except BaseException as error:  # noqa: BLE001
                if not isinstance(error, WorkbenchError):
                    log.exception("run failed")
                put(events.Failed(error_message(error)))
            finally:
                put(("end", None))

        self._thread = threading.Thread(target=_run_and_park, args=([work],), name="workbench-run", daemon=True)
        self._timer.start()
        self._thread.start()
        self.running_changed.emit(True)

    def _start_process(self, job) -> None:
        from workbench.training.process import ProcessRun

        warm, self._warm = self._warm, None
        run = ProcessRun(job, self._queue.put, warm=warm)
        run.start()  # the job is sent from a thread: a failure arrives as a Failed event
        self._process, self.control = run, run.control
        self._timer.start()
        self.running_changed.emit(True)

    def stop(self) -> None:
        if self.control is not None:
            self.control.stop()

    def pause(self) -> None:
        if self.control is not None:
            self.control.pause()

    def resume(self) -> None:
        if self.control is not None:
            self.control.resume()

    def steer(self, change: dict) -> None:
        """Ask the run to apply ``change`` at its next batch boundary (a bad one: WorkbenchError)."""
        if self.control is None:
            raise WorkbenchError("no run is in progress to change")
        self.control.request(change)

    def wait(self, timeout: float) -> bool:
        """Stop and join the worker or process (used when the window closes); True when it ended."""
        thread, process, warm = self._thread, self._process, self._warm
        self.stop()
        if warm is not None:
            self._warm = None
            warm.release()
        if process is not None:
            return process.join(timeout)
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _flush(self) -> None:
        pending: list = []
        views: dict = {}  # name -> latest View: one sent 100 times since the last tick is drawn once
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, events.BatchEnd):
                pending.append(item)
                continue
            if isinstance(item, events.View):
                views[item.name] = item  # the name keeps its first place: tiles appear in order
                continue
            if pending:  # keep order: batches before the epoch end that follows them
                self.batches.emit(_in_order(pending))
                pending = []
            if views and (isinstance(item, (events.Finished, events.Failed)) or isinstance(item, tuple)):
                self._emit_views(views)  # a run's last views arrive before it is reported over
            self._dispatch(item)
        if pending:
            self.batches.emit(_in_order(pending))
        self._emit_views(views)

    def _emit_views(self, views: dict) -> None:
        for view in views.values():
            self.view.emit(view)
        views.clear()

    def _dispatch(self, item) -> None:
        if isinstance(item, tuple):
            kind, value = item
            if kind == "result":
                self.result.emit(value)
            else:  # "end": the worker has returned
                self._timer.stop()
                self._thread = self._process = None
                self.running_changed.emit(False)
            return
        signal = {
            events.RunStarted: self.started, events.EpochEnd: self.epoch_end,
            events.Image: self.image, events.Text: self.text, events.Figure: self.figure,
            events.Artifact: self.artifact, events.Finished: self.finished,
            events.Steerable: self.steerable, events.Steered: self.steered,
        }.get(type(item))
        if signal is not None:
            signal.emit(item)
        elif isinstance(item, events.Status):
            self.status.emit(item.text)
        elif isinstance(item, events.Failed):
            self.failed.emit(item.message)
