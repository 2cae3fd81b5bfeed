"""Explanation values computed by hand (issue 9, item 6): tests that fail when SmoothGrad's
noise scale or squaring changes, or tabular LIME stops looking at the model."""

import numpy as np
import pytest

from workbench import xai


def _square_logit_model(size=6):
    """logit_1 = sum(x^2) and logit_0 = 0 before a softmax, so d logit_1 / dx = 2x."""
    import keras
    from keras import layers

    inputs = keras.Input((size, size, 1))
    squares = layers.Multiply(name="square")([inputs, inputs])
    flat = layers.Flatten(name="flatten")(squares)
    dense = layers.Dense(2, activation="softmax", name="predictions")
    model = keras.Model(inputs, dense(flat))
    dense.set_weights([np.stack([np.zeros(size * size), np.ones(size * size)], 1).astype(np.float32),
                       np.zeros(2, np.float32)])
    return model


@pytest.fixture(scope="module")
def square_model():
    return _square_logit_model()


@pytest.fixture(scope="module")
def ramp():
    return np.linspace(0.0, 2.0, 36, dtype=np.float32).reshape(6, 6, 1)


def _noisy(image, samples, noise_level, seed):
    """The noisy copies SmoothGrad draws: sigma = noise_level * (max - min), the paper's."""
    rng = np.random.default_rng(seed)
    sigma = noise_level * float(image.max() - image.min())
    return image[None] + rng.normal(0.0, sigma, (samples,) + image.shape).astype(np.float32)


def test_smoothgrad_squared_is_the_mean_of_squared_gradients(square_model, ramp):
    result = xai.explain(square_model, ramp, "smoothgrad", class_index=1, samples=6,
                         noise_level=0.2, squared=True, seed=2)
    expected = ((2.0 * _noisy(ramp, 6, 0.2, 2)) ** 2).mean(axis=0)
    np.testing.assert_allclose(result.attribution, expected, rtol=1e-4, atol=1e-5)
    # E[(2(x + n))^2] = 4x^2 + 4 sigma^2, sigma = 0.2 * 2: the noise scale shows in the mean
    assert float(np.mean(result.attribution - 4 * ramp ** 2)) == pytest.approx(4 * 0.4 ** 2, rel=0.35)


def test_smoothgrad_mean_gradient_uses_the_papers_noise_scale(square_model, ramp):
    result = xai.explain(square_model, ramp, "smoothgrad", class_index=1, samples=5,
                         noise_level=0.1, seed=7)
    np.testing.assert_allclose(result.attribution, (2.0 * _noisy(ramp, 5, 0.1, 7)).mean(axis=0),
                               rtol=1e-4, atol=1e-5)


def test_smoothgrad_without_noise_is_saliency_exactly(square_model, ramp):
    plain = xai.explain(square_model, ramp, "saliency", class_index=1)
    np.testing.assert_allclose(plain.attribution, 2.0 * ramp, rtol=1e-6)
    for squared in (False, True):
        smooth = xai.explain(square_model, ramp, "smoothgrad", class_index=1, samples=3,
                             noise_level=0.0, squared=squared)
        expected = plain.attribution ** 2 if squared else plain.attribution
        # equal up to float32 rounding of the mean of identical copies
        np.testing.assert_allclose(smooth.attribution, expected, rtol=1e-6, atol=0)


def test_tabular_lime_recovers_a_linear_models_signs_and_order():
    """p(class 1) = sigmoid(3 x0 - 2 x1 + 0.5 x2 + 0 x3) on a row in every feature's top
    quartile: LIME's weights must carry the coefficients' signs and order of size."""
    from workbench.xai.tabular import lime_tabular

    weights = np.array([3.0, -2.0, 0.5, 0.0])

    def model(rows):
        p = 1.0 / (1.0 + np.exp(-np.asarray(rows, np.float64) @ weights))
        return np.stack([1 - p, p], axis=1)

    background = np.random.default_rng(0).normal(size=(400, 4))
    row = np.array([1.2, 1.2, 1.2, 1.2])
    result = lime_tabular(model, row, background, ["a", "b", "c", "d"], class_index=1,
                          num_samples=1500)
    lime = np.array([result.contributions[n] for n in "abcd"])
    assert np.sign(lime[:3]).tolist() == [1.0, -1.0, 1.0]
    assert abs(lime[0]) > abs(lime[1]) > abs(lime[2]) > abs(lime[3])
    assert abs(lime[3]) < 0.2 * abs(lime[2])  # a feature the model ignores weighs ~nothing


def test_saliency_takes_the_largest_gradient_over_channels():
    """Simonyan et al.: the map is max_c |d score / d x_c|; here the gradient is 2x."""
    import keras
    from keras import layers

    inputs = keras.Input((4, 4, 3))
    flat = layers.Flatten()(layers.Multiply()([inputs, inputs]))
    dense = layers.Dense(2, activation="softmax", name="predictions")
    model = keras.Model(inputs, dense(flat))
    dense.set_weights([np.stack([np.zeros(48), np.ones(48)], 1).astype(np.float32), np.zeros(2, np.float32)])
    image = np.random.default_rng(3).uniform(-1, 1, (4, 4, 3)).astype(np.float32)
    heatmap = xai.explain(model, image, "saliency", class_index=1).heatmap
    expected = np.abs(image).max(axis=2)
    np.testing.assert_allclose(heatmap, expected / expected.max(), rtol=1e-5)


def test_integrated_gradients_from_a_non_black_baseline_is_exact(square_model, ramp):
    """f = sum x^2 along the straight path from b: IG_i = (x_i - b_i)(x_i + b_i) = x_i^2 - b_i^2
    (the trapezoid rule is exact for the linear gradient 2x); "white" is b = max(x) = 2."""
    result = xai.explain(square_model, ramp, "integrated_gradients", class_index=1, baseline="white",
                         steps=4, target="logit")
    np.testing.assert_allclose(result.attribution, ramp ** 2 - 4.0, rtol=1e-4, atol=1e-4)


def test_cam_keeps_only_evidence_for_the_class():
    """Grad-CAM's ReLU: negative evidence is 0 in the heatmap, the rest scaled by the peak."""
    from workbench.xai.common import cam_result

    result = cam_result(np.array([[-1.0, 2.0], [3.0, -4.0]]), (2, 2))
    np.testing.assert_allclose(result.heatmap, [[0.0, 2 / 3], [1.0, 0.0]], atol=1e-6)


def test_faithfulness_auc_is_the_trapezoid_area():
    from workbench.xai.faithfulness import auc

    assert auc(np.array([1.0, 0.0, 0.0])) == pytest.approx(0.25)  # a mean would say 1/3
    assert auc(np.array([0.0, 1.0])) == pytest.approx(0.5)
