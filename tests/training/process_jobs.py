"""Jobs for ``test_process_run.py``: module-level, so a child process can unpickle them."""

import os
import time

from workbench.errors import WorkbenchError
from workbench.training import events


def count_until_stopped(emit, control, limit: int = 3000):
    """Emits a batch event every 10 ms until Stop; returns how many it emitted and its pid."""
    for step in range(limit):
        control.wait_while_paused()
        if control.stop_requested:
            break
        emit(events.BatchEnd(0, step + 1, limit, {"loss": 1.0 / (step + 1)}))
        time.sleep(0.01)
    return {"steps": step, "pid": os.getpid()}


def refuse(emit, control):
    raise WorkbenchError("the data set has no labels")


def wait_to_be_killed(emit, control):
    emit(events.Status(f"pid {os.getpid()}"))
    time.sleep(600)


def describe_dataset(emit, control, dataset=None):
    return f"dataset={dataset!r}"


class Unloadable:
    """Pickles fine, but cannot be rebuilt in the child (its module state is missing there)."""

    def __reduce__(self):
        return (_missing_in_child, ())

    def __call__(self, emit, control):
        return None


def _missing_in_child():
    raise ImportError("No module named 'lost_plugin'")


def send_a_graph(emit, control):
    """A graph view and the layout the child computes for it, to compare in the parent."""
    import numpy as np

    from workbench.views import types as t
    from workbench.views.graph_layout import graph_layout

    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])
    emit(t.View("graph", t.Graph(edges, 5)))
    return {"layout": graph_layout(edges, 5)}
