"""Hand-written mutation testing of the detection, explanation and training cores.

Each mutant is one plausible slip (a comparison flipped, an off-by-one, a constant or a
formula changed) made in a scratch copy of the tree under ``/tmp/mutants/NAME``; the
test files that guard that code then run there (``PYTHONPATH`` and the working directory
point at the copy). A mutant is *killed* when a test fails and *survives* when they all
pass; survivors are tests missing (or a change that does not matter: noted per mutant).
mutmut does the same automatically, but spends hours on this code on a shared 2-core
machine; these ~40 target what the issue named plus the usual suspects.

    python benchmarks/mutants.py            # every mutant (about 15 minutes on 2 cores)
    python benchmarks/mutants.py --quick    # the three the issue found surviving (about 2 minutes)
    python benchmarks/mutants.py --only nms-iou-boundary,voc-11-point
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = "/tmp/mutants"

BOXES = ("tests/detection/test_boxes.py", "tests/detection/test_core_boundaries.py")
METRICS = ("tests/detection/test_metrics.py", "tests/detection/test_core_boundaries.py",
           "tests/detection/test_coco_polygons.py")
MASKS = ("tests/detection/test_coco_polygons.py", "tests/detection/test_loaders.py",
         "tests/detection/test_metrics.py")
GRADIENTS = ("tests/xai/test_gradients.py", "tests/xai/test_core_values.py")
SURROGATES = ("tests/xai/test_surrogates.py", "tests/xai/test_core_values.py")
CAMS = ("tests/xai/test_cam_family.py", "tests/xai/test_core_values.py")
FAITHFULNESS = ("tests/xai/test_faithfulness_and_output.py", "tests/xai/test_core_values.py")
TRAINING = ("tests/test_training.py",)
CONFIG = ("tests/test_training.py", "tests/reliability/test_bad_data.py")
RESUME = ("tests/training/test_exact_resume.py",)


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]
    note: str = ""


D, X, T = "workbench/detection/", "workbench/xai/", "workbench/training/"
MUTANTS = [
    # --- detection/boxes.py -------------------------------------------------------------
    Mutant("nms-iou-boundary", D + "boxes.py", "boxes[order]) <= np.float32(iou_threshold)]",
           "boxes[order]) < np.float32(iou_threshold)]", BOXES),
    Mutant("nms-score-boundary", D + "boxes.py", "np.flatnonzero(scores > np.float32(score_threshold))",
           "np.flatnonzero(scores >= np.float32(score_threshold))", BOXES),
    Mutant("nms-zero-area-overlaps", D + "boxes.py", "valid = (area_box > 0) & (area_others > 0)",
           "valid = (area_box >= 0) & (area_others >= 0)", BOXES),
    Mutant("nms-worst-first", D + "boxes.py", 'np.argsort(-scores[candidates], kind="stable")]',
           'np.argsort(scores[candidates], kind="stable")]', BOXES),
    Mutant("batched-nms-ascending", D + "boxes.py", "kept[np.lexsort((kept, -scores[kept]))]",
           "kept[np.lexsort((kept, scores[kept]))]", BOXES),
    Mutant("encode-wrong-anchor-side", D + "boxes.py",
           "((b[:, 0] + b[:, 2]) / 2 - (a[:, 0] + a[:, 2]) / 2) / aw,",
           "((b[:, 0] + b[:, 2]) / 2 - (a[:, 0] + a[:, 2]) / 2) / ah,", BOXES),
    Mutant("decode-no-clamp", D + "boxes.py", "w = aw * np.exp(np.minimum(d[:, 2], MAX_LOG_DELTA))",
           "w = aw * np.exp(d[:, 2])", BOXES),
    Mutant("iou-union-off-by-one", D + "boxes.py", "inter / np.where(union > 0, union, 1), 0.0)",
           "inter / np.where(union > 0, union + 1, 1), 0.0)", BOXES),
    # --- detection/metrics.py -----------------------------------------------------------
    Mutant("voc-match-at-threshold", D + "metrics.py", "if best >= 0 and overlaps[best] > iou_threshold:",
           "if best >= 0 and overlaps[best] >= iou_threshold:", METRICS),
    Mutant("voc-difficult-counts", D + "metrics.py", "continue  # neither true nor false positive",
           "pass  # neither true nor false positive", METRICS),
    Mutant("voc-default-iou-0.7", D + "metrics.py",
           'iou_threshold: float = 0.5, method: str = "all_point",',
           'iou_threshold: float = 0.7, method: str = "all_point",', METRICS),
    Mutant("voc-default-11-point", D + "metrics.py",
           'iou_threshold: float = 0.5, method: str = "all_point",',
           'iou_threshold: float = 0.5, method: str = "11_point",', METRICS),
    Mutant("coco-voc-ap-0.7", D + "metrics.py", 'voc_map(found, truth, 0.5, "all_point"',
           'voc_map(found, truth, 0.7, "all_point"', METRICS),
    Mutant("coco-voc-ap-11-point", D + "metrics.py", 'voc_map(found, truth, 0.5, "all_point"',
           'voc_map(found, truth, 0.5, "11_point"', METRICS),
    Mutant("ap-no-envelope", D + "metrics.py", "mpre = np.maximum.accumulate(mpre[::-1])[::-1]",
           "mpre = mpre", METRICS),
    Mutant("ap-10-levels", D + "metrics.py", "for t in np.linspace(0.0, 1.0, 11)]))",
           "for t in np.linspace(0.0, 1.0, 10)]))", METRICS),
    Mutant("coco-crowd-takes-match", D + "metrics.py",
           "break  # a regular match beats any ignored one",
           "pass  # a regular match beats any ignored one", METRICS),
    Mutant("coco-crowd-absorbs-once", D + "metrics.py", "if gt_match[t, g] > 0 and not crowd[g]:",
           "if gt_match[t, g] > 0:", METRICS),
    Mutant("coco-iou-tie", D + "metrics.py", "if ious[d, g] < best_iou:", "if ious[d, g] <= best_iou:",
           METRICS),
    Mutant("coco-crowd-union", D + "metrics.py",
           "union = np.where(crowd[None, :], d_area[:, None], d_area[:, None] + g_area[None, :] - inter)",
           "union = d_area[:, None] + g_area[None, :] - inter", METRICS),
    Mutant("coco-no-envelope", D + "metrics.py", "pr = np.maximum.accumulate(pr[::-1])[::-1]",
           "pr = pr", METRICS),
    Mutant("coco-recall-right", D + "metrics.py",
           'np.searchsorted(rc, COCO_RECALL_THRESHOLDS, side="left")',
           'np.searchsorted(rc, COCO_RECALL_THRESHOLDS, side="right")', METRICS),
    Mutant("coco-medium-64", D + "metrics.py", '"medium": (32.0 ** 2, 96.0 ** 2)',
           '"medium": (32.0 ** 2, 64.0 ** 2)', METRICS),
    # --- detection masks ----------------------------------------------------------------
    Mutant("polygon-scale-4", D + "coco_polygons.py", "SCALE = 5.0", "SCALE = 4.0", MASKS),
    Mutant("polygon-floor-row", D + "coco_polygons.py", "yd = np.ceil(np.clip(", "yd = np.floor(np.clip(",
           MASKS),
    Mutant("polygon-xor-merge", D + "coco_polygons.py", "mask |= rle_to_mask(", "mask ^= rle_to_mask(",
           MASKS),
    Mutant("rle-leading-run", D + "cocoeval_json.py", "if flat.size and flat[0]:",
           "if flat.size and not flat[0]:", MASKS),
    # --- xai ----------------------------------------------------------------------------
    Mutant("smoothgrad-absolute-sigma", X + "smoothgrad.py",
           "sigma = float(noise_level) * float(image.max() - image.min())", "sigma = float(noise_level)",
           GRADIENTS),
    Mutant("smoothgrad-abs-not-square", X + "smoothgrad.py", "mean = (grads ** 2).mean(axis=0) if squared",
           "mean = np.abs(grads).mean(axis=0) if squared", GRADIENTS),
    Mutant("smoothgrad-no-noise", X + "smoothgrad.py", "noisy = image[None] + rng.normal(",
           "noisy = image[None] + 0 * rng.normal(", GRADIENTS),
    Mutant("saliency-mean-channels", X + "common.py",
           'values = np.abs(values).max(axis=2) if reduce == "max"',
           'values = np.abs(values).mean(axis=2) if reduce == "max"', GRADIENTS),
    Mutant("ig-right-riemann", X + "integrated_gradients.py",
           "trapezoid = (grads[:-1] + grads[1:]).mean(axis=0) / 2.0", "trapezoid = grads[1:].mean(axis=0)",
           GRADIENTS),
    Mutant("ig-times-input", X + "integrated_gradients.py", "attribution = (image - reference) * trapezoid",
           "attribution = image * trapezoid", GRADIENTS),
    Mutant("lime-tabular-seeded-noise", X + "tabular.py",
           "weights = dict(explanation.as_map()[class_index])",
           "weights = dict(enumerate(np.random.default_rng(seed).normal(size=row.size)))", SURROGATES),
    Mutant("gradcam-abs-weights", X + "gradcam.py", "weights = grads.mean(axis=(0, 1))",
           "weights = np.abs(grads).mean(axis=(0, 1))", CAMS),
    Mutant("cam-no-relu", X + "common.py", "resize_map(np.maximum(cam, 0.0), size)",
           "resize_map(np.abs(cam), size)", CAMS),
    Mutant("faithfulness-auc-mean", X + "faithfulness.py",
           "return float(((curve[:-1] + curve[1:]) / 2.0).mean()) if curve.size > 1",
           "return float(curve.mean()) if curve.size > 1", FAITHFULNESS),
    # --- training -----------------------------------------------------------------------
    Mutant("config-val-split-one", T + "config.py", "0.0 <= self.val_split < 1.0",
           "0.0 <= self.val_split <= 1.0", CONFIG),
    Mutant("config-zero-epochs", T + "config.py", "if not 1 <= self.epochs <= 100000:",
           "if not 0 <= self.epochs <= 100000:", CONFIG),
    Mutant("callback-step-off-by-one", T + "callbacks.py", "self.step = max(self.step, batch + 1)",
           "self.step = max(self.step, batch)", TRAINING),
    Mutant("callback-eta-off-by-one", T + "callbacks.py", "eta = mean * (self.epochs - epoch - 1)",
           "eta = mean * (self.epochs - epoch)", TRAINING),
    Mutant("job-eta-off-by-one", T + "job.py", "eta = seconds * (self.config.epochs - epoch - 1)",
           "eta = seconds * (self.config.epochs - epoch)", TRAINING),
    # --- exact resume -------------------------------------------------------------------
    Mutant("resume-fresh-weights", T + "job.py", "restored = ctx.restore_networks({MAIN: model})",
           "restored = None", RESUME),
    Mutant("resume-optimizer-reset", T + "checkpoints.py", "if optimizer is None or not arrays:",
           "if True:", RESUME),
    Mutant("resume-seed-states-lost", T + "checkpoints.py",
           "return [v for v in model.variables if id(v) not in metric_ids]", "return list(model.weights)",
           RESUME),
    Mutant("data-order-ignores-epoch", T + "data_order.py",
           "seed=tf.stack([tf.constant(seed, tf.int64), epoch])",
           "seed=tf.stack([tf.constant(seed, tf.int64), tf.constant(0, tf.int64)])", RESUME),
    Mutant("resume-newest-checkpoint-dropped", "workbench/runs/rundir.py",
           "keep.add(previous[\"checkpoint\"])", "pass", RESUME),
    Mutant("divergence-unchecked", T + "callbacks.py",
           "if self.diverged is None and not math.isfinite(logs.get(\"loss\", 0.0)):",
           "if False:", RESUME),
]


QUICK = ("nms-iou-boundary", "nms-score-boundary", "coco-crowd-takes-match")


def copy_tree(name: str) -> str:
    """The project's code and tests (no .venv, no .git) under ``/tmp/mutants/name``."""
    target = os.path.join(SCRATCH, name)
    shutil.rmtree(target, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for part in ("workbench", "tests", "resources"):
        shutil.copytree(os.path.join(ROOT, part), os.path.join(target, part), ignore=ignore)
    shutil.copy2(os.path.join(ROOT, "pyproject.toml"), target)
    return target


def run_tests(tree: str, tests, timeout: float) -> tuple[str, float]:
    """``"pass"``, ``"fail"`` or ``"timeout"`` for ``tests`` run inside ``tree``."""
    env = {**os.environ, "PYTHONPATH": tree, "QT_QPA_PLATFORM": "offscreen", "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly",
                               "-p", "no:cacheprovider", *tests], cwd=tree, env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start
    return ("pass" if done.returncode == 0 else "fail"), time.perf_counter() - start


def apply(tree: str, mutant: Mutant) -> bool:
    """Make the change in the copy; False when the original text is gone (code moved on)."""
    path = os.path.join(tree, mutant.path)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if mutant.original not in text:
        return False
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(mutant.original, mutant.mutated, 1))
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the mutants the issue named")
    parser.add_argument("--only", help="comma-separated mutant names")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    chosen = MUTANTS
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [m for m in MUTANTS if m.name in wanted]
    elif args.quick:
        chosen = [m for m in MUTANTS if m.name in QUICK]
    baseline_tree = copy_tree("baseline")
    baselines = {}
    for tests in sorted({m.tests for m in chosen}):
        baselines[tests], seconds = run_tests(baseline_tree, tests, args.timeout)
        print(f"baseline {' '.join(os.path.basename(t) for t in tests)}: {baselines[tests]} ({seconds:.0f}s)",
              flush=True)
    counts = {"killed": 0, "survived": 0, "invalid": 0}
    survivors = []
    for mutant in chosen:
        if baselines[mutant.tests] != "pass":
            outcome = "invalid"  # the tests fail without the mutant: nothing to learn
        else:
            tree = copy_tree(mutant.name)
            if not apply(tree, mutant):
                outcome, seconds = "invalid", 0.0
                print(f"{mutant.name:32s} INVALID (original text not found in {mutant.path})", flush=True)
                counts["invalid"] += 1
                shutil.rmtree(tree, ignore_errors=True)
                continue
            result, seconds = run_tests(tree, mutant.tests, args.timeout)
            shutil.rmtree(tree, ignore_errors=True)
            outcome = "survived" if result == "pass" else "killed"
        counts[outcome] += 1
        if outcome == "survived":
            survivors.append(mutant)
        note = f"  ({mutant.note})" if mutant.note and outcome == "survived" else ""
        print(f"{mutant.name:32s} {outcome.upper():9s} {mutant.path}{note}", flush=True)
    shutil.rmtree(baseline_tree, ignore_errors=True)
    total = sum(counts.values())
    print(f"\n{total} mutant(s): {counts['killed']} killed, {counts['survived']} survived, "
          f"{counts['invalid']} invalid")
    for mutant in survivors:
        print(f"  survived: {mutant.name}: {mutant.path}: {mutant.original!r} -> {mutant.mutated!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
