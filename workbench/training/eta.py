"""How long a run has left: a moving estimate that leaves out the start-up.

The first batch of a run pays for building the model and tracing ``train_step`` into a
graph, and the first epoch's end for tracing the test step: seconds that never come
again. Dividing the elapsed time by the batches done counts them in every estimate, so
a short run's first ETA was several times too long. Here the rate is measured over the
last ``window`` seconds of progress only, from the first batch's end on, so the
estimate follows the run's current speed (a paused run, another program taking the CPU)
and forgets the compilation once the window has passed it.
"""

from __future__ import annotations

from collections import deque


class EtaEstimator:
    """Feed ``update(done, now)`` (batches done, a monotonic clock); ``remaining(total)``
    is the seconds left, or ``None`` until two points of progress span some time."""

    def __init__(self, window: float = 20.0):
        self.window = window
        self._points: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._points.clear()

    def update(self, done: int, now: float) -> None:
        if self._points and done < self._points[-1][1]:  # a new run, or a resumed one, counts again
            self._points.clear()
        self._points.append((now, done))
        # keep one point older than the window, so the rate always spans at least it
        while len(self._points) > 2 and now - self._points[1][0] >= self.window:
            self._points.popleft()

    def seconds_per_batch(self) -> float | None:
        if len(self._points) < 2:
            return None
        (t0, d0), (t1, d1) = self._points[0], self._points[-1]
        if d1 <= d0 or t1 <= t0:
            return None
        return (t1 - t0) / (d1 - d0)

    def remaining(self, total: int) -> float | None:
        rate = self.seconds_per_batch()
        if rate is None:
            return None
        return max(0, total - self._points[-1][1]) * rate
