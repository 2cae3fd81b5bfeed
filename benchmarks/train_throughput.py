"""Training throughput through the workbench against plain ``model.fit``, as a ratio.

Both sides train the same model (same seed, same initial weights) on the same arrays
with the same batch size and validation each epoch; the workbench side adds its
events, Stop/Pause checks and per-epoch resume checkpoints. Goal: ratio >= 0.97. A third side
adds live views (an image grid and a heat grid each epoch, written by the view recorder's
background thread). Goal: views on / views off >= 0.98.

    python benchmarks/train_throughput.py [--quick] [--model lenet] [--epochs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def plain_fit(entry, hp, data, epochs, batch_size, seed):
    import keras

    from workbench.training import job

    keras.utils.set_random_seed(seed)
    model = job.build_compiled(entry, hp, data.info)
    start = time.perf_counter()
    model.fit(data.x_train, data.y_train, batch_size=batch_size, epochs=epochs,
              validation_data=(data.x_val, data.y_val), verbose=0)
    return time.perf_counter() - start  # the epochs, validation included


def workbench_fit(name, hp, data, epochs, batch_size, seed):
    """Seconds from the run's start event (just before ``fit``) to its last epoch's end event,
    so both sides time the same span: the epochs, validation included."""
    from workbench.training import TrainConfig, events, job

    marks = {}

    def clock(event):
        if isinstance(event, (events.RunStarted, events.EpochEnd)):
            marks.setdefault(type(event).__name__, time.perf_counter())
            marks["last"] = time.perf_counter()

    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig(name, data.info.name, epochs, batch_size, seed, hp, out=out)
        job.run_training(config, emit=clock, dataset=data)
    return marks["last"] - marks["RunStarted"]


def views_fit(name, hp, data, epochs, batch_size, seed):
    """``workbench_fit`` with live views: each epoch end emits a 16-image 28x28 grid and a 10x10
    heat grid through a ``ViewRecorder`` (rendered and written by its background thread), as a
    trainer showing reconstructions and a confusion matrix would."""
    import numpy as np

    from workbench.training import TrainConfig, events, job
    from workbench.views import HeatGrid, ImageGrid, View
    from workbench.views.store import ViewRecorder

    marks = {}
    rng = np.random.default_rng(seed)

    with tempfile.TemporaryDirectory() as out:
        recorder = ViewRecorder(os.path.join(out, "live"), lambda event: None)

        def clock(event):
            if isinstance(event, (events.RunStarted, events.EpochEnd)):
                marks.setdefault(type(event).__name__, time.perf_counter())
                marks["last"] = time.perf_counter()
            if isinstance(event, events.EpochEnd):
                step = event.epoch + 1
                recorder(View("reconstructions", ImageGrid(rng.random((16, 28, 28)),
                                                           [f"#{i}" for i in range(16)]), step=step))
                recorder(View("confusion", HeatGrid(rng.integers(0, 40, (10, 10)), list("0123456789"),
                                                    list("0123456789"), "predicted", "true", True), step=step))

        config = TrainConfig(name, data.info.name, epochs, batch_size, seed, hp, out=os.path.join(out, "run"))
        try:
            job.run_training(config, emit=clock, dataset=data)
        finally:
            recorder.close()
        assert len(recorder.written) == 2, recorder.failures
    return marks["last"] - marks["RunStarted"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1 repeat")
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.repeats = 2, 1

    from workbench import catalog, data as datasets
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    entry = catalog.get(args.model)
    data = datasets.load(entry.default_data)
    hp = entry.resolve()
    samples = len(data.x_train) * args.epochs
    plain, ours, live = [], [], []
    for _ in range(args.repeats):  # interleaved so drift in machine load hits all sides
        plain.append(plain_fit(entry, hp, data, args.epochs, args.batch_size, 0))
        ours.append(workbench_fit(args.model, hp, data, args.epochs, args.batch_size, 0))
        live.append(views_fit(args.model, hp, data, args.epochs, args.batch_size, 0))
    p, w, v = statistics.median(plain), statistics.median(ours), statistics.median(live)
    print(f"model {args.model} on {data.info.name}: {args.epochs} epochs x {len(data.x_train)} samples, "
          f"batch {args.batch_size}, median of {args.repeats}")
    print(f"  plain model.fit : {p:7.2f} s  {samples / p:9.0f} samples/s")
    print(f"  workbench run   : {w:7.2f} s  {samples / w:9.0f} samples/s")
    print(f"  throughput ratio (workbench / plain): {p / w:.3f}  (goal >= 0.97)")
    print(f"  with live views : {v:7.2f} s  {samples / v:9.0f} samples/s  "
          "(a 16-image grid and a 10x10 heat grid every epoch)")
    print(f"  throughput ratio (views on / views off): {w / v:.3f}  (goal >= 0.98)")


if __name__ == "__main__":
    main()
