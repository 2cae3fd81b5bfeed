"""ONNX through Keras 3's own exporter (``model.export(format="onnx")``, tf2onnx underneath),
checked with onnxruntime."""

from __future__ import annotations

import logging

import numpy as np


def write(model, path: str, input_spec) -> None:
    """Write ``model`` as ONNX. It is called once first on zeros of the input's shape
    (batch 1), so every layer is built before tracing."""
    import contextlib
    import io

    shape = [1 if d is None else d for d in input_spec.shape]
    model(np.zeros(shape, np.float32), training=False)
    # tf2onnx prints its progress and a resource listing to stdout: not the user's business.
    # It only logs an op it cannot convert and writes the file anyway: its log is the error.
    refusals = _Refusals()
    logger = logging.getLogger("tf2onnx")
    logger.addHandler(refusals)
    logger.propagate, propagated = False, logger.propagate  # the sentence replaces its log
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            _convert(model, path, input_spec)
    finally:
        logger.removeHandler(refusals)
        logger.propagate = propagated
    if refusals.lines:
        raise RuntimeError("\n".join(refusals.lines))


def _convert(model, path: str, input_spec) -> None:
    """What ``model.export(format="onnx")`` does, tf2onnx on the traced forward pass, but
    tracing ``model(x, training=False)``: ``model.export`` traces ``model.__call__``,
    which in Keras 3.15 leaves BatchNormalization after a convolution in training mode
    (see ``formats.saved_model``)."""
    import tensorflow as tf
    import tf2onnx
    from keras.src.export.tf2onnx_lib import (
        patch_tf2onnx,  # numpy 2 support, as Keras applies it
    )

    forward = tf.function(lambda x: model(x, training=False), input_signature=[input_spec])
    patch_tf2onnx()
    tf2onnx.convert.from_function(forward, input_signature=[input_spec], output_path=path)


class _Refusals(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record) -> None:
        self.lines.append(record.getMessage())


class Runner:
    """A loaded ``.onnx`` file in onnxruntime; calling it on a batch gives its outputs."""

    def __init__(self, path: str):
        import onnxruntime

        self.session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.name = self.session.get_inputs()[0].name

    def __call__(self, x: np.ndarray) -> list[np.ndarray]:
        return [np.asarray(out) for out in self.session.run(None, {self.name: np.asarray(x, np.float32)})]


def predict(path: str, x: np.ndarray) -> list[np.ndarray]:
    return Runner(path)(x)
