"""Run an entry's reference check: dispatch by kind, time it, cache it.

A result is a plain dict: ``name, kind, reference {what, source, library, version},
expected, measured, ok, detail, seconds, checked_at, cached``. ``ok`` is None when the
check could not be made (the reference library is not installed, no run to compare).
"""

from __future__ import annotations

import datetime
import importlib
import time
from importlib import metadata

from workbench.errors import WorkbenchError
from workbench.references import cache
from workbench.references.table import REFERENCES, Reference

#: kind -> "module:function" of its check, imported on use (each imports heavy libraries).
_CHECKS = {
    "param_count": "workbench.references.param_count:check",
    "tf_keras_vis": "workbench.references.gradcam:check",
    "pycocotools": "workbench.references.coco:check",
    "threshold": "workbench.references.threshold:check",
}
#: How to get the reference library when it is missing (the versions the tests pin).
_INSTALL = {"tf-keras-vis": "pip install 'tf-keras-vis==0.8.7'", "pycocotools": "pip install 'pycocotools>=2.0.7,<3'"}
#: A threshold check reads the user's runs, which change between calls: never cached.
_UNCACHED = {"threshold"}


def reference_for(name: str) -> Reference | None:
    """The reference declared for entry ``name``, or None."""
    return REFERENCES.get(name)


def library_version(reference: Reference) -> str | None:
    """The installed version of the reference's library (without importing it), or None."""
    if not reference.library:
        return None
    try:
        return metadata.version(reference.library)
    except metadata.PackageNotFoundError:
        return None


def _key_versions(reference: Reference) -> str:
    # A printed number does not change, but the entry is built with the installed Keras.
    versions = [library_version(reference)]
    if reference.kind == "param_count":
        versions.append(_version("keras"))
    return "/".join(str(v) for v in versions)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _key(name: str, reference: Reference) -> str:
    return cache.cache_key(name, reference, _key_versions(reference))


def cached_result(name: str) -> dict | None:
    """The cached result of entry ``name``'s check under today's versions, or None."""
    reference = reference_for(name)
    if reference is None or reference.kind in _UNCACHED:
        return None
    result = cache.load(name, _key(name, reference))
    return dict(result, cached=True) if result is not None else None


def run_check(name: str, use_cache: bool = True, runs_roots=None) -> dict:
    """Check entry ``name`` against its reference (from the cache when ``use_cache`` and
    one is there). Raises ``WorkbenchError`` for an entry without a reference."""
    from workbench import catalog

    catalog.get(name)  # an unknown name gets the catalog's "did you mean" sentence
    reference = reference_for(name)
    if reference is None:
        raise WorkbenchError(f"{name} has no outside reference to check; entries with one: "
                             f"{', '.join(sorted(REFERENCES))}")
    if use_cache:
        found = cached_result(name)
        if found is not None:
            return found
    version = library_version(reference)
    started = time.perf_counter()
    if reference.library and version is None:
        outcome = {"expected": reference.expected, "measured": None, "ok": None,
                   "detail": f"{reference.library} is not installed ({_INSTALL.get(reference.library, '')}): "
                             "nothing to compare with"}
    else:
        module, _, function = _CHECKS[reference.kind].partition(":")
        check = getattr(importlib.import_module(module), function)
        outcome = check(name, reference, runs_roots) if reference.kind == "threshold" else check(name, reference)
    result = {
        "name": name, "kind": reference.kind,
        "reference": {"what": reference.what, "source": reference.source, "library": reference.library or None,
                      "version": version},
        **outcome,
        "seconds": round(time.perf_counter() - started, 3),
        "checked_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    # "not installed" is not cached: installing the library must be seen at once.
    if reference.kind not in _UNCACHED and result["ok"] is not None:
        cache.store(name, _key(name, reference), result)
    return dict(result, cached=False)


def names_with_references() -> list[str]:
    """Every catalog entry with a reference, in catalog order."""
    from workbench import catalog

    return [e.name for e in catalog.all_entries() if e.name in REFERENCES]


def summary(name: str) -> tuple[dict | None, dict | None]:
    """``catalog --json``'s two keys: the declared reference and the cached result's essentials."""
    reference = reference_for(name)
    if reference is None:
        return None, None
    found = cached_result(name)
    check = None if found is None else {"ok": found["ok"], "measured": found["measured"],
                                        "version": found["reference"]["version"],
                                        "checked_at": found["checked_at"]}
    return reference.as_dict(), check


def format_number(value, missing: str = "-") -> str:
    """A check's expected or measured value for a person: counts with thousands separators,
    fractions to four significant digits, ``missing`` when there is none."""
    if value is None:
        return missing
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}"
    return f"{value:,.0f}"
