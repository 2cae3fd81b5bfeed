"""Reference checks write their cache and read runs under the test's own folders."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    """An empty cache and an empty home (so ~/keras-workbench/runs holds no runs of the user's)."""
    monkeypatch.setenv("KERAS_WORKBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERAS_WORKBENCH_RUNS", raising=False)
    return tmp_path
