"""TensorFlow Lite: conversion with post-training quantisation, and the interpreter that checks it.

Quantisation modes (``--quantize``), as the TFLite converter names them:

- ``None``: float32 weights and arithmetic;
- ``float16``: weights stored as float16 (half the size), computed in float32;
- ``dynamic``: weights int8, activations quantised on the fly (dynamic range);
- ``int8``: full integer: weights and activations int8, the activation ranges calibrated
  on a representative dataset (samples of the run's own data), int8 input and output.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Representative samples fed to the int8 calibration.
CALIBRATION_SAMPLES = 100


def convert(model, input_spec, quantize: str | None = None, representative: np.ndarray | None = None) -> bytes:
    """The ``.tflite`` flatbuffer of ``model`` (called on ``input_spec``), quantised as asked.

    Only TFLite's builtin ops are allowed, so the file runs on the plain interpreter on a
    phone; an op outside them raises the converter's error (``blocking`` turns it into a
    sentence naming the layer).
    """
    import tempfile

    import tensorflow as tf

    # through a SavedModel: the converter then freezes the weights into constants (a
    # concrete function of the live model would keep them as variables the interpreter
    # cannot read), and functional and subclassed models go the same way
    with tempfile.TemporaryDirectory(prefix="tflite-") as folder:
        from workbench.export.formats import saved_model

        saved_model(model, folder, input_spec)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        _configure(converter, quantize, representative)
        return converter.convert()


def _configure(converter, quantize: str | None, representative: np.ndarray | None) -> None:
    import tensorflow as tf

    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantize == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantize == "dynamic":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif quantize == "int8":
        samples = np.asarray(representative[:CALIBRATION_SAMPLES], np.float32)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([samples[i:i + 1]] for i in range(len(samples)))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8


def interpreter(path: str):
    """The TFLite interpreter: LiteRT's where installed, else TensorFlow's own (deprecated in
    TF 2.20 in favour of ``ai_edge_litert`` but identical, and already here offline)."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Interpreter(model_path=path)


class Runner:
    """A loaded ``.tflite`` file; calling it on a batch gives its outputs, dequantised to
    float32. An int8 model's input is quantised with the file's own scale and zero point,
    exactly as a device would feed it."""

    def __init__(self, path: str):
        self.interpreter = interpreter(path)
        self.batch = None

    def __call__(self, x: np.ndarray) -> list[np.ndarray]:
        runner = self.interpreter
        if self.batch != x.shape:  # resizing reallocates: only when the batch changes
            runner.resize_tensor_input(runner.get_input_details()[0]["index"], list(x.shape))
            runner.allocate_tensors()
            self.batch = x.shape
        entry = runner.get_input_details()[0]
        runner.set_tensor(entry["index"], _quantise(x, entry))
        runner.invoke()
        return [_dequantise(runner.get_tensor(out["index"]), out) for out in runner.get_output_details()]


def predict(path: str, x: np.ndarray) -> list[np.ndarray]:
    return Runner(path)(x)


def _quantise(x: np.ndarray, detail: dict) -> np.ndarray:
    if detail["dtype"] == np.float32:
        return np.asarray(x, np.float32)
    scale, zero = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    return np.clip(np.round(x / scale + zero), info.min, info.max).astype(detail["dtype"])


def _dequantise(y: np.ndarray, detail: dict) -> np.ndarray:
    if detail["dtype"] == np.float32:
        return np.asarray(y, np.float32)
    scale, zero = detail["quantization"]
    return ((y.astype(np.float32) - zero) * scale).astype(np.float32)
