"""Marks files and ``--data-option exclude=FILE``: exactly the marked samples leave the data."""

import csv

import cv2
import numpy as np
import pytest
from sklearn.datasets import load_digits

from workbench import data
from workbench.errors import WorkbenchError
from workbench.evaluation.marks import MARK_FIELDS, read_marks, write_marks


def mark(path, kind="drop", given="0", predicted="1", confidence=0.9):
    return {"path": path, "given_label": given, "predicted_label": predicted,
            "confidence": confidence, "mark": kind}


def test_round_trip_and_merge_by_path(tmp_path):
    file = tmp_path / "marks.csv"
    write_marks(str(file), [mark("cat/1.png", "mislabelled", "cat", "dog", 0.25), mark("digits:3")])
    write_marks(str(file), [mark("digits:3", "mislabelled", "3", "8", 0.5), mark("dog/7.png", confidence=None)])
    rows = read_marks(str(file))
    assert [r["path"] for r in rows] == ["cat/1.png", "digits:3", "dog/7.png"]
    assert rows[0] == {"path": "cat/1.png", "given_label": "cat", "predicted_label": "dog",
                       "confidence": 0.25, "mark": "mislabelled"}
    assert rows[1]["mark"] == "mislabelled" and rows[1]["confidence"] == 0.5  # the later mark won
    assert rows[2]["confidence"] is None
    with open(file, newline="") as handle:
        assert tuple(next(csv.reader(handle))) == MARK_FIELDS


def test_bad_marks_files_are_sentences(tmp_path):
    with pytest.raises(WorkbenchError, match="marks file not found"):
        read_marks(str(tmp_path / "none.csv"))
    no_mark = tmp_path / "a.csv"
    no_mark.write_text("path,given_label,predicted_label,confidence\nx,1,2,0.5\n")
    with pytest.raises(WorkbenchError, match="no mark column"):
        read_marks(str(no_mark))
    bad = tmp_path / "b.csv"
    bad.write_text("path,given_label,predicted_label,confidence,mark\nx,1,2,0.5,delete\n")
    with pytest.raises(WorkbenchError, match="line 2: mark 'delete' must be one of mislabelled, drop"):
        read_marks(str(bad))
    with pytest.raises(WorkbenchError, match="must be one of"):
        write_marks(str(tmp_path / "c.csv"), [mark("x", "keep")])
    assert not (tmp_path / "c.csv").exists()


def test_digit_ids_name_the_original_samples():
    images = load_digits().images / 16.0
    dataset = data.load("digits", seed=4)
    for ids, x in ((dataset.ids_train, dataset.x_train), (dataset.ids_val, dataset.x_val)):
        index = np.array([int(i.split(":")[1]) for i in ids])
        np.testing.assert_allclose(x[..., 0], images[index], atol=1e-6)
    assert len(set(dataset.ids_train) | set(dataset.ids_val)) == 1797


def test_exclude_removes_exactly_the_marked_digits(tmp_path):
    whole = data.load("digits", seed=1)
    marked = list(whole.ids_val[:3]) + list(whole.ids_train[:4])
    file = tmp_path / "marks.csv"
    write_marks(str(file), [mark(i, "mislabelled" if n % 2 else "drop") for n, i in enumerate(marked)]
                + [mark("digits:99999")])
    less = data.load("digits", {"exclude": str(file)}, seed=1)
    assert len(less.ids_val) == len(whole.ids_val) - 3 and len(less.ids_train) == len(whole.ids_train) - 4
    assert not set(marked) & (set(less.ids_train) | set(less.ids_val))
    # every other sample stays on its side, with its own image
    assert list(less.ids_val) == [i for i in whole.ids_val if i not in marked]
    np.testing.assert_array_equal(less.x_val, whole.x_val[3:])
    assert "excluded 7 sample(s) listed in marks.csv" in less.skipped
    assert any("1 listed sample(s) are not in this data" in line and "digits:99999" in line
               for line in less.skipped)


@pytest.fixture
def image_folder(tmp_path):
    root = tmp_path / "pets"
    for c, name in enumerate(["cat", "dog"]):
        (root / name).mkdir(parents=True)
        for i in range(5):
            cv2.imwrite(str(root / name / f"{i}.png"), np.full((8, 8), 40 * i + c, np.uint8))
    return root


