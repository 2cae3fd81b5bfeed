"""An image model refuses environments, graphs and episodes with a sentence, from the
catalog and from the command line, before any run directory exists; ``datasets`` lists them."""

import json
import os

import pytest

from workbench import catalog, data
from workbench.cli import main

NEW_KINDS = {"CartPole-v1": "environment", "connect4": "environment", "karate": "graph",
             "communities": "graph", "few_shot": "episodes", "sine_tasks": "episodes"}


@pytest.mark.parametrize("name, kind", NEW_KINDS.items())
def test_an_image_entry_refuses_each_new_kind_with_a_sentence(name, kind):
    info = data.load(name, seed=0).info
    assert info.kind == kind
    ok, why = catalog.get("lenet").accepts(info)
    assert not ok
    assert f"is {kind} data" in why and repr(info.name) in why and "image" in why
    assert why.count(".") <= 1 and "\n" not in why


def test_train_on_a_graph_with_an_image_model_fails_before_writing(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "lenet", "--data", "karate", "--epochs", "1", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "takes image data, but 'karate' is graph data" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and os.listdir(tmp_path) == []


def test_train_with_a_misspelt_gym_id_names_the_close_match(tmp_path, capsys):
    code = main(["train", "lenet", "--data", "CartPol-v1", "--out", str(tmp_path / "run")])
    assert code == 1
    assert "did you mean CartPole-v1" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_datasets_lists_the_new_sources_with_their_kind(capsys):
    assert main(["datasets", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    for name, kind in NEW_KINDS.items():
        assert rows[name]["kind"] == kind
    assert rows["edges"]["needs_path"] and rows["tictactoe"]["task"] == "rl"
    assert main(["datasets"]) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["CliffWalking-v1", "environment", "rl"] in [line[:3] for line in lines]
    assert ["sine_tasks", "episodes", "regression"] in [line[:3] for line in lines]
