"""LIME's sample weights: the paper's (and the notes') kernel π_x(z) = exp(−D(x, z)²/σ²).

The ``lime`` package's default kernel is sqrt(exp(−D²/σ²)); the workbench passes its own
kernel, so these tests record the weights lime's ridge regression actually receives.
"""

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.xai import lime_regions, tabular


@pytest.fixture
def recorded(monkeypatch):
    """Every (neighbourhood, distances) lime regresses on, and every sample_weight its Ridge gets."""
    import lime.lime_base as lime_base
    from sklearn.linear_model import Ridge

    seen = {"data": [], "distances": [], "weights": []}
    original = lime_base.LimeBase.explain_instance_with_data

    def spy(self, neighborhood_data, neighborhood_labels, distances, *args, **kwargs):
        seen["data"].append(np.array(neighborhood_data))
        seen["distances"].append(np.array(distances))
        return original(self, neighborhood_data, neighborhood_labels, distances, *args, **kwargs)

    class RecordingRidge(Ridge):
        def fit(self, X, y, sample_weight=None):
            seen["weights"].append(np.array(sample_weight))
            return super().fit(X, y, sample_weight=sample_weight)

    monkeypatch.setattr(lime_base.LimeBase, "explain_instance_with_data", spy)
    monkeypatch.setattr(lime_base, "Ridge", RecordingRidge)
    return seen


def test_kernel_by_hand():
    # σ = 0.25: D = 0, 0.1, 0.25, 0.5 -> exp(0), exp(-0.16), exp(-1), exp(-4)
    weights = lime_regions.lime_kernel([0.0, 0.1, 0.25, 0.5], 0.25)
    assert weights == pytest.approx([1.0, 0.8521437890, 0.3678794412, 0.0183156389], abs=1e-9)


def test_tabular_lime_weights_samples_by_the_paper_kernel(recorded):
    rng = np.random.default_rng(0)
    background = rng.normal(size=(60, 3))
    model = lambda rows: np.stack([1 / (1 + np.exp(-rows[:, 0])), 1 - 1 / (1 + np.exp(-rows[:, 0]))], axis=1)
    tabular.lime_tabular(model, background[0], background, class_index=0, num_samples=200, kernel_width=1.5)
    data, distances = recorded["data"][0], recorded["distances"][0]
    # lime's distance: Euclidean from the explained row (the first sample) in its scaled space
    assert np.allclose(distances, np.linalg.norm(data - data[0], axis=1))
    assert distances.max() > 1.0
    for weights in recorded["weights"]:
        assert np.allclose(weights, np.exp(-distances ** 2 / 1.5 ** 2), atol=1e-12)  # not its sqrt


def test_image_lime_weights_samples_by_cosine_distance_and_the_kernel(recorded):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12, 12, 3)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax")])
    image = np.random.default_rng(0).uniform(size=(12, 12, 3)).astype(np.float32)
    lime_regions.lime(model, image, 1, num_samples=40, segments=9, kernel_width=0.4)
    data, distances = recorded["data"][0], recorded["distances"][0]
    on = data.sum(axis=1)  # z' switches regions on (1) or off (0); x' is all ones
    by_hand = 1 - on / (np.sqrt(on) * np.sqrt(data.shape[1]))
    assert np.allclose(distances[on > 0], by_hand[on > 0], atol=1e-9)
    assert np.allclose(recorded["weights"][0], np.exp(-distances ** 2 / 0.4 ** 2), atol=1e-12)


def test_a_different_kernel_width_changes_the_explanation():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    data = load_iris()
    x = (data.data - data.data.mean(0)) / data.data.std(0)
    model = LogisticRegression(max_iter=500).fit(x, data.target)
    narrow = tabular.lime_tabular(model.predict_proba, x[70], x, class_index=1, num_samples=500, kernel_width=0.3)
    wide = tabular.lime_tabular(model.predict_proba, x[70], x, class_index=1, num_samples=500, kernel_width=5.0)
    again = tabular.lime_tabular(model.predict_proba, x[70], x, class_index=1, num_samples=500, kernel_width=5.0)
    gap = max(abs(narrow.contributions[k] - wide.contributions[k]) for k in narrow.contributions)
    assert wide.contributions == again.contributions
    assert gap > 0.01


@pytest.mark.parametrize("width", [0, -1.0, "wide", float("nan")])
def test_a_bad_kernel_width_is_refused_with_a_sentence(width):
    with pytest.raises(WorkbenchError, match="kernel_width"):
        lime_regions.check_kernel_width(width)


def test_explain_tab_passes_the_kernel_width_to_lime(qtbot, monkeypatch):
    import functools
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import keras

    from ui.panels.xai_panel import XaiPanel
    from ui.session import Session

    widths = []
    original = lime_regions.lime

    @functools.wraps(original)
    def spy(*args, **kwargs):
        widths.append(kwargs.get("kernel_width"))
        return original(*args, **{**kwargs, "num_samples": 20})

    monkeypatch.setattr(lime_regions, "lime", spy)
    session = Session()
    panel = XaiPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.kernel_width.isHidden()  # Grad-CAM has no kernel
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12, 12, 3)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax")])
    session.set_model(model)
    qtbot.waitUntil(lambda: panel.model_facts is not None, timeout=60000)
    panel.method.setCurrentIndex(panel.method.findData("lime"))
    assert not panel.kernel_width.isHidden()
    panel.kernel_width.setValue(0.6)
    panel.explain_image(np.random.default_rng(0).uniform(size=(12, 12, 3)).astype(np.float32), "noise")
    qtbot.waitUntil(lambda: panel.explanation is not None, timeout=60000)
    assert widths and widths[-1] == pytest.approx(0.6)
