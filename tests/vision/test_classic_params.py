"""Catalog section B, classic architectures: parameter counts against their references,
the LRN layer against TensorFlow's, and one training step of every entry at a tiny size."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gc

import keras
import numpy as np
import pytest

from workbench.catalog import registry
from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError
from workbench.layers.lrn import LocalResponseNormalization

IMAGENET = DataInfo("imagenet", "image", "classification", (224, 224, 3),
                    tuple(f"class_{i}" for i in range(1000)))
CIFAR10 = DataInfo("cifar10", "image", "classification", (32, 32, 3),
                   tuple(f"class_{i}" for i in range(10)))
DIGITS = DataInfo("digits", "image", "classification", (8, 8, 1), tuple(str(d) for d in range(10)))

CLASSIC = ("alexnet", "vgg16", "vgg19", "googlenet", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "resnet50v2", "resnet101v2", "resnet152v2", "wide_resnet", "pyramidnet")


def build(name, info=IMAGENET, **overrides):
    entry = registry.get(name)
    return entry.build(entry.resolve(overrides), info)


def trainable(model) -> int:
    """What torchvision and the papers count: BatchNorm's moving statistics are buffers, not parameters."""
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def params_by_layer(model) -> dict:
    return {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}


@pytest.fixture(autouse=True)
def _free_memory():
    yield
    keras.backend.clear_session()
    gc.collect()


def test_every_classic_entry_is_registered_in_family_b():
    entries = {e.name: e for e in registry.all_entries()}
    for name in CLASSIC:
        assert entries[name].family == "B. Image classification"
        assert entries[name].task == "classification"


# ---- references ---------------------------------------------------------------------

@pytest.mark.parametrize("name, reference", [
    ("vgg16", keras.applications.VGG16),
    ("vgg19", keras.applications.VGG19),
    ("resnet50", keras.applications.ResNet50),
    ("resnet101", keras.applications.ResNet101),
    ("resnet152", keras.applications.ResNet152),
    ("resnet50v2", keras.applications.ResNet50V2),
    ("resnet101v2", keras.applications.ResNet101V2),
    ("resnet152v2", keras.applications.ResNet152V2),
])
def test_equals_keras_applications_layer_for_layer(name, reference):
    ours = build(name)
    theirs = reference(weights=None)
    assert ours.count_params() == theirs.count_params()
    assert trainable(ours) == trainable(theirs)
    # Same names and sizes for every layer that holds weights, and the same output.
    assert params_by_layer(ours) == params_by_layer(theirs)
    assert ours.output_shape == theirs.output_shape == (None, 1000)


def test_vgg16_layout_is_keras_layout():
    ours = build("vgg16")
    theirs = keras.applications.VGG16(weights=None)
    assert [(l.name, l.output.shape) for l in ours.layers[1:]] == \
           [(l.name, l.output.shape) for l in theirs.layers[1:]]


@pytest.mark.parametrize("name, torchvision_params", [
    # torchvision.models.resnet18() / resnet34(): sum(p.numel() for p in m.parameters())
    ("resnet18", 11_689_512),
    ("resnet34", 21_797_672),
])
def test_basic_block_resnets_equal_torchvision(name, torchvision_params):
    assert trainable(build(name)) == torchvision_params


def test_alexnet_matches_the_paper():
    # Two-GPU split (grouped conv2/4/5): 60,965,224; the paper says "60 million", the brief ~61 M.
    model = build("alexnet")
    assert model.count_params() == 60_965_224
    assert abs(model.count_params() - 61e6) / 61e6 < 0.01
    assert model.get_layer("conv1_relu").output.shape[1:3] == (55, 55)  # the paper's 55x55x96
    assert model.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    # One tower: the same layers without the grouping.
    assert build("alexnet", groups=1).count_params() == 62_378_344
    assert isinstance(model.get_layer("conv1_lrn"), LocalResponseNormalization)
    assert "conv1_lrn" not in [l.name for l in build("alexnet", lrn=False, fc_units=8).layers]


def test_wide_resnet_28_10_is_36_5_million():
    model = build("wide_resnet", CIFAR10, depth=28, width=10)
    assert abs(trainable(model) - 36.5e6) / 36.5e6 < 0.01
    assert model.get_layer("conv4_block4_add").output.shape[1:] == (8, 8, 640)  # 64k at 8x8
    assert model.get_layer("conv2_block1_add").output.shape[1:] == (32, 32, 160)  # 16k at 32x32


