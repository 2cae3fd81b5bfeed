"""Linear-probe accuracy of SimCLR's and BYOL's encoders against the same encoder at random init.

Each entry trains on the embedded digits' images without their labels; then a logistic
regression (scikit-learn) is fitted on the FROZEN encoder features of the training images
and scored on the validation images: the standard linear evaluation protocol. The
random-init row is the same architecture with the same seed, untrained, so the
difference is what self-supervision learned. ``--probe-labels N`` also fits the probe on
only N labelled images (the low-label regime, where a good representation matters most).

Measured (seed 0, 30 epochs, 2 CPU cores shared with other jobs), probe on all labels / on 100:
SimCLR (batch 128) 0.981 / 0.947 against 0.914 / 0.825 at random init: a clear gain. BYOL
0.905 / 0.730 (batch 128), 0.911 / 0.760 (batch 64, learning_rate 2e-3): no better than random
init at this budget (a few hundred steps; the paper trains for hundreds of epochs, and BYOL
without negatives is known to start slowly). Random conv features are already a strong
baseline on 8x8 digits (raw pixels give 0.955 with the same logistic regression).

    nice -n 10 .venv/bin/python benchmarks/self_supervised_probe.py             # 30 epochs each
    nice -n 10 .venv/bin/python benchmarks/self_supervised_probe.py --epochs 50 --seeds 0,1
    .venv/bin/python benchmarks/self_supervised_probe.py --quick                # 2 epochs, a check
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


def probes(encoder, data, few: int, seed: int) -> tuple[float, float]:
    """(probe accuracy on all training labels, probe accuracy on ``few`` of them, stratified)."""
    from workbench.models.paradigms.encoders import linear_probe_accuracy
    from workbench.models.paradigms.pseudo_label import labelled_subset

    full = linear_probe_accuracy(encoder, data.x_train, data.y_train, data.x_val, data.y_val, seed)
    keep = labelled_subset(data.y_train, few / len(data.y_train), seed)
    low = linear_probe_accuracy(encoder, data.x_train[keep], data.y_train[keep], data.x_val, data.y_val, seed)
    return full, low


def run(name: str, seed: int, epochs: int, few: int, extra: dict, batch_size: int = 128) -> dict:
    from workbench import catalog
    from workbench.training import TrainConfig, job

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig(name, "digits", epochs=epochs, seed=seed, batch_size=batch_size, hparams=dict(extra),
                             out=os.path.join(out, "run"))
        result = job.run_training(config)
    trained = probes(result.model.encoder, result.dataset, few, seed)
    entry = catalog.get(name)
    import keras

    keras.utils.set_random_seed(seed)
    untrained = entry.build({**entry.resolve(extra), "seed": seed}, result.dataset.info)
    random_init = probes(untrained.encoder, result.dataset, few, seed)
    return {"trained": trained, "random": random_init, "seconds": time.perf_counter() - started,
            "loss": result.history["loss"][-1]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default="simclr,byol")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--probe-labels", type=int, default=100, help="labels of the low-label probe")
    parser.add_argument("--set", action="append", default=[], help="hyperparameters for every entry, key=value")
    parser.add_argument("--quick", action="store_true", help="2 epochs (a check that it runs)")
    args = parser.parse_args(argv)
    from workbench.catalog.registry import parse_assignments

    epochs = 2 if args.quick else args.epochs
    extra = parse_assignments(args.set)
    print(f"linear probe on frozen encoder features, digits, {epochs} epochs of self-supervision, batch {args.batch_size}")
    print(f"{'entry':>7} {'seed':>4}  {'probe (all labels)':>18}  {'random init':>11}  "
          f"{f'probe ({args.probe_labels} labels)':>18}  {'random init':>11}  {'seconds':>7}")
    for name in args.entries.split(","):
        rows = []
        for seed in [int(s) for s in args.seeds.split(",")]:
            r = run(name, seed, epochs, args.probe_labels, extra, args.batch_size)
            rows.append(r)
            print(f"{name:>7} {seed:>4}  {r['trained'][0]:>18.3f}  {r['random'][0]:>11.3f}  "
                  f"{r['trained'][1]:>18.3f}  {r['random'][1]:>11.3f}  {r['seconds']:>7.1f}")
        if len(rows) > 1:
            means = {(key, i): np.mean([r[key][i] for r in rows]) for key in ("trained", "random") for i in (0, 1)}
            print(f"{name:>7} mean  {means['trained', 0]:>18.3f}  {means['random', 0]:>11.3f}  "
                  f"{means['trained', 1]:>18.3f}  {means['random', 1]:>11.3f}")


if __name__ == "__main__":
    main()
