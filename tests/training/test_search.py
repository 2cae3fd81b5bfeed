"""Grid and random search on top of the comparison run, and the notes' presets."""

import csv
import json
import math
import os

import numpy as np
import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.training import TrainConfig, events
from workbench.training.search import (
    SUMMARY_FILE,
    TABLE_FILE,
    make_trials,
    parse_random,
    random_trials,
    search,
)


def test_grid_is_the_exact_product_first_key_slowest():
    trials = make_trials("mlp", "grid", ["learning_rate=0.1,0.01", "batch_size=32,64", "optimizer=sgd,adam"])
    expected = [{"learning_rate": lr, "batch_size": bs, "optimizer": opt}
                for lr in (0.1, 0.01) for bs in (32, 64) for opt in ("sgd", "adam")]
    assert trials == expected
    assert [type(t["batch_size"]) for t in trials] == [int] * 8  # parsed by the key's type
    # values holding commas are separated by ";"
    assert make_trials("mlp", "grid", ["hidden_units=150,75;2400,1200"]) == \
        [{"hidden_units": "150,75"}, {"hidden_units": "2400,1200"}]


def test_bad_spaces_are_sentences():
    with pytest.raises(WorkbenchError, match="unknown hyperparameter 'lr'"):
        make_trials("mlp", "grid", ["lr=0.1,0.01"])
    with pytest.raises(WorkbenchError, match="below its minimum"):
        make_trials("mlp", "grid", ["learning_rate=0.1,-1"])
    with pytest.raises(WorkbenchError, match="range is written"):
        make_trials("mlp", "random", ["optimizer=log:1:2"], 3)
    with pytest.raises(WorkbenchError, match="positive bounds"):
        make_trials("mlp", "random", ["dropout=log:0.0:0.5"], 3)
    with pytest.raises(WorkbenchError, match="named twice"):
        make_trials("mlp", "grid", ["batch_size=8", "batch_size=16"])


def test_random_draws_are_reproducible_and_in_bounds():
    specs = ["learning_rate=log:1e-4:1e-1", "dropout=0.0:0.5", "optimizer=sgd,adam,rmsprop", "batch_size=8:64"]
    first = make_trials("mlp", "random", specs, 50, seed=7)
    assert first == make_trials("mlp", "random", specs, 50, seed=7)
    assert first != make_trials("mlp", "random", specs, 50, seed=8)
    assert make_trials("mlp", "random", specs, 10, seed=7) == first[:10]  # a prefix: N does not reshuffle
    for trial in first:
        assert 1e-4 <= trial["learning_rate"] <= 1e-1 and 0.0 <= trial["dropout"] <= 0.5
        assert trial["optimizer"] in ("sgd", "adam", "rmsprop")
        assert isinstance(trial["batch_size"], int) and 8 <= trial["batch_size"] <= 64


def test_log_uniform_is_uniform_in_the_exponent():
    """Quantiles of many draws (no training): log10 of a log-uniform draw on [1e-4, 1e-1] is uniform
    on [-4, -1], so its median is 10^-2.5 ~ 0.00316 (a plain uniform's would be ~0.05) and a third of
    the draws fall below 1e-3."""
    space = parse_random("mlp", ["learning_rate=log:1e-4:1e-1", "dropout=0.0:0.5"])
    draws = random_trials(space, 20000, seed=0)
    lr = np.array([d["learning_rate"] for d in draws])
    exponents = np.log10(lr)
    assert np.quantile(exponents, [0.25, 0.5, 0.75]) == pytest.approx([-3.25, -2.5, -1.75], abs=0.03)
    assert np.mean(lr < 1e-3) == pytest.approx(1 / 3, abs=0.015)
    dropout = np.array([d["dropout"] for d in draws])  # the linear one stays linear
    assert np.quantile(dropout, [0.25, 0.5, 0.75]) == pytest.approx([0.125, 0.25, 0.375], abs=0.01)


def _history(run_dir):
    with open(os.path.join(run_dir, "history.json")) as handle:
        return json.load(handle)


