"""Time to the first batch of a streamed class folder, after listing, as N grows.

Writes class folders of N JPEGs (``streaming_folders.write_folder``: 10 classes,
128 x 128) and, in a fresh process per N, times: the listing (headers only); the split
and source set-up; the first batch of a new ``train_stream`` iterator (the first
epoch's order is a seeded permutation of indices, so nothing is decoded but the batch
itself); the first training batch of a run (model build and graph tracing included);
and the first batch of a streamed COCO set of the same images (``detection_stream``).
Goal: under 2 s after listing whatever N.

    python benchmarks/time_to_first_batch.py [--quick] [--sizes 2000,20000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def child(root: str) -> dict:
    import tensorflow  # noqa: F401  imported before the clock starts

    from workbench.data import streaming
    from workbench.training import TrainConfig, events, job

    start = time.perf_counter()
    listing = streaming.list_images(root)
    listed = time.perf_counter()
    source = streaming.streaming_folder(listing, 64, 0, 0.2)
    ready = time.perf_counter()
    next(iter(source.train_stream(32, 0, 0, 1, 10)))
    first = time.perf_counter()
    marks = {}

    def clock(event):
        if isinstance(event, events.BatchEnd):
            marks.setdefault("batch", time.perf_counter())
            return
        if isinstance(event, events.RunStarted):
            marks["started"] = time.perf_counter()

    run_start = time.perf_counter()
    job.run_training(TrainConfig("lenet", root, out=os.path.join(root, "..", "run"), epochs=1, steps_per_epoch=3,
                                 batch_size=32, data_options={"stream": "yes", "image_size": 64}),
                     emit=clock, force=True)
    return {"files": len(listing.files), "listing_s": listed - start, "setup_s": ready - listed,
            "first_batch_s": first - ready, "run_first_batch_s": marks["batch"] - run_start,
            "coco_first_batch_s": coco_first_batch(root, listing)}


def coco_first_batch(root: str, listing) -> float:
    """The same images as a COCO set (one box each), streamed: seconds from the loaded set
    to the first training batch (targets encoded per batch)."""
    from workbench import catalog
    from workbench.data import coco, detection_stream
    from workbench.detection.training import prepare_data, training_split
    from workbench.training.job import build_compiled

    payload = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "thing"}]}
    for index, path in enumerate(listing.files, 1):
        payload["images"].append({"id": index, "file_name": os.path.relpath(path, root), "width": 128, "height": 128})
        payload["annotations"].append({"id": index, "image_id": index, "category_id": 1, "bbox": [10, 10, 60, 50]})
    path = os.path.join(root, "..", "instances.json")
    with open(path, "w") as handle:
        json.dump(payload, handle)
    data, _ = coco.load_coco(path, root, stream=True)
    entry = catalog.get("ssd")
    hp = entry.resolve({"width": 4, "input_size": 64})
    data = prepare_data(data, hp)
    train, val = training_split(data, hp, 0)
    model = build_compiled(entry, hp, data.info)
    start = time.perf_counter()
    source = detection_stream.DetectionStream(model, train, val, [])
    next(iter(source.train_stream(32, 0, 0, 1, 10)))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 images")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    from benchmarks.streaming_folders import write_folder

    sizes = [200, 2000] if args.quick else [int(n) for n in args.sizes.split(",")]
    print(f"{'N':>7} {'listing s':>10} {'setup s':>8} {'1st batch s':>12} {'run 1st batch s':>16} {'coco 1st s':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = os.path.join(tmp, f"n{n}", "folder")
            write_folder(root, n)
            done = subprocess.run([sys.executable, __file__, "--child", root], capture_output=True, text=True,
                                  check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{r['files']:>7} {r['listing_s']:>10.2f} {r['setup_s']:>8.2f} {r['first_batch_s']:>12.2f} "
                  f"{r['run_first_batch_s']:>16.2f} {r['coco_first_batch_s']:>11.2f}", flush=True)
    print("load:", os.getloadavg())


if __name__ == "__main__":
    main()
