"""Optimizer and normalization comparison runs on the embedded digits.

Trains the same small CNN (LeNet-style by default) once per optimizer (SGD, Momentum,
Adagrad, RMSProp, Adam, AdamW), each at a learning rate usual for it, then once per
normalization (batch, layer, instance, group, none) with Adam, all for the same
number of epochs and the same seed, through the workbench's own training job. Prints
the final training loss, validation loss and accuracy, and the per-epoch loss curve
that the GUI overlays; ``--json`` writes the curves.

    python benchmarks/optimizers.py [--model lenet] [--epochs 5] [--quick] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from workbench.training.config import TrainConfig  # noqa: E402
from workbench.training.job import run_training  # noqa: E402

#: A learning rate each update rule is commonly run at (SGD needs a larger one).
OPTIMIZERS = {"sgd": 0.05, "momentum": 0.01, "adagrad": 0.05, "rmsprop": 1e-3, "adam": 1e-3, "adamw": 1e-3}
NORMALIZATIONS = ("batch", "layer", "instance", "group", "none")


def compare(variants: dict[str, dict], model: str, epochs: int, steps: int, seed: int) -> dict[str, dict]:
    """Train ``model`` once per hyperparameter set; ``{label: {"history": ..., "seconds": ...}}``."""
    results = {}
    for label, hparams in variants.items():
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            result = run_training(TrainConfig(model, data="digits", epochs=epochs, seed=seed, out=out,
                                              steps_per_epoch=steps, hparams=hparams))
        results[label] = {"history": result.history, "seconds": time.perf_counter() - started}
        print(f"  {label}: done in {results[label]['seconds']:.1f} s", flush=True)
    return results


def print_table(title: str, results: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'variant':<12}{'loss':>8}{'val_loss':>10}{'val_acc':>9}{'seconds':>9}  loss per epoch")
    for label, result in results.items():
        h = result["history"]
        curve = " ".join(f"{v:.3f}" for v in h["loss"])
        print(f"{label:<12}{h['loss'][-1]:>8.4f}{h.get('val_loss', [float('nan')])[-1]:>10.4f}"
              f"{h.get('val_accuracy', [float('nan')])[-1]:>9.3f}{result['seconds']:>9.1f}  {curve}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet", help="a catalog entry with a 'normalization' hyperparameter")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="1 epoch of 10 batches per run")
    parser.add_argument("--json", default="", help="write every run's history to this file")
    args = parser.parse_args(argv)
    epochs, steps = (1, 10) if args.quick else (args.epochs, 0)

    print(f"{args.model} on digits, {epochs} epoch(s){', 10 batches each' if steps else ''}, seed {args.seed}")
    optimizers = compare({name: {"optimizer": name, "learning_rate": lr} for name, lr in OPTIMIZERS.items()},
                         args.model, epochs, steps, args.seed)
    print_table("Optimizers (learning rate: " + ", ".join(f"{k} {v:g}" for k, v in OPTIMIZERS.items()) + ")",
                optimizers)
    norms = compare({kind: {"optimizer": "adam", "normalization": kind} for kind in NORMALIZATIONS},
                    args.model, epochs, steps, args.seed)
    print_table("Normalizations (Adam, learning rate 0.001)", norms)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"optimizers": optimizers, "normalizations": norms}, handle, indent=1)


if __name__ == "__main__":
    main()
