"""CAM, Grad-CAM, Grad-CAM++, Score-CAM: their invariants and agreement with tf-keras-vis."""

import numpy as np
import pytest

import workbench.xai as xai
from workbench.errors import WorkbenchError


def correlation(a, b):
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def test_gradcam_is_cam_up_to_a_positive_scale(trained_cnn, square_image):
    cam = xai.explain(trained_cnn, square_image, "cam", class_index=1)
    grad = xai.explain(trained_cnn, square_image, "gradcam", layer="conv2", class_index=1)
    assert cam.layer == "conv2"
    assert correlation(cam.heatmap, grad.heatmap) > 0.99
    # Grad-CAM's weights are W[:, c] / (h w): the raw maps differ by exactly that factor
    height, width = cam.info["cam"].shape
    ratio = grad.info["cam"] / cam.info["cam"]
    assert np.allclose(ratio, 1.0 / (height * width), rtol=1e-3)


def test_gradcam_finds_the_square(trained_cnn, square_image):
    heat = xai.explain(trained_cnn, square_image, "gradcam", class_index=1).heatmap
    assert heat.shape == square_image.shape[:2] and heat.dtype == np.float32
    assert heat.min() >= 0.0 and heat.max() == pytest.approx(1.0)
    inside = heat[3:8, 8:13].mean()
    outside = np.delete(heat.ravel(), np.ravel_multi_index(np.mgrid[3:8, 8:13].reshape(2, -1), heat.shape)).mean()
    assert inside > 2.0 * outside


@pytest.mark.parametrize("ours,theirs", [("gradcam", "Gradcam"), ("gradcam++", "GradcamPlusPlus")])
def test_gradient_cams_agree_with_tf_keras_vis(trained_cnn, square_image, ours, theirs):
    import tf_keras_vis.gradcam as gradcam
    import tf_keras_vis.gradcam_plus_plus as gradcam_plus_plus
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore

    module = gradcam if theirs == "Gradcam" else gradcam_plus_plus
    visualizer = getattr(module, theirs)(trained_cnn, model_modifier=ReplaceToLinear(), clone=True)
    # compared before upsampling: tf-keras-vis zooms corner-aligned, we resize pixel-centred
    reference = np.asarray(visualizer(CategoricalScore(1), square_image[None], penultimate_layer="conv1",
                                      expand_cam=False)[0])
    mine = xai.explain(trained_cnn, square_image, ours, layer="conv1", class_index=1).info["cam"]
    assert correlation(np.maximum(mine, 0.0), reference) > 0.99
    assert trained_cnn.layers[-1].activation.__name__ == "softmax"  # the model was not modified


def test_scorecam_agrees_with_tf_keras_vis(trained_cnn, square_image):
    from tf_keras_vis.scorecam import Scorecam
    from tf_keras_vis.utils.scores import CategoricalScore

    reference = np.asarray(Scorecam(trained_cnn)(CategoricalScore(1), square_image[None],
                                                 penultimate_layer="conv2", expand_cam=False)[0])
    mine = xai.explain(trained_cnn, square_image, "scorecam", layer="conv2", class_index=1).info["cam"]
    assert correlation(np.maximum(mine, 0.0), reference) > 0.99


def test_scorecam_channel_limit(trained_cnn, square_image):
    limited = xai.explain(trained_cnn, square_image, "scorecam", class_index=1, max_channels=4)
    assert limited.info["channels_used"] == 4
    with pytest.raises(WorkbenchError, match="max_channels=0"):
        xai.explain(trained_cnn, square_image, "scorecam", max_channels=0)


@pytest.mark.parametrize("head,word", [("flatten", "flatten"), ("hidden", "hidden")])
def test_cam_unavailable_says_why(head, word, square_image, make_cnn):
    model = make_cnn(head=head)
    available, reason = xai.cam_available(model)
    assert available is False
    assert word in reason.lower() and "Grad-CAM" in reason and "global average pooling" in reason
    with pytest.raises(WorkbenchError, match="global average pooling"):
        xai.explain(model, square_image, "cam")
    assert xai.explain(model, square_image, "gradcam").heatmap.shape == (16, 16)  # Grad-CAM still works


def test_cam_available_on_gap_head(trained_cnn):
    assert xai.cam_available(trained_cnn) == (True, "")


def test_layer_listing_and_choice(trained_cnn, square_image):
    assert xai.conv_layers(trained_cnn) == ["conv1", "pool1", "conv2"]
    assert xai.default_layer(trained_cnn) == "conv2"
    assert xai.explain(trained_cnn, square_image, "gradcam").layer == "conv2"
    with pytest.raises(WorkbenchError, match="'avg_pool' is not a 4-D feature map"):
        xai.explain(trained_cnn, square_image, "gradcam", layer="avg_pool")


def test_resizing_models_and_sequential():
    import keras
    from keras import layers

    inputs = keras.Input((8, 8, 1))
    x = layers.Resizing(16, 16, name="resize")(inputs)
    x = layers.Conv2D(4, 3, activation="relu", name="conv")(x)
    x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, layers.Dense(3, activation="softmax", name="predictions")(x))
    assert xai.conv_layers(model) == ["conv"]  # the resize is not a feature map worth explaining
    image = np.random.default_rng(0).random((8, 8, 1)).astype(np.float32)
    for method in ("gradcam", "cam", "saliency", "guided_backprop"):
        assert xai.explain(model, image, method).heatmap.shape == (8, 8)

    flat = keras.Sequential([keras.Input((6, 6, 2)), layers.Dense(3), layers.Flatten(),
                             layers.Dense(2, activation="softmax")])
    with pytest.raises(WorkbenchError, match="no layer with a 4-D"):
        xai.default_layer(keras.Sequential([keras.Input((4,)), layers.Dense(2, activation="softmax")]))
    assert xai.explain(flat, np.ones((6, 6, 2), np.float32), "gradcam").heatmap.shape == (6, 6)
