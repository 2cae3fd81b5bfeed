"""Training throughput through the workbench against plain ``model.fit``, as a ratio.

Both sides train the same model (same seed, same initial weights) on the same in-memory
arrays with the same batch size and validation each epoch; the workbench side adds its
events, Stop/Pause/steering checks, per-epoch resume checkpoints and its seeded data
order. Three catalog models in one run (LeNet, the GAP CNN and an MLP, on the embedded
digits by default), the sides interleaved repeat by repeat so that drift in the machine's
load hits all of them, each figure the median of the repeats. Goal: ratio >= 1.0 for
each model. A third side adds live views (an image grid and a heat grid each epoch,
written by the view recorder's background thread). Goal: views on / views off >= 0.98.

    python benchmarks/train_throughput.py [--quick] [--models lenet,gap_cnn,mlp] [--epochs 8]
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
    parser.add_argument("--models", default="lenet,gap_cnn,mlp", help="catalog entries, comma separated")
    parser.add_argument("--data", default="digits", help="the data set every model trains on")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-views", action="store_true", help="skip the live-views side")
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1 repeat")
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.repeats = 2, 1

    from workbench import catalog, data as datasets
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    data = datasets.load(args.data)
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    entries = {name: catalog.get(name) for name in models}
    hps = {name: entry.resolve() for name, entry in entries.items()}
    sides = {"plain": [], "workbench": []} if args.no_views else {"plain": [], "workbench": [], "views": []}
    times = {name: {side: [] for side in sides} for name in models}
    load = os.getloadavg()
    for _ in range(args.repeats):  # interleaved so drift in machine load hits every side and model
        for name in models:
            times[name]["plain"].append(plain_fit(entries[name], hps[name], data, args.epochs, args.batch_size, 0))
            times[name]["workbench"].append(workbench_fit(name, hps[name], data, args.epochs, args.batch_size, 0))
            if "views" in sides:
                times[name]["views"].append(views_fit(name, hps[name], data, args.epochs, args.batch_size, 0))
    samples = len(data.x_train) * args.epochs
    print(f"{data.info.name}: {args.epochs} epochs x {len(data.x_train)} samples, batch {args.batch_size}, "
          f"median of {args.repeats} interleaved repeats; load {load[0]:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs")
    print(f"{'model':>10} {'plain s':>8} {'wb s':>8} {'plain/s':>9} {'wb/s':>9} {'ratio':>6} {'views':>6}  "
          "(ratio = workbench / plain throughput, goal >= 1.0; views = views on / off, goal >= 0.98)")
    for name in models:
        p = statistics.median(times[name]["plain"])
        w = statistics.median(times[name]["workbench"])
        views = f"{w / statistics.median(times[name]['views']):6.3f}" if "views" in sides else f"{'-':>6}"
        print(f"{name:>10} {p:8.2f} {w:8.2f} {samples / p:9.0f} {samples / w:9.0f} {p / w:6.3f} {views}")
        ratios = [a / b for a, b in zip(times[name]["plain"], times[name]["workbench"])]
        print(f"{'':>10} per repeat: {' '.join(f'{r:.3f}' for r in ratios)}")


if __name__ == "__main__":
    main()
