"""The generated data sets of section A: exact targets, options, and bad options."""

import numpy as np
import pytest

from workbench import data
from workbench.errors import WorkbenchError


def test_polynomial_without_noise_follows_the_notes_equation():
    ds = data.load("polynomial", {"noise": 0, "samples": 50}, seed=3)
    x = np.concatenate([ds.x_train, ds.x_val])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_val])
    assert ds.info.task == "regression" and ds.info.input_shape == (1,)
    assert len(x) == 50 and -1 <= x.min() and x.max() <= 1
    np.testing.assert_allclose(y, 30 * x ** 2 + 0.5 * x + 0.2, rtol=1e-5, atol=1e-5)


def test_polynomial_options_from_text_and_seeded_noise():
    options = {"coefficients": "1, 0, -2, 5", "noise": "0.5", "samples": "400"}
    a = data.load("polynomial", options, seed=1)
    b = data.load("polynomial", options, seed=1)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    residual = a.y_train - np.polyval([1, 0, -2, 5], a.x_train[:, 0])
    assert 0.4 < residual.std() < 0.6  # the asked noise level


def test_linear_defaults_to_two_x_minus_one():
    ds = data.load("linear", {"noise": 0})
    np.testing.assert_allclose(ds.y_train, 2 * ds.x_train[:, 0] - 1, atol=1e-6)


@pytest.mark.parametrize("gate, table", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])])
def test_gates_repeat_the_truth_table_and_validate_on_it(gate, table):
    ds = data.load(gate, {"repeat": 5})
    assert ds.info.num_classes == 2 and len(ds.x_train) == 20
    np.testing.assert_array_equal(ds.x_val, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(ds.y_val, table)
    for row, label in zip(ds.x_val, table):  # every training copy carries the table's label
        copies = ds.y_train[(ds.x_train == row).all(axis=1)]
        assert len(copies) == 5 and (copies == label).all()


def test_binary_addition_bits_decode_to_the_sum():
    ds = data.load("binary_addition", {"samples": 100, "bits": 6})
    weights = 2 ** np.arange(6)
    a, b = ds.x_train[..., 0] @ weights, ds.x_train[..., 1] @ weights
    np.testing.assert_array_equal(ds.y_train @ weights, a + b)
    assert ds.x_train.shape[1:] == (6, 2) and a.max() < 32


@pytest.mark.parametrize("name, options, words", [
    ("polynomial", {"samples": "many"}, "samples='many'"),
    ("polynomial", {"coefficients": "30,x"}, "coefficients='30,x'"),
    ("polynomial", {"noise": -1}, "noise=-1"),
    ("xor", {"repeat": 0}, "repeat=0"),
    ("binary_addition", {"bits": 1}, "bits=1"),
])
def test_bad_options_are_explained(name, options, words):
    with pytest.raises(WorkbenchError, match=words.replace("(", r"\(")):
        data.load(name, options)
