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
thresholds Python uses. Libraries also call ``gc.collect()`` themselves, on whatever thread
runs them: Keras when a layer attribute is deleted or a session cleared, TensorFlow Lite's
converter after every conversion (an export on a worker hung CI that way, inside that
call). So ``gc.collect`` itself is replaced: on the GUI thread it collects; on any other it
asks the GUI thread's timer for that collection and returns 0 (nothing found here).
Reference counting, which frees almost everything, is untouched.
"""

from __future__ import annotations

import gc
import threading

#: Seconds between two looks at the generation counts (each look is a few microseconds).
INTERVAL_S = 0.5

_collector = None
_gui_thread: threading.Thread | None = None
_real_collect = gc.collect
#: The oldest generation a worker asked to collect since the timer last ran (None: none asked).
_asked: int | None = None
_asked_lock = threading.Lock()


def collect(generation: int = 2) -> int:
    """``gc.collect`` as the window has it: at once on the GUI thread, left to its timer elsewhere."""
    global _asked
    if threading.current_thread() is _gui_thread:
        return _real_collect(generation)
    with _asked_lock:
        _asked = generation if _asked is None else max(_asked, generation)
    return 0


def install():
    """Collect on the calling (GUI) thread from now on (idempotent); needs a QApplication."""
    global _collector, _gui_thread
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _gui_thread = threading.current_thread()
        gc.collect = collect
        _collector = GarbageCollector(interval=INTERVAL_S)
        _collector.timer.timeout.connect(_collect_asked)
    return _collector


def installed() -> bool:
    return _collector is not None


def collect_due() -> None:
    """Run the collections the thresholds call for and workers asked for, now, on the calling (GUI) thread."""
    if _collector is not None:
        _collector.check()
        _collect_asked()


def _collect_asked() -> None:
    global _asked
    with _asked_lock:
        generation, _asked = _asked, None
    if generation is not None:
        _real_collect(generation)
