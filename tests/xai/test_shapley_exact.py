"""Exact Shapley values by enumerating every coalition, against hand computations and shap."""

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.xai import shapley


@pytest.fixture(scope="module")
def iris_mlp():
    from sklearn.datasets import load_iris
    from sklearn.neural_network import MLPClassifier

    data = load_iris()
    x = (data.data - data.data.mean(0)) / data.data.std(0)
    model = MLPClassifier((8,), max_iter=500, random_state=0).fit(x, data.target)
    return model, x


def test_coalition_weights_are_the_shapley_formula():
    # M = 3: |S| = 0 -> 0!2!/3! = 1/3, |S| = 1 -> 1!1!/3! = 1/6, |S| = 2 -> 2!0!/3! = 1/3
    assert [shapley.shapley_weight(s, 3) for s in range(3)] == pytest.approx([1 / 3, 1 / 6, 1 / 3])
    # over all S ⊆ F∖{i} the weights sum to 1 (a weighted average of marginal contributions)
    from math import comb

    for m in (1, 4, 7):
        assert sum(comb(m - 1, s) * shapley.shapley_weight(s, m) for s in range(m)) == pytest.approx(1.0)


def test_a_linear_model_gets_weight_times_distance_from_the_background_mean():
    rng = np.random.default_rng(0)
    weights, background, row = rng.normal(size=5), rng.normal(size=(7, 5)), rng.normal(size=5)
    phi, base, full = shapley.exact_shapley(lambda rows: rows @ weights + 2.0, row, background)
    assert np.allclose(phi, weights * (row - background.mean(axis=0)), atol=1e-12)
    assert base == pytest.approx(background.mean(axis=0) @ weights + 2.0)


def test_an_interaction_is_split_evenly_and_a_dummy_gets_zero():
    # f = x0·x1 + 0·x2 with background 0: v({0,1}) = 6, every smaller coalition 0 -> 3, 3, 0
    phi, _, _ = shapley.exact_shapley(lambda rows: rows[:, 0] * rows[:, 1], np.array([2.0, 3.0, 5.0]),
                                      np.zeros((1, 3)))
    assert np.allclose(phi, [3.0, 3.0, 0.0], atol=1e-12)


def test_an_asymmetric_game_by_hand():
    # v: {} 0, {0} 1, {1} 2, {0,1} 6 -> φ0 = ½(1-0) + ½(6-2) = 2.5, φ1 = ½(2-0) + ½(6-1) = 3.5
    phi = shapley.shapley_from_values(np.array([0.0, 1.0, 2.0, 6.0]), 2)
    assert np.allclose(phi, [2.5, 3.5])


def test_efficiency_on_iris(iris_mlp):
    model, x = iris_mlp
    f = lambda rows: model.predict_proba(rows)[:, 2]
    background = x[::5]
    for index in (0, 60, 120):
        phi, base, full = shapley.exact_shapley(f, x[index], background)
        assert full == pytest.approx(float(f(x[index:index + 1])[0]), abs=1e-12)
        assert base == pytest.approx(float(f(background).mean()), abs=1e-12)
        assert abs(phi.sum() - (full - base)) <= 1e-9


def test_matches_shap_exact_and_kernel_explainers_on_iris(iris_mlp):
    import shap

    model, x = iris_mlp
    f = lambda rows: model.predict_proba(rows)[:, 2]
    background, row = x[::5], x[120]
    phi, base, _ = shapley.exact_shapley(f, row, background)
    exact = shap.explainers.Exact(f, shap.maskers.Independent(background, max_samples=len(background)))(row[None])
    assert np.abs(exact.values[0] - phi).max() <= 1e-9  # the same sum, term for term
    assert float(exact.base_values[0]) == pytest.approx(base, abs=1e-12)
    # Kernel SHAP with M = 4 enumerates all 2^4 coalitions: its regression then solves exactly
    kernel = shap.KernelExplainer(f, background)
    np.random.seed(0)
    assert np.abs(kernel.shap_values(row, nsamples="auto", silent=True) - phi).max() <= 1e-9


def test_sampled_kernel_shap_approximates_the_exact_values():
    import shap

    # M = 10: 1022 coalitions; Kernel SHAP samples 400 of them (with its paired sampling)
    rng = np.random.default_rng(1)
    w1, w2 = rng.normal(size=(10, 6)), rng.normal(size=6)
    f = lambda rows: np.tanh(rows @ w1) @ w2
    background, row = rng.normal(size=(8, 10)), rng.normal(size=10)
    phi, _, _ = shapley.exact_shapley(f, row, background)
    kernel = shap.KernelExplainer(f, background)
    np.random.seed(0)
    approx = kernel.shap_values(row, nsamples=400, silent=True)
    scale = np.abs(phi).max()
    assert np.abs(approx - phi).max() <= 0.05 * scale  # stated tolerance: 5 % of the largest value
    assert approx.sum() == pytest.approx(phi.sum(), abs=1e-9)  # both efficient


def test_keras_model_through_the_tabular_entry_point_agrees_with_kernel_shap():
    import keras
    from sklearn.datasets import load_iris

    from workbench.xai import tabular

    data = load_iris()
    x = ((data.data - data.data.mean(0)) / data.data.std(0)).astype(np.float32)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="sparse_categorical_crossentropy")
    model.fit(x, data.target, epochs=5, batch_size=50, verbose=0)
    names = list(data.feature_names)
    exact = shapley.shapley_exact_tabular(model, x[100], x, names, seed=0, background_size=30)
    approx = tabular.shap_tabular(model, x[100], x, names, seed=0, background_size=30)
    assert exact.method == "shapley_exact" and list(exact.contributions) == names
    assert exact.class_index == approx.class_index
    assert np.allclose(list(exact.contributions.values()), list(approx.contributions.values()), atol=1e-5)
    assert exact.base_value + sum(exact.contributions.values()) == pytest.approx(exact.output, abs=1e-6)
    assert tabular.explain_tabular(model, x[100], x, names, "shapley_exact", background_size=30) == \
        exact.contributions


def test_more_than_twelve_features_is_refused_with_a_sentence():
    with pytest.raises(WorkbenchError, match="13 features"):
        shapley.exact_shapley(lambda rows: rows.sum(axis=1), np.zeros(13), np.zeros((2, 13)))
    with pytest.raises(WorkbenchError, match="background"):
        shapley.exact_shapley(lambda rows: rows.sum(axis=1), np.zeros(3), np.zeros((2, 4)))


def test_cli_explains_a_tabular_row_exactly(tmp_path, capsys):
    import json

    from workbench.cli import main

    run = str(tmp_path / "iris")
    assert main(["train", "mlp", "--data", "iris", "--epochs", "1", "--steps-per-epoch", "2",
                 "--out", run]) == 0
    capsys.readouterr()
    assert main(["explain", run, "--row", "2", "--method", "shapley_exact", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["method"] == "shapley_exact" and len(report["contributions"]) == 4
    total = report["base_value"] + sum(report["contributions"].values())
    assert total == pytest.approx(report["output"], abs=1e-6)
    assert main(["explain", run, "--row", "2", "--method", "gradcam"]) == 1  # no tabular form: a sentence
    assert "no tabular form" in capsys.readouterr().err
