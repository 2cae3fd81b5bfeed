"""kill -9 at a random moment, then ``train --resume``: the same weights as a run never killed.

Exact equality: a resume from fresh weights, another data order, a reset optimizer or a
lost episode counter each change the weights.
"""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from workbench.models.io import load_model
from workbench.training import TrainConfig, job


def kill_after(command, run_dir, epochs_done: int, timeout: float = 240):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    state = run_dir / "checkpoint" / "state.json"
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None:
        try:
            if json.loads(state.read_text())["epochs_done"] >= epochs_done:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    assert process.poll() is None, process.stderr.read().decode()[-2000:]
    process.send_signal(signal.SIGKILL)
    process.wait()
    return json.loads(state.read_text())["epochs_done"]


def resume(run_dir):
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "train", "--resume", str(run_dir), "--quiet"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


def assert_same_weights(a_file, b_file):
    a, b = load_model(str(a_file)).get_weights(), load_model(str(b_file)).get_weights()
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_a_killed_fit_run_resumes_to_the_uninterrupted_weights(tmp_path):
    killed = tmp_path / "killed"
    args = ["mlp", "--data", "digits", "--epochs", "12", "--batch-size", "8", "--seed", "4",
            "--set", "dropout=0.2"]
    done = kill_after([sys.executable, "-m", "workbench.cli", "train", *args, "--out", str(killed), "--quiet"],
                      killed, 2)
    assert 2 <= done < 12
    resume(killed)
    whole = job.run_training(TrainConfig("mlp", "digits", epochs=12, batch_size=8, seed=4,
                                         hparams={"dropout": 0.2}, out=str(tmp_path / "whole")))
    history = json.loads((killed / "history.json").read_text())
    assert history["epoch"] == list(range(1, 13))
    assert history["val_loss"] == whole.history["val_loss"]
    assert_same_weights(killed / "model.keras", tmp_path / "whole" / "model.keras")


def test_a_killed_two_network_trainer_resumes_to_the_uninterrupted_weights(tmp_path):
    """REINFORCE with a baseline: policy and value networks, two Adam optimizers, an episode
    counter and the returns so far, all in one resume point."""
    pytest.importorskip("gymnasium")
    killed = tmp_path / "killed"
    sets = {"hidden_units": "16", "episodes_per_epoch": 3}
    args = ["reinforce", "--data", "CartPole-v1", "--epochs", "8", "--seed", "2"]
    args += [f"--set={k}={v}" for k, v in sets.items()]
    done = kill_after([sys.executable, "-m", "workbench.cli", "train", *args, "--out", str(killed), "--quiet"],
                      killed, 2)
    assert 2 <= done < 8
    resume(killed)
    job.run_training(TrainConfig("reinforce", "CartPole-v1", epochs=8, seed=2, hparams=sets,
                                 out=str(tmp_path / "whole")))
    for name in ("model.keras", "baseline.keras"):
        assert_same_weights(killed / name, tmp_path / "whole" / name)
    killed_history = json.loads((killed / "history.json").read_text())
    whole_history = json.loads((tmp_path / "whole" / "history.json").read_text())
    assert killed_history == whole_history
    assert os.path.isfile(killed / "views" / "episode_returns.json")
