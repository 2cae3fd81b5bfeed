"""Catalog A's shared choices reach the Keras models of the builders that lacked them: one
test per builder kind (one-stage detectors, two-stage detectors, segmenters, the GAP-headed
classifiers, the regressions, the perceptron). Each builds the entry's smoke-sized model with
and without the choice and looks at the layers: the choice must change the model."""

from collections import Counter

import keras
import numpy as np
import pytest

from workbench import catalog
from workbench.data.base import DataInfo
from workbench.data.shapes import KeypointInfo
from workbench.models.initializers import apply_initializer, weighted_layers

SHAPES = DataInfo("shapes", "image", "detection", (64, 64, 3), ("circle", "square", "triangle"))
CORNERS = KeypointInfo("shape_keypoints", "image", "detection", (64, 64, 3), ("circle", "square", "triangle"),
                       keypoint_names=("corner 1", "corner 2", "corner 3", "corner 4"),
                       skeletons=((), ((0, 1),), ((0, 1),)), class_keypoints=((), (0, 1, 2, 3), (0, 1, 2)))
IMAGES = DataInfo("tiny", "image", "classification", (32, 32, 3), ("a", "b", "c"))
DETECTORS = ("yolo_v1", "ssd", "retinanet", "fcos", "unet", "fcn", "rcnn", "fast_rcnn", "faster_rcnn",
             "mask_rcnn", "keypoint_rcnn")


def build(name: str, **overrides):
    entry = catalog.get(name)
    hp = entry.resolve({**entry.smoke, **overrides})
    info = CORNERS if name == "keypoint_rcnn" else SHAPES if entry.task in ("detection", "segmentation") \
        else IMAGES
    keras.utils.set_random_seed(0)
    return entry.build(hp, info)


def layers_of(model) -> list:
    """Every layer, nested networks and heads included (a detector keeps its heads as attributes)."""
    return list(model._flatten_layers(include_self=False, recursive=True))


def kinds(model) -> Counter:
    return Counter(type(layer).__name__ for layer in layers_of(model))


def hidden_activations(model) -> Counter:
    """Activation names of Activation layers and of layers with a built-in activation."""
    found = Counter()
    for layer in layers_of(model):
        name = layer.get_config().get("activation")
        if isinstance(name, str) and name not in ("linear", "softmax", "sigmoid"):
            found[name] += 1
    return found


@pytest.mark.parametrize("name", DETECTORS)
def test_detectors_and_segmenters_take_activation_dropout_and_pooling(name):
    plain = build(name)
    # U-Net pools by 2x2 max (its smoke depth: 2 poolings); the others' backbones by strides.
    assert hidden_activations(plain)["relu"] > 0 and kinds(plain)["MaxPooling2D"] == (2 if name == "unet" else 0)
    assert kinds(plain)["Dropout"] == (1 if name == "rcnn" else 0)  # R-CNN's fc7 dropout is the paper's
    changed = build(name, activation="elu", dropout=0.25, pooling="average")
    used = hidden_activations(changed)
    # Every hidden activation follows the choice (YOLO's head keeps the paper's LeakyReLU
    # layer, which has no "activation" key).
    assert used["elu"] > 0 and set(used) == {"elu"}, used
    assert kinds(changed)["Dropout"] >= 1
    assert kinds(changed)["AveragePooling2D"] >= 1 and kinds(changed)["MaxPooling2D"] == 0
    # Same strides: the pooled backbone's features have the shape the strided one had.
    assert plain.count_params() == changed.count_params()
    assert all(layer.rate == 0.25 for layer in layers_of(changed) if isinstance(layer, keras.layers.Dropout))


def test_pooled_backbone_keeps_the_strides_and_pools_after_the_first_convolution():
    from workbench.models.detection.backbones import conv_backbone

    image = keras.Input((64, 64, 3))
    strided = conv_backbone(image, 3, 8, "none", name="a")
    pooled = conv_backbone(image, 3, 8, "none", name="b", pooling="max")
    assert [f.shape[1] for f in strided.values()] == [f.shape[1] for f in pooled.values()] == [32, 16, 8]
    model = keras.Model(image, pooled[1])
    # stage 1: 3x3 conv at stride 1 (64x64), then 2x2 max pooling (32x32), then the second conv.
    assert model.get_layer("b_stage1_1_conv").strides == (1, 1)
    probe = keras.Model(image, [model.get_layer("b_stage1_1_relu").output,
                                model.get_layer("b_stage1_1_pool").output])
    x = np.random.default_rng(0).random((1, 64, 64, 3)).astype("float32")
    before, after = (np.asarray(t) for t in probe(x))
    np.testing.assert_allclose(after, before.reshape(1, 32, 2, 32, 2, -1).max(axis=(2, 4)), rtol=1e-6)


def test_detector_initializer_redraws_every_kernel_heads_included():
    for name in ("fast_rcnn", "retinanet"):
        model = apply_initializer(build(name), {"initializer": "zeros"})
        kernels = weighted_layers(model)
        assert len(kernels) > 5
        assert all(not np.any(layer.kernel.numpy()) for layer in kernels if hasattr(layer, "kernel"))
    model = apply_initializer(build("fast_rcnn"), {"initializer": "random_normal", "init_stddev": 0.3})
    assert model.head.get_layer("head_fc6").kernel.numpy().std() == pytest.approx(0.3, rel=0.05)


