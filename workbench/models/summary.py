"""A model's layers as a tree: a nested model (a backbone, a detection head, a Sequential
block) is a row whose children are its own layers, as ``model.summary(expand_nested=True)``
prints them, so a YOLO or a transfer model is not one opaque "Functional" row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LayerRow:
    name: str
    kind: str  # the layer's class name, as model.summary() shows it
    output_shape: str
    params: int
    children: tuple[LayerRow, ...] = field(default=())

    def count(self) -> int:
        """This row and every row under it."""
        return 1 + sum(child.count() for child in self.children)


def layer_tree(model) -> list[LayerRow]:
    """One ``LayerRow`` per layer of ``model``, nested models expanded into children."""
    return [_row(layer) for layer in model.layers]


def _row(layer) -> LayerRow:
    children = tuple(_row(inner) for inner in getattr(layer, "layers", ())) if _is_model(layer) else ()
    return LayerRow(layer.name, type(layer).__name__, _shape(layer), int(layer.count_params()), children)


def _is_model(layer) -> bool:
    import keras

    return isinstance(layer, keras.Model)


def _shape(layer) -> str:
    try:
        return str(tuple(layer.output.shape))
    except (AttributeError, ValueError):  # a layer used twice, or never called
        return "?"
