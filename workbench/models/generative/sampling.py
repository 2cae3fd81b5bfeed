"""One way to draw samples from any generator's run: ``sample_images(run_dir, n, seed)``.

Each generative entry's module registers how its run is sampled,
``register_sampler(entry_name, fn)`` with ``fn(run_dir, n, seed, interpolate) ->
(images in [0, 1], captions)``; ``sample_images`` reads which entry trained the run
(``config.json``) and imports that entry's module (the catalog's builder path) so the
registration happens. ``interpolate=(i, j)`` walks the latent space from validation
image i to validation image j. The same seed gives the same grid.

A run whose entry registered nothing, or ``model_name`` naming one of its networks,
is sampled generically: z ~ N(0, I) fed to that network (``generator`` by default).
"""

from __future__ import annotations

import importlib
import os
from typing import Callable

import numpy as np

from workbench.errors import WorkbenchError

Sampler = Callable[[str, int, int, "tuple[int, int] | None"], "tuple[np.ndarray, list[str]]"]
_SAMPLERS: dict[str, Sampler] = {}
#: Largest grid ``sample`` draws (a grid of 1024 tiles is already unreadable).
MAX_SAMPLES = 1024


def register_sampler(entry_name: str, fn: Sampler) -> None:
    _SAMPLERS[entry_name] = fn


def sample_images(run_dir: str, n: int, seed: int = 0, interpolate: tuple[int, int] | None = None,
                  model_name: str | None = None) -> tuple[np.ndarray, list[str]]:
    """``n`` images in [0, 1] (shape ``(n, H, W)`` or ``(n, H, W, C)``) and their captions."""
    from workbench import catalog

    if not 1 <= int(n) <= MAX_SAMPLES:
        raise WorkbenchError(f"--n {n} must be between 1 and {MAX_SAMPLES}")
    entry = catalog.get(run_entry_name(run_dir))
    if entry.task != "generation":
        generators = ", ".join(e.name for e in catalog.all_entries() if e.task == "generation")
        raise WorkbenchError(f"{run_dir} is a run of {entry.name} ({entry.task}), not of a generator; "
                             f"sample needs a run of one of: {generators}")
    if interpolate is not None:
        interpolate = _check_pair(run_dir, interpolate)
    for module in {entry.builder.partition(":")[0], (entry.trainer or ":").partition(":")[0]} - {""}:
        importlib.import_module(module)  # the module registers its sampler when imported
    sampler = _SAMPLERS.get(entry.name)
    if model_name and interpolate is not None:
        raise WorkbenchError("--interpolate walks the entry's own latent space; leave out --model to use it")
    if model_name or sampler is None:
        images, captions = sample_network(run_dir, model_name or "generator", int(n), int(seed))
    else:
        images, captions = sampler(run_dir, int(n), int(seed), interpolate)
    images = np.clip(np.asarray(images, np.float32), 0.0, 1.0)
    return images, list(captions)


def run_entry_name(run_dir: str) -> str:
    from workbench.runs.atomic import read_json

    config = os.path.join(run_dir, "config.json")
    if not os.path.isdir(run_dir):
        raise WorkbenchError(f"{run_dir} is not a directory")
    if not os.path.isfile(config):
        raise WorkbenchError(f"{run_dir} is not a run directory (no config.json)")
    try:
        return str(read_json(config)["model"])
    except (KeyError, ValueError, TypeError) as error:
        raise WorkbenchError(f"{config} is damaged ({error}); this run cannot be sampled") from None


def load_network(run_dir: str, name: str):
    """``RUN/NAME.keras``, written when training ended (or was stopped)."""
    from workbench.models.io import load_model

    path = os.path.join(run_dir, f"{name}.keras")
    if not os.path.isfile(path):
        found = sorted(f[:-6] for f in os.listdir(run_dir) if f.endswith(".keras"))
        if "model" in found:  # the run ended: the name is wrong
            raise WorkbenchError(f"run {run_dir} has no network {name!r}; it has {', '.join(found)}")
        raise WorkbenchError(f"{run_dir} has no {name}.keras yet: the run has not ended; let it finish, "
                             "or stop or resume it, then sample")
    return load_model(path)


def validation_data(run_dir: str):
    """The run's validation images and labels, loaded again from its data source (the split
    is a function of the run's seed, so these are the images it validated on)."""
    from workbench.runs.rundir import RunDir
    from workbench.training.config import TrainConfig
    from workbench.training.job import load_dataset

    config = TrainConfig.from_dict(RunDir(run_dir).read_config())
    data = load_dataset(config)
    x = getattr(data, "x_val", None)
    if x is None or not len(x):
        x, y = data.x_train, data.y_train
    else:
        y = data.y_val
    return np.asarray(x, np.float32), np.asarray(y)


def interpolate_codes(decoder, codes: np.ndarray, pair: tuple[int, int], n: int,
                      encode_step: Callable | None = None):
    """Decode ``n`` points on the straight line from ``codes[i]`` to ``codes[j]``;
    ``encode_step`` maps each point before decoding (the VQ-VAE quantises it)."""
    from workbench.models.generative.autoencoder import predict

    i, j = pair
    for k in pair:
        if not 0 <= k < len(codes):
            raise WorkbenchError(f"--interpolate {i},{j}: the run has {len(codes)} validation images "
                                 f"(indices 0 to {len(codes) - 1})")
    t = np.linspace(0.0, 1.0, max(n, 2))[:n].reshape((-1,) + (1,) * (codes.ndim - 1))
    z = ((1.0 - t) * codes[i] + t * codes[j]).astype(np.float32)
    if encode_step is not None:
        z = encode_step(z)
    captions = [f"#{i}" if k == 0 else f"#{j}" if k == len(z) - 1 and n > 1 else f"t={float(t.flat[k]):.2f}"
                for k in range(len(z))]
    return predict(decoder, z), captions


def sample_network(run_dir: str, name: str, n: int, seed: int):
    """z ~ N(0, I) through ``RUN/NAME.keras`` (a GAN's generator): the generic sampler."""
    from workbench.models.generative.autoencoder import predict

    network = load_network(run_dir, name)
    shape = tuple(network.inputs[0].shape[1:]) if getattr(network, "inputs", None) else ()
    if len(getattr(network, "outputs", None) or ()) != 1:
        raise WorkbenchError(f"{name}.keras of {run_dir} does not output one image batch; name a network "
                             "that makes images, such as the decoder or the generator")
    if not shape or any(d is None for d in shape):
        raise WorkbenchError(f"{name}.keras of {run_dir} does not take a fixed-size noise vector; "
                             "sample it with its entry's own sampler (leave out --model)")
    z = np.random.default_rng(seed).standard_normal((n, *shape)).astype(np.float32)
    images = predict(network, z)
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (1, 3)):
        raise WorkbenchError(f"{name}.keras of {run_dir} does not output images (its output has shape "
                             f"{images.shape[1:]}); name a network that makes images, such as the decoder")
    return images, [f"{name} #{k}" for k in range(n)]


def _check_pair(run_dir: str, pair) -> tuple[int, int]:
    try:
        i, j = (int(v) for v in pair)
    except (TypeError, ValueError):
        raise WorkbenchError(f"--interpolate expects two validation image indices I,J, got {pair!r}") from None
    if i < 0 or j < 0:
        raise WorkbenchError(f"--interpolate {i},{j}: indices start at 0")
    return i, j
