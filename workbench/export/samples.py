"""The inputs an export is checked on (and an int8 model calibrated on): the run's own
validation samples, loaded from its config exactly as training split them."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

#: Samples each export is checked on (the whole validation split when smaller).
CHECK_SAMPLES = 256


@dataclass
class CheckSamples:
    x: np.ndarray
    #: Integer class labels of ``x``, or ``None`` (no labels, or not a classifier's data).
    y: np.ndarray | None
    #: Where ``x`` came from, for the report: ``"digits validation split"`` or why random.
    origin: str
    #: True when ``x`` is real data (good for int8 calibration).
    real: bool


def run_of(source: str) -> str | None:
    """The run directory ``source`` belongs to (it, or the folder of a ``RUN/NAME.keras``)."""
    folder = source if os.path.isdir(source) else os.path.dirname(os.path.abspath(source))
    return folder if os.path.isfile(os.path.join(folder, "config.json")) else None


def check_samples(source: str, shape: tuple, count: int = CHECK_SAMPLES) -> CheckSamples:
    """Validation samples of the run ``source`` comes from, when they fit ``shape``; else
    seeded random inputs of that shape, and the reason in ``origin``."""
    run = run_of(source)
    if run is None:
        return random_samples(shape, count, "no run data (a bare model file)")
    try:
        x, y, name = _run_validation(run)
    except Exception as error:  # noqa: BLE001 - any data problem: the check still runs, on random inputs
        return random_samples(shape, count, f"the run's data could not be loaded ({error})")
    if x is None or tuple(x.shape[1:]) != tuple(shape):
        return random_samples(shape, count, f"the run's data ({name}) does not fit the model's input")
    return CheckSamples(np.asarray(x[:count], np.float32), None if y is None else np.asarray(y[:count]),
                        f"{name} validation split", True)


def random_samples(shape: tuple, count: int, why: str) -> CheckSamples:
    # a generator's noise input is standard normal; images live in [0, 1]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((count, *shape)).astype(np.float32) if len(shape) == 1 \
        else rng.random((count, *shape), dtype=np.float32)
    return CheckSamples(x, None, f"random inputs: {why}", False)


def _run_validation(run: str):
    from workbench import data as data_sources
    from workbench.runs.rundir import RunDir

    config = RunDir(run).read_config()
    source = config.get("data") or ""
    dataset = data_sources.load(source, dict(config.get("data_options") or {}),
                                seed=int(config.get("seed", 0)),
                                val_fraction=float(config.get("val_split", 0.2)) or 0.2)
    if getattr(dataset, "x_val", None) is not None:
        y = getattr(dataset, "y_val", None)
        task = getattr(getattr(dataset, "info", None), "task", "")
        return dataset.x_val, (y if task == "classification" else None), source
    images = getattr(dataset, "images", None)  # detection data: the last images are held out
    if isinstance(images, np.ndarray):
        held = max(1, round(len(images) * float(config.get("val_split", 0.2) or 0.2)))
        return images[-held:], None, source
    return None, None, source
