"""A damaged config.json / info.json / history.json is a sentence naming the file and what
to do, never an internal error; `runs` lists the good runs and marks the damaged ones."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from cases import COMMAND_OUTCOME, DAMAGE, DAMAGED_FILES
from tiny_run import copy_run
from workbench.cli import main
from workbench.runs.damage import CONSEQUENCES, DamagedFile
from workbench.runs.history import scan_runs
from workbench.runs.rundir import RunDir

#: Valid JSON of the wrong shape, per file, and the reason the sentence must give.
WRONG_TYPE = {
    "config.json": (lambda good: {**good, "model": 3}, "model is 3, not text"),
    "info.json": (lambda good: {**good, "class_names": 3}, "class_names is 3"),
    "history.json": (lambda good: {**good, "loss": "low"}, 'loss is "low", not a list'),
}
WHY = {"empty": "empty", "truncated": "not JSON, cut short", "random-bytes": "not text",
       "json-list": "a JSON list, not an object"}
READER = {"config.json": RunDir.read_config, "info.json": RunDir.read_info,
          "history.json": RunDir.read_history}


def damage(path, kind: str) -> str:
    """Damage ``path`` the way ``kind`` says; returns the reason the sentence must give."""
    good = path.read_bytes()
    if kind == "wrong-type":
        change, why = WRONG_TYPE[path.name]
        path.write_text(json.dumps(change(json.loads(good))))
        return why
    path.write_bytes({"empty": b"", "truncated": good[:len(good) // 2],
                      "random-bytes": np.random.default_rng(0).bytes(300),
                      "json-list": b"[1, 2, 3]"}[kind])
    return WHY[kind]


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("name", DAMAGED_FILES)
def test_each_reader_names_the_file_and_what_to_do(name, kind, source_run, tmp_path):
    run = copy_run(source_run, tmp_path / "run")
    why = damage(tmp_path / "run" / name, kind)
    with pytest.raises(DamagedFile) as caught:
        READER[name](RunDir(run))
    assert str(caught.value) == f"{name} of {run} is damaged ({why}); {CONSEQUENCES[name]}"


def test_the_good_files_read_back(source_run):
    run = RunDir(source_run)
    assert run.read_config()["model"] == "lenet"
    assert run.read_info()["class_names"] == [str(i) for i in range(10)]
    assert run.read_history()["epoch"] == [1]


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("name", ["config.json", "history.json"])
def test_runs_lists_the_good_runs_and_marks_the_damaged_one(name, kind, source_run, tmp_path, capsys):
    root = tmp_path / "root"
    copy_run(source_run, root / "a-good")
    bad = copy_run(source_run, root / "b-bad")
    copy_run(source_run, root / "sweep" / "c-good")
    why = damage(root / "b-bad" / name, kind)
    assert main(["runs", "--root", str(root), "--json"]) == 0
    listed = {os.path.basename(r["path"]): r for r in json.loads(capsys.readouterr().out)}
    assert sorted(listed) == ["a-good", "b-bad", "c-good"]
    assert listed["a-good"]["damaged"] is None and listed["c-good"]["damaged"] is None
    assert listed["a-good"]["model"] == "lenet" and listed["a-good"]["epochs_done"] == 1
    assert listed["b-bad"]["damaged"] == f"{name} of {bad} is damaged ({why}); {CONSEQUENCES[name]}"
    assert main(["runs", "--root", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("b-bad") and f"DAMAGED: {name} of {bad}" in line for line in lines)
    assert sum(" lenet " in line for line in lines) == 2


COMMANDS = {
    "predict": lambda run, image, tmp: ["predict", run, "--image", image, "--json"],
    "explain": lambda run, image, tmp: ["explain", run, "--image", image, "--out", f"{tmp}/o.png"],
    "export": lambda run, image, tmp: ["export", run, "--format", "keras", "--out", f"{tmp}/m.keras"],
    "resume": lambda run, image, tmp: ["train", "--resume", run, "--quiet"],
}


@pytest.mark.parametrize("kind", ["random-bytes", "wrong-type"])
@pytest.mark.parametrize("name,command", sorted(COMMAND_OUTCOME), ids=lambda v: str(v))
def test_commands_on_a_run_with_a_damaged_file(name, command, kind, source_run, image, tmp_path, capsys):
    run = copy_run(source_run, tmp_path / "run")
    why = damage(tmp_path / "run" / name, kind)
    code = main(COMMANDS[command](run, image, tmp_path))
    captured = capsys.readouterr()
    if COMMAND_OUTCOME[name, command] == "refused":
        assert code == 1, captured.err
        assert captured.err == (f"keras-workbench: error: {name} of {run} is damaged ({why}); "
                                f"{CONSEQUENCES[name]}\n")
    else:  # the file is not needed: the command does its work
        assert code == 0, captured.err
        if command == "predict":
            assert len(json.loads(captured.out)["top"]) == 5
        elif command == "explain":
            assert os.path.getsize(tmp_path / "o.png") > 0
        else:
            assert "max |difference| = 0.00e+00" in captured.out


def test_the_runs_tab_greys_a_damaged_run_and_explains_it(qtbot, source_run, tmp_path):
    from ui.panels.runs_panel import RunsPanel
    from ui.session import Session

    root = tmp_path / "root"
    copy_run(source_run, root / "good")
    bad = copy_run(source_run, root / "bad")
    damage(root / "bad" / "config.json", "truncated")
    session = Session()
    session.runs_root = str(root)
    panel = RunsPanel(session)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: len(panel.runs) == 2, timeout=30_000)
    rows = {panel.table.item(r, 0).text(): r for r in range(panel.table.rowCount())}
    sentence = f"config.json of {bad} is damaged (not JSON, cut short); {CONSEQUENCES['config.json']}"
    bad_cells = [panel.table.item(rows["bad"], c) for c in range(panel.table.columnCount())]
    good_cells = [panel.table.item(rows["good"], c) for c in range(panel.table.columnCount())]
    assert all(cell.toolTip() == sentence for cell in bad_cells)
    assert {cell.foreground().color().name() for cell in bad_cells} == {"#909090"}
    assert sentence not in {cell.toolTip() for cell in good_cells}
    assert all(cell.foreground().color().name() != "#909090" for cell in good_cells)
    assert bad_cells[4].text() == "damaged (see tooltip)"  # the Differs column


def test_scan_runs_survives_an_unreadable_folder(source_run, tmp_path):
    root = tmp_path / "root"
    copy_run(source_run, root / "good")
    (root / "odd").mkdir()
    (root / "odd" / "config.json").mkdir()  # a folder where a file should be: not a run
    assert [r.name for r in scan_runs([str(root)])] == ["good"]
