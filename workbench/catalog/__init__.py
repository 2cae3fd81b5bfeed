"""The catalog of techniques: ``get(name)``, ``all_entries()``, ``by_family()``."""

from workbench.catalog.registry import (  # noqa: F401
    TRAINING_HPARAMS, Entry, HParam, all_entries, by_family, get, parse_assignments, register,
)
