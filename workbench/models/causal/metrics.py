"""How well estimated treatment effects match the true ones (needs the potential outcomes).

* PEHE, the precision in estimation of heterogeneous effect (Hill 2011), here its root:
  sqrt( mean_i ( (mu1_i - mu0_i) - (y1_hat_i - y0_hat_i) )^2 ) — the error of the
  *individual* effects.
* ATE error: | mean_i (mu1_i - mu0_i) - mean_i (y1_hat_i - y0_hat_i) | — the error of the
  *average* effect (individual errors of opposite signs cancel here, not in PEHE).
"""

from __future__ import annotations

import numpy as np


def individual_effects(y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
    return np.asarray(y1, np.float64).ravel() - np.asarray(y0, np.float64).ravel()


def pehe(mu0, mu1, y0_hat, y1_hat) -> float:
    """Root PEHE between the true effects mu1 - mu0 and the estimated y1_hat - y0_hat."""
    error = individual_effects(mu0, mu1) - individual_effects(y0_hat, y1_hat)
    return float(np.sqrt(np.mean(error ** 2)))


def ate_error(mu0, mu1, y0_hat, y1_hat) -> float:
    """|true average effect - estimated average effect|."""
    return float(abs(np.mean(individual_effects(mu0, mu1)) - np.mean(individual_effects(y0_hat, y1_hat))))
