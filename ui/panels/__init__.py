"""The workbench's panels, found by discovery: every module of this package that defines a
``Panel`` subclass with a ``title`` adds a tab, ordered by the class's ``order``
(Orange-style: a panel declares what it is; nothing here lists them by hand)."""

import importlib
import logging
import pkgutil

from ui.panels.base import Panel

log = logging.getLogger(__name__)
_NOT_PANELS = {"base"}


def discover() -> list[type[Panel]]:
    """Every panel class of this package, by ``order`` then ``title``."""
    found: dict[str, type[Panel]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_PANELS:
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except Exception:  # noqa: BLE001 - one broken panel must not take the window down
            log.exception("panel module %s could not be imported; its tab is missing", info.name)
            continue
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Panel) and value is not Panel
                    and value.title and value.__module__ == module.__name__):
                found[value.__name__] = value
    return sorted(found.values(), key=lambda panel: (panel.order, panel.title))


PANELS = discover()
