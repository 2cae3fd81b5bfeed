"""LIME on superpixels: a local linear surrogate of the classifier.

Ribeiro, Singh and Guestrin, "'Why Should I Trust You?': Explaining the Predictions
of Any Classifier", KDD 2016, with the ``lime`` package's ``LimeImageExplainer``. The
image is cut into SLIC superpixels (Achanta et al. 2012); ``num_samples`` random
subsets are switched off (set to black, or to each region's mean color), the model
scores them, and a weighted ridge regression on the on/off pattern gives each region
a weight. Every random draw comes from ``seed``, so the same seed gives the same
regions and weights.

The weight of a sample z is the paper's (and the study notes') kernel
π_x(z) = exp(−D(x, z)²/σ²), D the cosine distance of z's on/off pattern to the
all-on one, σ = ``kernel_width``. The ``lime`` package itself uses its square root,
sqrt(exp(−D²/σ²)) (lime_base's default kernel) — the same as the paper's kernel with
σ·√2 — so a width taken from lime's documentation gives a narrower neighbourhood here.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, normalize_positive, predict


#: lime's own default width for images (cosine distances lie in [0, 1]).
DEFAULT_KERNEL_WIDTH = 0.25


def lime_kernel(distances, kernel_width: float) -> np.ndarray:
    """π_x(z) = exp(−D²/σ²) (Ribeiro et al. 2016, section 3.3): the weight of each sample."""
    distances = np.asarray(distances, np.float64)
    return np.exp(-(distances ** 2) / float(kernel_width) ** 2)


def check_kernel_width(kernel_width) -> float:
    try:
        width = float(kernel_width)
    except (TypeError, ValueError):
        raise WorkbenchError(f"kernel_width={kernel_width!r} must be a positive number") from None
    if not np.isfinite(width) or width <= 0:
        raise WorkbenchError(f"kernel_width={kernel_width!r} must be a positive number")
    return width


def image_explainer(seed: int = 0, kernel_width: float = DEFAULT_KERNEL_WIDTH):
    """lime's image explainer weighting samples by ``lime_kernel`` instead of its square root."""
    from lime import lime_image

    return lime_image.LimeImageExplainer(kernel_width=check_kernel_width(kernel_width), kernel=lime_kernel,
                                         random_state=int(seed))


def superpixels(image: np.ndarray, segments: int) -> np.ndarray:
    """SLIC labels ``(H, W)`` computed on a [0, 1] copy (SLIC's compactness assumes it)."""
    from skimage.segmentation import slic

    if int(segments) < 2:
        raise WorkbenchError(f"segments={segments!r} must be at least 2")
    low, high = float(image.min()), float(image.max())
    unit = (image - low) / (high - low) if high > low else np.zeros_like(image)
    labels = slic(unit.astype(np.float64), n_segments=int(segments), compactness=10.0,
                  start_label=0, channel_axis=-1)
    if labels.max() + 1 < max(2, int(segments) // 4):
        labels = grid_regions(image.shape[:2], int(segments))  # SLIC merged texture-less noise
    return labels


def grid_regions(size: tuple[int, int], segments: int) -> np.ndarray:
    """About ``segments`` square cells: the fallback when SLIC finds no structure."""
    height, width = size
    side = max(1, int(round(np.sqrt(height * width / segments))))
    rows, cols = np.arange(height) // side, np.arange(width) // side
    return rows[:, None] * (cols.max() + 1) + cols[None, :]


def lime(model, image: np.ndarray, class_index: int, num_samples: int = 500, segments: int = 40,
         top_k: int = 5, hide: str = "zero", batch_size: int = 64, seed: int = 0,
         kernel_width: float = DEFAULT_KERNEL_WIDTH) -> MapResult:
    """LIME region weights for ``class_index``; ``info["top_regions"]`` lists the
    ``top_k`` regions that most support the class. ``kernel_width`` is σ of the kernel."""
    if int(num_samples) < 10:
        raise WorkbenchError(f"num_samples={num_samples!r} must be at least 10")
    if hide not in ("zero", "mean"):
        raise WorkbenchError(f"hide={hide!r} is not one of zero, mean")
    from lime import lime_image

    lime_image.tqdm = _no_progress_bar  # lime 0.2 always draws one on stderr; ours is the caller's
    labels = superpixels(image, segments)
    explainer = image_explainer(seed, kernel_width)
    explanation = explainer.explain_instance(
        image.astype(np.float64), lambda batch: predict(model, batch, batch_size),
        labels=(class_index,), top_labels=None, hide_color=0.0 if hide == "zero" else None,
        num_features=int(labels.max()) + 1, num_samples=int(num_samples), batch_size=int(batch_size),
        segmentation_fn=lambda _: labels, random_seed=int(seed))
    weights = dict(explanation.local_exp[class_index])
    region_weight = np.array([weights.get(r, 0.0) for r in range(int(labels.max()) + 1)], np.float32)
    attribution = region_weight[labels]
    ranked = sorted(weights, key=lambda r: (-weights[r], r))
    top = [int(r) for r in ranked[: int(top_k)] if weights[r] > 0]
    info = {"top_regions": top, "region_weights": region_weight, "segments": labels,
            "surrogate_r2": float(explanation.score), "intercept": float(explanation.intercept[class_index])}
    return MapResult(normalize_positive(attribution), attribution, info)


def _no_progress_bar(iterable, *args, **kwargs):
    return iterable
