"""Python's cyclic garbage collector runs on the GUI thread only.

Automatic collection runs on whichever thread happens to allocate when a threshold is
crossed: a model-building or file-reading worker, too. A cycle that holds a Qt object (a
widget whose signal is connected to a lambda over itself, a plot) is then destroyed on that
worker. Qt objects must die on their own thread: on another one the process segfaulted (a
test worker, in a worker thread at a line that only pops a list), or a worker destroying a
QObject took Qt's signal-slot mutex while the GUI thread, inside ``QObject::connect``, waited
for Python's lock, and the window froze for good (the hang that stopped CI).

``install()`` turns automatic collection off and collects on a timer of the GUI thread
(pyqtgraph's ``GarbageCollector``, made for exactly this), by the same generation
thresholds Python uses. Reference counting, which frees almost everything, is untouched.
"""

from __future__ import annotations

import gc

#: Seconds between two looks at the generation counts (each look is a few microseconds).
INTERVAL_S = 0.5

_collector = None


def install():
    """Collect on the GUI thread from now on (idempotent); needs a QApplication."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=INTERVAL_S)
    return _collector


def installed() -> bool:
    return _collector is not None


def collect_due() -> None:
    """Run the collections the thresholds call for, now, on the calling (GUI) thread."""
    if _collector is not None:
        _collector.check()

