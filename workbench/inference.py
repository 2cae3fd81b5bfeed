"""Prediction on a user's image with a trained classifier."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError
from workbench.runs.atomic import read_json


@dataclass
class Prediction:
    class_index: int
    class_name: str
    probabilities: np.ndarray
    class_names: tuple[str, ...]

    def top(self, k: int = 5) -> list[tuple[str, float]]:
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(self.class_names[i], float(self.probabilities[i])) for i in order]

    def as_dict(self, k: int = 5) -> dict:
        return {"class_index": self.class_index, "class_name": self.class_name,
                "top": [{"class": name, "probability": p} for name, p in self.top(k)]}


def model_metadata(model_path: str) -> dict:
    """``info.json`` of the run that produced ``model_path`` (class names, scaler), if any."""
    folder = model_path if os.path.isdir(model_path) else os.path.dirname(os.path.abspath(model_path))
    path = os.path.join(folder, "info.json")
    return read_json(path) if os.path.isfile(path) else {}


def image_input_shape(model) -> tuple[int, int, int]:
    shape = tuple(model.inputs[0].shape[1:]) if model.inputs else ()
    if len(shape) != 3 or None in shape:
        raise WorkbenchError(f"this model takes inputs of shape {shape}, not images")
    return shape  # type: ignore[return-value]


def class_names_for(model, metadata: dict) -> tuple[str, ...]:
    names = tuple(metadata.get("class_names") or ())
    outputs = int(model.outputs[0].shape[-1])
    return names if len(names) == outputs else tuple(str(i) for i in range(outputs))


def predict_image(model, image: np.ndarray, class_names: tuple[str, ...]) -> Prediction:
    """``image`` is already shaped for the model (see ``workbench.data.images.load_image_for``)."""
    probabilities = np.asarray(model(image[None], training=False))[0].astype(np.float64)
    index = int(np.argmax(probabilities))
    return Prediction(index, class_names[index], probabilities, class_names)
