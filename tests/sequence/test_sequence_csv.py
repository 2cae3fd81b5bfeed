"""Your own sequences from a CSV: one-hot encoding, padding, skipped rows, and an LSTM run on them."""

import numpy as np
import pytest

from workbench.data import registry
from workbench.errors import WorkbenchError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_sequences_are_one_hot_and_padded_with_zero_steps(tmp_path):
    csv = write(tmp_path / "s.csv", "sequence,label\nA B B,yes\nC A,no\n,no\nB C A C,yes\nAC,no\n")
    data = registry.load(csv, val_fraction=0.0)
    assert data.info.name == "s.csv" and data.info.feature_names == ("A", "B", "C")
    assert data.info.class_names == ("no", "yes") and data.x_train.shape == (4, 4, 3)
    by_id = dict(zip(data.ids_train, range(4)))
    first = data.x_train[by_id["s.csv:2"]]  # "A B B" on line 2
    np.testing.assert_array_equal(first, [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 0]])  # padded after its end
    np.testing.assert_array_equal(data.x_train[by_id["s.csv:6"]].argmax(-1)[:2], [0, 2])  # "AC": one per character
    assert data.y_train[by_id["s.csv:5"]] == 1  # yes
    assert data.skipped == ["s.csv line 4: no sequence"]  # reported, not dropped silently


def test_max_length_cuts_and_says_so(tmp_path):
    csv = write(tmp_path / "s.csv", "sequence,label\nAAAAAA,x\nAB,y\nBA,y\n")
    data = registry.load("sequences", {"path": csv, "max_length": "3"}, val_fraction=0.0)
    assert data.x_train.shape[1] == 3
    assert any("cut to their first 3" in line for line in data.skipped)


@pytest.mark.parametrize("text, message", [
    ("seq,label\nAB,x\nBA,y\n", "no column 'sequence'"),
    ("sequence,label\nAB,x\nBA,x\n", "a classifier needs two or more"),
    ("sequence,label\nAB,x\n", "at least 2"),
])
def test_bad_files_get_a_sentence(tmp_path, text, message):
    csv = write(tmp_path / "bad.csv", text)
    with pytest.raises(WorkbenchError, match=message):
        registry.load("sequences", {"path": csv})


def test_an_lstm_trains_on_a_sequence_csv(tmp_path):
    from workbench.training import TrainConfig, job

    rng = np.random.default_rng(0)
    lines = ["sequence,label"] + [" ".join(rng.choice(list("ABC"), 6)) + f",{'first_a' if i % 2 else 'other'}"
                                  for i in range(40)]
    csv = write(tmp_path / "own.csv", "\n".join(lines) + "\n")
    result = job.run_training(TrainConfig("lstm", csv, epochs=1, batch_size=8, steps_per_epoch=2, eager=True,
                                          hparams={"units": 4}, out=str(tmp_path / "run")))
    assert np.isfinite(result.history["loss"][0])
    assert result.model.output_shape[-1] == 2
