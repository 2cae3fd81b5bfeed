"""Cycles are collected on the GUI thread only, once a window exists (ui/gc_guard.py)."""

import gc
import threading

from ui import gc_guard


class Cycle:
    def __init__(self):
        self.me = self


def _collections_by_thread():
    collected_on = []

    def note(phase, info):
        if phase == "start":
            collected_on.append((threading.current_thread().name, info["generation"]))

    return collected_on, note


def test_a_worker_never_collects_and_the_gui_thread_does(qtbot):
    gc_guard.install()  # (the qapp fixture installed it already; installing twice is one collector)
    assert not gc.isenabled() and gc_guard.install() is gc_guard.install()
    collected_on, note = _collections_by_thread()
    gc.callbacks.append(note)
    try:
        worker = threading.Thread(target=lambda: [Cycle() for _ in range(50_000)] and gc.collect(),
                                  name="a-worker")
        worker.start()
        worker.join()
        assert not [name for name, _ in collected_on if name == "a-worker"]  # neither by thresholds nor asked
        qtbot.waitUntil(lambda: threading.main_thread().name in [name for name, _ in collected_on], timeout=5000)
    finally:
        gc.callbacks.remove(note)


def test_a_library_s_own_gc_collect_on_a_worker_is_done_by_the_gui_thread(qtbot):
    """TensorFlow Lite's converter and Keras call ``gc.collect()`` themselves: on a worker
    that collection is the GUI thread's, and a full one, though no threshold is crossed."""
    gc_guard.install()
    gc_guard.collect_due()  # nothing left over from earlier tests
    collected_on, note = _collections_by_thread()
    gc.callbacks.append(note)
    found = []
    try:
        worker = threading.Thread(target=lambda: found.append(gc.collect()), name="a-converter")
        worker.start()
        worker.join()
        assert found == [0] and collected_on == []
        qtbot.waitUntil(lambda: (threading.main_thread().name, 2) in collected_on, timeout=2000)
        assert gc.collect(0) >= 0 and collected_on[-1] == (threading.main_thread().name, 0)  # the GUI thread's own: at once
    finally:
        gc.callbacks.remove(note)
