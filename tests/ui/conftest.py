"""GUI tests run without a display (Qt's offscreen platform) and share one window per module."""

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402


def spin_until(condition, timeout: float = 60.0, step_ms: int = 20) -> None:
    """Run the Qt event loop until ``condition()`` holds (for module fixtures, where qtbot is absent)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    """The real main window with the defaults (digits + LeNet) and TensorFlow loaded."""
    from ui.app import create_window

    win = create_window()
    win.session.runs_root = str(tmp_path_factory.mktemp("runs"))
    win.show()
    spin_until(lambda: win.session.tf_loaded and win.session.dataset is not None, timeout=180)
    yield win
    win.close()
    win.deleteLater()
