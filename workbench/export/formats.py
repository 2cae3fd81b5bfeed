"""One function per export format, each written atomically and verified by reloading.

- ``keras``: the native ``.keras`` zip (architecture, weights, optimizer state).
- ``savedmodel``: a TensorFlow SavedModel directory with a ``serve`` endpoint, for
  TF Serving and other TensorFlow runtimes (``model.export``).
"""

from __future__ import annotations


import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path

FORMATS = ("keras", "savedmodel")


def export_model(model, fmt: str, path: str, force: bool = False) -> str:
    """Write ``model`` to ``path`` in ``fmt``; returns the path written.

    An existing export at ``path`` is replaced only with ``force`` (and a SavedModel only
    over an earlier SavedModel); a run directory or its own files never are
    (``workbench.runs.outputs``). The new export takes the old one's place in one step.
    """
    from workbench.runs.outputs import check_output_path

    if fmt not in FORMATS:
        raise WorkbenchError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "keras":
        path = check_output_path(path, "file", force=force, example="model.keras")
        if not path.endswith(".keras"):
            raise WorkbenchError(f"a Keras model file must end in .keras, got {path}")
    else:
        path = check_output_path(path, "directory", force=force, marker="saved_model.pb")
    try:
        with atomic_path(path) as tmp:
            if fmt == "keras":
                model.save(tmp)
            else:
                model.export(tmp, format="tf_saved_model", verbose=False, **_signature(model))
    except OSError as error:
        raise WorkbenchError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def _signature(model) -> dict:
    """A subclassed model (a detector) has no recorded input once reloaded from disk:
    name its input, one batch of ``(H, W, 3)`` images, explicitly."""
    if getattr(model, "inputs", None):
        return {}
    import tensorflow as tf

    from workbench.inference import input_shape

    return {"input_signature": [tf.TensorSpec((None, *input_shape(model)), tf.float32)]}


def reload_predict(fmt: str, path: str, x: np.ndarray) -> np.ndarray:
    """Predictions of the exported artefact, loaded the way its users will load it."""
    if fmt == "keras":
        from workbench.models.io import load_model

        return np.asarray(load_model(path).predict(x, verbose=0))
    import tensorflow as tf

    served = tf.saved_model.load(path)
    return np.asarray(served.serve(tf.constant(x, tf.float32)))


def verify_export(model, fmt: str, path: str, x: np.ndarray) -> float:
    """Largest absolute difference between the model in memory and its reloaded export."""
    expected = np.asarray(model.predict(x, verbose=0))
    return float(np.max(np.abs(reload_predict(fmt, path, x) - expected)))
