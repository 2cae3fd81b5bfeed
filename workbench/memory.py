"""Freeing memory held in reference cycles (a built Keras model holds hundreds of MB).

A window moves Python's cyclic collector to its GUI thread (``ui.gc_guard``: Qt objects
must be destroyed on their own thread) and turns automatic collection off. A full
collection asked for on a worker thread is then left to the GUI thread's timer, which
runs within half a second; the command line, where automatic collection stays on,
collects at once.
"""

from __future__ import annotations

import gc
import threading


def collect() -> int:
    """``gc.collect()`` where it is safe here; the number of unreachable objects found (0 when left to the GUI)."""
    if gc.isenabled() or threading.current_thread() is threading.main_thread():
        return gc.collect()
    return 0
