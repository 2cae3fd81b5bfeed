"""mu-law companding and quantisation (ITU-T G.711), as WaveNet uses it.

``F(x) = sign(x) ln(1 + mu |x|) / ln(1 + mu)`` with ``mu = levels - 1`` stretches quiet
samples and squeezes loud ones, so 256 levels keep speech (mostly quiet) intelligible where
256 linear levels would not; the network then predicts a softmax over the ``levels`` codes.
"""

from __future__ import annotations

import numpy as np


def compress(x, levels: int = 256) -> np.ndarray:
    """``F(x)`` for ``x`` in [-1, 1] (clipped), still continuous in [-1, 1]."""
    mu = levels - 1
    x = np.clip(np.asarray(x, np.float64), -1.0, 1.0)
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)


def expand(y, levels: int = 256) -> np.ndarray:
    """``F^-1(y) = sign(y) ((1 + mu)^|y| - 1) / mu``."""
    mu = levels - 1
    y = np.asarray(y, np.float64)
    return np.sign(y) * ((1.0 + mu) ** np.abs(y) - 1.0) / mu


def encode(x, levels: int = 256) -> np.ndarray:
    """Samples in [-1, 1] -> integer codes ``0 .. levels-1`` (the companded value rounded)."""
    return np.floor((compress(x, levels) + 1.0) / 2.0 * (levels - 1) + 0.5).astype(np.int64)


def code_to_unit(codes, levels: int = 256) -> np.ndarray:
    """Codes -> their companded value in [-1, 1] (what the network reads as input)."""
    return 2.0 * np.asarray(codes, np.float64) / (levels - 1) - 1.0


def decode(codes, levels: int = 256) -> np.ndarray:
    """Codes -> samples in [-1, 1]."""
    return expand(code_to_unit(codes, levels), levels)
