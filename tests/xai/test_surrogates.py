"""LIME and SHAP for images and for a tabular (iris) classifier."""

import numpy as np
import pytest

import workbench.xai as xai
from workbench.xai import tabular


def test_lime_same_seed_same_regions(trained_cnn, square_image):
    first = xai.explain(trained_cnn, square_image, "lime", class_index=1, num_samples=300, seed=11)
    again = xai.explain(trained_cnn, square_image, "lime", class_index=1, num_samples=300, seed=11)
    other = xai.explain(trained_cnn, square_image, "lime", class_index=1, num_samples=300, seed=12)
    assert first.info["top_regions"] and first.info["top_regions"] == again.info["top_regions"]
    assert np.array_equal(first.info["region_weights"], again.info["region_weights"])
    assert not np.allclose(first.info["region_weights"], other.info["region_weights"])
    segments = first.info["segments"]
    assert segments.shape == (16, 16) and segments.max() >= 3


def test_lime_top_region_covers_the_square(trained_cnn, square_image):
    result = xai.explain(trained_cnn, square_image, "lime", class_index=1, num_samples=400, seed=0)
    segments, best = result.info["segments"], result.info["top_regions"][0]
    assert (segments[3:8, 8:13] == best).mean() > 0.5


def test_image_shap_is_additive(trained_cnn, square_image):
    result = xai.explain(trained_cnn, square_image, "shap", class_index=1, max_evals=200)
    info = result.info
    assert result.attribution.shape == square_image.shape
    assert info["base_value"] + float(result.attribution.sum()) == pytest.approx(info["output"], abs=1e-4)
    assert info["output"] == pytest.approx(result.probabilities[1], abs=1e-6)


@pytest.fixture(scope="module")
def iris_model():
    import keras
    from keras import layers
    from sklearn.datasets import load_iris

    data = load_iris()
    x = ((data.data - data.data.mean(0)) / data.data.std(0)).astype(np.float32)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax", name="predictions")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="sparse_categorical_crossentropy")
    model.fit(x, data.target, epochs=30, batch_size=32, verbose=0)
    return model, x, list(data.feature_names)


def test_tabular_shap_is_additive(iris_model):
    model, x, names = iris_model
    result = tabular.shap_tabular(model, x[120], x[::3], names, seed=0)
    assert list(result.contributions) == names
    total = result.base_value + sum(result.contributions.values())
    assert total == pytest.approx(result.output, abs=1e-5)
    # petal measurements decide iris species; sepal width barely does
    petal = abs(result.contributions["petal length (cm)"]) + abs(result.contributions["petal width (cm)"])
    assert petal > abs(result.contributions["sepal width (cm)"])


def test_tabular_lime_is_seeded(iris_model):
    model, x, names = iris_model
    first = tabular.explain_tabular(model, x[10], x, names, method="lime", seed=4, num_samples=500)
    again = tabular.explain_tabular(model, x[10], x, names, method="lime", seed=4, num_samples=500)
    assert first == again and set(first) == set(names)
    assert max(abs(v) for v in first.values()) > 0.01


def test_tabular_bad_input_is_explained(iris_model):
    from workbench.errors import WorkbenchError

    model, x, names = iris_model
    with pytest.raises(WorkbenchError, match="rows of 4 features"):
        tabular.explain_tabular(model, x[0], x[:, :3], names)
    with pytest.raises(WorkbenchError, match="method='anchor'"):
        tabular.explain_tabular(model, x[0], x, names, method="anchor")
