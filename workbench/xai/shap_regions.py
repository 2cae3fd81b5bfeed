"""SHAP for images: Owen values of image regions with shap's Partition explainer.

Lundberg and Lee, "A Unified Approach to Interpreting Model Predictions", NeurIPS
2017. ``shap.maskers.Image`` hides pixels by blurring them (or setting them to zero)
and the Partition explainer splits the image hierarchically, so ``max_evals`` model
calls give Shapley-style values for a region tree. Additivity holds by construction:
``base_value + sum(values) = f(x)`` for the class probability ``f``.

The first call in a process is slow (about 15-30 s on a small CPU): shap compiles its
numba kernels (partition tree, Owen recursion) then; later calls cost only the
``max_evals`` model evaluations.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, magnitude_map, predict


def image_masker(image: np.ndarray, hide: str):
    import shap as shap_lib

    if hide == "blur":
        side = max(3, (min(image.shape[:2]) // 8) | 1)  # odd, about an eighth of the image
        return shap_lib.maskers.Image(f"blur({side},{side})", image.shape)
    if hide == "zero":
        return shap_lib.maskers.Image(np.zeros(image.shape, np.float32), image.shape)
    raise WorkbenchError(f"hide={hide!r} is not one of blur, zero")


def shap(model, image: np.ndarray, class_index: int, max_evals: int = 500, hide: str = "blur",
         batch_size: int = 64) -> MapResult:
    """SHAP values ``(H, W, C)`` of the probability of ``class_index``."""
    import shap as shap_lib

    if int(max_evals) < 10:
        raise WorkbenchError(f"max_evals={max_evals!r} must be at least 10")
    explainer = shap_lib.Explainer(lambda batch: predict(model, batch, batch_size)[:, [class_index]],
                                   image_masker(image, hide), algorithm="partition")
    result = explainer(image[None], max_evals=int(max_evals), batch_size=int(batch_size), silent=True)
    values = np.asarray(result.values[0], np.float32).reshape(image.shape)
    base = float(np.asarray(result.base_values).ravel()[0])
    output = float(predict(model, image[None])[0, class_index])
    info = {"base_value": base, "output": output, "sum_values": float(values.sum()),
            "additivity_error": abs(base + float(values.sum()) - output)}
    return MapResult(magnitude_map(values, "sum"), values, info)
