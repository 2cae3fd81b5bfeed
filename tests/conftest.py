"""Test-wide settings: quiet TensorFlow, offscreen Qt, no network, and a guard against hangs."""

import os
import socket

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
