"""The cache of reference checks: one JSON file per entry in the user's cache folder.

A check builds models or runs another library, which takes seconds; its result depends
only on the reference, the reference library's version and the workbench's version, so
it is kept under a key made of those and shown at once the next time.
"""

from __future__ import annotations

import hashlib
import json
import os

#: Set to a folder to keep the cache elsewhere (tests, a shared machine).
CACHE_ENV = "KERAS_WORKBENCH_CACHE"


def cache_dir() -> str:
    """``$KERAS_WORKBENCH_CACHE``, else the platform's user cache folder (platformdirs)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return os.path.join(os.path.abspath(os.path.expanduser(chosen)), "references")
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("keras-workbench", appauthor=False), "references")


def cache_key(name: str, reference, library_version: str | None) -> str:
    """Entry name + the reference itself + the library's and the workbench's versions: a
    changed table row, an upgraded library or a new workbench all miss the cache."""
    from workbench import __version__

    text = json.dumps([name, repr(reference), library_version, __version__])
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def _path(name: str) -> str:
    return os.path.join(cache_dir(), f"{name}.json")


def load(name: str, key: str) -> dict | None:
    """The cached result for ``key``, or None (none yet, another key, or an unreadable file)."""
    try:
        with open(_path(name), encoding="utf-8") as handle:
            stored = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("result"), dict):
        return None
    return stored["result"]


def store(name: str, key: str, result: dict) -> None:
    """Keep ``result`` (atomically; a cache that cannot be written is only a slower next time)."""
    from workbench.errors import WorkbenchError
    from workbench.runs.atomic import write_json

    try:
        os.makedirs(cache_dir(), exist_ok=True)
        write_json(_path(name), {"key": key, "result": result})
    except (OSError, WorkbenchError):
        pass
