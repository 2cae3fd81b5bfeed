"""SmoothGrad: saliency averaged over noisy copies of the image.

Smilkov et al., "SmoothGrad: removing noise by adding noise", 2017. Gaussian noise of
standard deviation ``noise_level * (max(x) - min(x))`` (the paper finds 10-20 % best)
is added to ``samples`` copies; their pre-softmax score gradients are averaged
(squared first when ``squared``, the paper's SmoothGrad-Squared variant).
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, magnitude_map
from workbench.xai.saliency import input_gradients


def smooth_grad(model, image: np.ndarray, class_index: int, samples: int = 25,
                noise_level: float = 0.15, squared: bool = False, seed: int = 0) -> MapResult:
    """SmoothGrad of ``class_index``: mean gradient over ``samples`` noisy images."""
    if int(samples) < 1:
        raise WorkbenchError(f"samples={samples!r} must be at least 1")
    if not 0.0 <= float(noise_level) <= 1.0:
        raise WorkbenchError(f"noise_level={noise_level!r} must be between 0 and 1")
    rng = np.random.default_rng(seed)
    sigma = float(noise_level) * float(image.max() - image.min())
    noisy = image[None] + rng.normal(0.0, sigma, (int(samples),) + image.shape).astype(np.float32)
    grads, _ = input_gradients(model, noisy, class_index)
    mean = (grads ** 2).mean(axis=0) if squared else grads.mean(axis=0)
    return MapResult(magnitude_map(mean, "max"), mean, {"samples": int(samples), "sigma": sigma})
