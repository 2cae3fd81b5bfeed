"""Region-based detectors on the synthetic shapes: accuracy for a fixed budget, and speed.

``--defaults`` (issue 15, item 1) instead trains every two-stage detector, the keypoint
head and the segmenters (U-Net, FCN) exactly as ``keras-workbench train NAME`` does with
no ``--set`` (the entry's default data, epochs and hyperparameters, batch 32, seed 0)
and prints per model its held-out figure (``evaluate RUN --data-option seed=S``: VOC
mAP@0.5, Mask R-CNN's mask AP50, segmenters' mean IoU), the training seconds, and the
epoch and seconds at which the validation figure first reached the target (mAP 0.90,
mean IoU 0.90):

    nice -n 10 .venv/bin/python benchmarks/detection_two_stage.py --defaults

Trains R-CNN, Fast R-CNN, Faster R-CNN and Mask R-CNN (with RoIAlign, and with RoIPool
to compare) through the real training job, then prints per detector the validation
VOC mAP@0.5, COCO box AP@[.5:.95] and AP50 (mask AP for Mask R-CNN), training seconds
and inference speed (one image at a time, Selective Search included where it is used,
score threshold 0.01 and per-class NMS at 0.5). Also prints Selective Search's recall.

    .venv/bin/python benchmarks/detection_two_stage.py --quick
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

#: (row name, catalog entry, hyperparameter overrides, share of the epoch budget).
#: An R-CNN epoch passes every warped region through the CNN (hundreds of steps), so
#: it gets a fifth of the epochs.
DETECTORS = (
    ("rcnn", "rcnn", {}, 0.2),
    ("fast_rcnn", "fast_rcnn", {}, 1.0),
    ("fast_rcnn[roi_align]", "fast_rcnn", {"roi_op": "roi_align"}, 1.0),
    ("faster_rcnn", "faster_rcnn", {}, 1.0),
    ("mask_rcnn", "mask_rcnn", {}, 1.0),
    ("mask_rcnn[roi_pool]", "mask_rcnn", {"roi_op": "roi_pool"}, 1.0),
)


def selective_search_recall(count: int) -> None:
    from workbench.data.shapes import make_shapes
    from workbench.models.detection.selective_search import PRESETS, proposal_recall, selective_search

    data = make_shapes(count, 64, seed=123)
    for preset, strategies in PRESETS.items():
        start = time.perf_counter()
        found = [selective_search(image, strategies, max_proposals=300) for image in data.images]
        ms = 1000 * (time.perf_counter() - start) / count
        recall = {n: proposal_recall([f[:n] for f in found], data.boxes) for n in (10, 50, 300)}
        print(f"selective search {preset:8s}: {np.mean([len(f) for f in found]):6.1f} boxes/image, "
              f"recall@IoU0.5 top10 {recall[10]:.3f} top50 {recall[50]:.3f} all {recall[300]:.3f}, "
              f"{ms:.1f} ms/image")


def evaluate(model, val) -> dict:
    from workbench.detection import inference, metrics
    from workbench.detection.training import evaluate_map
    from workbench.models.detection import selective_search

    selected = [inference.select(c, 0.01, 0.5, 100) for c in model.predict_candidates(val.images)]
    results = {"mAP50": evaluate_map(model, val)["mAP"]}
    detections = [d for s, image_id in zip(selected, val.image_ids)
                  for d in inference.to_coco_results(s, image_id)]
    gt = val.to_coco()
    if detections:
        box = metrics.coco_evaluate(gt, detections, "bbox")
        results.update(AP=box["AP"], AP50=box["AP50"])
        if "masks" in selected[0]:
            results["mask_AP"] = metrics.coco_evaluate(gt, detections, "segm")["AP"]
    selective_search._CACHE.clear()  # time the proposals too, not a cache lookup
    timing = metrics.time_inference(
        lambda batch: [inference.select(c, 0.3, 0.5) for c in model.predict_candidates(batch)],
        val.images[:20], warmup=1, batch_size=1)
    results["fps"] = timing["fps"]
    return results


#: The ``--defaults`` rows: entry, the validation log key, the target.
DEFAULT_MODELS = ("faster_rcnn", "mask_rcnn", "keypoint_rcnn", "fast_rcnn", "unet", "fcn", "rcnn")
TARGET = 0.90
MASK_TARGET = 0.80


class EpochLog:
    """The run's epoch ends: cumulative seconds and when the validation figure first hit the target."""

    def __init__(self, key: str):
        self.key, self.elapsed, self.crossed, self.last = key, 0.0, None, float("nan")

    def __call__(self, event) -> None:
        from workbench.training import events

        if isinstance(event, events.EpochEnd):
            self.elapsed += float(event.seconds)
            value = event.logs.get(self.key)
            if value is not None:
                self.last = float(value)
                if self.crossed is None and value >= TARGET:
                    self.crossed = (event.epoch + 1, self.elapsed)


