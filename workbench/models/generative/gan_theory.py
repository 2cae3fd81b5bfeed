"""The GAN theory the notes derive, checked on discretised 1-D densities (pure NumPy).

For a fixed generator with density p_g, the discriminator maximising
V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))] is pointwise

    D*(x) = p_data(x) / (p_data(x) + p_g(x))

and at it V(D*, G) = 2 JS(p_data || p_g) - log 4 (Goodfellow et al., 2014, Theorem 1):
training the discriminator to optimality makes the generator minimise the Jensen-Shannon
divergence. The WGAN paper's Example 1 shows why that fails: for p_data a point at 0 and
p_g a point at theta, the supports are disjoint for every theta != 0, so JS = log 2 no
matter how close theta comes (no gradient towards 0), while the Earth-Mover distance
W1 = |theta| shrinks smoothly with it.

Densities are probability masses on a grid ``x`` (non-negative, summing to 1); 0 log 0 = 0.
"""

from __future__ import annotations

import numpy as np


def _masses(p) -> np.ndarray:
    p = np.asarray(p, np.float64)
    if np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError("a discretised density must be non-negative and sum to 1")
    return p


def _xlogy(x, y) -> np.ndarray:
    """x * log(y) with 0 * log(anything) = 0."""
    out = np.zeros_like(x)
    mask = x > 0
    out[mask] = x[mask] * np.log(y[mask])
    return out


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g); 1/2 where neither has mass (where it does not matter)."""
    p, q = _masses(p_data), _masses(p_g)
    total = p + q
    return np.divide(p, total, out=np.full_like(p, 0.5), where=total > 0)


def value_at_optimum(p_data, p_g) -> float:
    """V(D*, G) = sum p_data log D* + sum p_g log(1 - D*)."""
    p, q = _masses(p_data), _masses(p_g)
    d = optimal_discriminator(p, q)
    return float(_xlogy(p, d).sum() + _xlogy(q, 1.0 - d).sum())


def kl_divergence(p, q) -> float:
    p, q = _masses(p), _masses(q)
    return float(_xlogy(p, p).sum() - _xlogy(p, q).sum())


def js_divergence(p, q) -> float:
    """JS(p || q) = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2, in nats (at most log 2)."""
    p, q = _masses(p), _masses(q)
    m = (p + q) / 2.0
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


def wasserstein_1(x, p, q) -> float:
    """W1 on the line: the area between the two cumulative distribution functions."""
    order = np.argsort(np.asarray(x, np.float64))
    x = np.asarray(x, np.float64)[order]
    p, q = _masses(p)[order], _masses(q)[order]
    gap = np.abs(np.cumsum(p) - np.cumsum(q))[:-1]
    return float(np.sum(gap * np.diff(x)))


def point_masses(theta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The WGAN paper's Example 1 on the line: p_data at 0, p_g at theta (grid, p_data, p_g)."""
    if theta == 0:
        return np.array([0.0]), np.array([1.0]), np.array([1.0])
    return np.array([0.0, float(theta)]), np.array([1.0, 0.0]), np.array([0.0, 1.0])


def disjoint_supports_table(thetas) -> dict[str, np.ndarray]:
    """JS and W1 between p_data (a point at 0) and p_g (a point at theta), for each theta."""
    thetas = np.asarray(thetas, np.float64)
    js, w1, value = [], [], []
    for theta in thetas:
        x, p, q = point_masses(theta)
        js.append(js_divergence(p, q))
        w1.append(wasserstein_1(x, p, q))
        value.append(value_at_optimum(p, q))
    return {"theta": thetas, "js": np.array(js), "w1": np.array(w1), "value_at_optimum": np.array(value)}


def theory_view(thetas=None):
    """The table as a ``Curves`` view: JS flat at log 2 except at 0, W1 = |theta| a V."""
    from workbench.views.types import Curves, View

    thetas = np.linspace(-1.0, 1.0, 401) if thetas is None else np.asarray(thetas, np.float64)
    table = disjoint_supports_table(thetas)
    return View("theory_js_vs_w1",
                Curves({"JS(p_data || p_theta)": (table["theta"], table["js"]),
                        "W1(p_data, p_theta)": (table["theta"], table["w1"])}, "theta", "distance"),
                "Point masses at 0 and theta: JS stays log 2, W1 = |theta| (WGAN, Example 1)", 0)
