"""Custom Keras layers shared by several entries.

Every module here registers its classes with ``keras.saving.register_keras_serializable``;
importing this package imports them all, so a saved ``.keras`` file can be loaded.
"""

import importlib
import pkgutil


def import_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
