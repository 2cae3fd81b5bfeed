"""Cycles are collected on the GUI thread only, once a window exists (ui/gc_guard.py)."""

import gc
import threading

from ui import gc_guard
from workbench import memory


class Cycle:
    def __init__(self):
        self.me = self


def test_a_worker_never_collects_and_the_gui_thread_does(qtbot):
    gc_guard.install()  # (the qapp fixture installed it already; installing twice is one collector)
    assert not gc.isenabled() and gc_guard.install() is gc_guard.install()
    collected_on = []

    def note(phase, info):
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:
        worker = threading.Thread(target=lambda: [Cycle() for _ in range(50_000)] and memory.collect(),
                                  name="a-worker")
        worker.start()
        worker.join()
        assert "a-worker" not in collected_on  # neither by thresholds nor by memory.collect()
        qtbot.waitUntil(lambda: threading.main_thread().name in collected_on, timeout=5000)
    finally:
        gc.callbacks.remove(note)
