"""Event-loop lateness of the GUI while a model trains (goal: p99 under 50 ms).

A 10 ms ``QTimer`` runs in the real main window; every tick records how late it came
(interval - 10 ms). Measured while idle, then while LeNet trains on the digits
through the GUI's own Start button path (worker thread + throttled bridge), so the
figure covers curve redraws, progress updates and the GIL shared with Keras.

    python benchmarks/gui_latency.py [--epochs 3] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

INTERVAL_MS = 10
GOAL_P99_MS = 50.0


class LatenessProbe:
    def __init__(self):
        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))

    def start(self) -> None:
        self.stamps.clear()
        self.timer.start()

    def stop(self) -> np.ndarray:
        self.timer.stop()
        gaps = np.diff(self.stamps) * 1000.0
        return np.maximum(gaps - INTERVAL_MS, 0.0)


def run_loop_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def summary(name: str, lateness: np.ndarray) -> float:
    p50, p99 = np.percentile(lateness, [50, 99])
    print(f"{name:<9} ticks {len(lateness):5d}  lateness p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
          f"max {lateness.max():6.1f} ms")
    return float(p99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one epoch")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from ui.app import create_window

    window = create_window()
    window.session.runs_root = tempfile.mkdtemp(prefix="wb-latency-")
    window.show()
    run_loop_until(lambda: window.session.tf_loaded and window.session.dataset is not None, 300)
    panel = window.show_panel("TrainPanel")
    probe = LatenessProbe()

    probe.start()
    run_loop_until(lambda: False, 2.0)
    summary("idle", probe.stop())

    panel.epochs.setValue(1 if args.quick else args.epochs)
    batches = []
    panel.bridge.batches.connect(lambda b: batches.append(len(b)))
    probe.start()
    started = time.perf_counter()
    panel.start()
    run_loop_until(lambda: panel.last_finished is not None and not panel.bridge.running, 600)
    seconds = time.perf_counter() - started
    p99 = summary("training", probe.stop())
    print(f"training: {sum(batches)} batches in {seconds:.1f} s delivered in {len(batches)} GUI updates "
          f"({len(batches) / seconds:.1f} per s)")
    print(f"p99 lateness while training {p99:.1f} ms (goal < {GOAL_P99_MS:.0f} ms): "
          f"{'OK' if p99 < GOAL_P99_MS else 'SLOW'}")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
