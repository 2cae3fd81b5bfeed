"""The generated sequence tasks: every target checked against a direct computation."""

import json

import numpy as np
import pytest

from workbench import data
from workbench.catalog.registry import get as get_entry
from workbench.data import sequence_tasks as st
from workbench.errors import WorkbenchError


def _all(d):
    return np.concatenate([d.x_train, d.x_val]), np.concatenate([d.y_train, d.y_val])


def test_long_gap_label_is_the_first_symbol_and_nothing_later_predicts_it():
    d = data.load("long_gap", {"gap": "15", "symbols": "5", "samples": "3000"}, seed=3)
    x, y = _all(d)
    assert x.shape == (3000, 16, 5) and x.dtype == np.float32
    np.testing.assert_array_equal(x.sum(-1), 1.0)  # one-hot at every step
    np.testing.assert_array_equal(y, x[:, 0].argmax(-1))
    assert d.chance_level == pytest.approx(1 / 5) and d.describe()["chance_level"] == pytest.approx(0.2)
    # The distractors carry no information: copying any later step is right 1/symbols of the time.
    for step in (1, 8, 15):
        assert np.mean(x[:, step].argmax(-1) == y) == pytest.approx(0.2, abs=0.03)
    assert d.info.kind == "sequence" and d.info.task == "classification"
    assert d.info.class_names == ("A", "B", "C", "D", "E")


def test_lookahead_labels_are_the_symbols_ahead_and_the_past_does_not_predict_them():
    length, shift, symbols = 12, 3, 4
    d = data.load("lookahead", {"length": length, "shift": shift, "symbols": symbols,
                                "samples": 4000}, seed=1)
    x, y = _all(d)
    ids = x.argmax(-1)
    np.testing.assert_array_equal(y[:, : length - shift], ids[:, shift:])
    np.testing.assert_array_equal(y[:, length - shift:], symbols)  # the class "end"
    assert d.info.class_names[-1] == "end" and d.info.task == "sequence"
    # What a one-way model has read at step t (any step <= t) agrees with the label only by chance.
    for t in (0, 4, length - shift - 1):
        for seen in range(t + 1):
            assert np.mean(ids[:, seen] == y[:, t]) == pytest.approx(1 / symbols, abs=0.03)
    # Best one-way accuracy: the 3 "end" steps right, the 9 others guessed at 1/4.
    assert d.chance_level == pytest.approx((3 + 9 / 4) / 12)


def test_lookahead_refuses_a_shift_past_the_end():
    with pytest.raises(WorkbenchError, match="shift=5 must be smaller than length=5"):
        data.load("lookahead", {"length": "5", "shift": "5"})


def test_add_digits_targets_are_python_sums():
    d = data.load("add_digits", {"max_length": "4", "samples": "1500"}, seed=7)
    x, y = _all(d)
    assert x.shape == (1500, 9) and y.shape == (1500, 6)  # 4+1+4 and 5 digits + <end>
    operand_lengths = set()
    for xi, yi in zip(x, y):
        a, b = st.decode(xi).split("+")
        assert int(st.decode(yi)) == int(a) + int(b)
        assert str(int(a)) == a and str(int(b)) == b  # no leading zeros
        operand_lengths |= {len(a), len(b)}
        assert yi[len(st.decode(yi))] == st.END  # <end> right after the answer
    assert operand_lengths == {1, 2, 3, 4}
    assert d.info.class_names == st.VOCABULARY and len(st.VOCABULARY) == 14


def test_reverse_digits_targets_are_reversed_strings_and_teacher_forcing_shifts_them():
    d = data.load("reverse_digits", {"max_length": "5", "samples": "800"}, seed=2)
    for x, y, dec in ((d.x_train, d.y_train, d.decoder_x_train), (d.x_val, d.y_val, d.decoder_x_val)):
        for xi, yi, di in zip(x, y, dec):
            src = st.decode(xi)
            assert 1 <= len(src) <= 5 and st.decode(yi) == src[::-1]
            # encoder input: the digits left-aligned, then <pad>
            np.testing.assert_array_equal(xi[len(src):], st.PAD)
            # decoder input: <start>, then the answer's tokens; <end> is never fed in
            assert di[0] == st.START and st.END not in di
            np.testing.assert_array_equal(di[1: len(src) + 1], yi[: len(src)])
    assert st.VOCABULARY[:3] == ("<pad>", "<start>", "<end>")
    assert [st.VOCABULARY[i] for i in st.encode("907", 3)] == ["9", "0", "7"]


@pytest.mark.parametrize("name", ["long_gap", "lookahead", "add_digits", "reverse_digits"])
def test_same_seed_same_task_other_seed_other_task(name):
    a, b, c = (data.load(name, {"samples": "200"}, seed=s) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.x_train, c.x_train)
    views = a.preview()
    assert [type(v.value).__name__ for v in views] == ["Text", "HeatGrid"]


@pytest.mark.parametrize("name, options, words", [
    ("long_gap", {"gap": "0"}, "gap=.0. must be between 1 and"),
    ("long_gap", {"symbols": "many"}, "symbols=.many. is not a whole number"),
    ("add_digits", {"max_length": "40"}, "max_length=.40. must be between 1 and 18"),
    ("long_gap", {"gap": "10000", "samples": "1000000"}, "lower samples"),
    ("long_gap", {"length": "5"}, "has no option 'length'"),
])
def test_bad_options_get_a_sentence(name, options, words):
    with pytest.raises(WorkbenchError, match=words):
        data.load(name, options)


def test_image_entries_refuse_sequence_data_with_a_sentence(capsys, tmp_path):
    from workbench.cli import main

    out = tmp_path / "run"
    assert main(["train", "lenet", "--data", "long_gap", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "takes image data" in err and "'long_gap' is sequence data" in err
    assert not out.exists()  # refused before a run directory was made
    ok, why = get_entry("lenet").accepts(data.load("add_digits", {"samples": "10"}).info)
    assert not ok and "'add_digits' is sequence data" in why


def test_datasets_lists_the_new_sources_with_their_kind(capsys):
    from workbench.cli import main

    assert main(["datasets", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    for name in ("long_gap", "lookahead", "add_digits", "reverse_digits"):
        assert rows[name]["kind"] == "sequence" and rows[name]["offline"]
    assert rows["lookahead"]["task"] == "sequence" and rows["long_gap"]["task"] == "classification"
