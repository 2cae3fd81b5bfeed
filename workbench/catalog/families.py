"""Imports every family's declaration module, so that each registers its entries.

A new family is a new module in this package; nothing here needs editing.
"""

import importlib
import pkgutil

import workbench.catalog as _package

_NOT_FAMILIES = {"registry", "families"}

for _info in sorted(pkgutil.iter_modules(_package.__path__), key=lambda m: m.name):
    if _info.name not in _NOT_FAMILIES:
        importlib.import_module(f"{_package.__name__}.{_info.name}")
