"""Stop and pause flags that a run checks between batches.

A ``threading.Event`` rather than a queued Qt slot: while ``fit`` runs, the worker
thread never returns to an event loop, so only a flag it polls can reach it. Given a
multiprocessing context, the flags are shared with a child process that trains
(``workbench.training.process``): the same object, pickled into the child, reads them.
"""

from __future__ import annotations

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

    def __getstate__(self):  # into a child process: the flags, never a model
        return {"_stop": self._stop, "_running": self._running, "_model": None}

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
