"""``keras-workbench act RUN_DIR --state S --json``: the move with its search statistics, and
a sentence for every position or run it cannot act on."""

import json

import pytest

from workbench.cli import main
from workbench.models.rl import alphago_zero
from workbench.training import TrainConfig, job


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("act")
    hp = {"simulations": 2, "eval_simulations": 8, "filters": 4, "blocks": 1, "value_units": 4,
          "games_per_epoch": 2, "train_steps": 1}
    job.run_training(TrainConfig("alphago_zero", "tictactoe", epochs=1, batch_size=8, eager=True, hparams=hp,
                                 out=str(root / "zero")))
    return root / "zero"


def act(capsys, *argv):
    assert main(["act", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_act_reports_move_visits_policy_and_value(run, capsys):
    results = act(capsys, run, "--state", "XX.OO....", "--state", "X...O....", "--simulations", 40)
    assert [r["state"] for r in results] == ["XX.OO....", "X...O...."]
    win, second = results
    assert win["to_move"] == "X" and win["move"] == 2  # the search finds the won row, whatever the net
    assert set(win["visits"]) == {"2", "5", "6", "7", "8"}  # the legal moves, and only them
    assert sum(win["visits"].values()) == 40 and win["simulations"] == 40
    assert win["q"]["2"] == 1.0  # every simulation through move 2 ends in X's win
    assert sum(win["policy"].values()) == pytest.approx(1.0, abs=1e-4)
    assert -1.0 <= win["value"] <= 1.0 and -1.0 <= win["search_value"] <= 1.0
    assert second["to_move"] == "X" and second["move"] in (1, 2, 3, 5, 6, 7, 8)
    assert max(second["visits"].values()) == second["visits"][str(second["move"])]


def test_act_matches_the_agent_the_hook_loads(run, capsys):
    agent = alphago_zero.load_board_agent(str(run))
    assert act(capsys, run, "--state", "X...O...X")[0] == agent.analyse((1, 0, 0, 0, -1, 0, 0, 0, 1))


@pytest.mark.parametrize("state, words", [
    ("XX", "has 2 characters; a tictactoe position has 9"),
    ("XXO.ABO..", "contains 'A', 'B'"),
    ("XXX......", "X has 3 marks and O 0"),
    ("XXXOOO...", "both X and O"),
    ("XXXOO....", "finished game"),
    ("." * 42, "has 42 characters; a tictactoe position has 9"),
])
def test_bad_positions_get_a_sentence(run, capsys, state, words):
    assert main(["act", str(run), "--state", state, "--json"]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_run_without_a_board_agent_gets_a_sentence(tmp_path, run, capsys):
    (tmp_path / "config.json").write_text(json.dumps({"model": "mlp", "data": "digits"}))
    assert main(["act", str(tmp_path), "--state", "........."]) == 1
    assert "does not play board games" in capsys.readouterr().err
    assert main(["act", str(run), "--state", ".........", "--simulations", "0"]) == 1
    assert "--simulations 0 must be 1 or more" in capsys.readouterr().err
