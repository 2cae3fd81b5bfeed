"""The Play tab: lists RL runs, plays the agent's greedy episodes with frames at a pace,
shows the grid world's values with the greedy path, and stops on request."""

import numpy as np
import pytest

from workbench.rl.play import play
from workbench.runs.atomic import write_json
from workbench.training import TrainConfig, job


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    job.run_training(TrainConfig("q_learning", "CliffWalking-v1", epochs=1, seed=0, out=str(root / "cliff"),
                                 hparams={"episodes": 200}))
    job.run_training(TrainConfig("value_iteration", "FrozenLake-v1", epochs=1, seed=0, out=str(root / "lake"),
                                 hparams={"sweeps": 300}))
    (root / "digits").mkdir()  # a classifier's run is not listed
    write_json(str(root / "digits" / "config.json"), TrainConfig("lenet", "digits", out=str(root / "digits")).to_dict())
    return root


@pytest.fixture
def panel(qtbot, runs_root):
    from ui.panels.play_panel import PlayPanel
    from ui.session import Session

    session = Session()
    session.runs_root = str(runs_root)
    widget = PlayPanel(session)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.run_combo.count() == 2, timeout=20_000)
    widget.pace_spin.setValue(240)
    return widget


def test_only_reinforcement_learning_runs_are_listed(panel):
    labels = [panel.run_combo.itemText(i) for i in range(panel.run_combo.count())]
    assert sorted(label.split(" · ")[1] for label in labels) == ["q_learning", "value_iteration"]


def test_watching_plays_the_same_episodes_as_the_cli(panel, qtbot, runs_root):
    panel.choose_run(str(runs_root / "lake"))
    panel.episodes_spin.setValue(3)
    panel.seed_spin.setValue(7)
    panel.start()
    assert panel.playing and not panel.watch_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.playing, timeout=30_000)
    expected = play(str(runs_root / "lake"), 3, seed=7)
    assert panel.table.returns() == expected["returns"]
    assert [int(panel.table.item(r, 2).text()) for r in range(3)] == [e["length"] for e in expected["episodes"]]
    assert f"mean return {expected['mean_return']:g} over 3" in panel.summary.text()
    frame = panel.frame_view.pixels  # FrozenLake's rendered frame, scaled for display
    assert frame is not None and frame.ndim == 3 and frame.shape[2] == 3 and frame.shape[1] <= 480


def test_a_grid_world_shows_its_values_and_greedy_path(panel, qtbot, runs_root):
    from workbench.models.rl import tabular

    panel.choose_run(str(runs_root / "cliff"))
    panel.episodes_spin.setValue(1)
    panel.start()
    qtbot.waitUntil(lambda: not panel.playing, timeout=30_000)
    picture = panel.grid_view.pixels
    assert picture.shape == (4 * 48, 12 * 48, 3)
    q = np.load(runs_root / "cliff" / "q_table.npy")
    import gymnasium as gym

    env = gym.make("CliffWalking-v1")
    path, _ = tabular.greedy_path(q, env, 36)
    np.testing.assert_array_equal(picture, tabular.path_picture(q.max(axis=1), path, (4, 12),
                                                                 np.where(env.unwrapped._cliff, -100.0, -1.0)))
    assert "greedy path" in panel.grid_view.caption
    # the run's training returns (its episode_returns view: 200 episodes) beside them
    assert panel.curve_view is not None and panel.curve_view.isVisibleTo(panel)
    assert len(panel.curve_view.value.series["return"][1]) == 200


def test_stop_ends_the_episodes_early(panel, qtbot, runs_root):
    panel.choose_run(str(runs_root / "lake"))
    panel.episodes_spin.setValue(500)
    panel.pace_spin.setValue(30)
    panel.start()
    qtbot.waitUntil(lambda: panel.frame_view.pixels is not None, timeout=20_000)
    panel.stop()
    qtbot.waitUntil(lambda: not panel.playing, timeout=20_000)
    assert panel.result is not None and 1 <= len(panel.result["episodes"]) < 500
    assert "(stopped)" in panel.summary.text()
    assert panel.table.rowCount() == len(panel.result["episodes"])


def test_a_run_that_cannot_be_played_gives_a_sentence(panel, qtbot, tmp_path):
    (tmp_path / "config.json").write_text('{"model": "q_learning", "data": "CliffWalking-v1"}')
    panel.choose_run(str(tmp_path))
    panel.start()
    qtbot.waitUntil(lambda: not panel.playing, timeout=20_000)
    assert "no q_table.npy" in panel.session.last_error
    assert "no q_table.npy" in panel.summary.text()


def test_the_runs_tab_calls_a_tabular_run_a_tabular_agent(qtbot, runs_root):
    from ui.panels.runs_panel import RunsPanel
    from ui.session import Session

    session = Session()
    session.runs_root, session.tf_loaded = str(runs_root), True
    runs = RunsPanel(session)
    qtbot.addWidget(runs)
    runs.open_run(str(runs_root / "cliff"))
    assert "is a tabular agent (q_table.npy, no model.keras)" in session.last_error
    assert session.model is None
