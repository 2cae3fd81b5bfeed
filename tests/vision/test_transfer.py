"""Transfer learning vs fine-tuning: what trains, preprocessing, and the offline path."""

import keras
import keras.src.utils.file_utils as keras_file_utils
import numpy as np
import pytest

from workbench import catalog
from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError
from workbench.layers.preprocess import ImagenetPreprocess
from workbench.models.vision import transfer

DIGITS = DataInfo("digits", "image", "classification", (8, 8, 1), tuple(str(i) for i in range(10)))
RGB = DataInfo("rgb", "image", "classification", (32, 32, 3), ("a", "b", "c"))


def n_params(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


@pytest.fixture
def no_download(monkeypatch):
    """Make every Keras download fail as it does offline, and record the attempts."""
    attempts = []

    def offline(fname=None, origin=None, *args, **kwargs):
        attempts.append(origin)
        raise Exception(f"URL fetch failure on {origin}: None -- [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras_file_utils, "get_file", offline)
    monkeypatch.setattr(keras.utils, "get_file", offline)
    return attempts


def build(info, **overrides):
    entry = catalog.get("transfer")
    return entry.build(entry.resolve(overrides), info)


def test_frozen_mode_trains_only_the_new_head(no_download):
    model = build(DIGITS, backbone="mobilenet", weights="none", mode="frozen", input_size=32)
    head = 1024 * 10 + 10  # GAP features of MobileNet x 10 classes + biases
    assert n_params(model.trainable_weights) == head
    assert [w.path for w in model.trainable_weights] == ["predictions/kernel", "predictions/bias"]
    assert no_download == []


def test_finetune_mode_trains_everything(no_download):
    model = build(DIGITS, backbone="mobilenet", weights="none", mode="finetune", input_size=32)
    base = keras.applications.MobileNet(include_top=False, weights=None, input_shape=(32, 32, 3))
    assert n_params(model.trainable_weights) == n_params(base.trainable_weights) + 1024 * 10 + 10
    assert n_params(model.non_trainable_weights) == n_params(base.non_trainable_weights)
    assert no_download == []


def test_frozen_step_changes_only_the_head():
    keras.utils.set_random_seed(1)
    model = build(RGB, backbone="resnet50", weights="none", mode="frozen", dropout=0.0)
    before = {w.path: np.array(w) for w in model.weights}
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  run_eagerly=True)
    x = np.random.default_rng(0).random((4, 32, 32, 3), dtype=np.float32)
    loss = model.train_on_batch(x, np.array([0, 1, 2, 0]))
    assert np.isfinite(loss)
    changed = {w.path for w in model.weights if not np.array_equal(np.array(w), before[w.path])}
    assert any("moving_mean" in path for path in before)
    # Not even the BatchNorm moving statistics move: a frozen BatchNorm runs in inference mode.
    assert changed == {"predictions/kernel", "predictions/bias"}


def test_layers_are_reachable_by_name_in_the_final_model():
    model = build(RGB, backbone="resnet50", weights="none", mode="finetune")
    assert model.get_layer("conv5_block3_out").output.shape[1:] == (1, 1, 2048)
    assert model.get_layer("preprocess").mode == "caffe"


def test_imagenet_offline_gives_a_clear_message(no_download):
    with pytest.raises(WorkbenchError, match="ImageNet weights of mobilenet.*weights=none"):
        build(DIGITS, backbone="mobilenet", weights="imagenet", input_size=32)
    assert len(no_download) == 1 and no_download[0].startswith("https://storage.googleapis.com/")


def test_bad_arguments_are_named():
    with pytest.raises(WorkbenchError, match="backbone='alexnet'"):
        transfer.transfer_model(DIGITS, backbone="alexnet", weights="none")
    with pytest.raises(WorkbenchError, match="input_size=50"):
        transfer.transfer_model(DIGITS, backbone="inceptionv3", weights="none", input_size=50)


@pytest.mark.parametrize("mode, module", [
    ("caffe", keras.applications.vgg16),
    ("tf", keras.applications.mobilenet),
    ("torch", keras.applications.densenet),
    ("pixels", keras.applications.efficientnet),
])
def test_preprocess_equals_keras_preprocess_input(mode, module):
    x = np.random.default_rng(0).random((2, 5, 5, 3), dtype=np.float32)
    expected = module.preprocess_input(x * 255.0)
    got = np.array(ImagenetPreprocess(mode)(x))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)


def test_preprocess_repeats_grey_and_reloads_without_lambda(tmp_path):
    inputs = keras.Input((4, 4, 1))
    model = keras.Model(inputs, ImagenetPreprocess("tf", name="preprocess")(inputs))
    x = np.linspace(0, 1, 16, dtype=np.float32).reshape(1, 4, 4, 1)
    out = np.array(model(x))
    assert out.shape == (1, 4, 4, 3)
    np.testing.assert_allclose(out[..., 2], x[..., 0] * 2 - 1, atol=1e-6)
    path = tmp_path / "pre.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(np.array(reloaded(x)), out, atol=1e-6)


def test_cached_imagenet_weights_land_in_the_backbone(monkeypatch, tmp_path):
    """The download path end to end, with a local file standing in for the cached ImageNet
    weights (Keras's legacy .h5 layout): the backbone's layers receive exactly those weights."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    keras.utils.set_random_seed(3)
    source = keras.applications.MobileNet(include_top=False, weights=None, input_shape=(32, 32, 3))
    path = tmp_path / "mobilenet_1_0_224_tf_no_top.h5"
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, source)
    requested = []

    def cached(fname=None, origin=None, *args, **kwargs):
        requested.append(fname)
        return str(path)

    monkeypatch.setattr(keras_file_utils, "get_file", cached)
    model = build(DIGITS, backbone="mobilenet", weights="imagenet", mode="frozen", input_size=32)
    assert requested == ["mobilenet_1_0_224_tf_no_top.h5"]
    for name in ("conv1", "conv_dw_7", "conv_pw_13_bn"):
        for ours, theirs in zip(model.get_layer(name).weights, source.get_layer(name).weights):
            np.testing.assert_array_equal(np.array(ours), np.array(theirs))
