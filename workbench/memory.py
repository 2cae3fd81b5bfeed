"""Freeing memory held in reference cycles (a built Keras model holds hundreds of MB).

A window moves Python's cyclic collector to its GUI thread (``ui.gc_guard``: Qt objects
must be destroyed on their own thread): there ``gc.collect()`` on a worker thread asks the
GUI thread's timer for the collection, which runs within half a second, and finds nothing
itself. On the command line it collects at once.
"""

from __future__ import annotations

import gc


def collect() -> int:
    """A full collection; the number of unreachable objects found (0 when left to the GUI thread)."""
    return gc.collect()
