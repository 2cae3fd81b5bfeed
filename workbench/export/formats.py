"""One writer per export format, each written atomically and checkable by reloading.

- ``keras``: the native ``.keras`` zip (architecture, weights, optimizer state).
- ``savedmodel``: a TensorFlow SavedModel directory with a ``serve`` endpoint, for
  TF Serving and other TensorFlow runtimes (``model.export``).
- ``tflite``: a TensorFlow Lite flatbuffer for phones and microcontrollers, optionally
  quantised (``float16``, ``dynamic``, ``int8``; see ``workbench.export.tflite``).
- ``onnx``: an ONNX graph for onnxruntime and other engines (Keras 3's own exporter).

The export is written under a temporary sibling name, checked there (``check``), and
only then renamed into place: a failed conversion, a failed check or a killed process
leaves the earlier export at ``path`` as it was.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import atomic_path

FORMATS = ("keras", "savedmodel", "tflite", "onnx")
QUANTIZE = ("float16", "dynamic", "int8")
SUFFIXES = {"keras": ".keras", "tflite": ".tflite", "onnx": ".onnx"}


def output_kind(fmt: str) -> tuple[str, str]:
    """``(kind, marker)`` for ``check_output_path``: a SavedModel is a folder, the rest files."""
    return ("directory", "saved_model.pb") if fmt == "savedmodel" else ("file", "")


def check_request(fmt: str, path: str, quantize: str | None = None, force: bool = False) -> str:
    """The absolute output path, or a sentence: unknown format, wrong suffix, quantising a
    format that does not quantise, an existing output without ``force``."""
    from workbench.runs.outputs import check_output_path

    if fmt not in FORMATS:
        raise WorkbenchError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if quantize and quantize not in QUANTIZE:
        raise WorkbenchError(f"unknown quantization {quantize!r}; choose one of {', '.join(QUANTIZE)}")
    if quantize and fmt != "tflite":
        raise WorkbenchError(f"--quantize {quantize} applies to TensorFlow Lite: use --format tflite "
                             f"(a {fmt} export keeps float32 weights)")
    kind, marker = output_kind(fmt)
    suffix = SUFFIXES.get(fmt, "")
    path = check_output_path(path, kind, force=force, marker=marker, example=f"model{suffix}")
    if suffix and not path.endswith(suffix):
        raise WorkbenchError(f"a {fmt} export must end in {suffix}, got {path}")
    return path


def export_model(model, fmt: str, path: str, force: bool = False, quantize: str | None = None,
                 representative: np.ndarray | None = None, check=None):
    """Write ``model`` to ``path`` in ``fmt``; returns the path written, or what ``check``
    returns when given (``check(tmp_path)`` runs on the finished temporary before it takes
    the export's place, so an export that fails its check is never installed).

    ``representative``: samples of the training data, required by ``quantize="int8"``.
    """
    path = check_request(fmt, path, quantize, force)
    if quantize == "int8" and representative is None:
        raise WorkbenchError("int8 quantization calibrates on samples of the training data: export "
                             "from a run directory (its data is loaded), or use float16 or dynamic")
    result = path
    try:
        with atomic_path(path) as tmp:
            write(model, fmt, tmp, quantize, representative)
            if check is not None:
                result = check(tmp)
    except OSError as error:
        raise WorkbenchError(f"cannot write {path}: {error.strerror or error}") from None
    return result


def write(model, fmt: str, path: str, quantize: str | None = None,
          representative: np.ndarray | None = None) -> None:
    """Write the export at ``path`` (no atomicity here: ``export_model`` provides it)."""
    from workbench.export.blocking import conversion_error

    if fmt == "keras":
        model.save(path)
        return
    spec = input_spec(model)
    if fmt == "savedmodel":
        saved_model(model, path, spec)
        return
    try:
        if fmt == "tflite":
            from workbench.export import tflite

            flatbuffer = tflite.convert(model, spec, quantize, representative)
            with open(path, "wb") as handle:
                handle.write(flatbuffer)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            from workbench.export import onnx

            onnx.write(model, path, spec)
    except WorkbenchError:
        raise
    except ImportError as error:  # a converter's own module is missing: no fault of the model's
        raise WorkbenchError(f"the {fmt} converter cannot be loaded ({error}); reinstall the package "
                             f"that provides {error.name or 'it'}") from None
    except Exception as error:  # noqa: BLE001 - the converters raise many kinds: each means "cannot convert"
        raise conversion_error(model, fmt, error) from None


def input_spec(model):
    """One batch of inputs of any size, as the converters want it described."""
    import tensorflow as tf

    from workbench.inference import input_shape

    return tf.TensorSpec((None, *input_shape(model)), tf.float32, name="input")


def saved_model(model, path: str, spec) -> None:
    """A SavedModel whose ``serve`` endpoint is the model in inference mode.

    ``model.export`` traces ``model.__call__`` without ``training``, and Keras 3.15 then
    runs BatchNormalization after a convolution with the batch's statistics (training
    mode): the export of a MobileNet answered differently from the model. Tracing
    ``model(x, training=False)`` explicitly fixes the mode for every layer.
    """
    import keras

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", lambda x: model(x, training=False), input_signature=[spec])
    archive.write_out(path, verbose=False)


def runner(fmt: str, path: str):
    """The export loaded the way its users will load it: a callable from a batch of inputs
    to the list of its outputs."""
    if fmt == "keras":
        from workbench.models.io import load_model

        loaded = load_model(path)
        return lambda x: flat_outputs(loaded(x, training=False))
    if fmt == "savedmodel":
        import tensorflow as tf

        served = tf.saved_model.load(path)
        return lambda x: flat_outputs(served.serve(tf.constant(x, tf.float32)))
    if fmt == "tflite":
        from workbench.export import tflite

        return tflite.Runner(path)
    from workbench.export import onnx

    return onnx.Runner(path)


def flat_outputs(outputs) -> list[np.ndarray]:
    """A model's output (a tensor, a tuple or a dict of them) as a list of arrays."""
    import keras

    return [np.asarray(out) for out in keras.tree.flatten(outputs)]


def reload_predict(fmt: str, path: str, x: np.ndarray) -> np.ndarray:
    """The first output of the exported artefact on ``x``."""
    return runner(fmt, path)(x)[0]


def verify_export(model, fmt: str, path: str, x: np.ndarray) -> float:
    """Largest absolute difference between the model in memory and its reloaded export."""
    from workbench.export.verify import max_difference

    return max_difference(flat_outputs(model(x, training=False)), runner(fmt, path)(x))
