"""Exact Shapley values of a tabular model's output, by enumerating every coalition.

Shapley (1953), as used by SHAP (Lundberg and Lee, NeurIPS 2017, eq. 8):

    φ_i = Σ_{S ⊆ F∖{i}} |S|! (M − |S| − 1)! / M! · [v(S ∪ {i}) − v(S)]

with the value function v(S) = E_b[f(x_S, b_{F∖S})]: the features in S keep the row's
values, the others take each background row's values in turn, and the outputs are
averaged (the "interventional" expectation, which is what shap's Kernel and Exact
explainers compute with a background set). All 2^M coalitions are evaluated in one
batch of 2^M × len(background) rows, so M is capped at ``MAX_FEATURES``.

The values are exactly efficient: Σ φ_i = v(F) − v(∅) = f(x) − E_b[f(b)].
"""

from __future__ import annotations

from math import factorial

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.tabular import TabularExplanation, _check, explained_class

#: Above this the 2^M coalitions (times the background) get too many to evaluate.
MAX_FEATURES = 12


def coalition_masks(features: int) -> np.ndarray:
    """All 2^M coalitions as boolean rows; row ``k`` holds the bits of ``k`` (feature j = bit j)."""
    codes = np.arange(2 ** features)
    return ((codes[:, None] >> np.arange(features)[None, :]) & 1).astype(bool)


def shapley_weight(size: int, features: int) -> float:
    """|S|!(M − |S| − 1)!/M!: the share of orderings in which exactly S precedes feature i."""
    return factorial(size) * factorial(features - size - 1) / factorial(features)


def coalition_values(function, row: np.ndarray, background: np.ndarray) -> np.ndarray:
    """v(S) for every coalition (indexed like ``coalition_masks``): mean output over the background."""
    masks = coalition_masks(row.size)
    # (coalitions, background, features): the row's value where the coalition has the feature
    mixed = np.where(masks[:, None, :], row[None, None, :], background[None, :, :])
    outputs = np.asarray(function(mixed.reshape(-1, row.size)), np.float64)
    return outputs.reshape(len(masks), len(background)).mean(axis=1)


def shapley_from_values(values: np.ndarray, features: int) -> np.ndarray:
    """φ from the table of v(S) (length 2^M, coalition ``k`` = bits of ``k``)."""
    if values.shape != (2 ** features,):
        raise WorkbenchError(f"need {2 ** features} coalition values for {features} features, got {values.shape}")
    sizes = coalition_masks(features).sum(axis=1)
    phi = np.zeros(features)
    for i in range(features):
        bit = 1 << i
        without = np.array([k for k in range(2 ** features) if not k & bit])  # every S ⊆ F∖{i}
        weights = np.array([shapley_weight(int(s), features) for s in sizes[without]])
        phi[i] = float(np.sum(weights * (values[without | bit] - values[without])))
    return phi


def exact_shapley(function, row, background) -> tuple[np.ndarray, float, float]:
    """``(φ, v(∅), v(F))`` of a scalar ``function`` of ``(n, M)`` rows at ``row``."""
    row = np.asarray(row, np.float64).ravel()
    background = np.asarray(background, np.float64)
    if row.size > MAX_FEATURES:
        raise WorkbenchError(f"exact Shapley values enumerate 2^M coalitions; {row.size} features is more "
                             f"than {MAX_FEATURES} — use the approximate method (shap) instead")
    if background.ndim != 2 or background.shape[1] != row.size or len(background) == 0:
        raise WorkbenchError(f"background must be rows of {row.size} features, got shape {background.shape}")
    values = coalition_values(function, row, background)
    return shapley_from_values(values, row.size), float(values[0]), float(values[-1])


def shapley_exact_tabular(model, row, background, feature_names=None, class_index=None, seed: int = 0,
                          background_size: int = 100) -> TabularExplanation:
    """Exact Shapley values of one row for ``class_index`` (default: the predicted class).

    Same background subsampling as ``shap_tabular`` (``background_size`` rows drawn with
    ``seed``), so the two can be compared on equal terms.
    """
    row, background, names = _check(row, background, feature_names)
    if row.size > MAX_FEATURES:
        raise WorkbenchError(f"exact Shapley values enumerate 2^M coalitions; {row.size} features is more "
                             f"than {MAX_FEATURES} — use the approximate method (shap) instead")
    probabilities, class_index, background = explained_class(model, row, background, class_index,
                                                             background_size, seed)
    phi, base, full = exact_shapley(lambda rows: probabilities(rows)[:, class_index], row, background)
    return TabularExplanation(dict(zip(names, phi.tolist())), class_index, full, base, "shapley_exact")
