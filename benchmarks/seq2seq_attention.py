"""Plain Seq2Seq against additive (Bahdanau) and dot (Luong) attention as inputs get longer.

Each model is trained with its catalog defaults (the ``train`` command's, through
``run_training``) on ``reverse_digits`` strings of 1..``max_length`` digits, then the
validation strings are decoded greedily (no teacher forcing) and scored by input length:
*exact* = the whole answer right, *char* = the answer's positions (and its ``<end>``)
right. The plain model must carry the whole string in one LSTM state; with attention
each output step reads the encoder states directly.

    nice -n 10 .venv/bin/python benchmarks/seq2seq_attention.py
    .venv/bin/python benchmarks/seq2seq_attention.py --quick
    .venv/bin/python benchmarks/seq2seq_attention.py --data add_digits --max-length 5
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

MODELS = (("plain", "seq2seq", {}), ("additive", "seq2seq_attention", {"score": "additive"}),
          ("dot", "seq2seq_attention", {"score": "dot"}))


def evaluate_by_length(model, data, buckets) -> list[dict]:
    from workbench.data.sequence_tasks import PAD
    from workbench.models.sequence.seq2seq import greedy_decode, sequence_scores

    decoded, _ = greedy_decode(model, data.x_val, data.y_val.shape[1])
    lengths = (data.x_val != PAD).sum(axis=1)
    rows = []
    for low, high in buckets:
        chosen = (lengths >= low) & (lengths <= high)
        rows.append({"n": int(chosen.sum()), **sequence_scores(decoded[chosen], data.y_val[chosen])})
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="reverse_digits", choices=("reverse_digits", "add_digits"))
    parser.add_argument("--max-length", type=int, default=8)
    parser.add_argument("--samples", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="short strings, a few epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.max_length, args.samples, args.epochs = 6, 1000, 2
    from workbench.training import TrainConfig, job

    step = max(1, args.max_length // 4)
    buckets = [(low, min(low + step - 1, args.max_length)) for low in range(1, args.max_length + 1, step)]
    table = {}
    for label, name, hparams in MODELS:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as root:
            config = TrainConfig(name, args.data, epochs=args.epochs, batch_size=64, seed=args.seed,
                                 data_options={"max_length": args.max_length, "samples": args.samples},
                                 hparams=hparams, out=os.path.join(root, "run"))
            result = job.run_training(config)
        table[label] = evaluate_by_length(result.model, result.dataset, buckets)
        print(f"trained {label:<9} in {time.perf_counter() - started:6.1f} s", flush=True)

    print(f"\n{args.data}, greedy decoding of the validation strings after {args.epochs} epochs "
          f"({args.samples} pairs), by input length: exact / char accuracy")
    print(f"{'length':>8} {'n':>5} " + " ".join(f"{label:>15}" for label, _, _ in MODELS))
    for i, (low, high) in enumerate(buckets):
        cells = " ".join(f"{table[label][i]['sequence']:>7.3f}/{table[label][i]['char']:<7.3f}"
                         for label, _, _ in MODELS)
        print(f"{f'{low}-{high}':>8} {table['plain'][i]['n']:>5} {cells}")
    overall = {label: np.average([r["sequence"] for r in rows], weights=[r["n"] for r in rows])
               for label, rows in table.items()}
    print("overall exact: " + ", ".join(f"{k} {v:.3f}" for k, v in overall.items()))
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
