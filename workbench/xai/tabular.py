"""Feature contributions for a tabular classifier (iris, a CSV table), for bar charts.

- SHAP: Kernel SHAP (Lundberg and Lee, NeurIPS 2017) with hidden features drawn from a
  background sample. Its weighted regression is constrained so the values are exactly
  additive: ``base_value + sum(values) = f(row)``; with few features (2^M coalitions
  within ``nsamples``) it enumerates them all and is exact. Chosen over shap's
  permutation explainer, which gives the same values but spends ~15 s compiling its
  numba kernels on first use.
- LIME: ``lime_tabular`` (Ribeiro et al., KDD 2016): a weighted linear surrogate on
  perturbed rows around ``row``; continuous features are quartile-discretized, so a
  weight says how much "this feature being in its current range" adds. Samples are
  weighted by the paper's kernel exp(−D²/σ²) (``lime_regions.lime_kernel``), not lime's
  square root of it; σ = ``kernel_width`` (default lime's 0.75·sqrt(M)).
- Exact Shapley values (``shapley_exact``): every coalition enumerated, ``workbench.xai.shapley``.

``model`` is a Keras classifier (or any callable) mapping ``(n, features)`` to class
probabilities; rows are what the model consumes (standardized if it was trained so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import predict


@dataclass
class TabularExplanation:
    contributions: dict[str, float]
    class_index: int
    output: float  # f(row) for that class
    base_value: float  # SHAP: expected output over the background; LIME: surrogate intercept
    method: str


def probability_function(model):
    """``(n, features) -> (n, classes)`` probabilities from a Keras model or a callable."""
    if hasattr(model, "inputs") and hasattr(model, "layers"):
        return lambda rows: predict(model, np.asarray(rows, np.float32))
    return lambda rows: np.asarray(model(np.asarray(rows, np.float32)))


def _check(row, background, feature_names):
    row = np.asarray(row, np.float32).ravel()
    background = np.asarray(background, np.float32)
    if background.ndim != 2 or background.shape[1] != row.size:
        raise WorkbenchError(f"background must be rows of {row.size} features, got shape {background.shape}")
    names = list(feature_names) if feature_names else [f"feature {i}" for i in range(row.size)]
    if len(names) != row.size:
        raise WorkbenchError(f"{len(names)} feature names given for {row.size} features")
    return row, background, names


def explained_class(model, row, background, class_index, background_size: int, seed: int):
    """``(probabilities, class_index, background)``: the model's probability function, the
    class explained (default: the predicted one, checked) and at most ``background_size``
    background rows drawn with ``seed`` (every Shapley method here draws them alike)."""
    probabilities = probability_function(model)
    output = probabilities(row[None])[0]
    class_index = int(np.argmax(output)) if class_index is None else int(class_index)
    if not 0 <= class_index < output.size:
        raise WorkbenchError(f"class_index={class_index} is not a class of this model (0..{output.size - 1})")
    rng = np.random.default_rng(seed)
    if len(background) > int(background_size):
        background = background[np.sort(rng.choice(len(background), int(background_size), replace=False))]
    return probabilities, class_index, background


def shap_tabular(model, row, background, feature_names=None, class_index=None, seed: int = 0,
                 background_size: int = 100, nsamples: int | str = "auto") -> TabularExplanation:
    """Kernel SHAP values of one row for ``class_index`` (default: the predicted class)."""
    import shap

    row, background, names = _check(row, background, feature_names)
    probabilities, class_index, background = explained_class(model, row, background, class_index,
                                                             background_size, seed)
    explainer = shap.KernelExplainer(lambda rows: probabilities(rows)[:, class_index], background)
    state = np.random.get_state()  # Kernel SHAP samples coalitions from numpy's global generator
    np.random.seed(seed)
    try:
        values = np.asarray(explainer.shap_values(row, nsamples=nsamples, silent=True), np.float64).ravel()
    finally:
        np.random.set_state(state)
    output = float(probabilities(row[None])[0, class_index])
    return TabularExplanation(dict(zip(names, values.tolist())), class_index, output,
                              float(np.ravel(explainer.expected_value)[0]), "shap")


def lime_tabular(model, row, background, feature_names=None, class_index=None, seed: int = 0,
                 num_samples: int = 2000, kernel_width: float | None = None) -> TabularExplanation:
    """LIME weights of one row for ``class_index`` (default: the predicted class)."""
    row, background, names = _check(row, background, feature_names)
    probabilities = probability_function(model)
    output = probabilities(row[None])[0]
    class_index = int(np.argmax(output)) if class_index is None else int(class_index)
    if not 0 <= class_index < output.size:
        raise WorkbenchError(f"class_index={class_index} is not a class of this model (0..{output.size - 1})")
    explainer = tabular_explainer(background, names, seed, kernel_width)
    explanation = explainer.explain_instance(row.astype(np.float64), probabilities, labels=(class_index,),
                                             num_features=row.size, num_samples=int(num_samples))
    weights = dict(explanation.as_map()[class_index])
    contributions = {name: float(weights.get(i, 0.0)) for i, name in enumerate(names)}
    return TabularExplanation(contributions, class_index, float(output[class_index]),
                              float(explanation.intercept[class_index]), "lime")


def tabular_explainer(background, names, seed: int = 0, kernel_width: float | None = None):
    """lime's tabular explainer with the paper's kernel; σ defaults to lime's 0.75·sqrt(M)."""
    from lime.lime_tabular import LimeTabularExplainer

    from workbench.xai.lime_regions import check_kernel_width, lime_kernel

    width = 0.75 * np.sqrt(background.shape[1]) if kernel_width is None else check_kernel_width(kernel_width)
    return LimeTabularExplainer(np.asarray(background, np.float64), feature_names=names, mode="classification",
                                discretize_continuous=True, random_state=int(seed), kernel_width=width,
                                kernel=lime_kernel)


def explain_tabular(model, row, background, feature_names=None, method: str = "shap", class_index=None,
                    seed: int = 0, **options) -> dict[str, float]:
    """``feature name -> contribution`` to the class probability, by ``method`` (shap, lime, or
    shapley_exact: every coalition enumerated, ``workbench.xai.shapley``)."""
    if method == "shap":
        return shap_tabular(model, row, background, feature_names, class_index, seed, **options).contributions
    if method == "lime":
        return lime_tabular(model, row, background, feature_names, class_index, seed, **options).contributions
    if method == "shapley_exact":
        from workbench.xai.shapley import shapley_exact_tabular

        return shapley_exact_tabular(model, row, background, feature_names, class_index, seed,
                                     **options).contributions
    raise WorkbenchError(f"tabular method={method!r} is not one of shap, lime, shapley_exact")
