"""Deep Generative Replay on the digits split into five tasks (0/1, 2/3, 4/5, 6/7, 8/9).

Trains the scholar through the workbench's own training job, once per way of replaying
(none: catastrophic forgetting; a VAE's or a GAN's samples labelled by the previous solver:
DGR; stored real images with their labels: exact replay, the upper bound), all with the
same seed, and prints for each the task-by-task accuracy table (rows: after training task
i; columns: accuracy on task j's validation images), the average over the tasks seen after
each task, and the seconds it took.

    python benchmarks/generative_replay.py [--quick] [--seeds 0,1] [--with-gan]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from workbench import data  # noqa: E402
from workbench.models.generative.generative_replay import accuracy_table  # noqa: E402
from workbench.training.config import TrainConfig  # noqa: E402
from workbench.training.job import run_training  # noqa: E402

TASKS = ("0/1", "2/3", "4/5", "6/7", "8/9")
VARIANTS = {
    "no replay (fine-tuning)": {"replay": False},
    "DGR, VAE generator": {"generator": "vae"},
    "exact replay (real data)": {"generator": "real"},
}


def run(hparams: dict, seed: int, dataset) -> tuple[np.ndarray, list[float], float]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        result = run_training(TrainConfig("generative_replay", "digits", epochs=len(TASKS), seed=seed,
                                          out=out, hparams=hparams), dataset=dataset)
    history = result.history
    return accuracy_table(history, len(TASKS)), history["accuracy_seen"], time.perf_counter() - started


def print_table(label: str, table: np.ndarray, seen: list[float], seconds: float) -> None:
    print(f"\n{label}  ({seconds:.0f} s)")
    print("after task  " + "  ".join(f"{name:>5}" for name in TASKS) + "   seen avg")
    for i, row in enumerate(table):
        print(f"{TASKS[i]:>10}  " + "  ".join(f"{v:5.2f}" for v in row) + f"   {seen[i]:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer generator and solver epochs per task")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds; the summary averages them")
    parser.add_argument("--with-gan", action="store_true", help="also DGR with a GAN generator")
    args = parser.parse_args()
    budget = {"generator_epochs": 15, "solver_epochs": 5} if args.quick else {}
    variants = dict(VARIANTS)
    if args.with_gan:
        variants["DGR, GAN generator"] = {"generator": "gan"}
    dataset = data.load("digits")
    finals: dict[str, list[float]] = {label: [] for label in variants}
    for seed in [int(s) for s in args.seeds.split(",")]:
        for label, hparams in variants.items():
            table, seen, seconds = run({**hparams, **budget}, seed, dataset)
            print_table(f"{label}, seed {seed}", table, seen, seconds)
            finals[label].append(seen[-1])
    print("\naverage accuracy over the five tasks after the last one:")
    for label, values in finals.items():
        print(f"  {label:28s} {np.mean(values):.3f}" + (f" ± {np.std(values):.3f}" if len(values) > 1 else ""))


if __name__ == "__main__":
    main()
