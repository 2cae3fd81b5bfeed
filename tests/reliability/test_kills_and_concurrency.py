"""kill -9 at several moments of one run, and two processes aiming at one run directory.

A run killed before its first epoch ended, and one killed three times at different epochs
(resumed each time), both end with the weights of a run never killed; a second process
never trains into a run that another one holds.
"""

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from workbench.models.io import load_model
from workbench.training import TrainConfig, job

ARGS = ["mlp", "--data", "digits", "--epochs", "8", "--batch-size", "8", "--seed", "5",
        "--set", "hidden_units=32", "--set", "dropout=0.1"]
CONFIG = dict(epochs=8, batch_size=8, seed=5, hparams={"hidden_units": "32", "dropout": 0.1})


def cli(*argv):
    return [sys.executable, "-m", "workbench.cli", *argv]


def epochs_done(run_dir) -> int:
    try:
        return json.loads((run_dir / "checkpoint" / "state.json").read_text())["epochs_done"]
    except (OSError, ValueError):
        return 0


def start_and_kill(command, ready, timeout: float = 240) -> None:
    """Start ``command`` and SIGKILL it as soon as ``ready()`` holds."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None and not ready():
        time.sleep(0.01)
    assert process.poll() is None, process.stderr.read().decode()[-2000:]
    process.kill()
    process.wait()


def resume(run_dir):
    return subprocess.run(cli("train", "--resume", str(run_dir), "--quiet"), capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "run"
    job.run_training(TrainConfig("mlp", "digits", out=str(out), **CONFIG))
    return [np.array(w) for w in load_model(str(out / "model.keras")).get_weights()]


def assert_weights(run_dir, expected):
    for a, b in zip(load_model(str(run_dir / "model.keras")).get_weights(), expected):
        np.testing.assert_array_equal(a, b)


def test_killed_before_the_first_epoch_ended_resumes_from_scratch(tmp_path, uninterrupted):
    run = tmp_path / "early"
    start_and_kill(cli("train", *ARGS, "--out", str(run), "--quiet"), lambda: (run / "config.json").exists())
    assert epochs_done(run) == 0 and (run / "config.json").exists()
    done = resume(run)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_weights(run, uninterrupted)


def test_killed_three_times_at_different_epochs_ends_as_if_never_killed(tmp_path, uninterrupted):
    run = tmp_path / "thrice"
    start_and_kill(cli("train", *ARGS, "--out", str(run), "--quiet"), lambda: epochs_done(run) >= 1)
    seen = [epochs_done(run)]
    for target in (3, 5):
        start_and_kill(cli("train", "--resume", str(run), "--quiet"), lambda t=target: epochs_done(run) >= t)
        seen.append(epochs_done(run))
    assert seen[0] >= 1 and seen[1] >= 3 and seen[2] >= 5 and seen[2] < 8
    done = resume(run)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((run / "history.json").read_text())["epoch"] == list(range(1, 9))
    assert_weights(run, uninterrupted)


def test_a_second_process_never_trains_into_a_held_run(tmp_path):
    run = tmp_path / "held"
    first = subprocess.Popen(cli("train", "mlp", "--data", "digits", "--epochs", "200", "--batch-size", "8",
                                 "--out", str(run), "--quiet"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 240
        while time.time() < deadline and epochs_done(run) < 1:
            assert first.poll() is None, first.stderr.read().decode()[-2000:]
            time.sleep(0.05)
        config_before = (run / "config.json").read_bytes()
        plain = subprocess.run(cli("train", *ARGS, "--out", str(run), "--quiet"), capture_output=True, text=True,
                               timeout=300)
        forced = subprocess.run(cli("train", *ARGS, "--out", str(run), "--force", "--quiet"), capture_output=True,
                                text=True, timeout=300)
        resumed = resume(run)
        assert plain.returncode == 1 and "already holds a run" in plain.stderr
        for other in (forced, resumed):
            assert other.returncode == 1, other.stderr
            assert f"is being trained by process {first.pid}" in other.stderr
        assert (run / "config.json").read_bytes() == config_before
        assert first.poll() is None  # the holder trains on, untouched
    finally:
        first.kill()
        first.wait()
