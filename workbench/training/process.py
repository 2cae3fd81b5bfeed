"""A training job in its own process: the window's process only draws.

Keras' training loop, the view recorder's matplotlib pictures, t-SNE projections and
graph layouts are Python work under one interpreter lock; in the window's process they
delay its event loop, however low their thread priority. A child process has its own
interpreter, so a run cannot make the window late (nor take it down when it crashes or
runs out of memory).

    run = ProcessRun(functools.partial(job.run_training, config, dataset=dataset), sink)
    run.start()          # events arrive through sink(event) on a reader thread
    run.control.stop()   # Stop / Pause / Continue reach the child through shared flags

The job is any picklable callable ``job(emit, control)`` (a module-level function bound
with ``functools.partial``). The child reports what it returns as a ``RunOutcome`` (the
model stays on disk: the parent loads ``model.keras`` when it wants it), then
``("end", None)``. A child that dies without saying so (killed, a crash in native code)
becomes ``events.Failed`` with its exit code.

``WarmProcess`` starts the child before there is a job: importing TensorFlow takes
seconds, and a process started while the window is idle makes Start immediate.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.training import events
from workbench.training.control import RunControl

#: spawn, never fork: the parent holds TensorFlow's and Qt's threads, which fork cannot copy.
CONTEXT = multiprocessing.get_context("spawn")


@dataclass
class RunOutcome:
    """What a finished job returned, without the model (it is on disk at ``model_path``)."""

    run_dir: str
    history: dict
    stopped: bool
    model_path: str = ""
    class_names: tuple = ()
    extra: dict = field(default_factory=dict)

    @property
    def model(self):  # the in-process TrainResult's field; here the model is in the file
        return None


def summarize(result: Any) -> Any:
    """A job's return value made picklable: a TrainResult becomes a RunOutcome, a list of
    them a list (sweeps), anything else passes as it is."""
    if isinstance(result, list):
        return [summarize(item) for item in result]
    if not hasattr(result, "run_dir") or not hasattr(result, "history"):
        return result
    from workbench.runs.rundir import RunDir

    dataset = getattr(result, "dataset", None)
    info = getattr(dataset, "info", None)
    model_path = RunDir(result.run_dir).model
    return RunOutcome(result.run_dir, dict(result.history), bool(result.stopped),
                      model_path if os.path.isfile(model_path) else "",
                      tuple(getattr(info, "class_names", ()) or ()))


#: Seconds between two looks at the parent while a warm child waits for its job.
PARENT_POLL_SECONDS = 1.0


def _wait_for_job(inbox) -> bool:
    """Wait until ``inbox`` holds the job; False when the parent process has ended first.

    The child holds the queue's write end too, so a dead parent never shows as end of
    file: without this look, a warm child orphaned by a crashed window waits forever."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    while not inbox._reader.poll(PARENT_POLL_SECONDS):
        if parent is not None and not parent.is_alive():
            return False
    return True


