"""The rows already built write their views into the run directory, with the right numbers."""

import json
import os
import re

import numpy as np
import pytest

from workbench.cli import main
from workbench.models import rnn_bptt
from workbench.models.linear_regression import equation_mathtext, fitted_coefficients
from workbench.training import TrainConfig, events
from workbench.training.job import run_training
from workbench.training.sweep import sweep
from workbench.views import standard
from workbench.views.store import list_views, load_view


def _run(tmp_path, model, data, **kw):
    received = []
    config = TrainConfig(model, data=data, out=str(tmp_path / model), seed=0, **kw)
    return run_training(config, emit=received.append), received


def test_rnn_writes_its_gradient_norms_over_time_steps(tmp_path):
    result, received = _run(tmp_path, "rnn_bptt", "binary_addition", epochs=1, steps_per_epoch=2,
                            data_options={"samples": 64})
    view = load_view(result.run_dir, "gradient_norms")
    hp = json.loads(open(os.path.join(result.run_dir, "config.json")).read())["hparams"]
    expected = rnn_bptt.gradient_norm_curves(steps=hp["curve_steps"], hidden=hp["hidden_units"],
                                             activation=hp["activation"], seed=0)
    assert list(view.value.series) == list(expected) and view.value.log_y
    for label, (t, norms) in expected.items():
        np.testing.assert_array_equal(view.value.series[label][1], norms)
        np.testing.assert_array_equal(view.value.series[label][0], t)
    ratios = {k: rnn_bptt.first_to_last_ratio(y) for k, (_, y) in view.value.series.items()}
    assert ratios["rho=0.5"] < 1e-4 and ratios["rho=1.5"] > 10  # vanishing and exploding
    assert os.path.isfile(os.path.join(result.run_dir, "views", "gradient_norms.png"))
    assert sum(isinstance(e, events.View) for e in received) == 1


def test_polynomial_regression_writes_its_fitted_equation(tmp_path):
    result, received = _run(tmp_path, "polynomial_regression", "polynomial", epochs=3,
                            data_options={"samples": 200})
    view = load_view(result.run_dir, "equation")
    assert view.value.math and view.title == "Fitted equation" and view.step == 3
    assert view.value.text == equation_mathtext(result.model, ("x",))
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?(?:e[-+]\d+)?", view.value.text.replace("^{2}", ""))]
    terms = fitted_coefficients(result.model, ("x",))
    np.testing.assert_allclose(numbers, np.abs(list(terms.values())), rtol=1e-3)
    assert [e.text for e in received if isinstance(e, events.Text)][0].startswith("y = ")  # kept for logs


def test_equation_mathtext_escapes_long_feature_names():
    import keras

    from workbench.data import DataInfo
    from workbench.models.linear_regression import build_linear_regression

    model = build_linear_regression({}, DataInfo("t", "tabular", "regression", (2,), (), ("a", "b")))
    model.get_layer("predictions").set_weights([np.array([[2.0], [-0.5]]), np.array([1.25])])
    assert equation_mathtext(model, ("x", "petal_width")) == r"y = 2\,x - 0.5\,\mathrm{petal\_width} + 1.25"
    assert isinstance(model, keras.Model)


class _ThresholdModel:
    """Class 1 where x > 0.5, whatever y is: shows which axis of the grid is which."""

    def predict_on_batch(self, points):
        return np.stack([points[:, 0] <= 0.5, points[:, 0] > 0.5], axis=1).astype(np.float32)


def test_decision_boundary_grid_runs_x_along_columns_and_y_up_the_rows():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    view = standard.decision_boundary(_ThresholdModel(), x, [0, 0, 1, 1], ["no", "yes"], ["a", "b"], step=4,
                                      resolution=20)
    value = view.value
    assert value.extent == pytest.approx((-0.15, 1.15, -0.15, 1.15))
    xs = np.linspace(-0.15, 1.15, 20)
    np.testing.assert_array_equal(value.background, np.tile(xs > 0.5, (20, 1)).astype(int))
    assert (value.x_label, value.y_label, value.label_names, view.step) == ("a", "b", ["no", "yes"], 4)
    np.testing.assert_array_equal(value.labels, [0, 0, 1, 1])


