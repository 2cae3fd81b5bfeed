"""Runs in a child process (``workbench.training.process``): what the GUI's Train tab uses
so that a run's Python work never delays the window's event loop."""

import functools
import os
import signal
import time

import process_jobs

from workbench.training import events
from workbench.training.process import ProcessRun, WarmProcess


def run_job(job, until=None, timeout=60.0):
    """Start ``job`` in a fresh child; returns (items, run) once ("end", None) arrived or
    ``until(items)`` held."""
    items = []
    run = ProcessRun(job, items.append, warm=WarmProcess(preload=False))
    run.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if items and items[-1] == ("end", None):
            break
        if until is not None and until(items):
            return items, run
        time.sleep(0.02)
    return items, run


def batches(items):
    return [item for item in items if isinstance(item, events.BatchEnd)]


def test_stop_and_pause_reach_the_child_and_its_result_comes_back():
    items, run = run_job(process_jobs.count_until_stopped, until=lambda items: len(batches(items)) >= 5)
    run.control.pause()
    time.sleep(0.3)  # the batch under way ends; then nothing more while paused
    paused_at = len(batches(items))
    time.sleep(0.5)
    assert len(batches(items)) <= paused_at + 1
    run.control.resume()
    time.sleep(0.3)
    assert len(batches(items)) > paused_at + 1  # it goes on after Continue
    run.control.stop()
    assert run.join(30.0)
    time.sleep(0.2)
    result = [value for kind, value in (i for i in items if isinstance(i, tuple)) if kind == "result"]
    assert result and result[0]["pid"] != os.getpid()  # it ran in another process
    assert result[0]["steps"] == len(batches(items))  # every event it emitted arrived
    assert items[-1] == ("end", None)


def test_a_refusal_in_the_child_is_its_sentence():
    items, run = run_job(process_jobs.refuse)
    failed = [item for item in items if isinstance(item, events.Failed)]
    assert [f.message for f in failed] == ["the data set has no labels"]
    assert items[-1] == ("end", None)


def test_a_killed_child_is_reported_not_waited_for():
    items, run = run_job(process_jobs.wait_to_be_killed,
                         until=lambda items: any(isinstance(i, events.Status) for i in items))
    pid = int(next(i for i in items if isinstance(i, events.Status)).text.split()[1])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not (items and items[-1] == ("end", None)) and time.monotonic() < deadline:
        time.sleep(0.05)
    failed = [item for item in items if isinstance(item, events.Failed)]
    assert len(failed) == 1 and "SIGKILL" in failed[0].message and "resume point" in failed[0].message
    assert items[-1] == ("end", None)
    # the parent can still raise Stop on the flags the dead child shared (no hang)
    run.control.stop()


def test_a_job_that_cannot_be_pickled_is_reported_and_its_process_released():
    warm = WarmProcess(preload=False)
    items = []
    run = ProcessRun(lambda emit, control: None, items.append, warm=warm)
    started = time.monotonic()
    run.start()  # returns at once: the job is sent from a thread
    assert time.monotonic() - started < 0.5
    deadline = time.monotonic() + 30
    while not (items and items[-1] == ("end", None)) and time.monotonic() < deadline:
        time.sleep(0.02)
    failed = [item for item in items if isinstance(item, events.Failed)]
    assert len(failed) == 1 and "could not start" in failed[0].message
    assert items[-1] == ("end", None)
    assert not warm.alive()


def test_a_data_set_that_cannot_travel_is_loaded_by_the_child_instead():
    class Unpicklable:
        def __reduce__(self):
            raise TypeError("cannot pickle an open stream")

    items, run = run_job(functools.partial(process_jobs.describe_dataset, dataset=Unpicklable()))
    result = [value for kind, value in (i for i in items if isinstance(i, tuple)) if kind == "result"]
    assert result == ["dataset=None"]


def test_a_job_the_child_cannot_rebuild_is_a_sentence_not_a_silent_death():
    items, run = run_job(process_jobs.Unloadable())
    failed = [item for item in items if isinstance(item, events.Failed)]
    assert len(failed) == 1 and "lost_plugin" in failed[0].message
    assert items[-1] == ("end", None)


def test_views_come_from_the_child_laid_out():
    """The window only draws: a graph's layout (and a scatter's projection, a sound's
    spectrogram, ``workbench.views.display``) is computed in the run's process."""
    from workbench.views.types import View

    items, run = run_job(process_jobs.send_a_graph)
    views = [item for item in items if isinstance(item, View)]
    result = [value for kind, value in (i for i in items if isinstance(i, tuple)) if kind == "result"]
    assert len(views) == 1 and views[0].value.positions is not None
    assert views[0].value.positions.tolist() == result[0]["layout"].tolist()
    assert items.index(views[0]) < items.index(("result", result[0]))  # in the order emitted


_ORPHAN_SCRIPT = """
import os, sys
sys.path.insert(0, {root!r})
from workbench.training.process import WarmProcess
if __name__ == "__main__":
    warm = WarmProcess(preload=False)
    assert warm._outbox.get(timeout=120)[0] == "ready"
    with open(sys.argv[1], "w") as f:
        f.write(str(warm.process.pid))
    os._exit(0)  # the window's process dies without releasing its warm child
"""


def test_a_warm_child_ends_when_the_window_process_dies(tmp_path):
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(_ORPHAN_SCRIPT.format(root=os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    pid_file = tmp_path / "child.pid"
    # no pipes: the orphan would hold them open and keep run() waiting
    subprocess.run([sys.executable, str(script), str(pid_file)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=180, check=True)
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return  # gone: it saw its parent end
        time.sleep(0.2)
    os.kill(child, 9)
    raise AssertionError("the orphaned warm child was still waiting 30 s after its parent died")
