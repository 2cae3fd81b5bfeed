"""Ensembles against their members: accuracy of the first k runs averaged, k = 1..N, and
training throughput per device.

Trains N runs of one model with seeds 0..N-1 on one data split (``split_seed``), then prints
the ensemble's validation accuracy against the mean of the runs alone, and the samples per
second of training the same model on each device. Goal: the ensemble of 5 beats the mean of
its members alone.

    python benchmarks/ensemble.py [--quick] [--model mlp] [--data digits] [--members 5] [--epochs 20]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 members, 5 epochs")
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--data", default="digits")
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--set", action="append", default=["hidden_units=32"], dest="assign")
    args = parser.parse_args()
    members, epochs = (3, 5) if args.quick else (args.members, args.epochs)

    from workbench.catalog.registry import parse_assignments
    from workbench.models.ensemble import evaluate_ensemble, train_members
    from workbench.training.throughput import measure_throughput

    hparams = parse_assignments(args.assign)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        runs = train_members(args.model, args.data, members, epochs, out, hparams)
        trained = time.perf_counter() - start
        result = evaluate_ensemble(runs)
    print(f"{args.model} on {args.data} ({hparams}), {members} members x {epochs} epochs "
          f"({trained:.0f} s of training), {result.samples} validation samples")
    print(f"{'k':>3} {'ensemble':>9} {'mean alone':>11} {'run k':>7}")
    for row in result.rows():
        print(f"{row['k']:>3} {row['ensemble_accuracy']:>9.4f} {row['mean_single_accuracy']:>11.4f} "
              f"{row['member_accuracy']:>7.4f}")
    gain = result.ensemble_accuracy[-1] - result.mean_single_accuracy[-1]
    print(f"gain of the ensemble of {members} over the mean run: {gain:+.4f} "
          f"({'goal met' if gain > 0 else 'goal NOT met'})")
    speed = measure_throughput(args.model, args.data, hparams, steps=50 if args.quick else 200)
    for row in speed.rows:
        print(f"throughput {row['name']}: {row['samples_per_s']:.0f} samples/s")
    print(speed.sentence())


if __name__ == "__main__":
    main()
