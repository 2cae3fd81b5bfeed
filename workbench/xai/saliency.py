"""Saliency: the vanilla gradient of the class score with respect to the pixels.

Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional Networks: Visualising
Image Classification Models and Saliency Maps", ICLR workshop 2014. The score is the
pre-softmax class score, as in the paper; the map is the largest |gradient| over the
color channels.
"""

from __future__ import annotations

import numpy as np

from workbench.xai.common import MapResult, magnitude_map, model_scores


def input_gradients(model, images: np.ndarray, class_index: int, target: str = "logit",
                    batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """``(d target / d x, target)`` for a batch of images.

    ``target`` is ``"logit"`` (pre-softmax score) or ``"probability"`` (the model output).
    """
    forward = model_scores(model)
    grads, values = [], []
    for start in range(0, len(images), batch_size):
        g, v = forward.input_gradients(images[start:start + batch_size], class_index, target)
        grads.append(g)
        values.append(v)
    return np.concatenate(grads), np.concatenate(values)


def saliency(model, image: np.ndarray, class_index: int) -> MapResult:
    """Gradient of the pre-softmax score of ``class_index`` w.r.t. ``image``."""
    grads, scores = input_gradients(model, image[None], class_index)
    return MapResult(magnitude_map(grads[0], "max"), grads[0], {"score": float(scores[0])})
