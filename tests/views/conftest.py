"""One example of every view type, shared by the views tests."""

import dataclasses

import numpy as np
import pytest

from workbench.views import Audio, Curves, Graph, HeatGrid, ImageGrid, Scatter, Text, View


def example_views() -> list[View]:
    rng = np.random.default_rng(0)
    steps = np.arange(1, 21)
    gate = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    return [
        View("gradient_norms", Curves({"rho=0.5": (steps, 0.5 ** steps), "rho=1.5": (steps, 1.5 ** steps)},
                                      "time step t", "||dL/dz_t||", log_y=True), step=3),
        View("confusion", HeatGrid(rng.integers(0, 50, (4, 4)), list("abcd"), list("abcd"), "predicted", "true",
                                   annotate=True, colormap="Blues"), "Confusion matrix", 2),
        View("samples", ImageGrid(rng.random((6, 12, 10, 3)), [f"#{i}" for i in range(6)], columns=3)),
        View("embedding", Scatter(rng.normal(size=(30, 5)), rng.integers(0, 3, 30), ["x", "y", "z"], "tsne",
                                  "t-SNE 1", "t-SNE 2")),
        View("decision_boundary", Scatter(gate, [0, 1, 1, 0], ["off", "on"],
                                          background=rng.integers(0, 2, (8, 9)), extent=(-0.2, 1.2, -0.3, 1.3))),
        View("karate", Graph([[0, 1], [1, 2], [2, 0], [2, 3]], 5, [0, 0, 1, 1, 1], ["club A", "club B"],
                             list("ABCDE"), positions=rng.random((5, 2)))),
        View("equation", Text(r"y = 30.01\,x^{2} + 0.4913\,x + 0.2087", math=True), "Fitted equation", 7),
        View("chirp", Audio(np.sin(2 * np.pi * np.cumsum(np.linspace(200, 2000, 4000)) / 8000), 8000, "a chirp")),
    ]


@pytest.fixture
def views() -> list[View]:
    return example_views()


def assert_same_value(a, b) -> None:
    """Field by field: arrays equal in value and dtype, everything else equal."""
    assert type(a) is type(b)
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), field.name
        elif isinstance(x, dict):  # Curves.series: label -> (x, y)
            assert list(x) == list(y)
            for key in x:
                for u, v in zip(x[key], y[key]):
                    assert u.dtype == v.dtype and np.array_equal(u, v), (field.name, key)
        else:
            assert x == y, field.name


@pytest.fixture
def same_value():
    return assert_same_value
