"""Saliency, SmoothGrad, Integrated Gradients and Guided Backpropagation."""

import numpy as np
import pytest

import workbench.xai as xai
from workbench.errors import WorkbenchError


@pytest.mark.parametrize("target,steps", [("probability", 128), ("logit", 64)])
def test_integrated_gradients_completeness(trained_cnn, square_image, target, steps):
    result = xai.explain(trained_cnn, square_image, "integrated_gradients", class_index=1,
                         steps=steps, target=target)
    info = result.info
    change = info["output"] - info["baseline_output"]
    assert abs(change) > 0.1  # a real difference to be complete about
    assert float(result.attribution.sum()) == pytest.approx(change, rel=0.01)
    assert info["completeness_error"] < 0.01
    assert result.attribution.shape == square_image.shape


def test_integrated_gradients_rejects_bad_options(trained_cnn, square_image):
    with pytest.raises(WorkbenchError, match="steps=0"):
        xai.explain(trained_cnn, square_image, "integrated_gradients", steps=0)
    with pytest.raises(WorkbenchError, match="baseline='grey'"):
        xai.explain(trained_cnn, square_image, "integrated_gradients", baseline="grey")
    with pytest.raises(WorkbenchError, match="stepz"):
        xai.explain(trained_cnn, square_image, "integrated_gradients", stepz=3)


def test_saliency_is_the_logit_gradient(square_image):
    """Central finite difference of the pre-softmax score along a random direction
    (a smooth tanh network, so the difference quotient does not jump over ReLU kinks)."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(5)
    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(4, 3, activation="tanh", name="conv")(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    dense = layers.Dense(2, activation="softmax", name="predictions")
    model = keras.Model(inputs, dense(x))
    pooled = keras.Model(inputs, x)
    kernel, bias = dense.get_weights()

    def logit(image):
        return float(np.asarray(pooled(image[None].astype(np.float32)))[0] @ kernel[:, 1] + bias[1])

    result = xai.explain(model, square_image, "saliency", class_index=1)
    direction = np.random.default_rng(0).normal(size=square_image.shape)
    epsilon = 1e-2
    numeric = (logit(square_image + epsilon * direction) - logit(square_image - epsilon * direction)) / (2 * epsilon)
    analytic = float((result.attribution * direction).sum())
    assert analytic == pytest.approx(numeric, rel=0.01)
    assert dense.activation.__name__ == "softmax"  # the model still outputs probabilities


def test_smoothgrad_is_seeded_and_averages(trained_cnn, square_image):
    first = xai.explain(trained_cnn, square_image, "smoothgrad", class_index=1, samples=8, seed=3)
    again = xai.explain(trained_cnn, square_image, "smoothgrad", class_index=1, samples=8, seed=3)
    other = xai.explain(trained_cnn, square_image, "smoothgrad", class_index=1, samples=8, seed=4)
    assert np.array_equal(first.attribution, again.attribution)
    assert not np.allclose(first.attribution, other.attribution)
    no_noise = xai.explain(trained_cnn, square_image, "smoothgrad", class_index=1, samples=2, noise_level=0.0)
    plain = xai.explain(trained_cnn, square_image, "saliency", class_index=1)
    assert np.allclose(no_noise.attribution, plain.attribution, atol=1e-6)


def test_guided_backprop_matches_the_rule_on_a_dense_net():
    """x -> Dense(relu) -> Dense(softmax): guided grad = W1 (dh * [z > 0] * [dh > 0]), dh = W2[:, c]."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(3)
    inputs = keras.Input((4, 4, 1))
    x = layers.Flatten()(inputs)
    x = layers.Dense(12, activation="relu", name="hidden")(x)
    model = keras.Model(inputs, layers.Dense(3, activation="softmax", name="predictions")(x))
    image = np.random.default_rng(1).normal(size=(4, 4, 1)).astype(np.float32)
    w1, b1 = model.get_layer("hidden").get_weights()
    w2 = model.get_layer("predictions").get_weights()[0]
    z = image.reshape(-1) @ w1 + b1
    dh = w2[:, 2]
    expected = (w1 @ (dh * (z > 0) * (dh > 0))).reshape(image.shape)
    result = xai.explain(model, image, "guided_backprop", class_index=2)
    assert np.allclose(result.attribution, expected, atol=1e-5)
    plain = (w1 @ (dh * (z > 0))).reshape(image.shape)
    assert not np.allclose(expected, plain)  # the guided rule changed something


def test_guided_backprop_sees_every_way_of_writing_relu(make_cnn, square_image):
    models = [make_cnn(relu=style) for style in ("conv", "activation", "relu")]
    for model in models[1:]:
        model.set_weights(models[0].get_weights())
    results = [xai.explain(m, square_image, "guided_backprop", class_index=0) for m in models]
    assert [r.info["guided_relus"] for r in results] == [2, 2, 2]
    for result in results[1:]:
        assert np.allclose(result.attribution, results[0].attribution, atol=1e-6)
    plain = xai.explain(models[0], square_image, "saliency", class_index=0).attribution
    assert not np.allclose(plain, results[0].attribution)


def test_guided_backprop_follows_training(make_cnn, square_image):
    """The cached guided clone copies the current weights on every call."""
    model = make_cnn()
    before = xai.explain(model, square_image, "guided_backprop", class_index=1).attribution
    model.set_weights([w * 1.5 for w in model.get_weights()])
    after = xai.explain(model, square_image, "guided_backprop", class_index=1).attribution
    assert not np.allclose(before, after)


def test_guided_gradcam_is_the_product(trained_cnn, square_image):
    result = xai.explain(trained_cnn, square_image, "guided_gradcam", class_index=1)
    guided = xai.explain(trained_cnn, square_image, "guided_backprop", class_index=1).attribution
    cam = xai.explain(trained_cnn, square_image, "gradcam", class_index=1).heatmap
    assert np.allclose(result.attribution, guided * cam[..., None], atol=1e-6)


def test_no_relu_no_guided_backprop():
    import keras
    from keras import layers

    inputs = keras.Input((6, 6, 1))
    x = layers.Conv2D(2, 3, activation="tanh")(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, layers.Dense(2, activation="softmax")(x))
    with pytest.raises(WorkbenchError, match="no ReLU"):
        xai.explain(model, np.ones((6, 6, 1), np.float32), "guided_backprop")


def test_guided_backprop_copies_weights_by_layer_name(make_cnn, square_image):
    """A layer tracked by the model but outside its graph (as an unused auxiliary head)
    shifts ``get_weights()``; the guided clone must still get the right weights."""
    from keras import layers

    model = make_cnn()
    reference = xai.explain(model, square_image, "guided_backprop", class_index=1).attribution
    twin = make_cnn()
    twin.set_weights(model.get_weights())
    twin.auxiliary = layers.Dense(3, name="aux_head")
    twin.auxiliary.build((None, 5))
    assert len(twin.get_weights()) == len(model.get_weights()) + 2
    assert np.allclose(xai.explain(twin, square_image, "guided_backprop", class_index=1).attribution,
                       reference, atol=1e-6)
