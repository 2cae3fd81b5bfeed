"""Activation x initialiser on a deep MLP (digits): the vanishing gradient and the first epochs.

For each combination, a 6-hidden-layer MLP (32 units each) trains on the embedded digits
through the training job (as ``keras-workbench train`` does). Printed per run: the ratio
of the first hidden layer's gradient norm to the sixth's before training and after the
last epoch (the ``gradient_norms`` view's numbers: near 1 = no vanishing, 1e-3 = faded by
three orders of magnitude) and the validation loss/accuracy after each epoch.

    nice -n 10 .venv/bin/python benchmarks/activations_initializers.py
    .venv/bin/python benchmarks/activations_initializers.py --quick     # 1 epoch, 3 combinations
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

COMBINATIONS = (
    ("sigmoid", "default"), ("sigmoid", "random_normal"), ("tanh", "default"),
    ("relu", "default"), ("relu", "he_normal"), ("relu", "random_normal"), ("relu", "zeros"),
)


def run(activation: str, initializer: str, epochs: int, out: str, data) -> dict:
    from workbench.training import TrainConfig, job
    from workbench.views.types import View

    views = []

    def emit(event):
        if isinstance(event, View) and event.name == "gradient_norms":
            views.append(event.value)

    hp = {"hidden_units": "32,32,32,32,32,32", "activation": activation, "initializer": initializer,
          "init_stddev": 0.05}
    config = TrainConfig("mlp", "digits", out=out, epochs=epochs, batch_size=32, hparams=hp)
    result = job.run_training(config, emit=emit, dataset=data)
    series = views[-1].series
    # The view floors an exactly-zero norm at 1e-12 for its log axis: zero kernels give no ratio.
    ratio = {label: float(y[0] / y[5]) if y[5] > 1e-11 else float("nan") for label, (_, y) in series.items()}
    return {"ratio_start": ratio["start"], "ratio_end": ratio.get("latest epoch", ratio.get("epoch 1")),
            "val_loss": result.history["val_loss"], "val_accuracy": result.history["val_accuracy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 epoch, three combinations")
    args = parser.parse_args()
    from workbench import data

    digits = data.load("digits")
    combos = COMBINATIONS[::3] if args.quick else COMBINATIONS
    epochs = 1 if args.quick else args.epochs
    print(f"{'activation':<10} {'initializer':<14} {'|g1|/|g6| start':>16} {'end':>10}  val_loss per epoch "
          "-> final val_accuracy")
    with tempfile.TemporaryDirectory() as tmp:
        for activation, initializer in combos:
            row = run(activation, initializer, epochs, os.path.join(tmp, f"{activation}-{initializer}"), digits)
            losses = " ".join(f"{v:.3f}" for v in row["val_loss"])
            print(f"{activation:<10} {initializer:<14} {row['ratio_start']:>16.2e} {row['ratio_end']:>10.2e}  "
                  f"{losses} -> {row['val_accuracy'][-1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
