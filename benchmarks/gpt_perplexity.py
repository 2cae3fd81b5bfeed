"""GPT's held-out perplexity on the embedded corpus, epoch by epoch: it must fall.

Perplexity = exp(mean cross-entropy per token) on the last 20 % of Genesis (never trained
on; the corpus is split by position). A uniform guess over the vocabulary scores its size
(about 70 characters); a model that has learned nothing of the text stays near there.

    nice -n 10 .venv/bin/python benchmarks/gpt_perplexity.py             # 6 epochs, the catalog defaults
    .venv/bin/python benchmarks/gpt_perplexity.py --quick                # 3 short epochs, a small model
    .venv/bin/python benchmarks/gpt_perplexity.py --out runs/gpt         # keep the run (generate from it)
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=0)
    parser.add_argument("--out", default="", help="keep the run here (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from workbench.training import TrainConfig, job

    small = {"d_model": 32, "heads": 2, "layers": 1, "d_ff": 64, "context": 32, "sample_length": 40}
    hparams = {**(small if args.quick else {}), "learning_rate": 3e-3}
    epochs = args.epochs or (3 if args.quick else 6)
    out = args.out or os.path.join(tempfile.mkdtemp(), "gpt")
    config = TrainConfig("gpt", "genesis", epochs=epochs, batch_size=64, seed=args.seed, hparams=hparams,
                         val_split=0.2, steps_per_epoch=40 if args.quick else 0, out=out)
    started = time.perf_counter()
    result = job.run_training(config, force=True)
    seconds = time.perf_counter() - started
    history = result.history
    print(f"GPT on genesis (char level), {epochs} epochs, {seconds:.0f} s, load {os.getloadavg()[0]:.1f}")
    print(f"{'epoch':>5} {'train ppl':>10} {'held-out ppl':>13} {'held-out acc':>13}")
    for i, epoch in enumerate(history["epoch"]):
        print(f"{epoch:>5} {math.exp(history['loss'][i]):>10.2f} {history['val_perplexity'][i]:>13.2f} "
              f"{history['val_accuracy'][i]:>13.3f}")
    ppl = history["val_perplexity"]
    falling = all(b < a for a, b in itertools.pairwise(ppl))
    print(f"held-out perplexity {ppl[0]:.2f} -> {ppl[-1]:.2f} ({'falls every epoch' if falling else 'NOT monotone'}); "
          f"vocabulary {len(result.dataset.vocabulary)} (a uniform guess scores that)")
    print(f"run: {out}")
    return 0 if ppl[-1] < ppl[0] else 1


if __name__ == "__main__":
    sys.exit(main())
