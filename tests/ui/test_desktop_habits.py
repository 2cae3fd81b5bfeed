"""Desktop habits: remembered settings and layout, the question before quitting during a run,
keyboard shortcuts, the dark theme and dropped run folders.

Every window here keeps its settings in an INI file under ``tmp_path`` (or in memory):
the user's real settings are never read or written. No TensorFlow is needed.
"""

import json
import os

import pytest
from PySide6.QtCore import QObject, QPoint, QSize, Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication

from ui import quit_guard, theme
from ui.main_window import MainWindow
from ui.settings import RECENT_LIMIT, Settings, default_runs_folder, push_recent


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Settings made without a path go to this test's INI file; the data dir is tmp_path too."""
    monkeypatch.setenv("KERAS_WORKBENCH_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("KERAS_WORKBENCH_RUNS", raising=False)
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot):
    def make(settings=None):
        window = MainWindow(settings=settings or Settings.ephemeral())
        qtbot.addWidget(window)
        return window

    return make


class FakeBridge(QObject):
    """What the quit guard and the keys see of a RunBridge: running, stop, wait."""

    running_changed = Signal(bool)

    def __init__(self, running=True):
        super().__init__()
        self.running, self.stops, self.waits = running, 0, []
        self.control = None

    def stop(self):
        self.stops += 1

    def wait(self, timeout):
        self.waits.append(timeout)
        return True

    def end(self):  # what the real bridge does when its process has returned
        self.running = False
        self.running_changed.emit(False)


# -- settings -------------------------------------------------------------------------------------
def test_geometry_tab_and_splitters_come_back_in_a_new_window(make_window, private_settings):
    first = make_window(Settings())
    first.resize(QSize(1310, 747))
    first.move(QPoint(40, 30))
    first.show()
    first.show_panel("RunsPanel")
    splitter = first.panel("TrainPanel").split
    splitter.setSizes([300, 200])
    sizes = splitter.sizes()
    assert first.close()
    assert private_settings.is_file()  # written to the test's file, not the user's settings

    second = make_window(Settings())
    second.show()
    # the offscreen screen is 800 pixels wide: Qt fits the restored width to it (and then to
    # the window's minimum), the height of 747 (not the first start's 820) comes back as it was
    assert second.height() == 747
    assert type(second.tabs.currentWidget()).__name__ == "RunsPanel"
    assert second.panel("TrainPanel").split.sizes() == sizes


def test_recent_lists_are_capped_newest_first_and_without_duplicates(private_settings):
    settings = Settings()
    for index in range(RECENT_LIMIT + 3):
        settings.add_recent("data", f"/data/set{index}")
    settings.add_recent("data", "/data/set5/")  # the same folder written with a trailing slash
    settings.add_recent("models", "lenet")
    settings.sync()
    again = Settings()  # read back from the INI file
    data = again.recent("data")
    assert len(data) == RECENT_LIMIT
    assert data[0] == "/data/set5/" and data[1] == "/data/set12"
    assert sum(os.path.normpath(p) == "/data/set5" for p in data) == 1
    assert "/data/set0" not in data and "/data/set2" not in data  # the oldest fell off
    assert again.recent("models") == ["lenet"]  # a one-element list survives the INI format
    assert push_recent(["b", "a"], "a", limit=2) == ["a", "b"]


def test_runs_folder_defaults_to_the_user_data_dir(tmp_path, make_window):
    expected = str(tmp_path / "data" / "keras-workbench" / "runs")
    assert default_runs_folder() == expected
    settings = Settings()
    assert settings.runs_folder() == expected
    window = make_window(settings)
    assert window.session.runs_root == expected  # new runs go there
    settings.set_runs_folder(str(tmp_path / "mine"))
    assert Settings().runs_folder() == str(tmp_path / "mine")
    assert make_window(Settings.ephemeral()).session.runs_root == ""  # a test window touches nothing


