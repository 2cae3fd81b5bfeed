"""A test that hangs is stopped, its threads' stacks are written, and it is run once more.

One GUI test has hung in CI: the window's thread blocked inside Qt (constructing a
pyqtgraph plot's widgets) while holding Python's lock, so nothing in Python could stop
it, and the whole run sat until CI's limit. The cause was not found (see the closing
note of that stop); this guard bounds what such a hang costs:

- in each test process, faulthandler's watchdog (a C thread: it fires even when the hung
  thread holds the GIL) writes every thread's stack to the log after ``HANG_SECONDS``
  and ends the process; pytest-xdist reports the test as crashed and goes on with a new
  worker, which skips the hung test when it is handed to it again (a file per running
  test, left behind by the process that ended, says so); the scheduler queues again only
  the files the ended worker had not finished (``_requeuing_scheduler``);
- at the end, when every failure of the session was such a hang (or a crash of the test
  process, which xdist reports the same way: a Qt object destroyed on the wrong thread
  segfaulted one), those tests run once more, each file in a fresh process of its own; the
  session passes only if they pass. Any other failure is reported as it is, and nothing
  is run again.
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

#: Seconds one test may take before it counts as hung: the slowest test takes about a
#: minute on a loaded 2-core machine.
HANG_SECONDS = float(os.environ.get("WORKBENCH_TEST_HANG_SECONDS", "600"))
#: The folder, shared by the session's processes, of the tests running now.
RUNNING_DIR = "WORKBENCH_TEST_RUNNING_DIR"


class HangWatchdog:
    """In a process that runs tests: the watchdog around each test."""

    def __init__(self):
        # pytest captures fd 2 during a test: the stacks go to a copy of the real one
        self._stderr = os.dup(2)
        self._running = os.environ.get(RUNNING_DIR)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        mark = None
        if self._running:
            mark = os.path.join(self._running, hashlib.sha1(item.nodeid.encode()).hexdigest())
            if os.path.exists(mark):  # its process ended while it ran: do not hang a second worker
                item.add_marker(pytest.mark.skip(reason="hung earlier in this session; run again at the end"))
                mark = None
            else:
                open(mark, "w").close()
        faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=self._stderr)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()
            if mark:
                os.remove(mark)


def _requeuing_scheduler(config, log):
    """pytest-xdist's loadfile scheduler, except that a crashed worker's finished files are
    not queued again.

    xdist 3.8 puts every file a crashed worker was given back in the queue, finished ones
    too. The replacement worker is then handed a finished file: it is sent no test, so it
    never reports one, is never given more, and the session waits for it for good (CI sat
    until its limit after the hang guard had ended a hung worker).
    """
    from xdist.scheduler import LoadFileScheduling

    class RequeuePending(LoadFileScheduling):
        def remove_node(self, node):
            workload = self.assigned_work.get(node, {})
            for scope in [scope for scope, tests in workload.items() if all(tests.values())]:
                del workload[scope]
            return super().remove_node(node)

        def _reschedule(self, node):
            # a replacement still collecting has no collection to index its work by (xdist
            # raised KeyError there): it is given work when its collection arrives
            if node in self.registered_collections:
                super()._reschedule(node)

    return RequeuePending(config, log)


class HangRerun:
    """In pytest-xdist's controller: the hung (crashed) tests, run again at the end."""

    def __init__(self, running_dir: str):
        self.running_dir = running_dir
        self.crashed: list[str] = []
        self.failed: set[str] = set()

    def pytest_unconfigure(self, config):
        shutil.rmtree(self.running_dir, ignore_errors=True)

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") == "loadfile":
            return _requeuing_scheduler(config, log)
        return None

    @pytest.hookimpl
    def pytest_handlecrashitem(self, crashitem, report, sched):
        self.crashed.append(crashitem)

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed.add(report.nodeid)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if not self.crashed or exitstatus != pytest.ExitCode.TESTS_FAILED or not self.failed <= set(self.crashed):
            return
        write = session.config.pluginmanager.get_plugin("terminalreporter").write_line
        write(f"\nhang guard: {len(self.crashed)} test(s) ended their worker (a hang stopped after "
              f"{HANG_SECONDS:.0f} s, or a crash); running them again, each file in a fresh process:", bold=True)
        by_file: dict[str, list[str]] = {}
        for nodeid in dict.fromkeys(self.crashed):
            by_file.setdefault(nodeid.split("::")[0], []).append(nodeid)
        for nodeids in by_file.values():
            env = {k: v for k, v in os.environ.items() if k != RUNNING_DIR}
            done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", *nodeids],
                                  cwd=str(session.config.rootpath), env=env, check=False)
            if done.returncode != 0:
                write(f"hang guard: {', '.join(nodeids)} failed again: the session fails", red=True)
                return
        write("hang guard: those tests passed when run again: the session passes", green=True)
        session.exitstatus = pytest.ExitCode.OK


def pytest_configure(config):
    if HANG_SECONDS <= 0:
        return
    is_controller = not hasattr(config, "workerinput")
    if is_controller and config.pluginmanager.hasplugin("xdist") and getattr(config.option, "numprocesses", None):
        # set before the workers start: they inherit it
        os.environ[RUNNING_DIR] = tempfile.mkdtemp(prefix="workbench-tests-running-")
        config.pluginmanager.register(HangRerun(os.environ[RUNNING_DIR]), "hang-rerun")
    config.pluginmanager.register(HangWatchdog(), "hang-watchdog")
