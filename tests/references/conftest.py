"""Reference checks write their cache and read runs under the test's own folders."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    """An empty cache and an empty home (so the default runs folder holds no runs of the user's)."""
    monkeypatch.setenv("KERAS_WORKBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERAS_WORKBENCH_RUNS", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)  # platformdirs' data folder: under HOME
    return tmp_path
