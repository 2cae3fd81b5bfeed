"""Linear and polynomial regression recover the generating coefficients."""

import numpy as np
import pytest

from workbench.models.io import load_model
from workbench.models.linear_regression import equation, fitted_coefficients, polynomial_coefficients
from workbench.training import events
from workbench.training.config import TrainConfig
from workbench.training.job import run_training


def _train(tmp_path, model, data, options, epochs=10):
    received = []
    result = run_training(TrainConfig(model, data=data, epochs=epochs, out=str(tmp_path / model),
                                      data_options=options), emit=received.append)
    return result, received


def test_polynomial_regression_recovers_30_0_5_0_2_from_noisy_data(tmp_path):
    result, received = _train(tmp_path, "polynomial_regression", "polynomial",
                              {"samples": 1000, "noise": 0.2})
    a2, a1, a0 = polynomial_coefficients(result.model)
    assert a2 == pytest.approx(30.0, rel=0.05)
    assert a1 == pytest.approx(0.5, abs=0.1)
    assert a0 == pytest.approx(0.2, abs=0.1)
    texts = [e.text for e in received if isinstance(e, events.Text)]
    assert texts == [equation(result.model, ("x",))] and texts[0].startswith("y = ")
    assert result.history["val_loss"][-1] < 0.1  # noise variance 0.04 plus what is left to fit
    # the saved model (with its PolynomialFeatures layer) predicts the same after loading
    x = np.linspace(-1, 1, 7, dtype=np.float32)[:, None]
    loaded = load_model(result.run_dir)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), result.model.predict(x, verbose=0), atol=1e-6)
    np.testing.assert_allclose(result.model.predict(x, verbose=0)[:, 0], np.polyval([a2, a1, a0], x[:, 0]),
                               rtol=1e-4, atol=1e-4)


def test_linear_regression_recovers_slope_and_intercept(tmp_path):
    result, _ = _train(tmp_path, "linear_regression", "linear",
                       {"samples": 500, "noise": 0.3, "coefficients": "-3,1.5"})
    terms = fitted_coefficients(result.model, ("x",))
    assert list(terms) == ["x", "1"]
    assert terms["x"] == pytest.approx(-3.0, abs=0.1) and terms["1"] == pytest.approx(1.5, abs=0.1)


def test_equation_text_formats_signs():
    import keras

    from workbench.data import DataInfo
    from workbench.models.linear_regression import build_polynomial_regression

    info = DataInfo("p", "tabular", "regression", (1,), (), ("t",))
    model = build_polynomial_regression({"degree": 2}, info)
    model.get_layer("predictions").set_weights([np.array([[-0.5], [2.0]]), np.array([-1.25])])
    assert equation(model, ("t",)) == "y = 2 t^2 - 0.5 t - 1.25"
    assert isinstance(model, keras.Model)
