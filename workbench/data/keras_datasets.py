"""MNIST, Fashion-MNIST, CIFAR-10 and CIFAR-100 through ``keras.datasets``.

Downloaded on first use into Keras' cache (``~/.keras/datasets``), then read from
there; with no network and no cache the user gets one clear sentence.
"""

from __future__ import annotations

import numpy as np

from workbench.data.base import DataInfo, Dataset, split
from workbench.data.embedded import indexed_ids, with_ids
from workbench.data.registry import DatasetSpec, register, whole_option
from workbench.errors import WorkbenchError

FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
CIFAR10 = ("airplane", "automobile", "bird", "cat", "deer",
           "dog", "frog", "horse", "ship", "truck")

_SOURCES = {
    # name: (keras.datasets module, class names or count, summary)
    "mnist": ("mnist", tuple(str(d) for d in range(10)),
              "MNIST handwritten digits, 70,000 28x28 grayscale (downloaded once, ~11 MB)."),
    "fashion_mnist": ("fashion_mnist", FASHION,
                      "Fashion-MNIST clothing, 70,000 28x28 grayscale (downloaded once, ~30 MB)."),
    "cifar10": ("cifar10", CIFAR10,
                "CIFAR-10, 60,000 32x32 colour images in 10 classes (downloaded once, ~170 MB)."),
    "cifar100": ("cifar100", tuple(f"class_{i}" for i in range(100)),
                 "CIFAR-100, 60,000 32x32 colour images in 100 classes (downloaded once, ~170 MB)."),
}

for _name, (_module, _classes, _summary) in _SOURCES.items():
    register(DatasetSpec(_name, "image", "classification", _summary,
                         "workbench.data.keras_datasets:load_keras_dataset", offline=False,
                         options=("limit",)))


def load_keras_dataset(options: dict, seed: int, val_fraction: float) -> Dataset:
    name = options.get("name") or options.get("_spec_name")
    if name not in _SOURCES:
        raise WorkbenchError(f"unknown keras dataset {name!r}")
    module_name, class_names, _ = _SOURCES[name]
    (x_a, y_a), (x_b, y_b) = _download(name, module_name)
    x = np.concatenate([x_a, x_b])
    y = np.concatenate([y_a, y_b]).reshape(-1).astype(np.int64)
    ids = np.asarray(indexed_ids(f"{name}:train", len(x_a)) + indexed_ids(f"{name}:test", len(x_b)))
    limit = whole_option(options, "limit", 0, 0, 10_000_000)
    if limit:  # a quick look at a big set: a stratified-by-chance subset
        keep = np.random.default_rng(seed).permutation(len(x))[:limit]
        x, y, ids = x[keep], y[keep], ids[keep]
    if x.ndim == 3:
        x = x[..., None]
    x = x.astype(np.float32) / 255.0
    info = DataInfo(name, "image", "classification", tuple(x.shape[1:]), class_names)
    return with_ids(info, split(x, y, val_fraction, seed, ids=ids))


def _download(name: str, module_name: str):
    import importlib

    module = importlib.import_module(f"keras.datasets.{module_name}")
    try:
        return module.load_data()
    except Exception as error:  # urllib/HTTP/OS errors all mean the same thing to the user
        raise WorkbenchError(
            f"could not download {name} ({type(error).__name__}: {error}); it needs the network "
            "once, then it is cached in ~/.keras/datasets"
        ) from None
