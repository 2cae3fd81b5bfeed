"""BatchNorm against GroupNorm as the batch shrinks (Wu and He, "Group Normalization", 2018, Fig. 1).

The same small CNN (conv 16 → norm → ReLU → conv 32 → norm → ReLU → GAP → dense 10) is
trained on scikit-learn's 8×8 digits for the same number of epochs (as in the GroupNorm
paper) at batch sizes 2, 4, 16 and 64, once with BatchNormalization and once with
GroupNormalization (4 groups), Adam at a fixed learning rate. BatchNorm's moving averages
use momentum 0.9 (PyTorch's default; Keras' 0.99 would still be near its initial values
after the ~200 updates of batch size 64, and a large batch would then look bad for that
reason alone). Also printed: BatchNorm's accuracy when the validation set is normalised
with its own statistics instead of the moving averages. BatchNorm estimates its statistics
from the batch: with 2 or 4 images those estimates are noisy in training and the moving
averages used at inference time disagree with them; GroupNorm's statistics are per image
and do not depend on the batch size.

``--model mlp`` runs the same comparison with dense layers (64 → norm → ReLU, twice): there
a unit's BatchNorm statistics come from the batch alone (2 values at batch size 2, so every
normalised value is ±1), where the CNN's come from batch × 8 × 8 positions.

    nice -n 10 .venv/bin/python benchmarks/batchnorm_batch_size.py
    .venv/bin/python benchmarks/batchnorm_batch_size.py --quick     # 1 epoch on a subset
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

BATCH_SIZES = (2, 4, 16, 64)


def digits(seed: int, limit: int | None = None):
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[..., None]
    x_train, x_val, y_train, y_val = train_test_split(x, data.target, test_size=0.25, random_state=seed,
                                                      stratify=data.target)
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    return x_train, y_train, x_val, y_val


def small_cnn(norm: str, seed: int, momentum: float = 0.9, kind: str = "cnn"):
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)

    def normalization():
        return layers.BatchNormalization(momentum=momentum) if norm == "batch" else layers.GroupNormalization(groups=4)

    inputs = keras.Input((8, 8, 1))
    if kind == "mlp":
        x = layers.Flatten()(inputs)
        for _ in range(2):
            x = layers.ReLU()(normalization()(layers.Dense(64, use_bias=False)(x)))
    else:
        x = layers.Conv2D(16, 3, padding="same", use_bias=False)(inputs)
        x = layers.ReLU()(normalization()(x))
        x = layers.Conv2D(32, 3, padding="same", use_bias=False)(x)
        x = layers.ReLU()(normalization()(x))
        x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def measure(norm: str, batch_size: int, epochs: int, seed: int, data, momentum: float = 0.9,
            kind: str = "cnn") -> dict:
    import tensorflow as tf

    x_train, y_train, x_val, y_val = data
    model = small_cnn(norm, seed, momentum, kind)
    steps = epochs * (len(x_train) // batch_size)
    batches = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
               .shuffle(len(x_train), seed=seed).repeat().batch(batch_size, drop_remainder=True))
    started = time.perf_counter()
    model.fit(batches, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)  # shuffled above
    seconds = time.perf_counter() - started
    _, val_accuracy = model.evaluate(x_val, y_val, batch_size=256, verbose=0)
    # the same network with each validation batch's own statistics: how far BN's moving averages are off
    import numpy as np

    own = np.argmax(np.asarray(model(x_val, training=True)), axis=1)
    return {"norm": norm, "batch_size": batch_size, "val_accuracy": float(val_accuracy),
            "val_accuracy_batch_statistics": float(np.mean(own == y_val)), "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--model", choices=("cnn", "mlp"), default="cnn")
    parser.add_argument("--momentum", type=float, default=0.9, help="BatchNorm's moving-average momentum "
                                                                    "(Keras' default is 0.99)")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds; accuracies are averaged")
    parser.add_argument("--quick", action="store_true", help="1 epoch on 256 training images")
    args = parser.parse_args(argv)
    epochs = 1 if args.quick else args.epochs
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{'batch':>5}  {'BatchNorm val acc':>17}  {'GroupNorm val acc':>17}  {'BN, batch stats':>15}  seconds")
    for batch_size in BATCH_SIZES:
        rows = {norm: [measure(norm, batch_size, epochs, seed, digits(seed, 256 if args.quick else None),
                               args.momentum, args.model)
                       for seed in seeds] for norm in ("batch", "group")}

        def mean(norm, key):
            return sum(row[key] for row in rows[norm]) / len(seeds)

        print(f"{batch_size:>5}  {mean('batch', 'val_accuracy'):>17.3f}  {mean('group', 'val_accuracy'):>17.3f}  "
              f"{mean('batch', 'val_accuracy_batch_statistics'):>15.3f}  "
              f"{mean('batch', 'seconds') + mean('group', 'seconds'):7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
