"""Stop and pause flags that a run checks between batches.

A ``threading.Event`` rather than a queued Qt slot: while ``fit`` runs, the worker
thread never returns to an event loop, so only a flag it polls can reach it. Given a
multiprocessing context, the flags are shared with a child process that trains
(``workbench.training.process``): the same object, pickled into the child, reads them.
"""

from __future__ import annotations

import queue
import threading
import time


class SharedFlag:
    """A ``threading.Event``-like flag in shared memory, for a parent and its child process.

    Not ``multiprocessing.Event``: its ``set`` waits for every process sleeping in ``wait``
    to wake, and a child that ended while waiting (a run that finished, or was killed)
    never wakes, so the parent's Stop would hang forever. A byte that both sides poll has
    no such state.
    """

    def __init__(self, context):
        self._value = context.RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def clear(self) -> None:
        self._value.value = 0

    def is_set(self) -> bool:
        return bool(self._value.value)

    def wait(self, timeout: float | None = None, poll: float = 0.02) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True


class RunControl:
    def __init__(self, context=None):
        def make():
            return SharedFlag(context) if context is not None else threading.Event()

        self._stop = make()
        self._running = make()
        self._running.set()
        self._model = None
        #: Steering requests (``training.schedule`` changes) on their way to the run; a
        #: multiprocessing queue travels into the child with the flags, as it is spawned.
        self._requests = context.Queue() if context is not None else queue.Queue()
        #: Requests put so far (shared) and taken so far (by the run): a batch without a new
        #: request costs one integer's read, not a lock and an exception of the queue's,
        #: and a request still in the pipe is taken at a later batch, never lost.
        self._requested = context.RawValue("i", 0) if context is not None else _Count()
        self._taken = 0

    def __getstate__(self):  # into a child process: the flags and the requests, never a model
        return {"_stop": self._stop, "_running": self._running, "_model": None, "_requests": self._requests,
                "_requested": self._requested, "_taken": 0}

    def request(self, change: dict) -> None:
        """Ask the run to apply ``change`` at its next batch boundary (``training.steering``);
        a change of the wrong form is refused here, with a sentence."""
        from workbench.training.schedule import check_change

        self._requests.put(check_change(change))
        self._requested.value += 1  # only the window's thread asks

    def take_requests(self) -> list[dict]:
        """The changes requested since the last call, oldest first (never waits)."""
        taken = []
        while self._taken + len(taken) < self._requested.value:
            try:
                taken.append(self._requests.get_nowait())
            except (queue.Empty, EOFError, OSError):
                break  # still on its way through the pipe: the next batch takes it
        self._taken += len(taken)
        return taken

    def attach(self, model) -> None:
        """The model being fitted: Stop raises its ``stop_training`` flag directly, which
        ``fit`` reads after every batch, so the batch under way is the last."""
        self._model = model
        if self._stop.is_set():
            model.stop_training = True

    def detach(self) -> None:
        self._model = None

    def stop(self) -> None:
        self._stop.set()
        model = self._model
        if model is not None:
            model.stop_training = True  # one attribute store: safe from any thread
        self._running.set()  # a paused run must wake up to stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_for_stop(self, timeout: float | None = None) -> bool:
        return self._stop.wait(timeout)

    def wait_while_paused(self, poll: float = 0.1) -> None:
        while not self._running.wait(poll):
            pass


class _Count:
    """``RawValue``'s ``value`` for a run in the window's own process."""

    value = 0