def test_exclude_on_a_folder_by_id_or_by_file_path(image_folder, tmp_path, monkeypatch):
    whole = data.load(str(image_folder), {"image_size": 8}, seed=0)
    assert sorted([*whole.ids_train, *whole.ids_val]) == sorted(f"{c}/{i}.png" for c in ("cat", "dog")
                                                               for i in range(5))
    assert whole.sample_path("dog/3.png") == str(image_folder / "dog" / "3.png")
    file = tmp_path / "marks.csv"
    monkeypatch.chdir(tmp_path)
    write_marks(str(file), [mark("cat/1.png"), mark(str(image_folder / "dog" / "3.png")),  # absolute
                            mark("pets/dog/0.png", "mislabelled")])  # relative to the working directory
    less = data.load(str(image_folder), {"image_size": 8, "exclude": str(file)}, seed=0)
    left = set(less.ids_train) | set(less.ids_val)
    assert left == (set(whole.ids_train) | set(whole.ids_val)) - {"cat/1.png", "dog/3.png", "dog/0.png"}
    assert len(less.x_train) + len(less.x_val) == 7 == len(less.y_train) + len(less.y_val)
    for ids, x in ((less.ids_train, less.x_train), (less.ids_val, less.x_val)):
        for sample, image in zip(ids, x):  # pixel value 40*i + class identifies the file
            name, index = sample.split("/")
            assert image[0, 0, 0] * 255 == pytest.approx(40 * int(index[0]) + (name == "dog"), abs=0.01)
    assert "excluded 3 sample(s) listed in marks.csv" in less.skipped


def test_csv_ids_are_file_lines_and_the_scaler_follows_the_exclusion(tmp_path):
    table = tmp_path / "t.csv"
    rows = ["a,b,label"] + [f"{i},{i * i % 7},{'xy'[i % 2]}" for i in range(20)]
    rows[5] = "4,,x"  # line 6 has an empty value: skipped, so no id t.csv:6
    table.write_text("\n".join(rows) + "\n")
    whole = data.load(str(table), seed=0)
    ids = set(whole.ids_train) | set(whole.ids_val)
    assert ids == {f"t.csv:{line}" for line in range(2, 22)} - {"t.csv:6"}
    file = tmp_path / "marks.csv"
    write_marks(str(file), [mark("t.csv:2"), mark("t.csv:21")])
    less = data.load(str(table), {"exclude": str(file)}, seed=0)
    assert len(less.ids_train) + len(less.ids_val) == 17
    np.testing.assert_allclose(less.x_train.mean(axis=0), 0.0, atol=1e-5)  # re-standardised
    raw = less.x_val * np.array(less.scaler["std"]) + np.array(less.scaler["mean"])
    for sample, row in zip(less.ids_val, raw):  # column a of line L is L - 2
        assert row[0] == pytest.approx(int(sample.split(":")[1]) - 2, abs=1e-4)


def test_exclude_errors(tmp_path):
    with pytest.raises(WorkbenchError, match="marks file not found"):
        data.load("digits", {"exclude": str(tmp_path / "missing.csv")})
    file = tmp_path / "marks.csv"
    write_marks(str(file), [mark("xor:1")])
    with pytest.raises(WorkbenchError, match="exclude= needs samples with ids"):
        data.load("xor", {"exclude": str(file)})


def test_keras_dataset_ids_name_the_original_split_and_index(monkeypatch):
    from workbench.data import keras_datasets

    train = np.arange(30, dtype=np.uint8).reshape(30, 1, 1).repeat(2, 1).repeat(2, 2)
    test = (100 + np.arange(10, dtype=np.uint8)).reshape(10, 1, 1).repeat(2, 1).repeat(2, 2)
    labels = lambda n: np.arange(n) % 10  # noqa: E731
    monkeypatch.setattr(keras_datasets, "_download", lambda name, module: ((train, labels(30)), (test, labels(10))))
    dataset = data.load("mnist", {"limit": 25}, seed=3)
    for ids, x in ((dataset.ids_train, dataset.x_train), (dataset.ids_val, dataset.x_val)):
        for sample, image in zip(ids, x):
            name, part, index = sample.split(":")
            expected = (train if part == "train" else test)[int(index), 0, 0]
            assert name == "mnist" and image[0, 0, 0] * 255 == pytest.approx(expected, abs=1e-3)
    assert len(dataset.ids_train) + len(dataset.ids_val) == 25
