"""Nothing the user has is lost: an existing folder at an output path is refused (and left
byte-identical), an existing file needs --force, a run directory is never an output."""

from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

from cases import EXISTING_DIRECTORY, EXISTING_FILE
from tiny_run import copy_run, snapshot
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.runs.outputs import OutputExists, check_output_path


def fill(argv, **values):
    return [part.format(**values) for part in argv]


@pytest.fixture
def user_dir(tmp_path):
    """A user's folder with a file and a sub-folder in it: what must survive."""
    folder = tmp_path / "mine"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("do not lose me")
    (folder / "sub" / "data.bin").write_bytes(bytes(range(256)))
    return folder


@pytest.mark.parametrize("case", sorted(EXISTING_DIRECTORY))
def test_an_existing_directory_is_refused_and_left_byte_identical(case, source_run, image, user_dir,
                                                                  tmp_path, capsys):
    run = copy_run(source_run, tmp_path / "run")
    argv, phrase = EXISTING_DIRECTORY[case]
    before_dir, before_run = snapshot(user_dir), snapshot(run)
    code = main(fill(argv, run=run, image=image, dir=user_dir, tmp=tmp_path))
    err = capsys.readouterr().err
    assert code == 1, err
    assert phrase in err and err.count("\n") == 1  # one sentence, no traceback
    assert snapshot(user_dir) == before_dir
    assert snapshot(run) == before_run
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".tmp-")]


@pytest.mark.parametrize("case", sorted(EXISTING_FILE))
def test_an_existing_file_needs_force(case, source_run, image, tmp_path, capsys):
    run = copy_run(source_run, tmp_path / "run")
    suffix = {"explain-out": ".png", "explain-heatmap": ".npy", "export-keras": ".keras"}[case]
    target = tmp_path / f"existing{suffix}"
    target.write_bytes(b"the user's own file")
    argv = fill(EXISTING_FILE[case], run=run, image=image, tmp=tmp_path, target=target)
    assert main(argv) == 1
    assert f"{target} exists; add --force to replace it" in capsys.readouterr().err
    assert target.read_bytes() == b"the user's own file"
    assert main(argv + ["--force"]) == 0, capsys.readouterr().err
    if suffix == ".png":
        assert cv2.imread(str(target)).shape == (8, 8, 3)  # the model sees 8 x 8 digits
    elif suffix == ".npy":
        heat = np.load(target)
        assert heat.ndim == 2 and np.isfinite(heat).all()
    else:
        from workbench.models.io import load_model

        assert load_model(str(target)).count_params() == load_model(run).count_params()


def test_a_savedmodel_replaces_an_earlier_one_only_with_force(source_run, tmp_path, capsys):
    out = tmp_path / "exported"
    argv = ["export", source_run, "--format", "savedmodel", "--out", str(out), "--no-verify"]
    assert main(argv) == 0
    first = snapshot(out)
    assert "saved_model.pb" in first
    assert main(argv) == 1
    assert "exists; add --force" in capsys.readouterr().err
    assert snapshot(out) == first
    (out / "stale-extra.txt").write_text("from the old export")
    assert main(argv + ["--force"]) == 0
    assert "saved_model.pb" in snapshot(out) and not (out / "stale-extra.txt").exists()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".tmp-")]


def test_an_output_inside_a_run_but_not_its_own_files_is_allowed(source_run, tmp_path, capsys):
    run = copy_run(source_run, tmp_path / "run")
    before = snapshot(run)
    assert main(["export", run, "--format", "keras", "--out", f"{run}/export/copy.keras",
                 "--no-verify"]) == 0
    after = snapshot(run)
    assert {k: v for k, v in after.items() if not k.startswith("export")} == before


def test_missing_parent_folders_are_created_and_a_file_in_the_way_is_named(source_run, image, tmp_path,
                                                                           capsys):
    out = tmp_path / "new" / "deeper" / "o.png"
    assert main(["explain", source_run, "--image", image, "--out", str(out)]) == 0
    assert cv2.imread(str(out)).shape == (8, 8, 3)
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert main(["explain", source_run, "--image", image, "--out", str(blocker / "o.png")]) == 1
    assert f"{blocker} is a file" in capsys.readouterr().err


def test_the_policy_function_directly(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    with pytest.raises(WorkbenchError, match=r"is a directory; give a file name such as .*f/overlay\.png"):
        check_output_path(str(folder), example="overlay.png")
    # where writing inside is the natural meaning, the file goes inside
    assert check_output_path(str(folder), inside_ok=True, example="overlay.png") == str(folder / "overlay.png")
    assert check_output_path(str(folder), "directory", inside_ok=True) == str(folder)
    (folder / "a.txt").write_text("a")
    with pytest.raises(OutputExists) as caught:
        check_output_path(str(folder / "a.txt"))
    assert caught.value.path == str(folder / "a.txt")
    assert check_output_path(str(folder / "a.txt"), force=True) == str(folder / "a.txt")
    with pytest.raises(WorkbenchError, match="is a file, not a folder"):
        check_output_path(str(folder / "a.txt"), "directory", force=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_output_path(str(empty), "directory", marker="saved_model.pb") == str(empty)


def test_the_export_tab_asks_before_replacing(qtbot, source_run, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.panels.export_panel import ExportPanel
    from ui.session import Session
    from workbench.models.io import load_model

    session = Session()
    panel = ExportPanel(session)
    qtbot.addWidget(panel)
    asked, answer = [], [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or answer[0])
    target = tmp_path / "copy.keras"
    assert panel.confirm_replace(str(target), "keras") is False and asked == []  # nothing there: no question
    target.write_bytes(b"an earlier export")
    assert panel.confirm_replace(str(target), "keras") is None  # "No": nothing is written
    assert asked and str(target) in asked[-1]
    # a run's own model is refused outright, with no question
    assert panel.confirm_replace(os.path.join(source_run, "model.keras"), "keras") is None
    assert "would replace the run's own model.keras" in session.last_error and len(asked) == 1
    # "Yes" replaces it, through the real export on the worker thread
    answer[0] = QMessageBox.StandardButton.Yes
    session.set_model(load_model(source_run), os.path.join(source_run, "model.keras"), source="file")
    panel.format.setCurrentIndex(panel.format.findData("keras"))
    panel.path.setText(str(target))
    panel.export()
    qtbot.waitUntil(lambda: panel.last_path == str(target), timeout=60_000)
    assert len(asked) == 2 and panel.last_diff < 1e-5
    assert load_model(str(target)).count_params() == session.model.count_params()
