"""Pseudo-labelling against the same network trained on the few labels alone.

Both runs are the ``pseudo_label`` entry on the embedded digits with the same seed, the
same labelled subset (``labelled_fraction`` of each class), the same number of steps and
the same labelled batches; only ``pseudo_labels`` differs. Printed: the validation
accuracy of each after the last epoch, per seed, and the mean.

Measured (2 CPU cores shared with other jobs, 20 epochs, seeds 0-2): 5 % of the labels with the
defaults (threshold 0.9, alpha 1), 0.920 labels only -> 0.935 with pseudo-labels (2 of 3 seeds
better); 2 % of the labels with threshold 0.95 and alpha 3, 0.823 -> 0.866 (every seed better).
The fewer the labels, the more the unlabelled images have to add.

    nice -n 10 .venv/bin/python benchmarks/semi_supervised.py                # 5 % labels, 3 seeds
    nice -n 10 .venv/bin/python benchmarks/semi_supervised.py --fraction 0.02 --set threshold=0.95 --set alpha=3
    .venv/bin/python benchmarks/semi_supervised.py --quick                   # 1 seed, 3 epochs
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def run(seed: int, epochs: int, fraction: float, pseudo: bool, extra: dict) -> dict:
    from workbench.training import TrainConfig, job

    hparams = {"labelled_fraction": fraction, "pseudo_labels": pseudo, **extra}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        result = job.run_training(TrainConfig("pseudo_label", "digits", epochs=epochs, seed=seed, batch_size=32,
                                              hparams=hparams, out=os.path.join(out, "run")))
    history = result.history
    return {"val_accuracy": history["val_accuracy"][-1], "pseudo_fraction": history["pseudo_fraction"][-1],
            "pseudo_accuracy": history["pseudo_accuracy"][-1], "seconds": time.perf_counter() - started}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--fraction", type=float, default=0.05, help="labelled fraction of the training digits")
    parser.add_argument("--set", action="append", default=[], help="more hyperparameters, key=value")
    parser.add_argument("--quick", action="store_true", help="one seed, 3 epochs (a check that it runs)")
    args = parser.parse_args(argv)
    from workbench.catalog.registry import parse_assignments

    seeds = [0] if args.quick else [int(s) for s in args.seeds.split(",")]
    epochs = 3 if args.quick else args.epochs
    extra = parse_assignments(args.set)
    print(f"pseudo_label on digits, {args.fraction:.0%} of the labels, {epochs} epochs, seeds {seeds}")
    print(f"{'seed':>4}  {'labels only':>11}  {'pseudo-labels':>13}  {'confident':>9}  {'right':>6}  {'seconds':>7}")
    pairs = []
    for seed in seeds:
        alone = run(seed, epochs, args.fraction, False, extra)
        pseudo = run(seed, epochs, args.fraction, True, extra)
        pairs.append((alone["val_accuracy"], pseudo["val_accuracy"]))
        print(f"{seed:>4}  {alone['val_accuracy']:>11.3f}  {pseudo['val_accuracy']:>13.3f}  "
              f"{pseudo['pseudo_fraction']:>9.2f}  {pseudo['pseudo_accuracy']:>6.3f}  "
              f"{alone['seconds'] + pseudo['seconds']:>7.1f}")
    alone_mean = sum(a for a, _ in pairs) / len(pairs)
    pseudo_mean = sum(p for _, p in pairs) / len(pairs)
    print(f"mean  {alone_mean:>11.3f}  {pseudo_mean:>13.3f}   (validation accuracy; 'confident' = unlabelled "
          "samples above the threshold in the last epoch, 'right' = how many of their pseudo-labels are correct)")


if __name__ == "__main__":
    main()
