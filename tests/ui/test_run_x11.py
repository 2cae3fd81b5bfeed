"""The Xvfb runner behind ``make test-x11``."""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
import run_x11  # noqa: E402


def test_a_missing_xvfb_is_a_sentence_and_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(run_x11.shutil, "which", lambda name: None)
    assert run_x11.main(["-q"]) == 2
    assert "apt-get install xvfb" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
def test_xvfb_starts_on_a_free_display_and_stops():
    server, display = run_x11.start_xvfb(shutil.which("Xvfb"))
    try:
        number = int(display.lstrip(":"))
        assert os.path.exists(f"/tmp/.X11-unix/X{number}")  # the server accepts clients there
    finally:
        server.terminate()
        server.wait(10)
    assert server.returncode is not None
