"""kill -9 a DQN run (replay buffer, target network, epsilon schedule), an A2C run
(vectorised environments), Actor-Critic, ACER (its replay of rollouts) and UNREAL (its
auxiliary replay) mid-training, resume each: the weights and the history equal a run never
killed. The killed runs train at once, in parallel processes. (A3C's threads apply their
gradients in the scheduler's order, so its resume is not bit-exact; see its module.)"""

import json
import subprocess
import sys

import numpy as np
import pytest

from workbench.models.io import load_model
from workbench.training import TrainConfig, job

pytest.importorskip("gymnasium")

EPOCHS = 5
RUNS = {
    "dqn": {"hidden_units": "16", "env_steps_per_epoch": 150, "learning_starts": 50, "train_every": 10,
            "gradient_steps": 2, "target_update": 4, "replay_batch": 16, "buffer_size": 300,
            "exploration_steps": 400, "eval_episodes": 0},
    "a2c": {"hidden_units": "16", "env_steps_per_epoch": 400, "num_envs": 4, "n_steps": 5, "eval_episodes": 0},
    "actor_critic": {"hidden_units": "8", "env_steps_per_epoch": 208, "eval_episodes": 0},  # 13 x n_steps
    "acer": {"hidden_units": "8", "env_steps_per_epoch": 200, "num_envs": 2, "n_steps": 4, "replay_start": 1,
             "replay_ratio": 1, "eval_episodes": 0},
    "unreal": {"hidden_units": "8", "env_steps_per_epoch": 200, "num_envs": 2, "n_steps": 4, "rp_batch": 4,
               "eval_episodes": 0},
}


def _epochs_done(run_dir) -> int:
    try:
        return json.loads((run_dir / "checkpoint" / "state.json").read_text())["epochs_done"]
    except (OSError, ValueError, KeyError):
        return 0


@pytest.fixture(scope="module")
def killed_runs(tmp_path_factory):
    """Both runs started together; each killed (SIGKILL) once an epoch is saved."""
    import time

    root = tmp_path_factory.mktemp("killed")
    processes = {}
    for name, sets in RUNS.items():
        args = [sys.executable, "-m", "workbench.cli", "train", name, "--data", "CartPole-v1",
                "--epochs", str(EPOCHS), "--seed", "2", "--out", str(root / name), "--quiet"]
        args += [f"--set={k}={v}" for k, v in sets.items()]
        processes[name] = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = {}
    deadline = time.time() + 240
    while len(done) < len(processes) and time.time() < deadline:
        for name, process in processes.items():
            if name not in done and (_epochs_done(root / name) >= 1 or process.poll() is not None):
                assert process.poll() is None, process.stderr.read().decode()[-2000:]
                process.kill()
                process.wait()
                done[name] = _epochs_done(root / name)
        time.sleep(0.02)
    for process in processes.values():
        if process.poll() is None:
            process.kill()
    return root, done


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_killed_deep_rl_run_resumes_to_the_uninterrupted_weights(killed_runs, name, tmp_path):
    root, done = killed_runs
    assert 1 <= done[name] < EPOCHS, f"{name} was not killed mid-run ({done.get(name)} epochs saved)"
    killed = root / name
    job.resume_training(str(killed))
    job.run_training(TrainConfig(name, "CartPole-v1", epochs=EPOCHS, seed=2, hparams=RUNS[name],
                                 out=str(tmp_path / "whole")))
    files = ["model.keras"] + (["target.keras"] if name == "dqn" else [])
    for file in files:
        a, b = load_model(str(killed / file)).get_weights(), load_model(str(tmp_path / "whole" / file)).get_weights()
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    killed_history = json.loads((killed / "history.json").read_text())
    whole_history = json.loads((tmp_path / "whole" / "history.json").read_text())
    assert killed_history == whole_history
    assert killed_history["env_steps"][-1] == EPOCHS * RUNS[name]["env_steps_per_epoch"]
