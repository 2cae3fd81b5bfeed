"""The Board tab: play tic-tac-toe or Connect Four against a trained AlphaGo / AlphaGo Zero agent.

Pick a board-game run and a side; click a cell (a column in Connect Four) to move. The agent
thinks on a worker thread with the same search as ``keras-workbench act`` (its visit counts,
its network's policy and value); after each of its moves it also searches the position you
now face, so the board always shows what the agent makes of the current position. A move
the rules do not allow gets a sentence in the status line; New game and Undo (your last
move and the agent's reply) reset the position.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.panels.base import Panel, hint_label
from ui.widgets.board.board_view import BoardView
from ui.widgets.run_picker import RunPicker


def board_runs(roots: list[str]) -> list[tuple[str, str]]:
    """(path, label) of every run under ``roots`` whose entry plays board games (an
    ``act_board`` hook) and that has a trained network; worker thread."""
    from workbench.runs.history import runs_with_entries

    return [(record.path, f"{record.name} · {entry.name} · {record.data}")
            for record, entry in runs_with_entries(roots, need_model=True) if "act_board" in entry.hooks]


def load_agent(run_dir: str):
    """Worker: the run's ``BoardAgent`` (its ``load_agent`` hook)."""
    from workbench import catalog
    from workbench.runs.rundir import RunDir

    entry = catalog.get(str(RunDir(run_dir).read_config().get("model")))
    return entry.hook("load_agent")(run_dir)


