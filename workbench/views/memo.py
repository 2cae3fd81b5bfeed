"""A small cache of results keyed by array contents, shared by a process's threads.

A run's process draws each scatter and graph twice: as the PNG in the run directory and
for the window (``views.display``). Both use the same seeded projection and layout, so
the second asks this cache instead of computing seconds of t-SNE again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

#: Results kept (the newest); a run shows a handful of scatters and graphs at a time.
CAPACITY = 16

_results: OrderedDict = OrderedDict()
_lock = threading.Lock()


def key(*parts) -> tuple:
    """A hashable key: arrays by their dtype, shape and a digest of their bytes."""
    def one(part):
        if isinstance(part, np.ndarray):
            data = np.ascontiguousarray(part)
            return (str(data.dtype), data.shape, hashlib.blake2b(data.tobytes(), digest_size=16).digest())
        return part
    return tuple(one(part) for part in parts)


def cached(cache_key: tuple, compute):
    """``compute()``'s result for ``cache_key``, computed once while it stays in the cache.
    Two threads asking at once may both compute; the result is the same (seeded)."""
    with _lock:
        if cache_key in _results:
            _results.move_to_end(cache_key)
            return _results[cache_key]
    result = compute()
    with _lock:
        _results[cache_key] = result
        while len(_results) > CAPACITY:
            _results.popitem(last=False)
    return result