def held_out_figure(run_dir: str, data: str, seed: int) -> tuple[str, float]:
    """The target's figure on another seed's images, as ``evaluate RUN --json`` reports it."""
    from workbench.detection.evaluation import as_json, evaluate_run

    scores = as_json(evaluate_run(run_dir, data, {"seed": seed})[0])
    if scores["kind"] == "segmentation":
        return "mean IoU", scores["mean_iou"]
    if "mask" in scores:
        return f"mask AP50 (box mAP {scores['voc_map50']:.3f})", scores["mask"]["AP50"]
    return "mAP@0.5", scores["voc_map50"] or 0.0


def defaults_table(names, heldout_seed: int) -> None:
    """Each entry trained from its defaults, then scored on held-out images."""
    from workbench import catalog
    from workbench.training import TrainConfig, job

    print(f"from each entry's defaults (batch 32, seed 0); held-out: the default data with "
          f"seed={heldout_seed}, its validation split; load {os.getloadavg()[0]:.1f}")
    print(f"{'model':14s} {'epochs':>6s} {'train s':>8s} {'target at':>16s}  held-out")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            entry = catalog.get(name)
            key = "val_mean_iou" if entry.task == "segmentation" else "val_mAP"
            log = EpochLog(key)
            config = TrainConfig(name, entry.default_data, entry.default_epochs, batch_size=32,
                                 seed=0, out=os.path.join(tmp, name), tensorboard=False)
            start = time.perf_counter()
            job.run_training(config, emit=log)
            seconds = time.perf_counter() - start
            label, value = held_out_figure(config.out, entry.default_data, heldout_seed)
            target = MASK_TARGET if label.startswith("mask") else TARGET
            crossed = (f"ep {log.crossed[0]} / {log.crossed[1]:.0f}s" if log.crossed
                       else f"not ({key} {log.last:.2f})")
            print(f"{name:14s} {entry.default_epochs:6d} {seconds:8.1f} {crossed:>16s}  {label} "
                  f"{value:.3f} {'ok' if value >= target else 'BELOW ' + str(target)} "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--defaults", nargs="*", default=None, metavar="MODEL",
                        help="train each model (default: all two-stage and segmenters) from its "
                             "catalog defaults and print the held-out table")
    parser.add_argument("--heldout-seed", type=int, default=12345, help="image seed of the held-out set")
    parser.add_argument("--quick", action="store_true", help="60 images, 3 epochs (about 3 minutes)")
    parser.add_argument("--count", type=int, default=0, help="shapes images (default 200, quick 60)")
    parser.add_argument("--epochs", type=int, default=0, help="epochs each (default 15, quick 3)")
    parser.add_argument("--only", nargs="*", default=None, help="row names to run")
    args = parser.parse_args(argv)
    if args.defaults is not None:
        return defaults_table(args.defaults or DEFAULT_MODELS, args.heldout_seed)
    count = args.count or (60 if args.quick else 200)
    epochs = args.epochs or (3 if args.quick else 15)

    from workbench.training import TrainConfig, job

    selective_search_recall(20 if args.quick else 100)
    print(f"\nshapes: {count} images of 64x64 (20% validation), {epochs} epochs (R-CNN "
          f"{max(1, round(epochs * 0.2))}), batch 8, Adam 1e-3")
    print(f"{'detector':22s} {'mAP@0.5':>8s} {'AP':>6s} {'AP50':>6s} {'maskAP':>7s} "
          f"{'train s':>8s} {'FPS':>6s}")
    with tempfile.TemporaryDirectory() as tmp:
        for row, name, overrides, share in DETECTORS:
            if args.only and row not in args.only:
                continue
            config = TrainConfig(name, "shapes", epochs=max(1, round(epochs * share)), batch_size=8, seed=0,
                                 hparams=overrides, data_options={"count": count},
                                 val_split=0.2, out=os.path.join(tmp, row.replace("[", "_").strip("]")))
            start = time.perf_counter()
            result = job.run_training(config)
            seconds = time.perf_counter() - start
            _, val = result.dataset.train_val()
            r = evaluate(result.model, val)
            print(f"{row:22s} {r['mAP50']:8.3f} {r.get('AP', 0.0):6.3f} {r.get('AP50', 0.0):6.3f} "
                  f"{r['mask_AP'] if 'mask_AP' in r else float('nan'):7.3f} {seconds:8.1f} "
                  f"{r['fps']:6.1f}", flush=True)


if __name__ == "__main__":
    main()
