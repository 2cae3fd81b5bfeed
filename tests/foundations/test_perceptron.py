"""The perceptron learns AND and OR but not XOR; an MLP with one hidden layer learns XOR."""

import numpy as np
import pytest

from workbench import catalog
from workbench.data import DataInfo
from workbench.training.config import TrainConfig
from workbench.training.job import build_compiled, run_training


def _accuracy(tmp_path, model, gate, hparams=None, epochs=5, batch_size=4, repeat=8):
    # few epochs of more copies: the same number of updates with fewer per-epoch checkpoints
    result = run_training(TrainConfig(model, data=gate, epochs=epochs, batch_size=batch_size, seed=0,
                                      out=str(tmp_path / f"{model}-{gate}"), hparams=hparams or {},
                                      data_options={"repeat": repeat}))
    return result.history["val_accuracy"][-1]  # on the 4 points of the truth table


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_learns_separable_gates_perfectly(tmp_path, gate):
    assert _accuracy(tmp_path, "perceptron", gate) == 1.0


def test_perceptron_cannot_learn_xor(tmp_path):
    assert _accuracy(tmp_path, "perceptron", "xor", repeat=32) <= 0.75


def test_mlp_with_one_hidden_layer_learns_xor(tmp_path):
    hparams = {"hidden_units": "8", "activation": "tanh", "learning_rate": 0.05}
    assert _accuracy(tmp_path, "mlp", "xor", hparams, epochs=5, batch_size=8, repeat=40) == 1.0


def test_one_step_is_the_perceptron_rule():
    """From zero weights, one SGD batch moves w by lr * mean((t - y) x) and b by lr * mean(t - y)."""
    entry = catalog.get("perceptron")
    info = DataInfo("and", "tabular", "classification", (2,), ("0", "1"))
    model = build_compiled(entry, entry.resolve({"learning_rate": 0.5}), info)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    t = np.array([0, 0, 0, 1])
    logs = model.train_on_batch(x, t, return_dict=True)
    kernel, bias = model.get_layer("predictions").get_weights()
    # zero weights: u = 0 everywhere, the step says 0, only (1, 1) is wrong with t - y = 1
    np.testing.assert_allclose(kernel[:, 0], [0.5 * 1 / 4, 0.5 * 1 / 4])
    np.testing.assert_allclose(bias, [0.5 / 4])
    assert logs["loss"] == pytest.approx(0.25)  # the error rate before the update
    # b = 0.125 > 0 now fires for every input: the next batches push b back down
    np.testing.assert_array_equal(model.predict(x, verbose=0), [[0, 1]] * 4)


def test_saved_perceptron_reloads_with_its_rule(tmp_path):
    from workbench.models.io import load_model
    from workbench.models.perceptron import Perceptron

    entry = catalog.get("perceptron")
    info = DataInfo("digits", "image", "classification", (8, 8, 1), tuple("0123456789"))
    model = build_compiled(entry, entry.resolve(), info)  # ten classes: one unit per class
    x = np.random.default_rng(0).random((6, 8, 8, 1)).astype(np.float32)
    model.train_on_batch(x, np.arange(6))
    model.save(tmp_path / "p.keras")
    loaded = load_model(str(tmp_path / "p.keras"))
    assert isinstance(loaded, Perceptron) and loaded.get_layer("predictions").units == 10
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
