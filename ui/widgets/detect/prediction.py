"""What the Detect tab's model lane runs: one network call per image, timed (worker thread)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from workbench.detection.evaluation import SEGMENTATION


@dataclass
class Prediction:
    """One image's network output: detection candidates or a segmentation class map."""

    kind: str
    candidates: dict | None  # at the model's input size
    class_map: np.ndarray | None  # at the image's own size
    ms: float
    model_size: tuple
    image_size: tuple


def warm_up(model, kind: str) -> None:
    """One call on a blank image, so that tracing the model's graphs (two-stage detectors
    have several) is not counted in the first real image's time."""
    from workbench.detection import inference

    height, width = inference.input_size(model)
    blank = np.zeros((1, height, width, 3), np.float32)
    if kind == SEGMENTATION:
        model.predict_on_batch(blank)
    else:
        model.predict_candidates(blank)


def predict(model, kind: str, image: np.ndarray) -> Prediction:
    """Run the network once on ``image`` (any size): candidates or class map, and the time."""
    from workbench.detection import inference

    size = inference.input_size(model)
    start = time.perf_counter()
    if kind == SEGMENTATION:
        class_map = inference.segment(model, image)
        return Prediction(kind, None, class_map, (time.perf_counter() - start) * 1000.0, size,
                          tuple(image.shape[:2]))
    resized, original = inference.prepare_image(image, size)
    candidates = model.predict_candidates(resized[None])[0]
    return Prediction(kind, candidates, None, (time.perf_counter() - start) * 1000.0, size,
                      tuple(original))