def test_recent_entries_are_recorded_and_reopened(make_window, tmp_path, qtbot):
    window = make_window()
    from workbench import catalog

    window.panel("DataPanel").choose("digits")  # embedded: loaded at once, on a worker
    qtbot.waitUntil(lambda: window.session.dataset is not None, timeout=20000)
    # the Model tab would build each chosen model (TensorFlow): here only the recent lists listen
    window.session.entry_changed.disconnect()
    window.memory.track_recent()
    window.session.set_entry(catalog.get("lenet"))
    window.session.set_entry(catalog.get("mlp"))
    assert window.settings.recent("data")[0] == "digits"
    assert window.settings.recent("models")[:2] == ["mlp", "lenet"]
    opened = []
    window.panel("DataPanel").open_folder = opened.append
    window.open_recent("data", str(tmp_path))
    assert opened == [str(tmp_path)] and window.tabs.currentWidget() is window.panel("DataPanel")
    window.recent_menu.aboutToShow.emit()
    texts = [action.text() for action in window.recent_menu.actions()]
    assert "mlp" in texts


# -- the question before quitting --------------------------------------------------------------------
def test_close_during_a_run_keep_training_refuses(make_window):
    window = make_window()
    window.show()
    bridge = FakeBridge()
    window.panel("TrainPanel").bridge = bridge
    asked = []
    window.quit_guard.ask = lambda busy, waiting=False: asked.append([a.title for a in busy]) or quit_guard.KEEP
    assert not window.close()
    assert window.isVisible() and bridge.stops == 0
    assert asked == [["Train: a training run"]]


def test_close_during_a_run_stop_and_keep_waits_for_the_end(make_window, qtbot):
    window = make_window()
    window.show()
    bridge = FakeBridge()
    window.panel("TrainPanel").bridge = bridge
    window.quit_guard.ask = lambda busy, waiting=False: quit_guard.STOP
    assert not window.close()  # not yet: the run stops after its current batch first
    assert bridge.stops == 1 and window.isVisible()
    qtbot.wait(3 * quit_guard.POLL_MS)
    assert window.isVisible()  # still running: the window waits (its event loop turns meanwhile)
    bridge.end()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


def test_quit_now_is_offered_only_when_it_loses_at_most_an_epoch(make_window):
    run = quit_guard.Activity("Train: a training run", lambda: None, lambda: False, kill=lambda: None)
    export = quit_guard.Activity("Export: an export", None, lambda: False)
    text, info = quit_guard.question([run])
    assert "Train: a training run" in text and "at most the epoch in progress" in info
    assert "not offered" in quit_guard.question([run, export])[1]
    window = make_window()
    window.show()
    bridge = FakeBridge()
    window.panel("TrainPanel").bridge = bridge
    window.quit_guard.ask = lambda busy, waiting=False: quit_guard.QUIT_NOW
    assert window.close()
    assert bridge.waits[0] == 1.0  # ended at once: stopped, then its process terminated after 1 s


def test_close_with_nothing_running_asks_nothing(make_window):
    window = make_window()
    window.show()
    window.quit_guard.ask = lambda busy, waiting=False: pytest.fail("asked although nothing runs")
    assert window.close()


# -- keyboard shortcuts ------------------------------------------------------------------------------
def _action(window, keys):
    wanted = QKeySequence(keys)
    return next(a for a in window.shortcut_actions if a.shortcut() == wanted)


def test_shortcuts_reach_their_slots(make_window, qtbot):
    window = make_window()
    window.show()
    train, calls = window.panel("TrainPanel"), []
    train.start = lambda: calls.append("start")
    train.start_button.setEnabled(True)
    train.toggle_pause = lambda: calls.append("pause")
    window.panel("DataPanel").open_folder_dialog = lambda: calls.append("data")
    window.panel("XaiPanel").open_image_dialog = lambda: calls.append("explain-image")
    window.panel("PredictPanel").open_images_dialog = lambda: calls.append("predict-image")

    _action(window, "Ctrl+R").trigger()
    assert calls == ["start"] and window.tabs.currentWidget() is train
    bridge = FakeBridge()
    train.bridge = bridge
    _action(window, "Ctrl+P").trigger()
    _action(window, "Ctrl+.").trigger()
    assert calls[-1] == "pause" and bridge.stops == 1
    _action(window, "Ctrl+R").trigger()  # already running: nothing new starts
    assert calls.count("start") == 1
    _action(window, "Ctrl+D").trigger()
    _action(window, "Ctrl+O").trigger()  # on the Data tab: the image goes to Explain
    window.show_panel("PredictPanel")
    _action(window, "Ctrl+O").trigger()  # on Predict: Predict's own dialog
    assert calls[-3:] == ["data", "explain-image", "predict-image"]
    _action(window, "Ctrl+E").trigger()
    assert window.tabs.currentWidget() is window.panel("ExportPanel")
    _action(window, "Ctrl+3").trigger()
    assert window.tabs.currentIndex() == 2
    dialog = None
    window.open_preferences = lambda: calls.append("preferences")
    _action(window, "Ctrl+,").trigger()
    assert calls[-1] == "preferences" and dialog is None
    listed = dict(window.shortcuts())
    for key in ("Ctrl+R", "Ctrl+.", "Ctrl+P", "Ctrl+O", "Ctrl+D", "Ctrl+E", "Ctrl+1", "Ctrl+9", "Ctrl+,"):
        assert QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) in listed
    bridge.running = False  # lets the window close


