"""``keras-workbench prune`` on a trained run: a new run at the sparsity, with its curve."""

import json

import numpy as np
import pytest

from workbench.cli import main


def test_prune_writes_a_run_at_the_sparsity_with_its_curve(lenet_run, tmp_path, capsys):
    from workbench.compression.pruning import prunable_kernels
    from workbench.models.io import load_model
    from workbench.views.store import load_view

    out = tmp_path / "pruned"
    assert main(["prune", str(lenet_run), "--sparsity", "0.6", "--epochs", "1", "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    kernels = [np.asarray(k) for k in prunable_kernels(load_model(str(out)))]
    zeros = sum(int(np.sum(k == 0)) for k in kernels) / sum(k.size for k in kernels)
    assert result["sparsity"] == pytest.approx(zeros, abs=1e-6) and zeros == pytest.approx(0.6, abs=1e-3)
    config = json.loads((out / "config.json").read_text())
    assert config["pruned_from"] == str(lenet_run) and config["pruning"]["sparsity"] == 0.6
    curve = load_view(str(out), "accuracy_vs_sparsity").value.series
    levels, scores = curve["pruned at once (no retraining)"]
    assert levels[0] == 0.0 and scores[0] == pytest.approx(result["accuracy_before"])
    assert list(curve["while retraining (each epoch)"][0]) == [0.0, pytest.approx(zeros)]
    assert main(["prune", str(lenet_run), "--sparsity", "1.5", "--out", str(tmp_path / "p2")]) == 1
    assert "must be at least 0 and below 1" in capsys.readouterr().err
