"""The streamed class folder against ``image_dataset_from_directory``, in one process.

``streaming_folders.py`` runs each side in its own process, so a side's peak RSS is its
own; but a 1-second epoch varies by +-10 % from process to process on a busy 2-core
machine, more than the gap it is after. Here both pipelines feed plain ``model.fit`` in
the same process, alternating run by run (a fresh LeNet each run, same seed), so drift in
the machine's load hits both alike and the median of many short runs is steady to ~2 %.

Figures per side, each the median of ``--repeat`` runs, in images/s from the first
training batch to the last epoch's end:

* ``train``: the training pipeline alone (no validation), over ``--epochs`` epochs;
* ``train+val``: with validation after each epoch (the streamed side validates on
  ``val_stream``, Keras on its own validation split);
* ``run``: a whole workbench run (``job.run_training``: its events, views, validation and
  resume checkpoint each epoch) on the streamed folder, against Keras's ``train+val``;

and the ratio to keras of each, the median of the runs' ratios.

    python benchmarks/streaming_in_process.py [--quick] [--files 2000] [--epochs 1] [--repeat 12]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from streaming_folders import BATCH, fit_clock, train_workbench, write_folder  # noqa: E402  (a script beside this one)


def pipelines(root: str, size: int, epochs: int):
    """``{side: (train, validation, steps_per_epoch)}`` for the streamed and Keras sides."""
    import keras
    import tensorflow as tf

    from workbench import data

    train, val = keras.utils.image_dataset_from_directory(
        root, validation_split=0.2, subset="both", seed=0, image_size=(size, size), batch_size=BATCH, verbose=False)
    scale = lambda x, y: (x / 255.0, y)  # the workbench's [0, 1] inputs, for the same model
    train = train.map(scale, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    val = val.map(scale, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    folder = data.load(root, {"stream": "yes", "image_size": size}, seed=0, val_fraction=0.2)
    steps = -(-len(folder.files_train) // BATCH)
    # a new stream each run, as a run opens one; Keras opens its pipelines each epoch itself
    streamed = (lambda: folder.train_stream(BATCH, 0, 0, epochs, steps), folder.val_stream(BATCH), steps)
    return {"stream": streamed, "keras": (lambda: train, val, None)}, folder


def images_per_s(side, size: int, epochs: int, count: int, validate: bool) -> float:
    import keras

    from workbench import catalog
    from workbench.data.base import DataInfo
    from workbench.training import job

    make_train, val, steps = side
    entry = catalog.get("lenet")
    keras.utils.set_random_seed(0)
    model = job.build_compiled(entry, entry.resolve({}),
                               DataInfo("folder", "image", "classification", (size, size, 3), tuple(range(10))))
    marks = {}
    model.fit(make_train(), validation_data=val if validate else None, epochs=epochs, steps_per_epoch=steps,
              verbose=0, callbacks=[fit_clock(marks)])
    return count * epochs / (marks["epoch_end"] - marks["first_batch"])


def workbench_run(root: str, folder, size: int, epochs: int) -> float:
    """Images/s of a whole workbench run on ``folder`` (streamed), validation included."""
    marks = train_workbench(root, folder, "yes", size, epochs)
    return len(folder.files_train) * epochs / (marks["epoch_end"] - marks["first_batch"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 files, 2 runs a side")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=12)
    args = parser.parse_args()
    if args.quick:
        args.files, args.repeat = 500, 2

    print(f"LeNet at {args.image_size} px, batch {BATCH}, {args.files} JPEGs (20% validation), {args.epochs} "
          f"epoch(s) a run, {args.repeat} runs a side; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as root:
        write_folder(root, args.files)
        sides, folder = pipelines(root, args.image_size, args.epochs)
        count = len(folder.files_train)
        for label in ("train", "train+val", "run"):
            runs = {"stream": [], "keras": []}
            for _ in range(args.repeat):  # alternating, so that a change of load hits both sides
                for name, side in sides.items():
                    if name == "stream" and label == "run":
                        runs[name].append(workbench_run(root, folder, args.image_size, args.epochs))
                    else:
                        runs[name].append(images_per_s(side, args.image_size, args.epochs, count, label != "train"))
            ratio = statistics.median(s / k for s, k in zip(runs["stream"], runs["keras"]))
            name = "workbench run" if label == "run" else "stream"
            print(f"{label:>9}: {name} {statistics.median(runs['stream']):.0f}, keras "
                  f"{statistics.median(runs['keras']):.0f} images/s; ratio {ratio:.3f} (goal >= 1.0)", flush=True)


if __name__ == "__main__":
    main()
