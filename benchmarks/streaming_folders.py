"""Class folders: the workbench's streamed source against ``image_dataset_from_directory``.

Writes synthetic class folders of N JPEGs (seeded, 10 classes, 128 x 128 photos-like
noise) and trains the same small CNN (the catalog's LeNet at 64 x 64) for ``--epochs``
epochs (3), validating after each, each side in a fresh process so that its peak RSS is
its own:

* ``stream``: the workbench run on the folder with ``stream=yes`` (``data.streaming``);
* ``keras``: ``keras.utils.image_dataset_from_directory(validation_split=0.2)`` + ``fit``;
* ``memory``: the workbench's in-memory loader (``stream=no``), where the arrays fit.

Printed per N: listing / loading seconds; the data's first batch (a new iterator, the
data alone); the first training batch after that (the run's setup, model build and graph
tracing included, as a user waits for it); images/s over the epochs (from the first batch
to the last epoch's end, validation included; the better of ``--repeat`` runs; Keras opens
its pipelines anew each epoch, the workbench streams every epoch from one); peak RSS; and
the ratio stream / keras of images/s, the median over ``--repeat`` alternating pairs of
runs. Memory must stay flat as N grows for ``stream`` and ``keras``; goal: ratio >= 1.0.
``streaming_in_process.py`` compares the two pipelines alone, in one process, more steadily.
Then, in the same run, the in-memory ratio against plain ``fit`` for three models
(``train_throughput.py``, without its views side; ``--no-throughput`` skips it).

    python benchmarks/streaming_folders.py [--quick] [--sizes 2000,20000] [--image-size 64] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CLASSES = 10
BATCH = 32


def write_folder(root: str, count: int, seed: int = 0, side: int = 128) -> None:
    """``count`` JPEGs in ``CLASSES`` class folders: smooth noise with a class tint."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    tints = rng.integers(40, 215, (CLASSES, 3))
    for label in range(CLASSES):
        os.makedirs(os.path.join(root, f"class{label:02d}"), exist_ok=True)
    for i in range(count):
        label = i % CLASSES
        noise = rng.normal(0, 50, (side // 8, side // 8, 3))
        image = cv2.resize(noise, (side, side), interpolation=cv2.INTER_CUBIC) + tints[label]
        cv2.imwrite(os.path.join(root, f"class{label:02d}", f"{i:06d}.jpg"),
                    np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 90])


# ----------------------------------------------------------------------------- the sides (child processes)

def run_workbench(root: str, stream: str, size: int, epochs: int) -> dict:
    import tensorflow  # noqa: F401  imported before the clock starts, as on the keras side

    from workbench import data
    from workbench.training.data_order import epoch_stream

    data.all_datasets()  # the sources' modules imported: start-up, not listing
    start = time.perf_counter()
    dataset = data.load(root, {"stream": stream, "image_size": size}, seed=0, val_fraction=0.2)
    loaded = time.perf_counter()
    first_data = _first_batch_s(dataset.train_stream(BATCH, 0, 0, 1, 1)) if stream == "yes" else \
        _first_batch_s(epoch_stream(dataset.x_train, dataset.y_train, BATCH, 0, 0, 1, 1))
    loaded = time.perf_counter()
    marks = train_workbench(root, dataset, stream, size, epochs)
    trained = len(dataset.y_train)
    return {"load_s": loaded - start - first_data, "first_data_s": first_data,
            "first_batch_s": marks["first_batch"] - loaded,
            "images_per_s": trained * epochs / (marks["epoch_end"] - marks["first_batch"]), "train": trained,
            "loading": getattr(dataset, "loading", "")}


def train_workbench(root: str, dataset, stream: str, size: int, epochs: int) -> dict:
    """A workbench run of LeNet on ``dataset`` (loaded from ``root``): the times of its
    first batch's end and its last epoch's end (``first_batch``, ``epoch_end``)."""
    from workbench.training import TrainConfig, events, job

    marks = {}

    def clock(event):
        now = time.perf_counter()
        if isinstance(event, events.BatchEnd):
            marks.setdefault("first_batch", now)
        if isinstance(event, events.EpochEnd):
            marks["epoch_end"] = now

    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig("lenet", root, epochs=epochs, batch_size=BATCH, seed=0, out=out,
                             data_options={"stream": stream, "image_size": size})
        job.run_training(config, emit=clock, dataset=dataset)
    return marks


def fit_clock(marks: dict):
    """A Keras callback that puts the same marks in ``marks`` for a plain ``fit``."""
    import keras

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            marks.setdefault("first_batch", time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            marks["epoch_end"] = time.perf_counter()

    return Clock()


def _first_batch_s(stream) -> float:
    """Seconds until a new iterator over ``stream`` gives its first batch (the data alone)."""
    start = time.perf_counter()
    next(iter(stream))
    return time.perf_counter() - start


def run_keras(root: str, size: int, epochs: int) -> dict:
    import keras
    import tensorflow as tf

    from workbench import catalog
    from workbench.data.base import DataInfo
    from workbench.training import job

    start = time.perf_counter()
    train, val = keras.utils.image_dataset_from_directory(
        root, validation_split=0.2, subset="both", seed=0, image_size=(size, size), batch_size=BATCH)
    classes, trained = tuple(train.class_names), len(train.file_paths)
    scale = lambda x, y: (x / 255.0, y)  # the workbench's [0, 1] inputs, for the same model
    train = train.map(scale, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    val = val.map(scale, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    loaded = time.perf_counter()
    first_data = _first_batch_s(train)
    loaded = time.perf_counter()
    entry = catalog.get("lenet")
    keras.utils.set_random_seed(0)
    model = job.build_compiled(entry, entry.resolve({}), DataInfo("synthetic", "image", "classification",
                                                                  (size, size, 3), classes))
    marks = {}
    model.fit(train, validation_data=val, epochs=epochs, verbose=0, callbacks=[fit_clock(marks)])
    return {"load_s": loaded - start - first_data, "first_data_s": first_data,
            "first_batch_s": marks["first_batch"] - loaded,
            "images_per_s": trained * epochs / (marks["epoch_end"] - marks["first_batch"]), "train": trained,
            "loading": "image_dataset_from_directory"}


def child(args) -> None:
    result = run_keras(args.root, args.image_size, args.epochs) if args.child == "keras" else \
        run_workbench(args.root, {"stream": "yes", "memory": "no"}[args.child], args.image_size, args.epochs)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


# ----------------------------------------------------------------------------- the driver

def measure(side: str, root: str, size: int, epochs: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", side, "--root", root, "--image-size", str(size),
                           "--epochs", str(epochs)],
                          capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
                          check=False)  # a failed side is reported in its row
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(lines[-1][len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes 500,2000")
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (validation after each)")
    parser.add_argument("--memory-limit-gb", type=float, default=4.0,
                        help="skip the in-memory side where its arrays would exceed this")
    parser.add_argument("--repeat", type=int, default=3,
                        help="stream and keras runs per size, alternating; the ratio is the median of "
                             "the pairs' ratios (one run of each swings by +-5%% on a busy 2-core machine)")
    parser.add_argument("--no-throughput", action="store_true",
                        help="skip the in-memory ratio against plain fit (train_throughput.py)")
    parser.add_argument("--child", choices=["stream", "keras", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = [500, 2000] if args.quick else [int(n) for n in args.sizes.split(",")]
    print(f"{args.epochs} epoch(s) of LeNet at {args.image_size} px, batch {BATCH}, 20% validation; load "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    header = (f"{'N':>7} {'side':>7} {'list/load s':>11} {'data 1st s':>10} {'fit 1st s':>9} {'images/s':>9} "
              f"{'peak RSS MB':>11}")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for n in sizes:
            root = os.path.join(scratch, f"n{n}")
            started = time.perf_counter()
            write_folder(root, n)
            print(f"wrote {n} JPEGs in {time.perf_counter() - started:.1f} s", flush=True)
            arrays_gb = n * args.image_size ** 2 * 3 * 4 / 1e9
            results, ratios = {}, []
            for _ in range(max(1, args.repeat)):  # alternating, so a change of load hits both sides
                pair = {side: measure(side, root, args.image_size, args.epochs) for side in ("stream", "keras")}
                if "error" in pair["stream"] or "error" in pair["keras"]:
                    results = pair
                    break
                ratios.append(pair["stream"]["images_per_s"] / pair["keras"]["images_per_s"])
                for side, r in pair.items():  # the row shown: the faster of the side's runs
                    if side not in results or r["images_per_s"] > results[side]["images_per_s"]:
                        results[side] = r
            if arrays_gb <= args.memory_limit_gb:
                results["memory"] = measure("memory", root, args.image_size, args.epochs)
            rows.append((n, results))
            print(header)
            for side, r in results.items():
                if "error" in r:
                    print(f"{n:>7} {side:>7} failed: {r['error']}")
                    continue
                print(f"{n:>7} {side:>7} {r['load_s']:>11.2f} {r['first_data_s']:>10.2f} {r['first_batch_s']:>9.2f} "
                      f"{r['images_per_s']:>9.0f} {r['peak_rss_mb']:>11.0f}")
            if ratios:
                print(f"{n:>7} ratio stream / image_dataset_from_directory: median {np.median(ratios):.2f} of "
                      f"{len(ratios)} pairs ({', '.join(f'{r:.2f}' for r in ratios)}; goal >= 1.0)", flush=True)
    ok = [r for _, r in rows if "error" not in r["stream"]]
    if len(ok) >= 2:
        growth = ok[-1]["stream"]["peak_rss_mb"] - ok[0]["stream"]["peak_rss_mb"]
        print(f"stream peak RSS from N={sizes[0]} to N={sizes[-1]}: {growth:+.0f} MB "
              f"(the arrays would grow by {(sizes[-1] - sizes[0]) * args.image_size ** 2 * 12 / 2**20:.0f} MB)")
    if not args.no_throughput:
        print("in memory, workbench / plain model.fit (train_throughput.py):", flush=True)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "train_throughput.py")
        subprocess.run([sys.executable, script, "--no-views", *(["--quick"] if args.quick else [])],
                       env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, check=True)


if __name__ == "__main__":
    main()
