"""Loading saved models, with every workbench custom layer known to Keras."""

from __future__ import annotations

import importlib
import os
import warnings

from workbench.errors import WorkbenchError

MODEL_SUFFIXES = (".keras", ".h5")


def register_custom_objects() -> list[str]:
    """Import every module that may define a serializable layer or model class.

    Returns the modules that failed to import: a model that does not need them still
    loads, and one that does reports them in its error message.
    """
    import workbench.layers
    from workbench import catalog

    workbench.layers.import_all()
    failed = []
    modules = {entry.builder.partition(":")[0] for entry in catalog.all_entries()}
    for module in sorted(modules):
        try:
            importlib.import_module(module)
        except ImportError as error:
            failed.append(f"{module} ({error})")
    return failed


def network_path(model_file: str, name: str | None = None) -> str:
    """The file of network ``name`` of a run (``RUN/NAME.keras``; ``model`` is the main one),
    or ``model_file`` itself when no name is given."""
    if not name:
        return model_file
    if not os.path.isdir(model_file):
        raise WorkbenchError(f"--model {name} names a network of a run: give the run directory, "
                             f"not {model_file}")
    path = os.path.join(model_file, f"{name}.keras")
    if not os.path.isfile(path):
        found = sorted(f[:-6] for f in os.listdir(model_file) if f.endswith(".keras"))
        raise WorkbenchError(f"run {model_file} has no network {name!r}; it has "
                             f"{', '.join(found) if found else 'none'}")
    return path


def load_model(path: str):
    """Load a ``.keras`` (or legacy ``.h5``) file, or a run directory's ``model.keras``."""
    import keras

    if os.path.isdir(path) and os.path.isfile(os.path.join(path, "model.keras")):
        path = os.path.join(path, "model.keras")
    if not os.path.isfile(path):
        raise WorkbenchError(f"model file not found: {path}")
    if not path.lower().endswith(MODEL_SUFFIXES):
        raise WorkbenchError(f"{path} is not a Keras model file (expected .keras or .h5)")
    failed = register_custom_objects()
    try:
        with warnings.catch_warnings():
            # A run steered (or able to be steered) with frozen layers keeps optimizer slots for
            # them too (training.steering.prepare); a loaded model's optimizer covers only its
            # trainable weights, so Keras skips the saved slots: harmless, resume has its own.
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            return keras.saving.load_model(path, compile=True, safe_mode=True)
    except Exception as error:  # zip, h5, JSON and deserialisation errors all mean "unusable file"
        missing = f" (modules that failed to import: {'; '.join(failed)})" if failed else ""
        raise WorkbenchError(
            f"cannot load model {path}: {type(error).__name__}: {_first_line(error)}{missing}") from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else "no details"
