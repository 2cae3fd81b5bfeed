"""Which layer stops a conversion: the converter's long error, as one sentence.

The TFLite and ONNX converters name the failing TensorFlow op and, in its location, the
name scope it was built under, which Keras sets to the layer's name
(``loc("model/svd_block/Svd")``). The layer is found by matching the model's own layer
names against the error text.
"""

from __future__ import annotations

import re

from workbench.errors import WorkbenchError

_OP = re.compile(r"'?\b(tf\.[A-Za-z0-9_]+)'?\s+op|op type[: ]+'?([A-Za-z0-9_]+)|op \[[^\]:]+: ([A-Za-z0-9_]+)\] is not supported")


def all_layers(model) -> list:
    """Every layer of ``model``, nested ones included, outermost first."""
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop(0)
        found.append(layer)
        stack.extend(getattr(layer, "layers", []) or [])
    return found


_SCOPE = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+")
_COPY = re.compile(r"_\d+$")  # Keras numbers a second trace of a scope: dense_1, model_1


def blocking_layer(model, text: str) -> str | None:
    """The deepest layer named in an op's scope path in the error (``model/layer/Op``)."""
    names = {layer.name for layer in all_layers(model)}
    for path in _SCOPE.findall(text):
        for segment in reversed(path.split("/")[:-1]):  # the last part is the op itself
            for candidate in (segment, _COPY.sub("", segment)):
                if candidate in names:
                    return candidate
    return None


def blocking_op(text: str) -> str | None:
    for match in _OP.finditer(text):
        op = next(group for group in match.groups() if group)
        if op not in ("tf.StatefulPartitionedCall", "tf.PartitionedCall"):
            return op
    return None


def conversion_error(model, fmt: str, error: Exception) -> WorkbenchError:
    text = str(error)
    layer, op = blocking_layer(model, text), blocking_op(text)
    where = f"layer {layer!r}" if layer else "a layer"
    what = f" uses {op}, which" if op else ""
    return WorkbenchError(f"{model.name} cannot be converted to {fmt}: {where}{what} has no {fmt} "
                          f"equivalent; export it as keras or savedmodel instead")
