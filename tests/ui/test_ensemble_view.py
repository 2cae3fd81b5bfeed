"""The ensemble dialog and the throughput page show what the core computed (no threads here:
the results are handed to the widgets as their background callbacks would)."""

from types import SimpleNamespace

import numpy as np

from workbench.models.ensemble import EnsembleResult
from workbench.training.throughput import Throughput


def _panel(tf_loaded=True, runs=()):
    session = SimpleNamespace(tf_loaded=tf_loaded, entry=None, hparams={}, data_source="", reports=[])
    session.report = session.reports.append
    return SimpleNamespace(session=session, selected_runs=lambda: list(runs), TF_LANE="tf",
                           background=lambda *a, **k: None, window=lambda: None)


def _run(path, model="mlp", damaged=""):
    return SimpleNamespace(path=path, model=model, damaged=damaged)


def test_the_button_wants_two_classifier_runs(qtbot):
    from ui.widgets.ensemble_view import EnsembleButton

    button = EnsembleButton(_panel())
    qtbot.addWidget(button)
    button.follow([_run("/a"), _run("/b", model="vae")])  # a generator is no member
    assert not button.isEnabled()
    button.follow([_run("/a"), _run("/b", model="lenet")])
    assert button.isEnabled()
    button.follow([_run("/a"), _run("/b", damaged="config.json is damaged")])
    assert not button.isEnabled()


def test_the_dialog_shows_accuracy_against_n(qtbot):
    from ui.widgets.ensemble_view import EnsembleDialog

    result = EnsembleResult(["/r/seed-0", "/r/seed-1", "/r/seed-2"], ["0", "1"], 50,
                            [0.8, 0.7, 0.9], [0.8, 0.82, 0.86], [0.8, 0.75, 0.8])
    dialog = EnsembleDialog(result.runs, _panel())
    qtbot.addWidget(dialog)
    dialog.show_result(result)
    assert dialog.table.rowCount() == 3
    assert [dialog.table.item(r, 1).text() for r in range(3)] == ["0.8000", "0.8200", "0.8600"]
    assert dialog.table.item(2, 4).text() == "seed-2"
    x, y = dialog.plot.value.series["ensemble of the first k runs"]
    np.testing.assert_allclose(x, [1, 2, 3])
    np.testing.assert_allclose(y, [0.8, 0.82, 0.86])
    assert "+0.0600" in dialog.state.text() and dialog.save_button.isEnabled()
    dialog.close()


def test_the_throughput_page_says_when_there_is_no_gpu(qtbot):
    from ui.widgets.throughput_view import ThroughputView

    page = ThroughputView(_panel())
    qtbot.addWidget(page)
    page.measure()  # no model chosen: a sentence, nothing started
    assert "Choose a model" in page.state.text()
    result = Throughput("mlp", "digits", 32, 50, [{"device": "CPU:0", "name": "CPU:0",
                                                   "samples_per_s": 6400.0, "seconds": 0.25}])
    page.show_result(result)
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "6400.0"
    assert "no GPU" in page.state.text()
