"""DenseNet, MobileNet v1 and EfficientNet against keras.applications and their papers."""

import math

import keras
import numpy as np
import pytest

from workbench import catalog
from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError
from workbench.models.vision import densenet, efficientnet, mobilenet

IMAGENET = DataInfo("imagenet", "image", "classification", (224, 224, 3), tuple(f"c{i}" for i in range(1000)))
CIFAR10 = DataInfo("cifar10", "image", "classification", (32, 32, 3), tuple(f"c{i}" for i in range(10)))
DIGITS = DataInfo("digits", "image", "classification", (8, 8, 1), tuple(str(i) for i in range(10)))


def counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen


def build(name, info, **overrides):
    entry = catalog.get(name)
    return entry.build(entry.resolve(overrides), info)


# ---------------------------------------------------------------- DenseNet

@pytest.mark.parametrize("name, reference", [
    ("densenet121", keras.applications.DenseNet121),
    ("densenet169", keras.applications.DenseNet169),
    ("densenet201", keras.applications.DenseNet201),
])
def test_densenet_equals_keras_applications(name, reference):
    ours = counts(build(name, IMAGENET))
    theirs = counts(reference(weights=None))
    assert ours == theirs
    if name == "densenet121":
        assert ours == (7_978_856, 83_648)


def test_densenet_layers_follow_keras_names_and_growth():
    model = build("densenet121", IMAGENET)
    # Dense block 1 of DenseNet-121: 64 stem channels + 6 layers x k=32 = 256, compressed to 128.
    assert model.get_layer("conv2_block6_concat").output.shape[-1] == 64 + 6 * 32
    assert model.get_layer("pool2_conv").output.shape[-1] == 128
    assert model.get_layer("conv2_block1_1_conv").output.shape[-1] == 4 * 32  # bottleneck 4k


def test_densenet_compression_and_growth_are_hyperparameters():
    model = build("densenet121", CIFAR10, growth_rate=12, compression=0.25, blocks="2,2")
    # stem 24, + 2 x 12 = 48, compressed by 0.25 to 12, + 2 x 12 = 36
    assert model.get_layer("pool2_conv").output.shape[-1] == 12
    assert model.get_layer("conv3_block2_concat").output.shape[-1] == 36


def test_densenet_bc_paper_table():
    """Table 2 of the paper: L=100,k=12 -> 0.8 M; L=250,k=24 -> 15.3 M; L=190,k=40 -> 25.6 M."""
    small = counts(build("densenet_bc", CIFAR10))[0]
    assert small == 769_162  # the paper prints it rounded to one decimal: 0.8 M
    assert round(small / 1e6, 1) == 0.8
    big = counts(densenet.densenet_bc(250, CIFAR10, growth_rate=24))[0]
    assert abs(big / 15.3e6 - 1) < 0.01


def test_densenet_bc_rejects_depth_not_6n_plus_4():
    with pytest.raises(WorkbenchError, match="depth=99"):
        build("densenet_bc", CIFAR10, depth=99)


@pytest.mark.parametrize("kind, layer_type", [
    ("group", keras.layers.GroupNormalization),
    ("layer", keras.layers.LayerNormalization),
])
def test_normalization_is_selectable(kind, layer_type):
    model = build("densenet_bc", CIFAR10, depth=10, growth_rate=4, normalization=kind)
    kinds = {type(layer) for layer in model.layers}
    assert keras.layers.BatchNormalization not in kinds and layer_type in kinds
    assert counts(model)[1] == 0  # no moving statistics without BatchNorm


# ---------------------------------------------------------------- MobileNet v1

@pytest.mark.parametrize("alpha", [0.25, 0.5, 0.75, 1.0])
def test_mobilenet_equals_keras_applications(alpha):
    ours = counts(build("mobilenet", IMAGENET, alpha=alpha))
    theirs = counts(keras.applications.MobileNet(weights=None, alpha=alpha))
    assert ours == theirs
    if alpha == 1.0:
        assert ours[0] == 4_231_976 and round(ours[0] / 1e6, 1) == 4.2  # paper Table 2: 4.2 M


def test_mobilenet_resolution_multiplier_sets_input_side():
    model = build("mobilenet", DIGITS, alpha=0.25, rho=0.571428)
    assert model.get_layer("resize").output.shape[1:3] == (128, 128)
    assert model.get_layer("conv_pw_13").output.shape[1:3] == (4, 4)


def test_separable_ratio_of_a_known_layer():
    """conv_dw_1 + conv_pw_1: 3x3 depthwise on 32 channels, pointwise to M=64."""
    table = mobilenet.multiply_adds()
    layer = table["layers"][1]
    assert (layer["in_channels"], layer["out_channels"], layer["height"]) == (32, 64, 112)
    assert layer["depthwise"] == 112 * 112 * 32 * 9
    assert layer["pointwise"] == 112 * 112 * 32 * 64
    assert layer["standard"] == 112 * 112 * 32 * 9 * 64
    assert layer["ratio"] == pytest.approx(1 / 64 + 1 / 9, rel=1e-12)
    assert mobilenet.separable_ratio(3, 64) == pytest.approx(1 / 64 + 1 / 9, rel=1e-12)


