"""TensorFlow's native start-up work done without Python's lock, before ``import tensorflow``.

The window imports TensorFlow on a worker thread, but an import holds the GIL while the
dynamic loader maps an extension module and runs its static initialisers, and the GUI
thread waits for the lock meanwhile. For TensorFlow two such holds dominate: loading
``libtensorflow_cc``/``libtensorflow_framework`` (a few hundred MB of code), and processing
the deferred registrations of its ~1,500 ops, which the first ``load_op_library`` triggers
(measured with ``py-spy record --gil``: 0.3-0.8 s each on a busy 2-core machine).

Calling ``dlopen`` and ``TF_GetAllOpList`` through ctypes does both with the lock released
(ctypes drops the GIL around every foreign call; its own ``CDLL()`` does not). The later
``import tensorflow`` then finds the libraries mapped and the ops registered. The libraries
are opened ``RTLD_LOCAL``, as Python opens extension modules: ``RTLD_GLOBAL`` made
TensorFlow's own import crash. Anything unexpected (not Linux, another layout, a symbol
missing) skips the preload: the import then does the same work, under the lock.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys

#: Loaded in this order: each needs the ones before it. The last is the Python binding's
#: native half (its static initialisers need no Python; its module init runs at the import).
LIBRARIES = ("libtensorflow_framework.so.2", "libtensorflow_cc.so.2",
             os.path.join("python", "_pywrap_tensorflow_internal.so"))
#: The one that exports TensorFlow's C API.
C_API = "libtensorflow_cc.so.2"


def tensorflow_dir() -> str | None:
    """TensorFlow's package folder, found without importing it."""
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or not spec.submodule_search_locations:
        return None
    return next(iter(spec.submodule_search_locations))


def preload_tensorflow() -> bool:
    """Map TensorFlow's runtime and register its ops with the GIL released; True when done.
    Call it on the worker thread that will import TensorFlow, before the import."""
    if not sys.platform.startswith("linux") or "tensorflow" in sys.modules:
        return False
    folder = tensorflow_dir()
    paths = [os.path.join(folder, name) for name in LIBRARIES] if folder else []
    if not paths or not all(os.path.isfile(path) for path in paths):
        return False
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
        dlopen.restype, dlopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_int]
        for path in paths:  # the handles stay open: the import maps the same libraries
            if not dlopen(os.fsencode(path), os.RTLD_LAZY | os.RTLD_LOCAL):
                return False
        runtime = ctypes.CDLL(os.path.join(folder, C_API))  # already mapped: no loading under the lock
        runtime.TF_GetAllOpList.restype = ctypes.c_void_p
        runtime.TF_DeleteBuffer.argtypes = [ctypes.c_void_p]
        runtime.TF_DeleteBuffer(runtime.TF_GetAllOpList())  # processes the deferred op registrations
    except (OSError, AttributeError):
        return False
    return True
