"""One-stage vs two-stage detectors: milliseconds per image against mAP.

The notes (001 物体検出) sort the detection frameworks into one-stage (YOLO, SSD,
RetinaNet, FCOS: boxes straight from the feature maps) and two-stage (R-CNN, Fast and
Faster R-CNN, Mask R-CNN: region proposals first, then a head per region), the first
faster, the second traditionally more accurate. This script scores detector runs on
the same held-out images with the Detect tab's evaluation
(``workbench.detection.evaluation``: ms per image through network + selection, VOC
mAP@0.5, COCO AP) and prints them as a table sorted by speed, one-stage and two-stage
marked; with ``--quick`` it first trains each detector briefly on the shapes.

    .venv/bin/python benchmarks/detector_speed_accuracy.py RUN1 RUN2 ...
    .venv/bin/python benchmarks/detector_speed_accuracy.py --quick
    .venv/bin/python benchmarks/detector_speed_accuracy.py --quick --models ssd,faster_rcnn --epochs 8
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ONE_STAGE = ("yolo_v1", "ssd", "retinanet", "fcos")
TWO_STAGE = ("rcnn", "fast_rcnn", "faster_rcnn", "mask_rcnn", "keypoint_rcnn")
QUICK_MODELS = ("yolo_v1", "ssd", "retinanet", "fcos", "fast_rcnn", "faster_rcnn")


def stage(entry: str) -> str:
    return "one-stage" if entry in ONE_STAGE else "two-stage" if entry in TWO_STAGE else "?"


def train_quick(name: str, out: str, images: int, epochs: int, seed: int) -> str:
    """A short ``keras-workbench train`` of ``name`` on the shapes; returns the run folder."""
    from workbench.cli import main

    run = os.path.join(out, name)
    argv = ["train", name, "--data", "shapes", "--data-option", f"count={images}",
            "--epochs", str(epochs), "--batch-size", "16", "--seed", str(seed), "--out", run,
            "--quiet"]
    if main(argv) != 0:
        raise SystemExit(f"training {name} failed")
    return run


def score(run: str, test_seed: int, test_images: int) -> dict:
    """The run's detector on held-out shapes (its own options, another seed, every image)."""
    from workbench.detection.evaluation import evaluate_run, run_task
    from workbench.runs.rundir import RunDir

    if run_task(run) != "detection":
        raise SystemExit(f"{run} is not a detector run")
    entry = RunDir(run).read_config().get("model", "?")
    evaluation, _path, _label = evaluate_run(
        run, "shapes", {"seed": str(test_seed), "count": str(test_images)}, split="all")
    result = evaluation["result"]
    return {"run": os.path.basename(os.path.normpath(run)), "entry": entry, "stage": stage(entry),
            "ms": evaluation["ms_per_image"], "voc": result["voc"]["mAP"], "coco": result["AP"],
            "notes": evaluation["thresholds"]["notes_ap"]["mAP"]}


def table(rows: list[dict]) -> str:
    lines = [f"{'run':<14} {'entry':<13} {'stage':<10} {'ms/image':>9} {'FPS':>7} "
             f"{'VOC mAP50':>10} {'COCO AP':>8} {'notes AP':>9}"]
    for r in sorted(rows, key=lambda r: r["ms"]):
        lines.append(f"{r['run']:<14} {r['entry']:<13} {r['stage']:<10} {r['ms']:>9.2f} "
                     f"{1000 / r['ms']:>7.0f} {r['voc']:>10.3f} {r['coco']:>8.3f} "
                     f"{r['notes']:>9.3f}")
    for kind in ("one-stage", "two-stage"):
        group = [r for r in rows if r["stage"] == kind]
        if group:
            lines.append(f"{kind}: median {sorted(r['ms'] for r in group)[len(group) // 2]:.2f} "
                         f"ms/image, best VOC mAP50 {max(r['voc'] for r in group):.3f}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", help="detector run folders to compare")
    parser.add_argument("--quick", action="store_true",
                        help="train each of --models briefly on the shapes first")
    parser.add_argument("--models", default=",".join(QUICK_MODELS))
    parser.add_argument("--train", type=int, default=240, help="training images (--quick)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs (--quick)")
    parser.add_argument("--test", type=int, default=60, help="held-out test images")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    runs = list(args.runs)
    if not runs and not args.quick:
        parser.error("give detector run folders, or --quick to train some first")
    with tempfile.TemporaryDirectory() as out:
        if args.quick:
            for name in args.models.split(","):
                runs.append(train_quick(name.strip(), out, args.train, args.epochs, args.seed))
                print(f"trained {name.strip()}", flush=True)
        rows = [score(run, args.seed + 10_000, args.test) for run in runs]
    print(f"held-out shapes: {args.test} images (seed {args.seed + 10_000}); ms/image = network + "
          "box selection, batches of 8, CPU unless a GPU is visible")
    print(table(rows))


if __name__ == "__main__":
    main()
