"""Event-loop lateness of the GUI while a model trains (goal: p99 under 50 ms).

A 10 ms ``QTimer`` runs in the real main window; every tick records how late it came
(interval - 10 ms). Measured while idle, then while LeNet trains on the digits
through the GUI's own Start button path (worker thread + throttled bridge), so the
figure covers curve redraws, progress updates and the GIL shared with Keras.
A third run trains again while the run also sends views: one of each type at every
epoch end (a confusion matrix, samples, a 2,000-point embedding, a graph, text, audio)
and a curve view after every batch, which the bridge coalesces per name.

    python benchmarks/gui_latency.py [--epochs 3] [--quick] [--no-views]
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


def epoch_views(epoch: int, losses: list[float]) -> list:
    """What a trainer might show at the end of ``epoch``: one view of each type."""
    from workbench.views import types as t

    rng = np.random.default_rng(epoch)
    step = epoch + 1
    classes = [str(i) for i in range(10)]
    confusion = rng.integers(0, 20, (10, 10)) + np.eye(10, dtype=int) * 150
    nodes = 200
    edges = np.r_[np.c_[np.arange(nodes), (np.arange(nodes) + 1) % nodes], rng.integers(0, nodes, (300, 2))]
    seconds = np.arange(16000) / 16000
    return [
        t.View("loss_per_epoch", t.Curves({"loss": (np.arange(1, len(losses) + 1), losses)}, "epoch", "loss"),
               step=step),
        t.View("confusion", t.HeatGrid(confusion, classes, classes, "predicted", "true", annotate=True), step=step),
        t.View("samples", t.ImageGrid(rng.random((32, 32, 32, 3)), [f"#{i}" for i in range(32)]), step=step),
        t.View("embedding", t.Scatter(rng.normal(size=(2000, 16)), rng.integers(0, 10, 2000), classes), step=step),
        t.View("graph", t.Graph(edges, nodes, rng.integers(0, 5, nodes)), step=step),
        t.View("generated", t.Text(f"epoch {step}: " + "the quick brown fox " * 20), step=step),
        t.View("sound", t.Audio(np.sin(2 * np.pi * (200 + 50 * epoch) * seconds), 16000, f"epoch {step}"), step=step),
    ]


class WithViews:
    """``job(emit, control)`` whose events are followed by views, made where the run runs (a
    class, not a closure: the GUI runs jobs in a child process, which receives it pickled)."""

    def __init__(self, job):
        self.job = job

    def __call__(self, emit, control):
        from workbench.training import events
        from workbench.views import types as t

        batch_losses, epoch_losses = [], []

        def emit_with_views(event):
            emit(event)
            if isinstance(event, events.BatchEnd) and "loss" in event.logs:
                batch_losses.append(event.logs["loss"])
                x = np.arange(len(batch_losses))
                emit(t.View("batch_loss", t.Curves({"loss": (x, batch_losses)}, "batch", "loss"), step=event.epoch + 1))
            elif isinstance(event, events.EpochEnd):
                epoch_losses.append(event.logs.get("loss", 0.0))
                for view in epoch_views(event.epoch, epoch_losses):
                    emit(view)

        return self.job(emit_with_views, control)


def train_and_measure(name: str, window, panel, probe, epochs: int, views: bool) -> float:
    panel.epochs.setValue(epochs)
    panel.last_finished = None
    batches, shown = [], []

    def on_batches(delivered):
        batches.append(len(delivered))

    def on_view(view):
        shown.append(view.name)

    panel.bridge.batches.connect(on_batches)
    panel.bridge.view.connect(on_view)
    start = panel.bridge.start
    if views:  # the GUI's own Start path, with the job's events followed by views
        panel.bridge.start = lambda job: start(WithViews(job))
    probe.start()
    started = time.perf_counter()
    panel.start()
    run_loop_until(lambda: panel.last_finished is not None and not panel.bridge.running, 600)
    seconds = time.perf_counter() - started
    p99 = summary(name, probe.stop())
    panel.bridge.start = start
    panel.bridge.batches.disconnect(on_batches)
    panel.bridge.view.disconnect(on_view)
    print(f"{name}: {sum(batches)} batches in {seconds:.1f} s delivered in {len(batches)} GUI updates "
          f"({len(batches) / seconds:.1f} per s)")
    if views:
        print(f"{name}: {len(panel.gallery.tiles)} view tiles; {len(shown)} view deliveries "
              f"({shown.count('batch_loss')} of the per-batch curve view for {sum(batches)} batches)")
    print(f"p99 lateness ({name}) {p99:.1f} ms (goal < {GOAL_P99_MS:.0f} ms): "
          f"{'OK' if p99 < GOAL_P99_MS else 'SLOW'}")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one epoch (two with views)")
    parser.add_argument("--no-views", action="store_true", help="skip the run that also sends views")
    parser.add_argument("--thread", action="store_true",
                        help="train on a thread of the window's process (the old way), not in a child process")
    parser.add_argument("--entries", default="vae,dcgan",
                        help="catalog entries (on the loaded digits) whose own live views are measured too")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from ui import gc_guard

    gc_guard.install()  # as ui.app.main does: cycles collected on this thread only
    from ui.app import create_window

    window = create_window()
    window.session.runs_root = tempfile.mkdtemp(prefix="wb-latency-")
    window.show()
    run_loop_until(lambda: window.session.tf_loaded and window.session.dataset is not None, 300)
    panel = window.show_panel("TrainPanel")
    panel.bridge.in_process = not args.thread
    if not args.thread:  # as the application does: the run's process starts while the window is idle
        panel.bridge.prewarm()
    probe = LatenessProbe()

    probe.start()
    run_loop_until(lambda: False, 2.0)
    summary("idle", probe.stop())

    train_and_measure("training", window, panel, probe, 1 if args.quick else args.epochs, views=False)
    if not args.no_views:
        train_and_measure("views", window, panel, probe, 2 if args.quick else args.epochs, views=True)
    for name in args.entries.split(",") if args.entries else ():
        # a real entry's own live views (reconstructions, traversals, sample grids, returns)
        window.panel("ModelPanel").choose(name)
        run_loop_until(lambda: False, 1.0)
        train_and_measure(name, window, panel, probe, 2 if args.quick else args.epochs, views=False)
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