def test_perceptron_on_and_writes_a_decision_boundary_that_matches_its_predictions(tmp_path, capsys):
    out = tmp_path / "and"
    assert main(["train", "perceptron", "--data", "and", "--epochs", "4", "--batch-size", "4",
                 "--data-option", "repeat=8", "--out", str(out)]) == 0
    printed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("view ")]
    arrow = "\u2192" if "\u2192" in printed[0] else "->"
    assert printed == [f"view {name} {arrow} {out / 'views' / (name + '.png')}"
                       for name in ("decision_boundary", "confusion_matrix")]
    view = load_view(str(out), "decision_boundary")
    assert view.step == 4  # the last epoch is always shown
    from workbench.models.io import load_model

    model = load_model(str(out))
    grid = standard.boundary_grid(view.value.extent, view.value.background.shape[0])
    predicted = model.predict(grid.astype(np.float32), verbose=0).argmax(axis=1)
    np.testing.assert_array_equal(view.value.background.ravel(), predicted)
    # AND is learned: only the corner nearest (1, 1) is "1"
    assert view.value.background[-1, -1] == 1 and view.value.background[0, 0] == 0
    assert view.value.background[0, -1] == 0 and view.value.background[-1, 0] == 0
    assert [v.name for v in list_views(str(out))] == ["confusion_matrix", "decision_boundary"]


def test_an_optimizer_sweep_writes_its_comparison_views(tmp_path):
    received = []
    config = TrainConfig("perceptron", "and", epochs=2, batch_size=4, out=str(tmp_path / "sweep"))
    results = sweep(config, "optimizer", ["sgd", "adam"], received.append)
    names = [v.name for v in list_views(str(tmp_path / "sweep"))]
    assert names == ["comparison_val_accuracy", "comparison_val_loss"]
    loss = load_view(str(tmp_path / "sweep"), "comparison_val_loss").value
    assert list(loss.series) == ["optimizer=sgd", "optimizer=adam"] and loss.y_label == "val_loss"
    for (epochs, values), result in zip(loss.series.values(), results):
        np.testing.assert_array_equal(epochs, [1, 2])
        np.testing.assert_allclose(values, result.history["val_loss"])
    emitted = [e.name for e in received if isinstance(e, events.View)]
    assert sorted(emitted[-2:]) == ["comparison_val_accuracy", "comparison_val_loss"]
    for result in results:  # each run keeps its own decision boundary
        assert [v.name for v in list_views(result.run_dir)] == ["confusion_matrix", "decision_boundary"]


def test_a_classifier_run_keeps_its_validation_confusion_matrix(tmp_path):
    """The run's views/confusion_matrix equals scikit-learn's on the saved model's predictions."""
    from sklearn.metrics import confusion_matrix

    from workbench import data
    from workbench.models.io import load_model
    from workbench.training import TrainConfig, job
    from workbench.views.store import load_view

    digits = data.load("digits")
    job.run_training(TrainConfig("mlp", "digits", epochs=1, batch_size=64, out=str(tmp_path / "run"),
                                 hparams={"hidden_units": "16"}), dataset=digits)
    view = load_view(str(tmp_path / "run"), "confusion_matrix")
    predicted = load_model(str(tmp_path / "run" / "model.keras")).predict(digits.x_val, verbose=0).argmax(1)
    expected = confusion_matrix(digits.y_val, predicted, labels=range(10))
    np.testing.assert_array_equal(view.value.values, expected)
    assert view.value.row_labels == list(digits.info.class_names)
    assert (view.value.x_label, view.value.y_label) == ("predicted", "true")