def test_two_trial_search_writes_runs_and_a_table_sorted_by_the_metric(tmp_path, capsys):
    out = tmp_path / "search"
    code = main(["search", "mlp", "--data", "digits", "--grid", "learning_rate=0.5,0.001",
                 "--set", "hidden_units=8", "--epochs", "1", "--steps-per-epoch", "2",
                 "--metric", "val_loss", "--out", str(out), "--json", "--quiet"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    summary = json.loads((out / SUMMARY_FILE).read_text())
    assert printed == summary
    assert summary["trials"] == [{"learning_rate": 0.5}, {"learning_rate": 0.001}]
    rows = summary["rows"]
    assert sorted(r["trial"] for r in rows) == [1, 2] and [r["rank"] for r in rows] == [1, 2]
    for row in rows:
        history = _history(row["run_dir"])
        with open(os.path.join(row["run_dir"], "config.json")) as handle:
            config = json.load(handle)
        assert config["hparams"]["learning_rate"] == row["hparams"]["learning_rate"]
        assert config["hparams"]["hidden_units"] == "8"
        assert row["final"]["val_loss"] == history["val_loss"][-1]
        assert row["final"]["val_accuracy"] == history["val_accuracy"][-1]
    assert rows[0]["final"]["val_loss"] <= rows[1]["final"]["val_loss"]  # a loss: lowest first
    with open(out / TABLE_FILE, newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [int(r["trial"]) for r in table] == [r["trial"] for r in rows]
    assert [float(r["val_loss"]) for r in table] == [r["final"]["val_loss"] for r in rows]
    assert [float(r["learning_rate"]) for r in table] == [r["hparams"]["learning_rate"] for r in rows]


def test_stop_ends_after_the_current_trial(tmp_path):
    from workbench.training import RunControl

    control = RunControl()

    def emit(event):
        if isinstance(event, events.Finished):
            control.stop()

    config = TrainConfig("mlp", "digits", epochs=1, steps_per_epoch=1, out=str(tmp_path),
                         hparams={"hidden_units": "4"})
    trials = [{"batch_size": 8}, {"batch_size": 16}, {"batch_size": 32}]
    summary = search(config, trials, "val_accuracy", "grid", emit, control)
    assert [r["trial"] for r in summary["rows"]] == [1] and summary["trials_planned"] == 3
    assert set(os.listdir(tmp_path)) == {"001-batch_size-8", SUMMARY_FILE, TABLE_FILE}
    with open(os.path.join(tmp_path, "001-batch_size-8", "config.json")) as handle:
        assert json.load(handle)["batch_size"] == 8


def test_every_preset_resolves_and_builds():
    from workbench import catalog
    from workbench.catalog.presets import all_presets, check
    from workbench.data import registry

    assert {"optimizers", "mlp_sizes", "rnn_dropout"} <= {p.name for p in all_presets()}
    for preset in all_presets():
        hparams = check(preset)
        info = registry.load(preset.data).info
        entry = catalog.get(preset.entry)
        ok, why = entry.accepts(info)
        assert ok, why
        for trial in preset.trials or ({},):
            settings = {k: v for k, v in trial.items() if k not in ("batch_size", "epochs")}
            model = entry.build(entry.resolve({**hparams, **settings}), info)
            assert model.count_params() > 0
    # the notes' numbers, as the notes give them
    optimizers = {t["optimizer"]: t for t in next(p for p in all_presets() if p.name == "optimizers").trials}
    assert optimizers["sgd"]["learning_rate"] == 0.95 and optimizers["momentum"]["momentum"] == 0.1
    assert optimizers["rmsprop"]["learning_rate"] == 0.001 and optimizers["adam"]["learning_rate"] == 0.001


def test_rnn_preset_dropouts_reach_the_layer():
    from workbench import catalog
    from workbench.catalog.presets import check, get
    from workbench.data import registry

    preset = get("rnn_dropout")
    info = registry.load(preset.data).info
    entry = catalog.get(preset.entry)
    model = entry.build(entry.resolve({**check(preset), **preset.trials[1]}), info)
    layer = model.get_layer("rnn")
    assert (layer.units, layer.cell.dropout, layer.cell.recurrent_dropout) == (128, 0.5, 0.3)
    assert math.isclose(preset.trials[1]["input_dropout"], 0.5)
