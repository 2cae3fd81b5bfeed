"""The Model tab's reference badge: filled from the cache, checked in the background."""

import json
import os

import pytest

from workbench import catalog, references

TIMEOUT_MS = 120_000


@pytest.fixture
def badge(qtbot):
    from ui.widgets.reference_badge import ReferenceBadge

    widget = ReferenceBadge()
    qtbot.addWidget(widget)
    return widget


def test_check_runs_in_the_background_then_the_cache_fills_a_new_badge(qtbot, badge):
    from ui.widgets.reference_badge import ReferenceBadge

    badge.show_entry(catalog.get("ssd"))
    assert not badge.isHidden() and "pycocotools" in badge.what.text()
    qtbot.waitUntil(lambda: "Not checked on this machine yet" in badge.status.text(), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(badge.result_shown, timeout=TIMEOUT_MS) as shown:
        badge.check()
        assert not badge.button.isEnabled()  # the click returned at once; the work is elsewhere
    result = shown.args[0]
    assert result["ok"] is True and result["cached"] is False
    text = badge.status.text()
    assert "✓" in text and f"pycocotools {result['reference']['version']}" in text
    assert f"expected <b>{result['expected']:.4g}</b>, measured <b>{result['measured']:.4g}</b>" in text
    assert badge.button.text() == "Check again" and badge.button.isEnabled()

    again = ReferenceBadge()
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.result_shown, timeout=TIMEOUT_MS) as shown:
        again.show_entry(catalog.get("ssd"))
    assert shown.args[0]["cached"] is True and "(cached)" in again.status.text()


def test_a_failed_check_shows_a_cross_with_both_numbers(qtbot, badge):
    from workbench.references import table, threshold

    root = threshold.runs_roots()[-1]  # the default runs folder, in the test's own home
    run = os.path.join(root, "run1")
    os.makedirs(run)
    json.dump({"model": "dqn", "data": "CartPole-v1", "epochs": 2}, open(os.path.join(run, "config.json"), "w"))
    json.dump({"epoch": [1, 2], "greedy_return": [50.0, 212.5]}, open(os.path.join(run, "history.json"), "w"))
    badge.show_entry(catalog.get("dqn"))
    assert "475" in badge.what.text() and table.REFERENCES["dqn"].environment in badge.what.text()
    with qtbot.waitSignal(badge.result_shown, timeout=TIMEOUT_MS):
        badge.check()
    text = badge.status.text()
    assert "✗" in text and "expected <b>475</b>, measured <b>212.5</b>" in text and "gymnasium" in text


def test_a_threshold_check_reads_the_sessions_runs_folder(qtbot, tmp_path):
    from ui.widgets.reference_badge import ReferenceBadge

    run = tmp_path / "session-runs" / "solved"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"model": "a2c", "data": "CartPole-v1", "epochs": 1}))
    (run / "history.json").write_text(json.dumps({"epoch": [1], "greedy_return": [500.0]}))
    badge = ReferenceBadge(lambda: [str(tmp_path / "session-runs")])
    qtbot.addWidget(badge)
    badge.show_entry(catalog.get("a2c"))
    with qtbot.waitSignal(badge.result_shown, timeout=TIMEOUT_MS) as shown:
        badge.check()
    assert shown.args[0]["ok"] is True and "✓" in badge.status.text() and "measured <b>500</b>" in badge.status.text()


def test_entries_without_a_reference_hide_the_badge(badge):
    badge.show_entry(catalog.get("ssd"))
    badge.show_entry(catalog.get("lenet"))
    assert badge.isHidden() and badge.name == "lenet"


def test_the_model_tab_shows_the_badge_of_the_chosen_entry(qtbot):
    from ui.panels.model_panel import ModelPanel
    from ui.session import Session

    session = Session()
    panel = ModelPanel(session)
    qtbot.addWidget(panel)
    panel.choose("mobilenet")
    assert not panel.reference.isHidden() and "keras.applications.MobileNet" in panel.reference.what.text()
    assert "4,253,864" in panel.reference.what.text() and "224×224×3 input, 1000 classes" in panel.reference.what.text()
    panel.choose("lenet")
    assert panel.reference.isHidden()
