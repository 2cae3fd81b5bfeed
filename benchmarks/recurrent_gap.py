"""LSTM and GRU against SimpleRNN as the gap grows, and bidirectional against one-way on lookahead.

``long_gap``: recall the first of ``gap + 1`` symbols (chance = 1/symbols). Each model is
built by its catalog entry with its defaults and trained by ``fit`` (batch 32, the entry's
optimizer and loss) for the same epochs on the same data and split; each cell of the table is the validation accuracy after
the last epoch and, in brackets, the first epoch that reached 0.95 (``-`` if none).
``lstm`` is the entry's default, ``--set forget_bias=3``: its forget gates start at
sigmoid(3) = 0.95, so the carousel passes the error back over long gaps from the first
update on; ``lstm fb=1`` starts them at Keras's sigmoid(1) = 0.73 and stays at chance. Keras's SimpleRNN starts from an orthogonal
recurrent matrix, which carries gradients well over a few dozen steps, so the gaps must be
long before it loses. Then ``lookahead`` (the label at step t is the symbol ``shift``
steps ahead): ``val_ahead_accuracy`` counts only the steps whose answer lies in the
future, where a one-way RNN can only guess (1/symbols) and a bidirectional one can be right.

    nice -n 10 .venv/bin/python benchmarks/recurrent_gap.py
    .venv/bin/python benchmarks/recurrent_gap.py --quick
    .venv/bin/python benchmarks/recurrent_gap.py --gaps 10,100 --epochs 40 --models lstm,simple_rnn
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Column label -> (catalog entry, hyperparameters set on it).
MODELS = {"simple_rnn": ("simple_rnn", {}), "lstm": ("lstm", {}), "lstm fb=1": ("lstm", {"forget_bias": 1.0}),
          "gru": ("gru", {})}


def train(model: str, data: str, options: dict, epochs: int, seed: int, hparams: dict | None = None) -> dict:
    """The entry's model, built by its catalog builder with its defaults (plus ``hparams``),
    compiled as ``train_recurrent`` compiles it and trained by ``fit`` on the source's own
    split. No run directory: its views and resume points would only cost time here."""
    import keras

    from workbench import catalog
    from workbench import data as sources
    from workbench.models.sequence.recurrent import AheadAccuracy
    from workbench.training.job import make_optimizer

    entry = catalog.get(model)
    hp = entry.resolve(hparams or {})
    dataset = sources.load(data, options, seed=seed, val_fraction=0.2)
    keras.utils.set_random_seed(seed)
    network = entry.build(hp, dataset.info)
    network.compile(optimizer=make_optimizer(hp), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks = []
    if "end" in dataset.info.class_names:
        callbacks.append(AheadAccuracy(dataset.x_val, dataset.y_val, dataset.info.class_names.index("end")))
    history = network.fit(dataset.x_train, dataset.y_train, batch_size=32, epochs=epochs, verbose=0,
                          validation_data=(dataset.x_val, dataset.y_val), callbacks=callbacks)
    return history.history


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", default="25,50")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--lookahead-cells", default="lstm", help="one-way vs bidirectional, each of these ('' for none)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--lookahead-epochs", type=int, default=10)
    parser.add_argument("--samples", type=int, default=3000)
    parser.add_argument("--symbols", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="two short gaps, a few epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.gaps, args.epochs, args.lookahead_epochs, args.samples = "5,30", 4, 3, 600
    gaps = [int(g) for g in args.gaps.split(",")]
    models = args.models.split(",")

    print(f"long_gap: validation accuracy after {args.epochs} epochs (first epoch >= 0.95) ({args.samples} "
          f"sequences, {args.symbols} symbols, chance {1 / args.symbols:.2f})")
    print(f"{'gap':>6} " + " ".join(f"{m:>13}" for m in models) + "   seconds")
    for gap in gaps:
        started, row = time.perf_counter(), []
        for label in models:
            name, hparams = MODELS[label]
            history = train(name, "long_gap", {"gap": gap, "symbols": args.symbols, "samples": args.samples},
                            args.epochs, args.seed, hparams)
            accuracy = history["val_accuracy"]
            solved = next((str(i + 1) for i, a in enumerate(accuracy) if a >= 0.95), "-")
            row.append(f"{accuracy[-1]:.3f} ({solved:>2})")
        print(f"{gap:>6} " + " ".join(f"{cell:>13}" for cell in row) + f"   {time.perf_counter() - started:7.1f}",
              flush=True)

    if args.lookahead_cells:
        lookahead_table(args)
    print(f"\nload average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def lookahead_table(args) -> None:
    from workbench.data.sequence_tasks import lookahead_one_way_ceiling

    length, shift = 12, 3
    options = {"length": length, "shift": shift, "symbols": args.symbols, "samples": args.samples}
    print(f"\nlookahead (length {length}, shift {shift}): accuracy on the steps whose answer is ahead "
          f"(chance {1 / args.symbols:.2f}) and on all steps (one-way ceiling "
          f"{lookahead_one_way_ceiling(length, shift, args.symbols):.3f})")
    print(f"{'model':>22} {'ahead':>7} {'all':>7}")
    for cell in args.lookahead_cells.split(","):
        one_way = train(cell, "lookahead", options, args.lookahead_epochs, args.seed)
        both = train("bidirectional", "lookahead", options, args.lookahead_epochs, args.seed, {"cell": cell})
        for label, history in ((cell, one_way), (f"bidirectional({cell})", both)):
            print(f"{label:>22} {history['val_ahead_accuracy'][-1]:>7.3f} {history['val_accuracy'][-1]:>7.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