def _child(control: RunControl, outbox, inbox, preload: bool = True) -> None:
    """The child's main: wait for a job, run it, report its events and its outcome."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if hasattr(os, "nice"):
        try:
            os.nice(5)  # the window's process wins the CPU when both want it
        except OSError:
            pass
    if preload:
        from workbench.quiet import import_tensorflow

        import_tensorflow()  # while the process is only warm: Start then finds it loaded
    outbox.put(("ready", None))
    if not _wait_for_job(inbox):  # the window's process died while this one waited warm
        return
    try:
        job = inbox.get()  # unpickled here: a job whose module cannot load fails as a sentence
    except Exception as error:  # noqa: BLE001
        job = functools.partial(_raise, error)
    if job is None:  # released unused
        return
    _relay_stop(control)
    from workbench.views.display import DisplaySender

    send = DisplaySender(outbox.put)  # views arrive laid out and projected: the window only draws
    try:
        send(("result", summarize(job(send, control))))
    except BaseException as error:  # noqa: BLE001 - the parent shows it as a sentence
        send(events.Failed(_sentence(error)))
    finally:
        send.close()
        outbox.put(("end", None))
        outbox.close()
        outbox.join_thread()  # every event is in the pipe before the process exits


def _raise(error: BaseException, emit, control):
    raise error


def _relay_stop(control: RunControl) -> None:
    """Stop is a flag the parent raises; in here it must also reach the fitted model's
    ``stop_training`` (which ``fit`` reads after every batch), so a thread waits for it."""
    def wait():
        control.wait_for_stop()
        control.stop()

    threading.Thread(target=wait, name="stop-relay", daemon=True).start()


def _sentence(error: BaseException) -> str:
    from workbench.errors import WorkbenchError

    if isinstance(error, WorkbenchError):
        return str(error)
    lines = str(error).strip().splitlines()
    return f"Unexpected error ({type(error).__name__}): {lines[0][:300] if lines else 'no details'}"


class WarmProcess:
    """A child process that has imported TensorFlow and waits for one job."""

    def __init__(self, preload: bool = True):
        self.control = RunControl(CONTEXT)
        self._outbox = CONTEXT.Queue()
        self._inbox = CONTEXT.SimpleQueue()
        self.process = CONTEXT.Process(target=_child, args=(self.control, self._outbox, self._inbox, preload),
                                       name="workbench-run", daemon=True)
        self.process.start()

    def alive(self) -> bool:
        return self.process.is_alive()

    def release(self) -> None:
        """End it unused (the window closes)."""
        if self.process.is_alive():
            self._inbox.put(None)
            self.process.join(5.0)
            if self.process.is_alive():
                self.process.terminate()


class ProcessRun:
    """One job in a child process; ``sink(item)`` gets its events on a reader thread."""

    def __init__(self, job: Callable, sink: Callable[[Any], None], warm: WarmProcess | None = None):
        self.job, self.sink = job, sink
        self.warm = warm if warm is not None and warm.alive() else WarmProcess()
        self.control = self.warm.control
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        """Send the job and read its events, both on a thread of their own: pickling a large
        data set into the pipe takes a while, and the caller is the window's event loop. A job
        that cannot be sent is reported through ``sink`` like any failed run."""
        self._reader = threading.Thread(target=self._send_and_read, name="run-events", daemon=True)
        self._reader.start()

    def _send_and_read(self) -> None:
        try:
            self._send()
        except Exception as error:  # noqa: BLE001 - e.g. a job that cannot be pickled
            self.warm.release()
            self.sink(events.Failed(f"the training process could not start: {_sentence(error)}"))
            self.sink(("end", None))
            return
        self._read()

    def _send(self) -> None:
        try:
            self.warm._inbox.put(self.job)  # pickled here
        except (pickle.PicklingError, TypeError, AttributeError):
            # a loaded data set that cannot be pickled (an open stream, a local function):
            # the child loads the data itself from the run's config instead
            if not (isinstance(self.job, functools.partial) and self.job.keywords.get("dataset") is not None):
                raise
            self.job = functools.partial(self.job.func, *self.job.args, **{**self.job.keywords, "dataset": None})
            self.warm._inbox.put(self.job)

    def _read(self) -> None:
        outbox, process = self.warm._outbox, self.warm.process
        while True:
            try:
                item = outbox.get(timeout=0.5)
            except queue.Empty:
                if not process.is_alive():  # gone without its "end": killed or crashed
                    self._drain(outbox)
                    self.sink(events.Failed(_died(process.exitcode)))
                    self.sink(("end", None))
                    return
                continue
            except (EOFError, OSError):
                self.sink(events.Failed(_died(process.exitcode)))
                self.sink(("end", None))
                return
            if isinstance(item, tuple) and item[0] == "ready":
                continue
            self.sink(item)
            if isinstance(item, tuple) and item[0] == "end":
                process.join(10.0)
                return

    def _drain(self, outbox) -> None:
        while True:
            try:
                item = outbox.get_nowait()
            except (queue.Empty, EOFError, OSError):
                return
            if not (isinstance(item, tuple) and item[0] in ("ready", "end")):
                self.sink(item)

    def join(self, timeout: float) -> bool:
        """Wait for the child (after Stop); terminate it when it does not end in time."""
        process = self.warm.process
        process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(5.0)
        if self._reader is not None:
            self._reader.join(2.0)
        return not process.is_alive()

    @property
    def alive(self) -> bool:
        return self.warm.process.is_alive()


def _died(exitcode) -> str:
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return (f"The training process was ended by {name} (out of memory, or killed); the last "
                "complete epoch is kept as a resume point.")
    return (f"The training process ended unexpectedly (exit code {exitcode}); the last complete "
            "epoch is kept as a resume point.")
