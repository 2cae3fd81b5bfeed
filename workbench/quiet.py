"""Import TensorFlow without its start-up chatter on stderr.

TensorFlow's C++ runtime logs several lines (oneDNN, CUDA probing) before its own
log level applies, so the command line would print them before a one-line error.
Redirecting the stderr file descriptor around the import is the only switch there is.
"""

from __future__ import annotations

import os
import sys


def import_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow
            import keras  # noqa: F401  (keras' own import registers its backend quietly too)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return tensorflow
