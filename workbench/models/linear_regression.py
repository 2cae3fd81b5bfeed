"""Linear and polynomial regression (least squares fitted by gradient descent).

Legendre (1805) and Gauss (1809) introduced the method of least squares; here it is
fitted the deep-learning way, as in the notes' exercise: a single ``Dense(1)`` trained
on the mean squared error, on the raw features (linear regression) or on the powers
``x, x^2, ..., x^d`` produced inside the model by ``PolynomialFeatures`` (polynomial
regression, still linear in its weights). The fitted weights are the coefficients, and
``fitted_coefficients`` reads them back so the GUI and the CLI can print the equation.
"""

from __future__ import annotations

import keras

from workbench.errors import WorkbenchError
from workbench.layers.polynomial_features import PolynomialFeatures
from workbench.models.common import output_layer
from workbench.training import events
from workbench.views.types import Text


def build_linear_regression(hp: dict, info) -> keras.Model:
    """``y = w . x + b``."""
    return _regression(info, degree=1, name="linear_regression", dropout=hp.get("dropout", 0.0))


def build_polynomial_regression(hp: dict, info) -> keras.Model:
    """``y = sum_k w_k x^k + b`` for ``k = 1 .. degree``."""
    return _regression(info, degree=hp["degree"], name="polynomial_regression",
                       dropout=hp.get("dropout", 0.0))


def _regression(info, degree: int, name: str, dropout: float = 0.0) -> keras.Model:
    if info.task != "regression" or len(info.input_shape) != 1:
        raise WorkbenchError(
            f"{name} needs a table with a numeric target; {info.name} is {info.task} data "
            f"with inputs of shape {info.input_shape}")
    if not 1 <= degree <= 10:
        raise WorkbenchError(f"degree={degree} must be between 1 and 10")
    inputs = keras.Input(shape=info.input_shape, name="input")
    x = PolynomialFeatures(degree, name="polynomial_features")(inputs) if degree > 1 else inputs
    if dropout:  # on the features: for a linear model this acts as an L2 (ridge) penalty
        x = keras.layers.Dropout(dropout, name="feature_dropout")(x)  # (Wager et al. 2013), shrinking w
    return keras.Model(inputs, output_layer(x, info), name=name)


def fitted_coefficients(model, feature_names=()) -> dict[str, float]:
    """The fitted equation's terms, highest power first, the constant last under ``"1"``.

    ``{"x^2": 30.01, "x": 0.49, "1": 0.21}`` for a degree-2 fit on one feature named x.
    """
    kernel, bias = (w.numpy() for w in model.get_layer("predictions").weights)
    degree = _degree(model)
    features = kernel.shape[0] // degree
    names = list(feature_names) if len(feature_names) == features else [
        "x" if features == 1 else f"x{i + 1}" for i in range(features)]
    terms = {}
    for power in range(degree, 0, -1):  # the layer orders its outputs by power, then feature
        for i, feature in enumerate(names):
            terms[feature if power == 1 else f"{feature}^{power}"] = float(kernel[(power - 1) * features + i, 0])
    terms["1"] = float(bias[0])
    return terms


def polynomial_coefficients(model) -> tuple[float, ...]:
    """One input feature: ``(a_d, ..., a_1, a_0)``, the order ``numpy.polyval`` expects."""
    terms = fitted_coefficients(model)
    if len(terms) != _degree(model) + 1:
        raise WorkbenchError("polynomial_coefficients needs a model with exactly one input feature")
    return tuple(terms.values())


def equation(model, feature_names=(), digits: int = 4) -> str:
    """``"y = 30.01 x^2 + 0.4913 x + 0.2087"``."""
    text = ""
    for term, value in fitted_coefficients(model, feature_names).items():
        number = f"{abs(value):.{digits}g}" + ("" if term == "1" else f" {term}")
        text += (" - " if value < 0 else " + ") + number if text else ("-" if value < 0 else "") + number
    return f"y = {text}"


def equation_mathtext(model, feature_names=(), digits: int = 4) -> str:
    """The same equation as a mathtext formula: ``"y = 30.01\\,x^{2} + 0.4913\\,x + 0.2087"``."""
    text = ""
    for term, value in fitted_coefficients(model, feature_names).items():
        number = f"{abs(value):.{digits}g}" + ("" if term == "1" else r"\," + _math_term(term))
        text += (" - " if value < 0 else " + ") + number if text else ("-" if value < 0 else "") + number
    return f"y = {text}"


def _math_term(term: str) -> str:
    """``"x^2"`` -> ``"x^{2}"``; a longer feature name upright, its special characters escaped."""
    name, _, power = term.partition("^")
    if len(name) > 1:
        for char in "\\_%$#&{}":
            name = name.replace(char, "\\" + char)
        name = r"\mathrm{" + name.replace(" ", r"\ ") + "}"
    return f"{name}^{{{power}}}" if power else name


def train_and_report_equation(ctx):
    """The standard ``fit``, then a ``Text`` event with the fitted equation."""
    from workbench.training.job import build_compiled, fit_arrays

    data = ctx.dataset
    model = build_compiled(ctx.entry, ctx.hp, data.info, ctx.config.mixed_precision)
    report = _EquationReport(ctx.emit, data.info.feature_names)
    return fit_arrays(ctx, model, data.x_train, data.y_train, data.x_val, data.y_val, extra_callbacks=[report])


train_and_report_equation.resumable = True  # it trains through fit_arrays


class _EquationReport(keras.callbacks.Callback):
    """Emits the fitted equation when training ends (also after Stop or early stopping):
    as a line of text for logs, and as an ``equation`` view (a formula) for the run directory."""

    def __init__(self, emit, feature_names):
        super().__init__()
        self.emit, self.feature_names = emit, feature_names
        self.epochs_done = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_done = epoch + 1

    def on_train_end(self, logs=None):
        self.emit(events.Text("Fitted equation", equation(self.model, self.feature_names)))
        self.emit(events.View("equation", Text(equation_mathtext(self.model, self.feature_names), math=True),
                              "Fitted equation", self.epochs_done))


def _degree(model) -> int:
    try:
        return model.get_layer("polynomial_features").degree
    except ValueError:  # linear regression: no expansion layer
        return 1
