"""A GAN resumes exactly: both networks, both optimizers and the noise stream.

Equality, not closeness: a resume that rebuilt either network from fresh weights, reset
an optimizer's moments or iteration count, or restarted the noise seed generator moves
the weights of the uninterrupted run.
"""

import json
import os
import sys

import numpy as np

from workbench import data
from workbench.models.io import load_model
from workbench.runs.rundir import RunDir
from workbench.training import RunControl, TrainConfig, events, job
from workbench.training.checkpoints import read_snapshot, resume_point

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "training"))
from test_kill_resume import kill_after, resume  # noqa: E402  (the fit runs' kill -9 helpers)

DCGAN = {"latent_dim": 4, "filters": 4}


def assert_same_networks(a_dir, b_dir, names):
    for name in names:
        a = load_model(os.path.join(a_dir, f"{name}.keras")).get_weights()
        b = load_model(os.path.join(b_dir, f"{name}.keras")).get_weights()
        assert len(a) == len(b) > 0
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)


def test_a_stopped_dcgan_resumes_to_the_uninterrupted_weights_and_optimizers(tmp_path):
    digits = data.load("digits")  # as the run loads it (seed 0): resume reloads it

    def config(path):
        return TrainConfig("dcgan", "digits", epochs=2, batch_size=64, steps_per_epoch=3, seed=0,
                           hparams=DCGAN, out=str(path))

    whole = job.run_training(config(tmp_path / "whole"), dataset=digits)
    control = RunControl()

    def stop_after_first_epoch(event):
        if isinstance(event, events.EpochEnd) and event.epoch == 0:
            control.stop()

    first = job.run_training(config(tmp_path / "parts"), emit=stop_after_first_epoch, control=control,
                             dataset=digits)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = job.resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2]
    assert resumed.history["g_loss"] == whole.history["g_loss"]
    assert_same_networks(tmp_path / "whole", tmp_path / "parts", ("generator", "discriminator"))
    snaps = [read_snapshot(resume_point(RunDir(str(tmp_path / d))).path) for d in ("whole", "parts")]
    assert set(snaps[0].optimizers) == {"model.generator", "model.discriminator"}
    for name in snaps[0].optimizers:  # both optimizers: iteration counts and Adam's moments
        assert int(snaps[0].optimizers[name][0]) == 6
        for a, b in zip(snaps[0].optimizers[name], snaps[1].optimizers[name]):
            np.testing.assert_array_equal(a, b)


def test_a_killed_gan_resumes_to_the_uninterrupted_weights(tmp_path):
    killed = tmp_path / "killed"
    sets = {"latent_dim": 8, "hidden_units": "32"}
    args = ["gan", "--data", "digits", "--epochs", "8", "--batch-size", "16", "--seed", "3"]
    args += [f"--set={k}={v}" for k, v in sets.items()]
    done = kill_after([sys.executable, "-m", "workbench.cli", "train", *args, "--out", str(killed), "--quiet"],
                      killed, 2)
    assert 2 <= done < 8
    resume(killed)
    job.run_training(TrainConfig("gan", "digits", epochs=8, batch_size=16, seed=3, hparams=sets,
                                 out=str(tmp_path / "whole")))
    assert_same_networks(killed, tmp_path / "whole", ("generator", "discriminator", "model"))
    killed_history = json.loads((killed / "history.json").read_text())
    whole_history = json.loads((tmp_path / "whole" / "history.json").read_text())
    assert killed_history == whole_history and killed_history["epoch"] == list(range(1, 9))
