"""Parameter counts against keras.applications (instantiated with ``weights=None``: nothing
is downloaded) or against a number printed by a paper or torchvision."""

from __future__ import annotations

import gc

import numpy as np

#: The inputs a reference configuration is stated for.
_INPUTS = {
    "imagenet": ((224, 224, 3), 1000),
    "cifar10": ((32, 32, 3), 10),
}


def data_info(name: str):
    from workbench.data.base import DataInfo

    shape, classes = _INPUTS[name]
    return DataInfo(name, "image", "classification", shape, tuple(f"class_{i}" for i in range(classes)))


def count(model, which: str) -> int:
    """``total``: Keras' ``count_params`` (BatchNorm statistics included); ``trainable``:
    what torchvision and the papers count (moving statistics are buffers)."""
    if which == "trainable":
        return int(sum(int(np.prod(w.shape)) for w in model.trainable_weights))
    return int(model.count_params())


def measure(name: str, reference) -> tuple[float, int]:
    """``(expected, measured)``: ``expected`` from the reference (recomputed from
    keras.applications when that is the source), ``measured`` from the entry's own builder
    at the reference's configuration."""
    import keras

    from workbench import catalog

    entry = catalog.get(name)
    # Each model is dropped as soon as it is counted (VGG-19 holds 575 MB); no clear_session:
    # the GUI runs this beside models other tabs still use.
    model = entry.build(entry.resolve(dict(reference.config)), data_info(reference.data))
    measured = count(model, reference.count)
    del model
    gc.collect()  # the model's cycles; in the window, done by the GUI thread (ui/gc_guard.py)
    expected = reference.expected
    if reference.source == "keras.applications":
        theirs = getattr(keras.applications, reference.application)(weights=None, **dict(reference.application_args))
        expected = count(theirs, reference.count)
        del theirs
        gc.collect()
    return expected, measured


def judge(name: str, reference, expected: float, measured: int) -> dict:
    """Equal within the reference's tolerance, with the sentence that says so or not."""
    off = abs(measured - expected)
    ok = off <= reference.tolerance
    kind = "trainable parameters" if reference.count == "trainable" else "parameters"
    if ok:
        detail = f"{name} has {measured:,} {kind}" + ("" if off == 0 else f", within {reference.tolerance:,.0f} of "
                                                                           f"{expected:,.0f}")
    else:
        detail = f"{name} has {measured:,} {kind} but the reference has {expected:,.0f} (off by {off:,.0f})"
    return {"expected": expected, "measured": measured, "ok": ok, "detail": detail}


def check(name: str, reference) -> dict:
    return judge(name, reference, *measure(name, reference))
