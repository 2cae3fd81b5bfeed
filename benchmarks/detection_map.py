"""Train each detector and segmenter from its catalog DEFAULTS, as ``keras-workbench train NAME
--data shapes`` does, and score it on held-out shapes images (another image seed).

Every run goes through the workbench's own trainer (``job.run_training`` with the entry's
default epochs and hyperparameters, the CLI's batch size and validation split), so the
figures are what a user who trains from the window or the CLI gets. For each model it prints:

* held-out VOC mAP@0.5 (detectors; ``evaluate RUN --data shapes --data-option seed=S``'s
  ``voc_map50``) on the CLI's held-out split (``val``, 40 images) and on all the images of
  that seed; segmenters: mean IoU (and Mask R-CNN its mask AP50);
* the training seconds (the whole ``run_training``: build, tracing, epochs, validation);
* the time to target: seconds until the run's own validation figure (``val_mAP`` /
  ``val_mean_iou``, images the run never trained on) first reached the target
  (0.90; Mask R-CNN's mask AP50 0.80 is only scored at the end);
* the machine load (``uptime``) at the end, because the timings depend on it.

    .venv/bin/python benchmarks/detection_map.py                      # every detector
    .venv/bin/python benchmarks/detection_map.py --models yolo_v1,ssd --quick
    .venv/bin/python benchmarks/detection_map.py --models retinanet --set gamma=0 --epochs 10
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ONE_STAGE = ("yolo_v1", "ssd", "retinanet", "fcos")
TARGET = 0.90


def default_models() -> list[str]:
    """Every detection and segmentation entry of the catalog, one-stage ones first."""
    from workbench import catalog

    names = [e.name for e in catalog.all_entries() if e.task in ("detection", "segmentation")
             and e.default_data == "shapes"]
    return [n for n in ONE_STAGE if n in names] + [n for n in names if n not in ONE_STAGE]


class EpochLog:
    """Collects the run's epoch ends: cumulative seconds and the validation figure."""

    def __init__(self, key: str, verbose: bool = False):
        self.key, self.elapsed, self.crossed, self.values = key, 0.0, None, []
        self.verbose = verbose

    def __call__(self, event) -> None:
        from workbench.training import events

        if isinstance(event, events.EpochEnd):
            self.elapsed += float(event.seconds)
            value = event.logs.get(self.key)
            if value is not None:
                self.values.append(float(value))
                if self.crossed is None and value >= TARGET:
                    self.crossed = (event.epoch + 1, self.elapsed)
            if self.verbose:
                losses = " ".join(f"{k} {v:.3f}" for k, v in event.logs.items() if "loss" in k)
                print(f"  epoch {event.epoch + 1:3d} {self.elapsed:7.1f}s  {losses}  "
                      f"{self.key} {value if value is not None else float('nan'):.3f}", flush=True)


def train(name: str, out: str, epochs: int | None, overrides: dict, quick: bool,
          verbose: bool = False):
    """One run from the entry's defaults (plus ``overrides``); returns ``(log, seconds, epochs)``."""
    from workbench import catalog
    from workbench.training import TrainConfig, job

    entry = catalog.get(name)
    epochs = epochs or (min(2, entry.default_epochs) if quick else entry.default_epochs)
    known = {h.name for h in entry.all_hparams}
    hparams = {k: v for k, v in overrides.items() if k in known}
    config = TrainConfig(name, "shapes", epochs, hparams=hparams, out=out, tensorboard=False)
    log = EpochLog("val_mean_iou" if entry.task == "segmentation" else "val_mAP", verbose)
    start = time.perf_counter()
    job.run_training(config, emit=log, force=True)
    return log, time.perf_counter() - start, epochs


def held_out(run_dir: str, seed: int) -> dict:
    """``evaluate RUN --data shapes --data-option seed=S``: on its split and on every image."""
    from workbench.detection.evaluation import as_json, evaluate_run

    return {split: as_json(evaluate_run(run_dir, "shapes", {"seed": seed}, split=split)[0])
            for split in ("val", "all")}


def headline(scores: dict) -> tuple[str, float, float]:
    """``(figure name, CLI split value, all-images value)``."""
    val, every = scores["val"], scores["all"]
    if val["kind"] == "segmentation":
        return "mean IoU", val["mean_iou"], every["mean_iou"]
    return "mAP@0.5", val["voc_map50"] or 0.0, every["voc_map50"] or 0.0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="", help="comma-separated entries (default: every "
                        "detector and segmenter on shapes)")
    parser.add_argument("--epochs", type=int, default=None, help="instead of each entry's default")
    parser.add_argument("--heldout-seed", type=int, default=12345,
                        help="image seed of the held-out shapes (training uses the run's seed 0)")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="hyperparameter override for every model that has it, e.g. gamma=0")
    parser.add_argument("--quick", action="store_true",
                        help="2 epochs per model: checks the pipeline, not the figures")
    parser.add_argument("--verbose", action="store_true", help="print every epoch's losses and figure")
    parser.add_argument("--out", default="", help="keep the runs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    from workbench.catalog.registry import parse_assignments
    from workbench.quiet import import_tensorflow

    import_tensorflow()
    overrides = parse_assignments(args.set)
    names = [n.strip() for n in args.models.split(",") if n.strip()] or default_models()
    root = args.out or tempfile.mkdtemp(prefix="detection_map_")
    print(f"shapes 64x64 from the defaults; held-out image seed {args.heldout_seed}; target "
          f"{TARGET:.2f}" + (f"; overrides {overrides}" if overrides else "")
          + ("; QUICK (2 epochs)" if args.quick else ""))
    print(f"{'model':14s} {'figure':9s} {'held-out':>8s} {'all':>6s} {'epochs':>6s} {'train s':>8s} "
          f"{'to target':>14s}  {'last val':>8s}  load")
    for name in names:
        run_dir = os.path.join(root, name)
        log, seconds, epochs = train(name, run_dir, args.epochs, overrides, args.quick,
                                     args.verbose)
        scores = held_out(run_dir, args.heldout_seed)
        figure, val, every = headline(scores)
        reached = (f"ep {log.crossed[0]} {log.crossed[1]:6.1f}s" if log.crossed else "not reached")
        last = f"{log.values[-1]:.3f}" if log.values else "-"
        load = os.getloadavg()[0]
        extra = ""
        if "mask" in scores["all"]:  # Mask R-CNN: its masks' AP50 too (target 0.80)
            extra = f"  mask AP50 {scores['val']['mask']['AP50']:.3f} / {scores['all']['mask']['AP50']:.3f}"
        print(f"{name:14s} {figure:9s} {val:8.3f} {every:6.3f} {epochs:6d} {seconds:8.1f} "
              f"{reached:>14s}  {last:>8s}  {load:.2f}{extra}", flush=True)


if __name__ == "__main__":
    main()
