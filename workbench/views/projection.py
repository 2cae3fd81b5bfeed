"""Features of more than two dimensions, projected to a plane for a scatter view.

PCA (Pearson 1901) keeps the two directions of largest variance: linear, fast, the same
picture every time up to the sign of each axis. t-SNE (van der Maaten & Hinton 2008)
keeps neighbourhoods instead: clusters show, distances between them mean little.
Both come from scikit-learn; ``seed`` fixes t-SNE's random start (and PCA's solver).
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.views.types import PROJECTIONS

#: t-SNE's usual perplexity; smaller sets get less (it must stay below the number of points).
TSNE_PERPLEXITY = 30.0
#: Up to this many points t-SNE uses its exact gradient (faster than Barnes-Hut there).
EXACT_TSNE_POINTS = 200


def project(features, method: str = "pca", seed: int = 0) -> np.ndarray:
    """``(N, D)`` features -> ``(N, 2)`` coordinates; two-column features are returned as they are."""
    features = np.asarray(features, np.float64)
    if features.ndim != 2:
        raise WorkbenchError(f"a projection needs (points, features), got an array of shape {features.shape}")
    if method not in PROJECTIONS:
        raise WorkbenchError(f"projection {method!r} is not one of {', '.join(PROJECTIONS)}")
    if features.shape[1] <= 2:
        return np.pad(features, ((0, 0), (0, 2 - features.shape[1])))
    from workbench.views.memo import cached, key

    compute = _tsne if method == "tsne" else _pca
    return cached(key("projection", features, method, seed), lambda: compute(features, seed)).copy()


def _pca(features: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.decomposition import PCA

    if len(features) < 2:  # no direction of variance to find: a lone point sits at the origin
        return np.zeros((len(features), 2))
    components = min(2, *features.shape)
    projected = PCA(n_components=components, random_state=seed).fit_transform(features)
    return np.pad(projected, ((0, 0), (0, 2 - components)))


def _tsne(features: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.manifold import TSNE

    n = len(features)
    if n < 3:
        raise WorkbenchError(f"t-SNE needs at least 3 points to place by their neighbours; there are {n} "
                             "(choose PCA)")
    perplexity = min(TSNE_PERPLEXITY, max(1.0, (n - 1) / 3.0))  # below N, as scikit-learn requires
    # Barnes-Hut pays off only for large sets; the exact gradient is faster below a few hundred
    method = "exact" if n <= EXACT_TSNE_POINTS else "barnes_hut"
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed,
                method=method).fit_transform(features)
