"""One module per ``keras-workbench`` subcommand; each has ``register(subparsers)``.

Found by discovery, as the catalog's families and the GUI's panels are: a new command is a
new module here with a ``register`` function; its ``ORDER`` (default 100) places it in
``--help``, then its name. Nothing here lists them by hand.
"""

import importlib
import pkgutil

#: Where the long-standing commands appear in ``--help``; new modules follow, by name.
_ORDER = ("catalog", "datasets", "build", "train", "sweep", "runs", "predict", "evaluate", "explain",
          "export", "detection", "views", "sample")


def _discover() -> list:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "register", None)):
            modules.append(module)
    position = {name: i for i, name in enumerate(_ORDER)}

    def order(module):
        name = module.__name__.rsplit(".", 1)[1]
        return getattr(module, "ORDER", position.get(name, len(_ORDER))), name

    return [module.register for module in sorted(modules, key=order)]


SUBCOMMANDS = _discover()