def _signed(value: float) -> str:
    """+0.42, -0.07, and 0.00 rather than -0.00."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


class BoardPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Board")
    order = 48
    help = QT_TRANSLATE_NOOP("Panel", "Play tic-tac-toe or Connect Four against a trained AlphaGo / AlphaGo Zero agent")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.agent = None
        self.run_dir = ""
        self.cells: tuple = ()
        self.history: list[tuple] = []  # earlier positions, for Undo
        self.moves: list[int] = []
        self.analysis: dict | None = None
        self.thinking = False
        self._build()
        self.refresh()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.picker = RunPicker(self, board_runs, self.tr("no trained board-game run yet"),
                                self.tr("Open a board-game run folder"))
        self.picker.chosen.connect(self._chosen)
        self.run_combo = self.picker.combo
        self.side_combo = QComboBox()
        self.side_combo.addItem(self.tr("X (you move first)"), 0)
        self.side_combo.addItem(self.tr("O (the agent moves first)"), 1)
        self.side_combo.currentIndexChanged.connect(lambda _i: self.new_game())
        self.sims_spin = QSpinBox()
        self.sims_spin.setRange(1, 100000)
        self.sims_spin.setValue(64)
        self.new_button = QPushButton(self.tr("New game"))
        self.new_button.clicked.connect(self.new_game)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.clicked.connect(self.undo)

        form = QFormLayout()
        form.addRow(self.tr("You play"), self.side_combo)
        form.addRow(self.tr("MCTS simulations"), self.sims_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.undo_button)
        form.addRow(buttons)
        box = QGroupBox(self.tr("Game"))
        box.setLayout(form)
        self.turn_label = QLabel("")
        self.turn_label.setWordWrap(True)
        self.turn_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.stats_label = QLabel("")
        self.stats_label.setWordWrap(True)
        self.stats_label.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #a02020;")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(box)
        side_layout.addWidget(self.turn_label)
        side_layout.addWidget(self.stats_label)
        side_layout.addWidget(self.status)
        side_layout.addStretch(1)
        self.board = BoardView()
        self.board.clicked.connect(self.play_move)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.board)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(hint_label(
            self.tr("Runs of alphago_zero and alphago. On each empty cell (each column's bar "
                    "in Connect Four): n, the agent's MCTS visit count for that move in the "
                    "position shown, and p, its network's prior; the outlined move is the one "
                    "the search prefers. The value is the network's estimate for the side to "
                    "move, from -1 (lost) to +1 (won).")))
        layout.addWidget(splitter, 1)

    # -- runs ----------------------------------------------------------------------------------
    @property
    def extra_roots(self) -> list[str]:
        return self.picker.extra_roots

    def refresh(self) -> None:
        self.picker.refresh()

    def choose_run(self, path: str) -> None:
        """Select and load ``path`` (added to the list when it is not under a known root)."""
        self.picker.choose(path)

    def _chosen(self, path: str) -> None:
        if path and path != self.run_dir:
            self.load_run(path)

    def load_run(self, path: str | None) -> None:
        if not path:
            return
        self.run_dir, self.agent = path, None
        self.turn_label.setText(self.tr("loading the agent…"))
        self.background(lambda: load_agent(path), self._loaded, key=f"board-load-{id(self)}",
                        lane=self.TF_LANE)

    def _loaded(self, agent) -> None:
        self.agent = agent
        self.sims_spin.setValue(agent.simulations)
        self.new_game()

    # -- the game ------------------------------------------------------------------------------
    @property
    def user_side(self) -> int:
        return int(self.side_combo.currentData())

    def new_game(self) -> None:
        if self.agent is None:
            return
        self.cells, self.history, self.moves = self.agent.rules.empty, [], []
        self._after_move()

    def undo(self) -> None:
        """Back to the user's previous turn (their move and the agent's reply undone)."""
        if self.thinking:
            self._say(self.tr("the agent is thinking; undo when it has moved"))
            return
        rules = self.agent.rules if self.agent else None
        while self.history:
            self.cells = self.history.pop()
            self.moves.pop()
            if rules.to_move(self.cells) == self.user_side:
                break
        if not self.history and rules and rules.to_move(self.cells) != self.user_side:
            self.new_game()
            return
        self._after_move()

    def play_move(self, action: int) -> None:
        """The user's click: a sentence for a move the rules (or the moment) do not allow."""
        from workbench.errors import WorkbenchError
        from workbench.models.rl.board_state import check_move

        if self.agent is None:
            self._say(self.tr("choose a board-game run first (train alphago_zero on tictactoe)"))
            return
        rules = self.agent.rules
        if self.thinking:
            self._say(self.tr("the agent is thinking; wait for its move"))
            return
        if not rules.is_over(self.cells) and rules.to_move(self.cells) != self.user_side:
            self._say(self.tr("it is the agent's turn"))
            return
        try:
            check_move(rules, self.cells, action)
        except WorkbenchError as error:
            self._say(str(error))
            return
        self._apply(action)

    def _apply(self, action: int) -> None:
        self.history.append(self.cells)
        self.moves.append(action)
        self.cells = self.agent.rules.play(self.cells, action)
        self._after_move()

    def _after_move(self) -> None:
        """Show the position, then let the agent search it: to move, or to show its view."""
        rules = self.agent.rules
        self._say("")
        self.analysis = None
        self._show()
        if rules.is_over(self.cells):
            return
        self._think(agent_moves=rules.to_move(self.cells) != self.user_side)

    def _think(self, agent_moves: bool) -> None:
        agent, cells, sims = self.agent, self.cells, self.sims_spin.value()
        self.thinking = agent_moves
        self.turn_label.setText(self.tr("the agent is thinking…") if agent_moves
                                else self.tr("your move (the agent is reading the board…)"))
        self.background(lambda: agent.analyse(cells, sims), lambda result: self._thought(cells, agent_moves, result),
                        key=f"board-think-{id(self)}", lane=self.TF_LANE)

    def _thought(self, cells: tuple, agent_moves: bool, analysis: dict) -> None:
        if cells != self.cells:  # a new game or an undo came first
            return
        self.thinking = False
        if agent_moves:
            self._apply(analysis["move"])
            return
        self.analysis = analysis
        self._show()

    def on_background_failed(self, key, message: str) -> None:
        if key == f"board-think-{id(self)}":
            self.thinking = False
        self.turn_label.setText(message)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        if text:
            self.session.report(text)

    def _show(self) -> None:
        rules = self.agent.rules
        last = None
        if self.moves:
            before, after = self.history[-1], self.cells
            last = next(i for i, (a, b) in enumerate(zip(before, after)) if a != b)
        self.board.set_position(rules, self.cells, self.analysis, last)
        you, agent = "XO"[self.user_side], "XO"[1 - self.user_side]
        if rules.is_over(self.cells):
            winner = rules.winner(self.cells)
            if winner is None:
                text = self.tr("Game over: a draw")
            elif winner == self.user_side:
                text = self.tr("Game over: you win!")
            else:
                text = self.tr("Game over: the agent ({0}) wins").format(agent)
            self.turn_label.setText(text)
        elif rules.to_move(self.cells) == self.user_side:
            self.turn_label.setText(self.tr("Your move ({0})").format(you))
        a = self.analysis
        if a is None:
            self.stats_label.setText(self.tr("{0} · move {1}").format(getattr(self.agent, 'name', 'agent'),
                                                                      len(self.moves) + 1))
            return
        moves = ", ".join(map(str, self.moves)) or self.tr("none yet")
        self.stats_label.setText(
            self.tr("<b>{0}</b> on this position ({1} to move), {2} simulations:<br>network "
                    "value <b>{3}</b> · search value <b>{4}</b><br>the search prefers "
                    "<b>{5}</b> ({6})<br>moves so far: {7}").format(
                getattr(self.agent, 'name', 'agent'), a['to_move'], a['simulations'], _signed(a['value']),
                _signed(a['search_value']), a['move'], a['move_name'], moves))

    def shutdown(self) -> None:
        self.agent = None