@pytest.mark.parametrize("depth, alpha, bottleneck, paper_millions", [
    # Han et al. 2017, table 4 (CIFAR-10).
    (110, 48.0, False, 1.7),
    (110, 84.0, False, 3.8),
    (200, 240.0, True, 26.6),
])
def test_pyramidnet_matches_the_paper_table(depth, alpha, bottleneck, paper_millions):
    model = build("pyramidnet", CIFAR10, depth=depth, alpha=alpha, bottleneck=bottleneck)
    count = trainable(model)
    # The table prints one decimal: the count must truncate to it and lie within 3 % of it.
    assert int(count / 1e5) / 10 == paper_millions
    assert abs(count - paper_millions * 1e6) / (paper_millions * 1e6) < 0.03


def test_pyramidnet_widens_every_block_and_pads_the_shortcut_with_zeros():
    from workbench.models.vision.pyramidnet import block_widths

    widths = block_widths(110, 48.0, False)
    assert len(widths) == 54 and widths[0] == 16 and widths[-1] == 64
    assert all(0 <= b - a <= 1 for a, b in zip(widths, widths[1:]))  # alpha/N = 0.89 per block
    model = build("pyramidnet", CIFAR10, depth=20, alpha=12.0)
    shortcut = model.get_layer("conv3_block1_shortcut")
    probe = keras.Model(model.input, [shortcut.output, model.get_layer("conv2_block3_add").output])
    x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    padded, before = (np.asarray(t) for t in probe(x))
    pooled = before.reshape(2, 16, 2, 16, 2, -1).mean(axis=(2, 4))
    have = before.shape[-1]
    np.testing.assert_allclose(padded[..., :have], pooled, rtol=1e-5, atol=1e-6)
    assert padded.shape[-1] > have and np.all(padded[..., have:] == 0)


# ---- local response normalization ---------------------------------------------------

def test_lrn_equals_tensorflow_and_the_paper_formula():
    import tensorflow as tf

    x = np.random.default_rng(1).normal(size=(2, 3, 3, 7)).astype("float32") * 10
    ours = np.asarray(LocalResponseNormalization()(x))
    ref = tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75).numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-5)
    # Channel 0 by hand: its window is channels 0..2 (zero-padded on the left).
    by_hand = x[..., 0] / (2.0 + 1e-4 * (x[..., 0:3] ** 2).sum(-1)) ** 0.75
    np.testing.assert_allclose(ours[..., 0], by_hand, rtol=1e-5)
    restored = LocalResponseNormalization.from_config(LocalResponseNormalization(depth_radius=1).get_config())
    assert restored.depth_radius == 1


# ---- arguments ----------------------------------------------------------------------

@pytest.mark.parametrize("name, overrides, fragment", [
    ("wide_resnet", {"depth": 27}, "depth=27"),
    ("pyramidnet", {"depth": 111}, "depth=111"),
    ("resnet50", {"blocks": "3,4"}, "3,4"),
    ("alexnet", {"input_size": 32}, "input_size=32"),
    ("vgg16", {"input_size": 16}, "input_size=16"),
])
def test_bad_arguments_are_rejected_with_the_value(name, overrides, fragment):
    with pytest.raises(WorkbenchError, match=fragment):
        build(name, CIFAR10, **overrides)


def test_normalization_is_selectable():
    base = dict(blocks="1,1,1,1", width=0.0625, input_size=32)
    names = {kind: [l.__class__.__name__ for l in build("resnet18", CIFAR10, normalization=kind, **base).layers]
             for kind in ("batch", "group", "none")}
    assert "BatchNormalization" in names["batch"] and "GroupNormalization" not in names["batch"]
    assert "GroupNormalization" in names["group"] and "BatchNormalization" not in names["group"]
    assert "BatchNormalization" not in names["none"] and "GroupNormalization" not in names["none"]


# ---- one training step of every entry ------------------------------------------------

@pytest.mark.parametrize("name", CLASSIC)
def test_entry_trains_one_step_at_its_smoke_size(name):
    entry = registry.get(name)
    model = entry.build(entry.resolve(entry.smoke), DIGITS)
    rng = np.random.default_rng(0)
    x = rng.random((8, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 10, 8)
    # Eagerly: tracing a graph for a single step costs several times more than the step.
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    before = [w.numpy().copy() for w in model.trainable_weights]
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    assert any(not np.array_equal(b, w.numpy()) for b, w in zip(before, model.trainable_weights))
    probs = np.asarray(model(x))
    assert probs.shape == (8, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
