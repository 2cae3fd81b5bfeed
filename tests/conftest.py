"""Test-wide settings: quiet TensorFlow, offscreen Qt, no network, and a guard against hangs."""

import os
import socket
import sys

import pytest

pytest_plugins = ["hang_guard"]  # tests/hang_guard.py: a hung test is stopped and run once more

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests must not download: any connection beyond this machine fails at once."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")):
            return real_connect(self, address)
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise OSError(f"network access blocked in tests (tried {address})")

    monkeypatch.setattr(socket.socket, "connect", guarded)


# -- Python's cycle collector on the GUI thread once Qt is in use (ui/gc_guard.py) --------------
@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """As the application does, a test process that made a QApplication collects cycles on
    its main thread only: a worker thread collecting a cycle that holds a Qt object
    segfaulted a test process, and most likely deadlocked one in CI."""
    yield
    if fixturedef.argname == "qapp":
        from ui import gc_guard

        gc_guard.install()


def pytest_runtest_teardown(item, nextitem):
    """Between tests (on the main thread), the collections that are due; the timer only
    runs while a test spins Qt's event loop."""
    if "ui.gc_guard" in sys.modules:
        from ui import gc_guard

        gc_guard.collect_due()
    if "ui.bridge" in sys.modules:  # what workers parked for the GUI thread to drop
        from ui import bridge

        bridge.release_parked()


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses a QApplication ``gui``: ``make test-x11`` runs them again
    under a real X server, where drawing faults that the offscreen platform hides show."""
    for item in items:
        if "qapp" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
