"""TensorFlow's runtime mapped and its ops registered without the GIL, before the import."""

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = textwrap.dedent("""
    import threading, time
    from ui.native_preload import preload_tensorflow
    result = {}
    def preload():
        start = time.perf_counter()
        result["ok"] = preload_tensorflow()
        result["seconds"] = time.perf_counter() - start
    worker = threading.Thread(target=preload)
    worker.start()
    ticks = 0
    while worker.is_alive():  # this thread runs Python only while the worker does not hold the GIL
        time.sleep(0.002)
        ticks += 1
    import tensorflow as tf  # the import after the preload: the same libraries, the ops registered
    print(result["ok"], round(result["seconds"], 3), ticks, int(tf.constant(2) * 3),
          "Conv2D" in dir(tf.raw_ops))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the preload is Linux's dlopen")
def test_preload_runs_without_the_gil_and_tensorflow_imports_after_it():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300, check=False,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]  # RTLD_GLOBAL here crashes TensorFlow's import
    ok, seconds, ticks, product, has_conv = done.stdout.split()[-5:]
    assert ok == "True" and product == "6" and has_conv == "True"
    # Mapping ~1 GB of libraries and registering the ops takes tenths of a second; with the
    # lock held the other thread would tick at most once or twice in that time.
    if float(seconds) >= 0.2:
        assert int(ticks) >= 10, (seconds, ticks)


def test_nothing_happens_once_tensorflow_is_imported(monkeypatch):
    from ui import native_preload

    monkeypatch.setitem(sys.modules, "tensorflow", object())
    assert native_preload.preload_tensorflow() is False
