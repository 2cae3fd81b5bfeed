"""The Runs tab's name/tags/note editor, its filter bar and the "Differs from selected" column,
driven through the panel on run folders written by hand (no training needed)."""

import json
import os

import pytest

from ui.panels.runs_panel import DIFFERS, RunsPanel
from ui.session import Session
from workbench.training import TrainConfig

TIMEOUT_MS = 30_000


def write_run(root, folder, seed=0, optimizer="adam", val_accuracy=0.5, meta=None, model="mlp"):
    path = root / folder
    path.mkdir()
    config = TrainConfig(model, "iris", epochs=2, seed=seed, hparams={"optimizer": optimizer}, out=str(path))
    (path / "config.json").write_text(json.dumps(config.to_dict()))
    (path / "history.json").write_text(json.dumps({"epoch": [1, 2], "loss": [1.0, 0.5],
                                                   "val_accuracy": [0.1, val_accuracy]}))
    if meta:
        (path / "meta.json").write_text(json.dumps(meta))


@pytest.fixture
def panel(qtbot, tmp_path):
    root = tmp_path / "runs"
    root.mkdir()
    write_run(root, "r-base", val_accuracy=0.95, meta={"name": "baseline", "tags": ["paper", "good"],
                                                        "note": "the reference run"})
    write_run(root, "r-seed", seed=1, val_accuracy=0.92, meta={"name": "", "tags": ["good"], "note": ""})
    write_run(root, "r-sgd", optimizer="sgd", val_accuracy=0.40)
    session = Session()
    session.runs_root = str(root)
    widget = RunsPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.refresh()
    qtbot.waitUntil(lambda: len(widget.runs) == 3, timeout=TIMEOUT_MS)
    return widget


def rows(panel, visible_only=True):
    """{Run column text: {header: text}} of the (visible) rows."""
    table = panel.table
    found = {}
    for row in range(table.rowCount()):
        if visible_only and table.isRowHidden(row):
            continue
        found[table.item(row, 0).text()] = {table.horizontalHeaderItem(c).text(): table.item(row, c).text()
                                            for c in range(table.columnCount())}
    return found


def path_of(panel, folder):
    return next(run.path for run in panel.runs if run.name == folder)


def test_table_shows_names_falling_back_to_folders_and_tags(panel):
    shown = rows(panel)
    assert set(shown) == {"baseline", "r-seed", "r-sgd"}
    assert shown["baseline"]["Tags"] == "paper, good" and shown["r-seed"]["Tags"] == "good"
    assert shown["r-sgd"]["Tags"] == ""
    assert [panel.filter_bar.tag_box.itemText(i) for i in range(panel.filter_bar.tag_box.count())] == [
        "All tags", "good", "paper"]


def test_filter_by_words_tag_and_metric(panel):
    bar = panel.filter_bar
    bar.set_filter(words="REFERENCE")  # in the note only
    assert set(rows(panel)) == {"baseline"}
    bar.set_filter(words="mlp iris")
    assert set(rows(panel)) == {"baseline", "r-seed", "r-sgd"}
    bar.set_filter(tag="good")
    assert set(rows(panel)) == {"baseline", "r-seed"}
    bar.set_filter(metric="val_accuracy > 0.93")
    assert set(rows(panel)) == {"baseline"} and bar.count.text() == "1 of 3 runs"
    bar.set_filter(tag="good", metric="val_accuracy >= 0.92 and loss < 0.6")
    assert set(rows(panel)) == {"baseline", "r-seed"}
    bar.set_filter(metric="val_accuracy < 0.5")
    assert set(rows(panel)) == {"r-sgd"}
    # a condition that does not parse hides nothing and says so; it is never evaluated
    bar.set_filter(metric="__import__('os').getcwd() > 0")
    assert set(rows(panel)) == {"baseline", "r-seed", "r-sgd"}
    assert "ignored" in bar.count.text() and "METRIC OP NUMBER" in bar.metric.toolTip()
    # a filtered-out run is deselected, so its curve and editor do not linger
    bar.set_filter()
    panel.select_paths([path_of(panel, "r-sgd")])
    bar.set_filter(tag="paper")
    assert panel.selected_runs() == []


def test_differs_column_compares_with_the_selected_run(panel):
    assert panel.table.horizontalHeaderItem(DIFFERS).text() == "Differs from defaults"
    assert rows(panel)["r-sgd"]["Differs from defaults"] == "optimizer=sgd, seed=0"
    panel.select_paths([path_of(panel, "r-base")])
    assert panel.table.horizontalHeaderItem(DIFFERS).text() == "Differs from selected"
    shown = rows(panel)
    assert shown["baseline"]["Differs from selected"] == "(selected)"
    assert set(panel.curve_data()) == {"baseline"}  # a named run's curve is labelled by its name
    assert shown["r-seed"]["Differs from selected"] == "seed: 0 \u2192 1"
    assert shown["r-sgd"]["Differs from selected"] == "optimizer: adam \u2192 sgd"
    panel.select_paths([path_of(panel, "r-sgd")])
    assert rows(panel)["baseline"]["Differs from selected"] == "optimizer: sgd \u2192 adam"
    panel.select_paths([path_of(panel, "r-base"), path_of(panel, "r-sgd")])
    assert panel.table.horizontalHeaderItem(DIFFERS).text() == "Differs from defaults"
    assert rows(panel)["baseline"]["Differs from defaults"] == "optimizer=adam, seed=0"


def test_editor_names_and_tags_the_selected_run(panel, qtbot):
    editor = panel.run_meta
    assert not editor.name_edit.isEnabled()  # nothing selected
    path = path_of(panel, "r-sgd")
    panel.select_paths([path])
    assert editor.name_edit.isEnabled() and editor.name_edit.placeholderText() == "r-sgd"
    editor.tags_edit.setText("bad tag!")
    editor.save()
    assert "one word" in editor.message.text() and not os.path.exists(os.path.join(path, "meta.json"))
    editor.name_edit.setText("plain SGD")
    editor.tags_edit.setText("sgd, slow sgd")
    editor.note_edit.setPlainText("learning rate too low")
    assert editor.save_button.isEnabled()
    editor.save()
    qtbot.waitUntil(lambda: "plain SGD" in rows(panel), timeout=TIMEOUT_MS)
    with open(os.path.join(path, "meta.json")) as f:
        assert json.load(f) == {"name": "plain SGD", "tags": ["sgd", "slow"], "note": "learning rate too low"}
    assert rows(panel)["plain SGD"]["Tags"] == "sgd, slow"
    assert "slow" in [panel.filter_bar.tag_box.itemText(i) for i in range(panel.filter_bar.tag_box.count())]
    assert [run.path for run in panel.selected_runs()] == [path]  # the re-read kept the selection
    assert not editor.save_button.isEnabled()
