"""How long the fresh window's event loop stalls while TensorFlow imports in the background,
with and without ``ui.native_preload`` (the runtime mapped and its ops registered with the
GIL released first).

Each launch is a new process (the import happens once per process): the real main window,
a 10 ms timer whose lateness is recorded from the window's first paint until TensorFlow
is ready. The two variants alternate launch by launch, so drift in the machine's load
hits both. Goal: max lateness < 200 ms, p99 < 50 ms.

    python benchmarks/tensorflow_import_stalls.py [--launches 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child(preload: bool) -> dict:
    sys.path.insert(0, ROOT)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui import app as ui_app
    from ui import gc_guard, native_preload

    if not preload:
        native_preload.preload_tensorflow = lambda: False
    qapp = QApplication.instance() or QApplication(["bench"])
    gc_guard.install()
    window = ui_app.MainWindow()
    window.show()
    late, state = [], {"last": None, "ready": None}

    def tick() -> None:
        now = time.perf_counter()
        if state["last"] is not None:
            late.append(max(0.0, now - state["last"] - 0.010))
        state["last"] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    window.session.tf_ready.connect(lambda _device: state.update(ready=time.perf_counter()))
    start = time.perf_counter()
    QTimer.singleShot(0, lambda: (timer.start(), ui_app.start_tensorflow(window.session)))
    while state["ready"] is None and time.perf_counter() - start < 300:
        qapp.processEvents()
        time.sleep(0.001)
    timer.stop()
    late_ms = sorted(1000 * x for x in late)
    return {"import_s": state["ready"] - start if state["ready"] else None,
            "max_ms": late_ms[-1] if late_ms else 0.0,
            "p99_ms": late_ms[int(0.99 * (len(late_ms) - 1))] if late_ms else 0.0,
            "over_50ms": sum(1 for x in late_ms if x > 50)}


def launch(preload: bool) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    done = subprocess.run([sys.executable, __file__, "--child", "yes" if preload else "no"],
                          capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"a launch failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=3, help="launches of each variant")
    parser.add_argument("--quick", action="store_true", help="one launch of each")
    parser.add_argument("--child", choices=("yes", "no"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.child == "yes")), flush=True)
        return
    launches = 1 if args.quick else args.launches
    print(f"load average before: {os.getloadavg()[0]:.2f}; {launches} launch(es) of each, alternating",
          flush=True)
    results = {"preload": [], "plain": []}
    for _ in range(launches):
        for name in ("preload", "plain"):
            results[name].append(launch(name == "preload"))
            r = results[name][-1]
            print(f"  {name:8s} import {r['import_s']:.2f} s  max {r['max_ms']:6.1f} ms  "
                  f"p99 {r['p99_ms']:5.1f} ms  ticks late > 50 ms: {r['over_50ms']}", flush=True)
    for name, rows in results.items():
        print(f"{name:8s} median of {len(rows)}: max {statistics.median(r['max_ms'] for r in rows):.1f} ms, "
              f"p99 {statistics.median(r['p99_ms'] for r in rows):.1f} ms, "
              f"late > 50 ms {statistics.median(r['over_50ms'] for r in rows):.0f} ticks")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
