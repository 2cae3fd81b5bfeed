"""A job for ``test_steering.py``'s child-process test: module-level and free of TensorFlow,
so a spawned child unpickles it at once."""

import time


def wait_for_requests(emit, control, want: int = 2, timeout: float = 30.0):
    """Collects steering requests as ``Steering`` does (``take_requests`` between batches)."""
    taken, deadline = [], time.monotonic() + timeout
    while len(taken) < want and time.monotonic() < deadline:
        taken += control.take_requests()
        time.sleep(0.01)
    return taken
