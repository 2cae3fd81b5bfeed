"""Worker threads leave the last reference to a task's closure to the GUI thread.

A closure over a widget, dropped on a worker, destroys the widget there: Qt's destructor
takes its signal-slot mutex and then waits for Python's lock, which the GUI thread may hold
while it waits for that mutex (a test process hung so). ``ui.bridge`` parks what a worker is
done with; the GUI thread drops it.
"""

import gc
import threading

import pytest

from ui import bridge


class Tracked:
    """Records the thread its destructor ran on."""

    def __init__(self, seen: list):
        self.seen = seen

    def __del__(self):
        self.seen.append(threading.current_thread().name)


@pytest.mark.parametrize("lane", [None, "test-release"])
def test_a_closure_over_an_object_dies_on_the_gui_thread(qtbot, lane):
    seen: list = []
    done = []
    obj = Tracked(seen)
    bridge.run_in_background(lambda held=obj: held.seen is seen, done.append, lane=lane)
    del obj  # the task's closure now holds the only reference
    qtbot.waitUntil(lambda: done == [True], timeout=10_000)
    # a lane's worker takes its next task: without parking, that rebinding dropped the closure
    bridge.run_in_background(lambda: None, done.append, lane=lane)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    gc.collect()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)  # the relay's sweep drops the parked closure
    assert seen == [threading.main_thread().name]