@pytest.mark.parametrize("alpha, input_size, paper_millions", [
    (1.0, 224, 569), (0.75, 224, 325), (0.5, 224, 149), (0.25, 224, 41),  # Table 6
    (1.0, 192, 418), (1.0, 160, 290), (1.0, 128, 186),                    # Table 7
])
def test_multiply_adds_match_the_paper(alpha, input_size, paper_millions):
    total = mobilenet.multiply_adds(alpha=alpha, input_size=input_size)["total"]
    # The paper prints whole millions (290.7 M appears as 290): agree within one million.
    assert abs(total["separable"] / 1e6 - paper_millions) < 1


def test_standard_convolution_network_costs_table_4():
    total = mobilenet.multiply_adds()["total"]
    assert abs(total["standard"] / 4866e6 - 1) < 0.001  # "Conv MobileNet": 4866 M mult-adds
    assert 1 / 9 < total["ratio"] < 1 / 8


@pytest.mark.parametrize("alpha, rho", [(1.0, 1.0), (0.5, 0.857143)])
def test_multiply_adds_agree_with_the_built_model(alpha, rho):
    """The table computed from the architecture equals the one read off the Keras model."""
    model = build("mobilenet", DIGITS, alpha=alpha, rho=rho)
    from_model = mobilenet.model_multiply_adds(model)
    table = mobilenet.multiply_adds(alpha=alpha, rho=rho, classes=10, input_channels=1)
    assert table["input_side"] == model.get_layer("resize").output.shape[1]
    assert from_model["total"] == table["total"]
    assert [r["separable"] for r in from_model["layers"]] == [r["separable"] for r in table["layers"]]


# ---------------------------------------------------------------- EfficientNet

def test_compound_scaling_phi_one():
    scale = efficientnet.compound_scaling(1)
    assert (scale["depth"], scale["width"], scale["resolution"]) == (1.2, 1.1, 1.15)
    assert scale["input_side"] == 258
    assert scale["flops"] == pytest.approx(1.2 * 1.1 ** 2 * 1.15 ** 2) and 1.9 < scale["flops"] < 2.0
    assert efficientnet.compound_scaling(3)["depth"] == pytest.approx(1.728)


def test_efficientnet_b0_to_b7_equal_keras_applications():
    """Trainable and non-trainable weights both equal Keras's (its input Normalization
    layer's 7 values included)."""
    found = {}
    for variant in "01234567":
        reference = getattr(keras.applications, f"EfficientNetB{variant}")(weights=None)
        ours = counts(build(f"efficientnetb{variant}", IMAGENET))
        assert ours == counts(reference), variant
        found[variant] = ours[0]
        keras.backend.clear_session()
    assert found["0"] == 5_288_548 and found["7"] == 66_347_960


def test_catalog_defaults_are_the_official_coefficients():
    for variant, (width, depth, resolution, dropout) in efficientnet.OFFICIAL_COEFFICIENTS.items():
        hp = catalog.get(f"efficientnet{variant}").resolve()
        assert (hp["width_coefficient"], hp["depth_coefficient"], hp["input_size"], hp["dropout"]) == \
            (width, depth, resolution, dropout)
    for name, blocks in densenet.IMAGENET_BLOCKS.items():
        assert densenet.parse_blocks(catalog.get(name).resolve()["blocks"]) == blocks


def test_efficientnet_phi_zero_is_b0_and_phi_changes_scale():
    b0 = counts(build("efficientnetb0", IMAGENET))
    assert counts(build("efficientnet", IMAGENET, phi=0.0)) == b0
    assert build("efficientnet", DIGITS, phi=0.0).get_layer("resize").output.shape[1] == 224
    phi1 = build("efficientnet", DIGITS, phi=1.0)
    assert phi1.get_layer("resize").output.shape[1] == 258
    assert phi1.get_layer("top_conv").output.shape[-1] == 1408  # round_filters(1280 x 1.1)
    assert phi1.get_layer("block2c_project_conv")  # ceil(2 x 1.2) = 3 repeats in stage 2


def test_efficientnet_has_se_and_drop_connect():
    model = build("efficientnetb0", DIGITS, input_size=32)
    se = model.get_layer("block2a_se_reduce")
    assert se.output.shape[-1] == 4  # int(16 inputs x 0.25)
    drops = [layer.rate for layer in model.layers if layer.name.endswith("_drop")]
    # 16 blocks; drop connect grows linearly 0.2 * b / 16 where a skip exists.
    assert drops[0] == pytest.approx(0.2 * 2 / 16) and drops[-1] == pytest.approx(0.2 * 14 / 16)


# ---------------------------------------------------------------- one training step per family

@pytest.mark.parametrize("name", ["densenet121", "densenet_bc", "mobilenet", "efficientnetb0", "efficientnet"])
def test_one_training_step_is_finite(name):
    keras.utils.set_random_seed(0)
    entry = catalog.get(name)
    model = entry.build(entry.resolve(entry.smoke), DIGITS)
    # Eager: tracing a graph costs more than the one step it would speed up.
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    x = np.random.default_rng(0).random((8, 8, 8, 1), dtype=np.float32)
    y = np.arange(8) % 10
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 < loss < 20
    assert model.output_shape == (None, 10)
