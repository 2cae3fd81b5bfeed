"""The hang guard (tests/hang_guard.py) ends a hung test's worker and the session still ends.

A nested pytest session with two xdist workers: quick files, and one test that hangs while
it runs under xdist (it passes when the guard runs it again on its own). The worker that
hangs has finished files of its own before, the case where pytest-xdist 3.8 handed the
replacement worker a finished file and the session waited for good.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).parent


def test_a_hung_worker_is_replaced_and_the_session_ends_and_reruns_it(tmp_path):
    for i in range(4):
        (tmp_path / f"test_a{i}.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    (tmp_path / "test_z_hangs.py").write_text(textwrap.dedent("""
        import os, time

        def test_hangs_under_xdist():
            if os.environ.get("WORKBENCH_TEST_RUNNING_DIR"):  # set in xdist workers only
                time.sleep(600)

        def test_after_the_hang():
            pass
    """))
    env = dict(os.environ, WORKBENCH_TEST_HANG_SECONDS="4", PYTHONPATH=str(HERE))
    env.pop("WORKBENCH_TEST_RUNNING_DIR", None)  # this test may itself run in a worker
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "hang_guard", "-p", "no:cacheprovider",
                               "-n", "2", "--dist", "loadfile", "-q", "-c", os.devnull, "--rootdir", str(tmp_path),
                               str(tmp_path)],
                              check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as stuck:
        raise AssertionError(f"the session did not end after the hang:\n{stuck.stdout}") from None
    out = done.stdout
    assert done.returncode == 0, out
    assert "1 test(s) ended their worker" in out and "passed when run again" in out, out
    assert "9 passed, 1 skipped" in out, out  # 8 quick, the one after the hang; the hung one skipped by its replacement
