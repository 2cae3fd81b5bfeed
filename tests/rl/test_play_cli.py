"""``keras-workbench play RUN_DIR``: the greedy agent's episodes as JSON, repeatable, and a
sentence for every input it cannot play."""

import json

import gymnasium as gym
import numpy as np
import pytest

from workbench.cli import main
from workbench.runs.atomic import write_json
from workbench.training import TrainConfig, job


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("play")
    job.run_training(TrainConfig("q_learning", "CliffWalking-v1", epochs=1, seed=0, out=str(root / "cliff"),
                                 hparams={"episodes": 200}))
    job.run_training(TrainConfig("value_iteration", "FrozenLake-v1", epochs=1, seed=0, out=str(root / "lake"),
                                 hparams={"sweeps": 300}))
    job.run_training(TrainConfig("reinforce", "CartPole-v1", epochs=1, seed=0, out=str(root / "pole"),
                                 hparams={"hidden_units": "8", "episodes_per_epoch": 1}))
    return root


def play(capsys, *argv):
    assert main(["play", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_play_json_replays_the_greedy_policy_of_the_table(runs, capsys):
    result = play(capsys, runs / "cliff", "--episodes", 2)
    assert set(result) == {"returns", "mean_return", "episodes"}
    assert len(result["episodes"]) == 2
    episode = result["episodes"][0]
    assert set(episode) == {"return", "length", "states"}
    # an independent replay: argmax of the saved table, stepped through gymnasium
    q = np.load(runs / "cliff" / "q_table.npy")
    env = gym.make("CliffWalking-v1")
    s, _ = env.reset(seed=0)
    states, total = [int(s)], 0.0
    for _ in range(episode["length"]):
        s, r, _, _, _ = env.step(int(np.argmax(q[s])))
        states.append(int(s))
        total += r
    assert episode["states"] == states and episode["return"] == total
    assert states[0] == 36 and (states[-1] == 47 or episode["length"] == 1000)
    assert result["returns"] == [e["return"] for e in result["episodes"]]
    assert result["mean_return"] == pytest.approx(np.mean(result["returns"]))


def test_the_same_seed_plays_the_same_episodes(runs, capsys):
    first = play(capsys, runs / "lake", "--episodes", 6, "--seed", 4)
    again = play(capsys, runs / "lake", "--episodes", 6, "--seed", 4)
    other = play(capsys, runs / "lake", "--episodes", 6, "--seed", 5)
    assert first == again
    assert first["episodes"] != other["episodes"]  # the lake is slippery: another seed, other walks
    for episode in first["episodes"]:
        assert all(isinstance(s, int) for s in episode["states"]) and episode["states"][0] == 0
        assert episode["return"] in (0.0, 1.0) and episode["length"] == len(episode["states"]) - 1


def test_reinforce_agent_plays_cartpole_with_vector_states(runs, capsys):
    result = play(capsys, runs / "pole", "--episodes", 2, "--seed", 1)
    for episode in result["episodes"]:
        assert episode["return"] == episode["length"]  # +1 a step
        assert len(episode["states"][0]) == 4 and isinstance(episode["states"][0][0], float)


def test_plain_output_lists_each_episode(runs, capsys):
    assert main(["play", str(runs / "cliff"), "--episodes", "2"]) == 0
    out = capsys.readouterr().out
    assert "episode   1: return" in out and "mean return over 2 episode(s)" in out


@pytest.mark.parametrize("run, extra, message", [
    ("cliff", ["--env", "Pendulum-v1"], "continuous action space"),
    ("pole", ["--env", "Pendulum-v1"], "continuous action space"),
    ("cliff", ["--env", "CliffWalk-v9"], "unknown gymnasium environment"),
    ("cliff", ["--env", "FrozenLake-v1"], "48 states"),
    ("pole", ["--env", "Acrobot-v1"], "trained for observations of shape (4,)"),
    ("cliff", ["--episodes", "0"], "must be 1 or more"),
    ("missing", [], "is not a directory"),
])
def test_bad_input_gets_a_sentence(runs, capsys, run, extra, message):
    assert main(["play", str(runs / run), *extra]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_a_run_that_is_not_reinforcement_learning_is_refused(tmp_path, capsys):
    write_json(str(tmp_path / "config.json"), TrainConfig("lenet", "digits", out=str(tmp_path)).to_dict())
    assert main(["play", str(tmp_path)]) == 1
    assert "not a reinforcement-learning agent" in capsys.readouterr().err


def test_a_board_game_agent_plays_both_sides_against_a_random_opponent():
    """The loop of ``play`` on tic-tac-toe: the agent (here: always the lowest free cell) is X
    in even episodes and O in odd ones; its return is +1 a win, -1 a loss, 0 a draw."""
    from workbench.data.board_games import GAMES
    from workbench.rl.play import play_episode

    class LowestCell:
        def act(self, observation, env):
            return min(env.unwrapped.legal_actions())

    env = GAMES["tictactoe"](None)
    for episode in range(6):
        result = play_episode(LowestCell(), env, 3, episode)
        side = episode % 2
        expected = 0.0 if env.unwrapped.winner is None else (1.0 if env.unwrapped.winner == side else -1.0)
        assert result["return"] == expected and 5 <= result["length"] <= 9
        assert result == play_episode(LowestCell(), GAMES["tictactoe"](None), 3, episode)  # repeatable
    first = play_episode(LowestCell(), env, 3, 0)["states"]
    assert first[0] == [0.0] * 9 or np.asarray(first[0]).sum() == 0  # an empty board to start
