"""TARNet against CFR (MMD and Wasserstein penalties) on the semi-synthetic ``causal`` set.

Each model trains through ``keras-workbench``'s job on several realisations of the IHDP-like
set (one per seed, as IHDP is scored over its 100 realisations: covariates, treatment and
outcomes all redrawn), the same epochs and architecture; printed: the validation PEHE and ATE
error after the last epoch, mean and standard deviation over the realisations.

    .venv/bin/python benchmarks/cfr_vs_tarnet.py --quick
    .venv/bin/python benchmarks/cfr_vs_tarnet.py --seeds 10 --epochs 100 --alpha 0.3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np


def run(model: str, hparams: dict, seed: int, epochs: int) -> tuple[float, float]:
    from workbench.training import TrainConfig, job

    with tempfile.TemporaryDirectory() as tmp:
        config = TrainConfig(model, "causal", epochs=epochs, batch_size=100, seed=seed, val_split=0.3,
                             hparams=hparams, out=os.path.join(tmp, model))
        history = job.run_training(config).history
    return history["pehe"][-1], history["ate_error"][-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 realisations, 30 epochs")
    parser.add_argument("--seeds", type=int, default=10, help="realisations of the data set")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--alpha", type=float, default=1.0, help="weight of CFR's IPM penalty")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.epochs = 4, 30

    started = time.perf_counter()
    models = {
        "TARNet": ("tarnet", {}),
        "CFR (MMD)": ("cfr", {"ipm": "mmd", "alpha": args.alpha}),
        "CFR (Wasserstein)": ("cfr", {"ipm": "wasserstein", "alpha": args.alpha}),
    }
    results = {name: np.array([run(model, hp, seed, args.epochs) for seed in range(args.seeds)])
               for name, (model, hp) in models.items()}
    print(f"IHDP-like semi-synthetic set, {args.seeds} realisations, {args.epochs} epochs, alpha {args.alpha}: "
          "validation PEHE and ATE error (setting B's exp(.) gives some realisations effects 10x larger, so "
          "medians and paired wins beside the means)")
    print(f"{'model':<20}{'PEHE mean +- sd':>20}{'median':>9}{'ATE error mean':>16}{'median':>9}"
          f"{'PEHE below TARNet':>19}")
    tarnet = results["TARNet"][:, 0]
    for name, values in results.items():
        wins = "" if name == "TARNet" else f"{int((values[:, 0] < tarnet).sum())}/{args.seeds}"
        print(f"{name:<20}{values[:, 0].mean():>11.3f} +- {values[:, 0].std():<5.3f}{np.median(values[:, 0]):>9.3f}"
              f"{values[:, 1].mean():>16.3f}{np.median(values[:, 1]):>9.3f}{wins:>19}")
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