# One entry per builder function (EfficientNet B0-B7 and the phi entry share theirs).
@pytest.mark.parametrize("name", ["wide_resnet", "pyramidnet", "densenet_bc", "mobilenet", "efficientnet"])
def test_gap_classifiers_offer_global_max_pooling(name):
    assert catalog.get(name).resolve()["head"] == "global_average"  # the paper's, built by default
    gmp = build(name, head="global_max")
    assert "avg_pool" not in [layer.name for layer in gmp.layers]
    maps = gmp.get_layer("max_pool").input
    probe = keras.Model(gmp.input, [maps, gmp.get_layer("max_pool").output])
    x = np.random.default_rng(1).random((2, 32, 32, 3)).astype("float32")
    before, after = (np.asarray(t) for t in probe(x))
    np.testing.assert_allclose(after, before.max(axis=(1, 2)), rtol=1e-6)


def test_transfer_head_pooling_is_selectable():
    assert kinds(build("transfer", head="global_max"))["GlobalMaxPooling2D"] == 1
    assert build("transfer").get_layer("avg_pool") is not None


def test_regression_dropout_sits_on_the_features_and_leaves_the_equation_readable():
    from workbench.models.linear_regression import fitted_coefficients

    info = DataInfo("poly", "tabular", "regression", (1,), (), ("x",))
    entry = catalog.get("polynomial_regression")
    model = entry.build(entry.resolve({"dropout": 0.5, "degree": 2}), info)
    assert type(model.get_layer("feature_dropout")).__name__ == "Dropout"
    assert "Dropout" not in kinds(entry.build(entry.resolve(), info))
    model.get_layer("predictions").set_weights([np.array([[0.5], [30.0]], "float32"), np.array([0.2], "float32")])
    assert sorted(fitted_coefficients(model).values()) == pytest.approx([0.2, 0.5, 30.0])
    # At inference dropout is off: the prediction is the polynomial itself.
    np.testing.assert_allclose(model.predict(np.array([[2.0]], "float32"), verbose=0), [[120 + 1 + 0.2]], rtol=1e-5)


def test_perceptron_rule_adds_the_l2_decay_to_its_step():
    from workbench.training.job import apply_l2, make_optimizer

    info = DataInfo("and", "tabular", "classification", (2,), ("0", "1"))
    entry = catalog.get("perceptron")
    model = entry.build(entry.resolve(), info)
    dense = model.get_layer("predictions")
    dense.set_weights([np.array([[1.0], [2.0]], "float32"), np.array([-2.5], "float32")])
    apply_l2(model, 0.25)
    model.compile(optimizer=make_optimizer({"optimizer": "sgd", "learning_rate": 1.0}))
    # AND is already right with these weights: the rule's step is 0, only the decay remains,
    # W <- W - lr * 2 * l2 * W = 0.5 W; the bias has no penalty.
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    model.train_on_batch(x, np.array([0, 0, 0, 1]))
    np.testing.assert_allclose(dense.kernel.numpy(), [[0.5], [1.0]], rtol=1e-6)
    np.testing.assert_allclose(dense.bias.numpy(), [-2.5])


def test_rnn_bptt_dropout_masks_only_what_the_output_reads_and_its_gradients_match_autodiff():
    from workbench.models import rnn_bptt

    rng = np.random.default_rng(4)
    params = rnn_bptt.init_params(2, 5, 1, 0.9, seed=4)
    x, targets = rng.normal(size=(3, 6, 2)), rng.integers(0, 2, size=(3, 6, 1)).astype(float)
    mask = rnn_bptt.dropout_mask(0.5, (3, 6, 5), seed=1, epoch=0, step=0)
    assert set(np.unique(mask)) == {0.0, 2.0}  # inverted dropout: kept units doubled
    np.testing.assert_array_equal(mask, rnn_bptt.dropout_mask(0.5, (3, 6, 5), 1, 0, 0))  # replayable
    loss, grads, _ = rnn_bptt.bptt(params, x, targets, "tanh", mask=mask)
    reference_loss, reference = rnn_bptt.autodiff_gradients(params, x, targets, "tanh", mask=mask)
    assert loss == pytest.approx(reference_loss, abs=1e-10)
    for name in rnn_bptt.PARAMS:
        np.testing.assert_allclose(grads[name], reference[name], atol=1e-8, err_msg=name)
    # The recurrence is untouched (same z), only the output's input is masked.
    plain, dropped = rnn_bptt.forward(params, x), rnn_bptt.forward(params, x, mask=mask)
    np.testing.assert_array_equal(plain["z"], dropped["z"])
    np.testing.assert_allclose(dropped["o"], (plain["z"][:, 1:] * mask) @ params["w_out"] + params["c"])
    assert not np.allclose(grads["w_out"], rnn_bptt.bptt(params, x, targets, "tanh")[1]["w_out"])
    assert rnn_bptt.dropout_mask(0.0, (1, 1, 1), 0, 0, 0) is None
