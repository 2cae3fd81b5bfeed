"""Train the classic image-classification family at CIFAR size for a fixed time each.

For every architecture of catalog section B's classic entries (AlexNet, VGG-16,
GoogLeNet, ResNet-18, ResNet-50 v2, WRN, PyramidNet), at a reduced width that a CPU
can train, this script trains for the same wall-clock budget and prints validation
accuracy, parameters and training images per second.

Data: CIFAR-10 when Keras has it cached (a subset, 32x32x3), otherwise the embedded
digits resized to 32x32 inside each model; nothing is downloaded.

    python benchmarks/vision_family.py            # 30 s per architecture
    python benchmarks/vision_family.py --quick    # 4 s per architecture
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from workbench.catalog import registry  # noqa: E402

#: (entry, label, hyperparameter overrides): small widths, every model sees 32x32 inputs
#: (AlexNet's three 3x3/2 poolings need 63).
ARCHITECTURES = (
    ("alexnet", "AlexNet x0.25", {"width": 0.25, "fc_units": 256, "input_size": 63}),
    ("vgg16", "VGG-16 x0.125", {"width": 0.125, "fc_units": 128, "input_size": 32}),
    ("googlenet", "GoogLeNet x0.25", {"width": 0.25, "input_size": 32}),
    ("resnet18", "ResNet-18 x0.25", {"width": 0.25, "input_size": 32}),
    ("resnet50v2", "ResNet-50 v2 x0.125", {"width": 0.125, "input_size": 32}),
    ("wide_resnet", "WRN-16-2", {"depth": 16, "width": 2, "input_size": 32}),
    ("pyramidnet", "PyramidNet-20 a=24", {"depth": 20, "alpha": 24.0, "input_size": 32}),
)


def cifar10_cached() -> bool:
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    datasets = os.path.join(home, "datasets")
    return any(os.path.isdir(os.path.join(datasets, d))
               for d in ("cifar-10-batches-py-target", "cifar-10-batches-py"))


def load_data(limit: int):
    from workbench.data import load

    if cifar10_cached():
        return load("cifar10", {"limit": limit}, seed=0, val_fraction=0.2)
    return load("digits", {}, seed=0, val_fraction=0.2)


class TimeBudget(keras.callbacks.Callback):
    """Stops training ``seconds`` after the first batch (which includes building the
    training graph, so slow tracing does not eat the budget) and counts images/s over them."""

    def __init__(self, seconds: float, batch_size: int):
        super().__init__()
        self.seconds = seconds
        self.batch_size = batch_size

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.warm_start = None
        self.images = 0

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if self.warm_start is None:
            self.warm_start = now
        else:
            self.images += self.batch_size
        if self.warm_start is not None and now - self.warm_start >= self.seconds:
            self.model.stop_training = True

    def images_per_second(self) -> float:
        elapsed = time.perf_counter() - (self.warm_start or self.start)
        return self.images / elapsed if elapsed > 0 else 0.0


def set_batchnorm_momentum(model, momentum: float) -> None:
    """Keras' default 0.99 leaves the moving statistics mostly at their initial values after
    the few hundred steps of a short budget, so inference-mode accuracy sits at chance while
    training accuracy is high; 0.9 (PyTorch's default) catches up in about 50 steps."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum


def run(seconds: float, batch_size: int, limit: int, only: list[str] | None,
        bn_momentum: float = 0.9) -> list[dict]:
    data = load_data(limit)
    print(f"data: {data.info.name} {data.info.input_shape}, {len(data.x_train)} train / "
          f"{len(data.x_val)} val, {seconds:g} s per architecture, batch {batch_size}")
    print(f"{'model':<22} {'params':>10} {'epochs':>6} {'train loss':>10} {'val acc':>9} {'images/s':>9}")
    rows = []
    for name, label, overrides in ARCHITECTURES:
        if only and name not in only:
            continue
        keras.utils.set_random_seed(0)
        entry = registry.get(name)
        model = entry.build(entry.resolve(overrides), data.info)
        set_batchnorm_momentum(model, bn_momentum)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        budget = TimeBudget(seconds, batch_size)
        history = model.fit(data.x_train, data.y_train, batch_size=batch_size, epochs=10_000,
                            callbacks=[budget], verbose=0)
        _, accuracy = model.evaluate(data.x_val, data.y_val, batch_size=256, verbose=0)
        params = model.inference_model().count_params() if hasattr(model, "inference_model") \
            else model.count_params()
        rows.append({"model": label, "params": params, "epochs": len(history.history["loss"]),
                     "train_loss": float(history.history["loss"][-1]), "val_accuracy": float(accuracy),
                     "images_per_s": budget.images_per_second(),
                     "chance": float(np.max(np.bincount(data.y_val)) / len(data.y_val))})
        print(_format(rows[-1]), flush=True)
        keras.backend.clear_session()
    return rows


def _format(row: dict) -> str:
    return (f"{row['model']:<22} {row['params']:>10,} {row['epochs']:>6} {row['train_loss']:>10.3f} "
            f"{row['val_accuracy']:>9.3f} {row['images_per_s']:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 seconds per architecture")
    parser.add_argument("--seconds", type=float, default=30.0, help="training time per architecture")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=10_000, help="CIFAR-10 images used (when cached)")
    parser.add_argument("--only", nargs="*", help="entry names to run (default: all)")
    parser.add_argument("--bn-momentum", type=float, default=0.9,
                        help="BatchNorm moving-average momentum (Keras' default is 0.99)")
    args = parser.parse_args()
    seconds = 4.0 if args.quick else args.seconds
    rows = run(seconds, args.batch_size, args.limit, args.only, args.bn_momentum)
    best = max(rows, key=lambda r: r["val_accuracy"])
    print(f"best: {best['model']} at {best['val_accuracy']:.3f} (majority class {best['chance']:.3f})")


if __name__ == "__main__":
    main()
