"""One process trains into a run directory at a time; kill -9 frees it at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from workbench.errors import WorkbenchError
from workbench.runs.lock import RunLock, holder

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fcntl.flock is POSIX; Windows uses msvcrt")

HOLD = """
import sys, time
from workbench.runs.lock import RunLock
with RunLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder_process(tmp_path):
    """Another process holding the lock on ``tmp_path/run``."""
    run = tmp_path / "run"
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(run)], stdout=subprocess.PIPE, text=True,
                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert child.stdout.readline().strip() == "held"
    yield run, child
    if child.poll() is None:
        child.kill()
    child.wait()


def test_a_second_process_is_refused_with_the_holders_pid(holder_process):
    run, child = holder_process
    with pytest.raises(WorkbenchError) as caught:
        RunLock(str(run)).acquire()
    message = str(caught.value)
    assert message.startswith(f"{run} is being trained by process {child.pid} (started ")
    assert message.endswith("); wait for it or stop it first")
    started = message.split("(started ")[1][:5]
    assert started == time.strftime("%H:%M", time.localtime(holder(str(run))["started"]))
    assert holder(str(run))["pid"] == child.pid


def test_kill_9_frees_the_run_at_once(holder_process):
    run, child = holder_process
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert holder(str(run)) is None
    with RunLock(str(run)) as lock:  # no waiting, no stale-lock timeout
        assert lock.held and holder(str(run))["pid"] == os.getpid()


def test_a_second_lock_in_the_same_process_is_refused(tmp_path):
    with RunLock(str(tmp_path)):
        with pytest.raises(WorkbenchError, match=f"being trained by process {os.getpid()} "):
            RunLock(str(tmp_path)).acquire()
    assert holder(str(tmp_path)) is None
    with RunLock(str(tmp_path)):  # released on exit: taken again at once
        pass


def test_a_killed_holders_temporaries_are_cleaned_when_the_lock_is_taken(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (tmp_path / "checkpoint").mkdir()
    leftovers = [tmp_path / f".tmp-{child.pid}-1.keras", tmp_path / "checkpoint" / f".tmp-{child.pid}-2.npz"]
    for path in leftovers:
        path.write_bytes(b"half")
    mine = tmp_path / f".tmp-{os.getpid()}-3.json"
    mine.write_text("being written")
    with RunLock(str(tmp_path)):
        assert [p.exists() for p in leftovers] == [False, False]
        assert mine.exists()


def test_training_into_a_locked_run_is_refused(holder_process, capsys):
    from workbench.cli import main
    from workbench.runs.atomic import write_json

    run, child = holder_process
    write_json(str(run / "config.json"), {"model": "perceptron", "data": "iris", "epochs": 1})
    assert main(["train", "--resume", str(run), "--quiet"]) == 1
    assert f"being trained by process {child.pid}" in capsys.readouterr().err
