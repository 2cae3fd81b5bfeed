"""The comparison run: one run per value, same seed and data, events tagged with the value."""

import json
import os

import numpy as np
import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.training import TrainConfig, events
from workbench.training.sweep import SUMMARY_FILE, sweep, sweep_values

TINY = dict(epochs=2, batch_size=32, steps_per_epoch=3, seed=5)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    seen = []
    config = TrainConfig("lenet", "digits", out=str(out), hparams={"learning_rate": 0.05}, **TINY)
    results = sweep(config, "optimizer", ["sgd", "adam", "rmsprop"], seen.append)
    return out, results, seen


def test_one_run_per_value_in_its_own_folder(swept):
    out, results, _ = swept
    assert [os.path.basename(r.run_dir) for r in results] == ["optimizer-sgd", "optimizer-adam",
                                                               "optimizer-rmsprop"]
    for result, value in zip(results, ("sgd", "adam", "rmsprop")):
        config = json.loads(open(os.path.join(result.run_dir, "config.json")).read())
        assert config["hparams"]["optimizer"] == value
        assert config["hparams"]["learning_rate"] == 0.05  # the other settings are shared
        assert config["seed"] == 5 and config["epochs"] == 2
        history = json.loads(open(os.path.join(result.run_dir, "history.json")).read())
        assert history["epoch"] == [1, 2]
    summary = json.loads((out / SUMMARY_FILE).read_text())
    assert summary["key"] == "optimizer" and summary["values"] == ["sgd", "adam", "rmsprop"]
    assert [r["final"]["val_loss"] for r in summary["runs"]] == \
        [r.history["val_loss"][-1] for r in results]


def test_same_seed_means_same_start_only_the_update_rule_differs(swept):
    _, results, seen = swept
    # a batch's loss is computed before its update: the first one is the initial weights' loss
    first = [e.logs["loss"] for e in seen if isinstance(e, events.BatchEnd) and e.epoch == 0 and e.step == 1]
    assert len(first) == 3 and max(first) - min(first) < 1e-6
    assert len({round(r.history["loss"][-1], 5) for r in results}) == 3  # then they part ways
    weights = [r.model.get_layer("predictions").get_weights()[0] for r in results]
    assert not np.allclose(weights[0], weights[1])


def test_stop_skips_the_remaining_values(tmp_path):
    from workbench.training import RunControl

    control = RunControl()
    seen = []

    def emit(event):
        seen.append(event)
        if isinstance(event, events.Finished):
            control.stop()

    config = TrainConfig("lenet", "digits", out=str(tmp_path), epochs=1, steps_per_epoch=2)
    results = sweep(config, "optimizer", ["sgd", "adam", "rmsprop"], emit, control)
    assert len(results) == 1 and not os.path.exists(tmp_path / "optimizer-adam")
    assert json.loads((tmp_path / SUMMARY_FILE).read_text())["values"] == ["sgd", "adam", "rmsprop"]


def test_bad_values_are_sentences():
    config = TrainConfig("lenet", "digits")
    with pytest.raises(WorkbenchError, match="'nesterov' is not one of"):
        sweep_values(config, "optimizer", ["sgd", "nesterov"])
    with pytest.raises(WorkbenchError, match="unknown hyperparameter 'optimiser'"):
        sweep_values(config, "optimiser", ["sgd"])
    with pytest.raises(WorkbenchError, match="repeat"):
        sweep_values(config, "normalization", ["batch", "batch"])
    assert sweep_values(config, "learning_rate", ["0.1", " 0.01"]) == [0.1, 0.01]


def test_cli_sweep_prints_the_final_table(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["sweep", "lenet", "--data", "digits", "--key", "normalization",
                 "--values", "batch,layer", "--epochs", "1", "--steps-per-epoch", "2",
                 "--out", str(out), "--quiet"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["normalization", "loss", "val_accuracy"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert set(rows) == {"batch", "layer"}
    for value in ("batch", "layer"):
        history = json.loads((out / f"normalization-{value}" / "history.json").read_text())
        assert float(rows[value][1]) == pytest.approx(history["loss"][-1], abs=5e-5)
        assert float(rows[value][2]) == pytest.approx(history["val_accuracy"][-1], abs=5e-5)


def test_cli_sweep_rejects_a_bad_value_before_training(tmp_path, capsys):
    assert main(["sweep", "lenet", "--data", "digits", "--key", "optimizer", "--values", "sgd,lion",
                 "--out", str(tmp_path / "x")]) == 1
    assert "'lion' is not one of" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