# -- themes and preferences ---------------------------------------------------------------------------
def test_dark_theme_changes_palette_and_plots_and_back(make_window):
    import pyqtgraph as pg

    from ui.widgets.curve_plot import CurvePlot

    app = QApplication.instance()
    light_window = app.palette().color(QPalette.ColorRole.Window)
    before = CurvePlot()  # a plot that exists when the theme changes
    try:
        theme.apply(app, "dark")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert app.property("workbench-style") == "fusion"  # style() is the style sheet's, nameless
        assert pg.mkColor(pg.getConfigOption("background")).lightness() < 60
        assert pg.mkColor(pg.getConfigOption("foreground")).lightness() > 180
        loss = before.plots["loss"]
        assert loss.widget.backgroundBrush().color().lightness() < 60
        axis = loss.widget.getPlotItem().getAxis("left")
        assert axis.textPen().color().lightness() > 180
        after = CurvePlot()  # made in the dark theme, even if a module reset pyqtgraph's options
        pg.setConfigOptions(background="w")
        after.prepare(["accuracy"])
        assert after.plots["accuracy"].widget.backgroundBrush().color().lightness() < 60
        after._empty.ensurePolished()  # the hint grey comes from the application's style sheet
        assert after._empty.palette().color(QPalette.ColorRole.WindowText).name() == "#a8a8a8"
    finally:
        theme.apply(app, "light")
    assert app.palette().color(QPalette.ColorRole.Window) == light_window
    assert pg.mkColor(pg.getConfigOption("background")).lightness() == 255
    assert before.plots["loss"].widget.backgroundBrush().color().lightness() == 255
    before._empty.ensurePolished()
    assert before._empty.palette().color(QPalette.ColorRole.WindowText).name() == "#606060"
    before.deleteLater()
    after.deleteLater()


def test_preferences_dialog_saves_and_the_window_applies(make_window, tmp_path):
    settings = Settings()
    window = make_window(settings)
    window.session.devices = [{"id": "CPU:0", "name": "CPU"}]
    dialog = window.open_preferences()
    try:
        dialog.runs_folder.setText(str(tmp_path / "runs-here"))
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        dialog.device.setCurrentIndex(dialog.device.findData("CPU:0"))
        (tmp_path / "a-file").write_text("x")
        dialog.runs_folder.setText(str(tmp_path / "a-file"))
        assert not dialog.apply() and "is a file" in dialog.problem.text()
        dialog.runs_folder.setText(str(tmp_path / "runs-here"))
        assert dialog.apply()
        again = Settings()
        assert (again.theme(), again.device(), again.runs_folder()) == ("dark", "CPU:0", str(tmp_path / "runs-here"))
        assert window.session.runs_root == str(tmp_path / "runs-here")
        assert theme.current == "dark"
    finally:
        theme.apply(QApplication.instance(), "light")
        dialog.close()


# -- drag and drop ---------------------------------------------------------------------------------------
def test_a_dropped_run_folder_opens_in_runs(make_window, tmp_path, qtbot):
    run = tmp_path / "elsewhere" / "20260101-lenet"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"model": "lenet", "data": "digits", "epochs": 2}))
    (run / "history.json").write_text(json.dumps({"epoch": [1], "loss": [0.5]}))
    window = make_window()
    window.session.runs_root = str(tmp_path / "runs")
    window.show()
    window.open_path(str(run))
    runs = window.panel("RunsPanel")
    assert window.tabs.currentWidget() is runs
    assert str(run.parent) in runs.roots()
    qtbot.waitUntil(lambda: [r.path for r in runs.selected_runs()] == [str(run)], timeout=10000)
    assert window.settings.recent("runs")[0] == str(run)
