"""A run of several networks keeps each as NAME.keras; export and friends take --model NAME."""

import numpy as np
import pytest

from workbench.cli import main
from workbench.models.io import load_model
from workbench.training import TrainConfig, job
from workbench.models.rl.reinforce import discounted_returns


@pytest.fixture(scope="module")
def reinforce_run(tmp_path_factory):
    pytest.importorskip("gymnasium")
    out = tmp_path_factory.mktemp("nets") / "run"
    job.run_training(TrainConfig("reinforce", "CartPole-v1", epochs=1, seed=1,
                                 hparams={"hidden_units": "8", "episodes_per_epoch": 2}, out=str(out)))
    return out


def test_each_network_is_kept_under_its_name(reinforce_run):
    policy, baseline = load_model(str(reinforce_run / "model.keras")), load_model(str(reinforce_run / "baseline.keras"))
    assert policy.output_shape == (None, 2) and baseline.output_shape == (None, 1)
    assert not (reinforce_run / "policy.keras").exists()  # the main network is model.keras only


def test_export_takes_a_network_by_name(reinforce_run, tmp_path, capsys):
    out = tmp_path / "baseline.keras"
    assert main(["export", str(reinforce_run), "--model", "baseline", "--format", "keras", "--out", str(out)]) == 0
    x = np.random.default_rng(0).random((5, 4), dtype=np.float32)
    np.testing.assert_array_equal(load_model(str(out)).predict(x, verbose=0),
                                  load_model(str(reinforce_run / "baseline.keras")).predict(x, verbose=0))
    capsys.readouterr()
    assert main(["export", str(reinforce_run), "--model", "critic", "--format", "keras",
                 "--out", str(tmp_path / "c.keras")]) == 1
    assert "no network 'critic'; it has baseline, model" in capsys.readouterr().err


def test_discounted_returns_by_hand():
    np.testing.assert_allclose(discounted_returns(np.array([1.0, 0.0, 2.0]), 0.5), [1.5, 1.0, 2.0])
