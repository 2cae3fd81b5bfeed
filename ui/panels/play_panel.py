"""The Play tab: pick a trained RL run and watch its agent act greedily.

The episodes are played on a worker thread (``workbench.rl.play``, as ``keras-workbench
play``): each step's frame (``env.render()``, scaled to display size) comes back through a
``StepPacer`` at the chosen steps per second, with the return and length of each episode in
a table; Stop ends the episode under way. For a grid world the agent's state values are
drawn on the grid with its greedy path. Board games have their own tab.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
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
from ui.widgets.image_view import ImageView
from ui.widgets.play.episode_table import EpisodeTable
from ui.widgets.play.pacer import StepPacer
from ui.widgets.run_picker import RunPicker

#: Frames are scaled down to at most this width on the worker (the view scales them again).
FRAME_WIDTH = 480


def rl_runs(roots: list[str]) -> list[tuple[str, str]]:
    """(path, label) of every run under ``roots`` whose entry can be played here (an RL agent
    with a ``load_agent`` hook, on an environment that is not a board game); worker thread."""
    from workbench.data.environments import BOARD_GAMES
    from workbench.runs.history import runs_with_entries

    return [(record.path, f"{record.name} · {entry.name} · {record.data}")
            for record, entry in runs_with_entries(roots)
            if record.data not in BOARD_GAMES and entry.task == "rl" and "load_agent" in entry.hooks]


def display_frame(frame: np.ndarray | None) -> np.ndarray | None:
    """A rendered frame scaled down to ``FRAME_WIDTH`` (less to copy and draw)."""
    if frame is None or frame.shape[1] <= FRAME_WIDTH:
        return frame
    import cv2

    height = round(frame.shape[0] * FRAME_WIDTH / frame.shape[1])
    return cv2.resize(frame, (FRAME_WIDTH, height), interpolation=cv2.INTER_AREA)


def grid_picture(loaded, seed: int):
    """The grid world's V(s) with the greedy path from the start, for a tabular agent; None
    for any other agent or environment."""
    from workbench.models.rl import tabular

    agent, source = loaded.agent, loaded.source
    if source.grid is None or not hasattr(agent, "values") or not hasattr(agent, "q_values"):
        return None
    env = source._probe
    path, ended = tabular.greedy_path(agent.q_values(env), env, tabular.start_state(env, seed))
    picture = tabular.path_picture(agent.values(), path, source.grid.shape, source.grid)
    if ended:
        caption = QCoreApplication.translate("PlayPanel", "V(s) and the greedy path: reaches state {0} in {1} steps")
    else:
        caption = QCoreApplication.translate("PlayPanel", "V(s) and the greedy path: circles without ending")
    return picture, caption.format(path[-1], len(path) - 1)


def training_returns(run_dir: str):
    """The run's own episode-return curve from training (its ``episode_returns`` view), or None."""
    from workbench.errors import WorkbenchError
    from workbench.views.store import load_view

    try:
        return load_view(run_dir, "episode_returns")
    except (WorkbenchError, OSError, ValueError, KeyError):
        return None


def watch(run_dir: str, episodes: int, seed: int, pacer: StepPacer) -> dict:
    """Worker: load the agent, send the grid picture, then every step to ``pacer``."""
    from workbench.rl.play import load, play

    loaded = load(run_dir, seed=seed)
    pacer.put(("grid", grid_picture(loaded, seed)))
    pacer.put(("curve", training_returns(run_dir)))

    def on_step(step) -> None:
        step.frame = display_frame(step.frame)
        pacer.put(("step", step))

    result = play(run_dir, episodes, seed=seed, render=True, on_step=on_step,
                  should_stop=pacer.stopped.is_set, loaded=loaded)
    pacer.put(("done", result), urgent=True)
    return result


class PlayPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Play")
    order = 47
    help = QT_TRANSLATE_NOOP("Panel", "Watch a trained reinforcement-learning agent play, greedily")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.episodes_planned = 0
        self.result: dict | None = None
        self.pacer = StepPacer(self)
        self.pacer.item.connect(self._show)
        self._build()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.picker = RunPicker(self, rl_runs, self.tr("no trained RL run yet"), self.tr("Open an RL run folder"))
        self.run_combo = self.picker.combo
        self.episodes_spin = QSpinBox()
        self.episodes_spin.setRange(1, 1000)
        self.episodes_spin.setValue(5)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.pace_spin = QSpinBox()
        self.pace_spin.setRange(1, 240)
        self.pace_spin.setValue(20)
        self.pace_spin.setSuffix(self.tr(" steps/s"))
        self.pace_spin.valueChanged.connect(self.pacer.set_pace)
        self.watch_button = QPushButton(self.tr("Watch the agent"))
        self.watch_button.setDefault(True)
        self.watch_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)

        settings = QFormLayout()
        settings.addRow(self.tr("Episodes"), self.episodes_spin)
        settings.addRow(self.tr("Seed"), self.seed_spin)
        settings.addRow(self.tr("Pace"), self.pace_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.watch_button)
        buttons.addWidget(self.stop_button)
        settings.addRow(buttons)
        box = QGroupBox(self.tr("Greedy episodes"))
        box.setLayout(settings)

        self.frame_view = ImageView(self.tr("The environment's frames appear here while the agent plays"))
        self.grid_view = ImageView(self.tr("A grid world's state values and greedy path appear here"))
        self.table = EpisodeTable()
        self.curve_title = QLabel("")
        self.curve_title.setWordWrap(True)
        self.curve_box = QVBoxLayout()
        self.curve_view = None  # the training return curve's renderer, made on first use
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        side = QWidget()  # the controls and the numbers, a fixed-width column on the right
        side.setMaximumWidth(380)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(box)
        side_layout.addWidget(self.table, 1)
        side_layout.addWidget(self.summary)
        below = QWidget()  # what the agent learned: its values on the grid, its training returns
        below_layout = QHBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.grid_view, 3)
        curve = QVBoxLayout()
        curve.addWidget(self.curve_title)
        curve.addLayout(self.curve_box, 1)
        below_layout.addLayout(curve, 2)
        watch = QSplitter(Qt.Orientation.Vertical)
        watch.addWidget(self.frame_view)
        watch.addWidget(below)
        watch.setStretchFactor(0, 3)
        watch.setStretchFactor(1, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(watch)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(hint_label(self.tr("Runs of the reinforcement-learning entries under "
                                            "the runs folder; the agent acts greedily, episode "
                                            "i seeded from (seed, i) as in keras-workbench "
                                            "play. Board games are played in their own tab.")))
        layout.addWidget(splitter, 1)

    # -- runs -----------------------------------------------------------------------------
    @property
    def extra_roots(self) -> list[str]:
        return self.picker.extra_roots

    def refresh(self) -> None:
        self.picker.refresh()

    def showEvent(self, event):
        """Runs trained since the tab was last seen appear when it is shown again."""
        super().showEvent(event)
        if not self.playing:
            self.refresh()

    def choose_run(self, path: str) -> None:
        """Select ``path`` (added to the list when it is not under a known root)."""
        self.picker.choose(path)

    # -- watching -------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.stop_button.isEnabled()

    def start(self) -> None:
        run_dir = self.run_combo.currentData()
        if not run_dir:
            self.session.fail(self.tr("Choose a run of a reinforcement-learning entry first "
                                      "(train one, e.g. q_learning on CliffWalking-v1 or "
                                      "reinforce on CartPole-v1)."))
            return
        self.episodes_planned = self.episodes_spin.value()
        self.result = None
        self.table.clear_episodes()
        self.frame_view.set_image(None)
        self.grid_view.set_image(None)
        self.summary.setText(self.tr("loading the agent…"))
        self._set_playing(True)
        self.pacer.start(self.pace_spin.value())
        episodes, seed, pacer = self.episodes_planned, self.seed_spin.value(), self.pacer
        self.background(lambda: watch(run_dir, episodes, seed, pacer), None, key=f"play-{id(self)}")

    def stop(self) -> None:
        """End the episode under way; the episodes played so far stay in the table."""
        self.pacer.stop()
        self.summary.setText(self.tr("stopping…"))

    def _set_playing(self, playing: bool) -> None:
        self.watch_button.setEnabled(not playing)
        self.stop_button.setEnabled(playing)
        self.run_combo.setEnabled(not playing)

    def _show(self, item) -> None:
        kind, value = item
        if kind == "grid":
            self.grid_view.setVisible(value is not None)
            if value is not None:
                self.grid_view.set_image(*value)
            return
        if kind == "curve":
            self._show_curve(value)
            return
        if kind == "step":
            self._show_step(value)
            return
        self._finished(value)

    def _show_curve(self, view) -> None:
        """The training returns beside the greedy ones: what the agent learned, and how fast."""
        from ui.widgets.views import renderer_for

        if view is None:
            self.curve_title.setText("")
            if self.curve_view is not None:
                self.curve_view.setVisible(False)
            return
        self.curve_title.setText(self.tr("<b>While training:</b> {0} (step {1})").format(view.title, view.step))
        if self.curve_view is None:
            self.curve_view = renderer_for(view.value)
            self.curve_view.setMinimumHeight(160)
            self.curve_box.addWidget(self.curve_view)
        else:
            self.curve_view.set_value(view.value)
        self.curve_view.setVisible(True)

    def _show_step(self, step) -> None:
        caption = self.tr("episode {0}/{1} · step {2} · return so far {3:g}").format(
            step.episode + 1, self.episodes_planned, step.t, step.total)
        if step.frame is not None:
            self.frame_view.set_image(step.frame, caption)
        self.summary.setText(caption)
        if step.done:
            self.table.add_episode(step.episode + 1, step.total, step.t)

    def _finished(self, result: dict) -> None:
        """The authoritative numbers from ``play`` (episodes cut short by the step limit or
        by Stop included)."""
        self.pacer.halt()
        self.result = result
        self.table.clear_episodes()
        for i, episode in enumerate(result["episodes"], 1):
            self.table.add_episode(i, episode["return"], episode["length"])
        if self.pacer.stopped.is_set():
            summary = self.tr("mean return {0:g} over {1} episode(s) (stopped)")
        else:
            summary = self.tr("mean return {0:g} over {1} episode(s)")
        self.summary.setText(summary.format(result['mean_return'], len(result['episodes'])))
        self._set_playing(False)

    def on_background_failed(self, key, message: str) -> None:
        if key == f"play-{id(self)}":
            self.pacer.stop()
            self.pacer.halt()
            self.summary.setText(message)
            self._set_playing(False)

    def shutdown(self) -> None:
        self.pacer.stop()
        self.pacer.halt()
