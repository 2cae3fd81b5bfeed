"""Stop and pause flags that a run checks between batches.

A ``threading.Event`` rather than a queued Qt slot: while ``fit`` runs, the worker
thread never returns to an event loop, so only a flag it polls can reach it.
"""

from __future__ import annotations

import threading


class RunControl:
    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._model = None

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

    def wait_while_paused(self, poll: float = 0.1) -> None:
        while not self._running.wait(poll):
            pass
