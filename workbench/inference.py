"""Prediction on a user's image with a trained classifier."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError


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
    from workbench.runs.damage import read_info

    path = os.path.join(folder, "info.json")
    return read_info(path) if os.path.lexists(path) else {}  # damaged: a sentence naming it


def is_classifier(model) -> bool:
    """A functional classifier (one input, one probability vector), not a detector or segmenter."""
    return not hasattr(model, "predict_candidates") and bool(getattr(model, "inputs", None)) \
        and len(model.outputs[0].shape) == 2


def require_classifier(model) -> None:
    if hasattr(model, "predict_candidates") or not getattr(model, "inputs", None):
        raise WorkbenchError(f"{model.name} is a detection or segmentation model: use the Detect tab "
                             "(or keras-workbench detect / segment), not an image classifier's tools")


def input_shape(model) -> tuple:
    """The shape of one input sample: the functional input's, or a detector's ``(H, W, 3)``."""
    if getattr(model, "inputs", None):
        return tuple(model.inputs[0].shape[1:])
    from workbench.detection.inference import input_size

    return (*input_size(model), 3)


def image_input_shape(model) -> tuple[int, int, int]:
    require_classifier(model)
    shape = tuple(model.inputs[0].shape[1:])
    if len(shape) != 3 or None in shape:
        raise WorkbenchError(f"this model takes inputs of shape {shape}, not images")
    return shape  # type: ignore[return-value]


def class_names_for(model, metadata: dict) -> tuple[str, ...]:
    own = tuple(getattr(model, "class_names", ()) or ())
    if own:  # detectors and segmenters carry their classes
        return own
    names = tuple(metadata.get("class_names") or ())
    if not getattr(model, "outputs", None):
        return names
    outputs = int(model.outputs[0].shape[-1])
    return names if len(names) == outputs else tuple(str(i) for i in range(outputs))


def predict_image(model, image: np.ndarray, class_names: tuple[str, ...]) -> Prediction:
    """``image`` is already shaped for the model (see ``workbench.data.images.load_image_for``)."""
    probabilities = np.asarray(model(image[None], training=False))[0].astype(np.float64)
    index = int(np.argmax(probabilities))
    return Prediction(index, class_names[index], probabilities, class_names)
