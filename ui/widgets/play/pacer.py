"""Hands a worker thread's items to the GUI thread at a watchable pace.

The worker ``put``s each item (a step with its frame) into a small bounded queue and waits
there while it is full, so an agent that acts in microseconds still plays at the chosen
frames per second and memory stays bounded; a timer on the GUI thread takes one item per
tick. ``stop()`` wakes a waiting worker at once (its ``put`` returns False).
"""

from __future__ import annotations

import queue
import threading

from PySide6.QtCore import QObject, QTimer, Signal

#: Items the worker may run ahead of what is shown.
AHEAD = 4


class StepPacer(QObject):
    item = Signal(object)  # one item per tick, in order, on the GUI thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._queue: queue.Queue = queue.Queue(maxsize=AHEAD)
        self.stopped = threading.Event()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    def start(self, per_second: float) -> None:
        self.stopped.clear()
        self._queue = queue.Queue(maxsize=AHEAD)
        self.set_pace(per_second)
        self._timer.start()

    def set_pace(self, per_second: float) -> None:
        self._timer.setInterval(max(1, round(1000 / max(per_second, 0.1))))

    def stop(self) -> None:
        self.stopped.set()

    def halt(self) -> None:
        """No more ticks (after the last item, or when the panel closes)."""
        self._timer.stop()

    def put(self, item, urgent: bool = False) -> bool:
        """From the worker: wait for room, or until ``stop()`` (then False). ``urgent`` items
        (the end of the run) are queued even after a stop."""
        while urgent or not self.stopped.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _tick(self) -> None:
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return
        self.item.emit(item)
