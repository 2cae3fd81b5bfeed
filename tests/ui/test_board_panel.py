"""The Board tab: lists board-game runs, plays against the agent (which thinks on a worker
thread), shows its search on the board, refuses illegal clicks with a sentence, undoes."""

import pytest
from PySide6.QtCore import Qt

from workbench.models.rl.board_state import CONNECT4, TICTACTOE
from workbench.runs.atomic import write_json
from workbench.training import TrainConfig, job


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    hp = {"simulations": 2, "eval_simulations": 12, "filters": 4, "blocks": 1, "value_units": 4,
          "games_per_epoch": 2, "train_steps": 1}
    job.run_training(TrainConfig("alphago_zero", "tictactoe", epochs=1, batch_size=8, eager=True, hparams=hp,
                                 out=str(root / "zero")))
    (root / "digits").mkdir()  # a classifier's run is not listed
    write_json(str(root / "digits" / "config.json"), TrainConfig("lenet", "digits", out=str(root / "digits")).to_dict())
    return root


@pytest.fixture
def panel(qtbot, runs_root):
    from ui.panels.board_panel import BoardPanel
    from ui.session import Session

    session = Session()
    session.runs_root = str(runs_root)
    widget = BoardPanel(session)
    widget.resize(900, 600)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.agent is not None and widget.analysis is not None, timeout=30_000)
    return widget


def test_a_game_against_the_agent(panel, qtbot):
    assert panel.run_combo.count() == 1 and "alphago_zero" in panel.run_combo.itemText(0)
    assert panel.cells == TICTACTOE.empty and panel.analysis["to_move"] == "X"
    assert sum(panel.analysis["visits"].values()) == 12  # the run's eval_simulations, shown for your move
    panel.board.resize(300, 300)
    qtbot.mouseClick(panel.board, Qt.MouseButton.LeftButton, pos=panel.board.cell_centre(4).toPoint())
    qtbot.waitUntil(lambda: len(panel.moves) == 2 and panel.analysis is not None, timeout=30_000)
    assert panel.cells[4] == 1 and panel.cells.count(-1) == 1  # your X in the centre, the agent's O
    assert set(map(int, panel.analysis["visits"])) == set(TICTACTOE.legal_actions(panel.cells))
    assert "Your move (X)" in panel.turn_label.text()

    panel.play_move(4)  # taken
    assert "row 1 column 1 is taken" in panel.status.text()
    assert len(panel.moves) == 2

    panel.undo()
    assert panel.cells == TICTACTOE.empty and panel.moves == []


def test_playing_o_lets_the_agent_open(panel, qtbot):
    panel.side_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(panel.moves) == 1 and panel.analysis is not None, timeout=30_000)
    assert panel.cells.count(1) == 1 and panel.analysis["to_move"] == "O"
    assert "Your move (O)" in panel.turn_label.text()
    panel.undo()  # nothing of yours to undo: a new game, the agent opens again
    qtbot.waitUntil(lambda: len(panel.moves) == 1 and not panel.thinking, timeout=30_000)


def test_clicks_map_to_cells_and_columns(qtbot):
    from ui.widgets.board.board_view import BoardView

    view = BoardView()
    qtbot.addWidget(view)
    view.resize(330, 330)
    view.set_position(TICTACTOE, TICTACTOE.empty)
    for index in (0, 4, 8, 5):
        centre = view.cell_centre(index)
        assert view.action_at(centre.x(), centre.y()) == index
    assert view.action_at(2, 2) is None
    view.set_position(TICTACTOE, (1, 0, 0, 0, -1, 0, 0, 0, 0), {"visits": {"2": 5}, "policy": {"2": 1.0}, "move": 2})
    image = view.grab().toImage()
    x_centre, o_rim = view.cell_centre(0), view.cell_centre(4)
    red = image.pixelColor(x_centre.toPoint())
    assert red.red() > 150 and red.green() < 100  # X's strokes cross at the centre of its cell
    cell = view.cell_centre(1).x() - x_centre.x()
    yellow = image.pixelColor(int(o_rim.x() + 0.3 * cell), int(o_rim.y()))
    assert yellow.red() > 150 and yellow.blue() < 100  # O's ring
    view.resize(700, 700)
    view.set_position(CONNECT4, CONNECT4.empty, {"visits": {"3": 10}, "policy": {"3": 1.0}, "move": 3})
    centre = view.cell_centre(5 * 7 + 6)  # bottom row, last column
    assert view.action_at(centre.x(), centre.y()) == 6
    assert view.action_at(view.cell_centre(3).x(), view.cell_centre(3).y()) == 3
    view.grab()  # paints without error
