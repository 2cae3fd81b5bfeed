"""Catalog A: activations and initialisers selectable in every builder, the vanishing-gradient
view, and the classifier loss with its label encoding (sparse vs categorical vs MSE)."""

from collections import Counter

import keras
import numpy as np
import pytest
import tensorflow as tf

from workbench import catalog, data
from workbench.cli import main
from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError
from workbench.models.initializers import apply_initializer, weighted_layers
from workbench.training import TrainConfig, job
from workbench.training.gradient_norms import layer_gradient_norms
from workbench.training.losses import classifier_loss, encode
from workbench.views.types import Curves, View

IMAGES = DataInfo("tiny", "image", "classification", (32, 32, 3), ("a", "b", "c"))
TABLE = DataInfo("table", "tabular", "classification", (20,), tuple("abcdefghij"))
#: One entry per builder function (the others of a family share it: resnet34 = resnet18's).
BUILDERS = ("mlp", "im2col_cnn", "lenet", "gap_cnn", "alexnet", "vgg16", "googlenet", "resnet18",
            "resnet50", "resnet50v2", "wide_resnet", "pyramidnet", "densenet121", "densenet_bc",
            "mobilenet", "efficientnetb0", "efficientnet")
#: Activations that are not hidden ones: the classifier's softmax, EfficientNet's SE gate,
#: and 'linear' (a layer with no activation: a convolution followed by a separate Activation).
NOT_HIDDEN = {"softmax", "linear"}


def activations(model) -> Counter:
    found = Counter()
    for layer in model._flatten_layers(include_self=False, recursive=True):
        config = layer.get_config()
        if type(layer).__name__ == "ReLU":
            found["relu6" if config.get("max_value") == 6.0 else "relu"] += 1
        elif "activation" in config:
            name = config["activation"]
            found[name if isinstance(name, str) else name.get("config", name)] += 1
    return found


def build(name: str, **overrides):
    entry = catalog.get(name)
    hp = entry.resolve({**entry.smoke, **overrides})
    return apply_initializer(entry.build(hp, TABLE if name == "mlp" else IMAGES), hp)


def test_every_fit_classifier_of_sections_a_and_b_offers_the_choices():
    for entry in catalog.all_entries():
        if entry.family[:2] not in ("A.", "B.") or entry.task != "classification" or entry.trainer:
            continue
        if entry.name in ("perceptron", "transfer"):  # a hard-limit unit; a pretrained backbone
            continue
        names = {h.name for h in entry.hparams}
        assert {"activation", "initializer", "init_stddev", "loss", "label_encoding",
                "gradient_norms"} <= names, entry.name
        # Each builder module is exercised below (the entries of a family share theirs).
        assert entry.builder.split(":")[0] in {catalog.get(b).builder.split(":")[0] for b in BUILDERS}
    assert catalog.get("mlp").resolve()["gradient_norms"] and not catalog.get("lenet").resolve()["gradient_norms"]


@pytest.mark.parametrize("name", BUILDERS)
def test_the_builder_honours_the_activation(name):
    default = catalog.get(name).resolve()["activation"]
    used = activations(build(name, activation="elu"))
    gate = {"sigmoid"} if name.startswith("efficientnet") else set()  # SE gates stay sigmoid
    assert used["elu"] >= 1 and set(used) - NOT_HIDDEN - gate == {"elu"}, used
    if name == "mlp":
        return
    # The default is the paper's: swish for EfficientNet, ReLU6 for MobileNet, ReLU elsewhere.
    assert default == {"efficientnetb0": "swish", "efficientnet": "swish", "mobilenet": "relu6"}.get(name, "relu")
    if name in ("alexnet", "resnet18", "densenet121"):
        used = activations(build(name))
        assert set(used) - NOT_HIDDEN == {default} and used[default] == activations(
            build(name, activation="gelu"))["gelu"]


def test_pooling_reaches_the_builders_that_ignored_it():
    # (Their defaults keep max pooling: the parameter-count tests of tests/vision build them.)
    for name, layer in (("alexnet", "pool1"), ("resnet18", "pool1_pool"), ("densenet121", "pool1"),
                        ("googlenet", "pool1_3x3_s2")):
        assert type(build(name, pooling="average").get_layer(layer)).__name__ == "AveragePooling2D"
    assert type(build("resnet18").get_layer("pool1_pool")).__name__ == "MaxPooling2D"


def test_he_glorot_and_random_normal_statistics_and_zero_biases():
    keras.utils.set_random_seed(0)
    info = DataInfo("wide", "tabular", "classification", (1000,), ("a", "b"))
    entry = catalog.get("mlp")
    for init, fan_std in (("he_normal", np.sqrt(2 / 1000)), ("he_uniform", np.sqrt(2 / 1000)),
                          ("glorot_uniform", np.sqrt(2 / (1000 + 800))), ("lecun_normal", np.sqrt(1 / 1000))):
        hp = entry.resolve({"hidden_units": "800,800", "initializer": init})
        model = entry.build(hp, info)
        for layer in weighted_layers(model):
            layer.bias.assign(np.ones(layer.bias.shape, "float32"))
        apply_initializer(model, hp)
        first, second = (model.get_layer(n) for n in ("dense_1", "dense_2"))
        kernel = first.kernel.numpy()
        assert kernel.std() == pytest.approx(fan_std, rel=0.02), init
        assert abs(kernel.mean()) < 0.05 * fan_std
        assert not np.allclose(second.kernel.numpy()[:800, :800][:100], kernel[:100, :800])
        assert all(np.all(layer.bias.numpy() == 0) for layer in weighted_layers(model))
        assert first.get_config()["kernel_initializer"]["class_name"].lower() == init.replace("_", "")
    model = apply_initializer(entry.build(entry.resolve({"hidden_units": "800"}), info),
                              {"initializer": "random_normal", "init_stddev": 0.3})
    assert model.get_layer("dense_1").kernel.numpy().std() == pytest.approx(0.3, rel=0.02)
    zeros = apply_initializer(entry.build(entry.resolve({"hidden_units": "8"}), info), {"initializer": "zeros"})
    assert all(not np.any(layer.kernel.numpy()) for layer in weighted_layers(zeros))


def test_he_normal_on_a_convolution_uses_its_fan_in():
    keras.utils.set_random_seed(1)
    model = build("vgg16", initializer="he_normal", width=0.5)  # block5: 256 3x3 filters over 256 channels
    kernel = model.get_layer("block5_conv2").kernel.numpy()
    assert kernel.std() == pytest.approx(np.sqrt(2 / (3 * 3 * 256)), rel=0.02)


def test_default_keeps_the_builders_own_weights():
    keras.utils.set_random_seed(3)
    a = build("lenet")
    keras.utils.set_random_seed(3)
    b = build("lenet", initializer="default")
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


def tape_norms(model, x, y):
    """||dL/dW|| of each Dense kernel, written out independently of the workbench."""
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    return np.array([np.linalg.norm(g.numpy()) for g in tape.gradient(loss, kernels)])


def test_gradients_fade_toward_the_input_of_a_deep_sigmoid_net_but_not_a_relu_he_one():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(128, 20)).astype("float32"), rng.integers(0, 10, 128)
    norms = {}
    for act, init in (("sigmoid", "default"), ("relu", "he_normal")):
        keras.utils.set_random_seed(0)
        model = build("mlp", hidden_units="32,32,32,32,32,32", activation=act, initializer=init)
        names, ours = layer_gradient_norms(model, x, y, "sparse_categorical_crossentropy")
        assert names == [f"dense_{i}" for i in range(1, 7)] + ["predictions"]
        np.testing.assert_allclose(ours, tape_norms(model, x, y), rtol=1e-5)
        norms[act] = ours[:6]  # the six hidden layers, input side first
    sigmoid, relu = norms["sigmoid"], norms["relu"]
    assert np.all(np.diff(sigmoid) > 0)  # each layer nearer the input gets less
    assert sigmoid[0] / sigmoid[-1] < 1e-2  # faded by more than two orders of magnitude
    assert 0.1 < relu[0] / relu[-1] < 10  # within one order of magnitude


def test_sparse_and_categorical_losses_are_equal_on_the_same_weights():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(64, 20)).astype("float32"), rng.integers(0, 10, 64)
    model = build("mlp", hidden_units="16")
    p = model(x).numpy()
    by_hand = -np.mean(np.log(p[np.arange(64), y]))
    results = {}
    for loss in ("sparse_categorical_crossentropy", "categorical_crossentropy", "mse"):
        _name, encoding = classifier_loss({"loss": loss})
        model.compile(**job.loss_and_metrics("classification", {"loss": loss}))
        results[loss] = model.evaluate(x, encode(y, encoding, 10), verbose=0, return_dict=True)
    sparse, categorical = results["sparse_categorical_crossentropy"], results["categorical_crossentropy"]
    assert abs(sparse["loss"] - categorical["loss"]) < 1e-6 and sparse["loss"] == pytest.approx(by_hand, abs=1e-5)
    assert sparse["accuracy"] == categorical["accuracy"] == results["mse"]["accuracy"] \
        == pytest.approx(np.mean(p.argmax(1) == y))
    assert results["mse"]["loss"] == pytest.approx(np.mean((p - np.eye(10)[y]) ** 2), abs=1e-6)
    np.testing.assert_array_equal(encode(np.array([2, 0]), "one_hot", 3), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize("loss, labels", [("sparse_categorical_crossentropy", "one_hot"),
                                          ("categorical_crossentropy", "integer"), ("mse", "integer")])
def test_a_loss_with_the_wrong_labels_is_refused_with_a_sentence(loss, labels):
    with pytest.raises(WorkbenchError, match=f"loss={loss} takes .* but label_encoding={labels}"):
        classifier_loss({"loss": loss, "label_encoding": labels})


def test_the_refusal_comes_before_training_and_reaches_the_cli(tmp_path, capsys):
    config = TrainConfig("mlp", "iris", out=str(tmp_path / "run"), epochs=1,
                         hparams={"loss": "sparse_categorical_crossentropy", "label_encoding": "one_hot"})
    seen = []
    with pytest.raises(WorkbenchError, match="takes integer class labels"):
        job.run_training(config, emit=seen.append)
    assert not any(type(e).__name__ in ("RunStarted", "BatchEnd") for e in seen)
    assert main(["train", "mlp", "--data", "iris", "--set", "loss=mse", "--set", "label_encoding=integer",
                 "--out", str(tmp_path / "cli")]) == 1
    assert "label_encoding=integer gives integer class labels" in capsys.readouterr().err


def test_a_run_with_one_hot_labels_shows_the_gradient_norms_each_epoch(tmp_path):
    seen = []
    config = TrainConfig("mlp", "iris", out=str(tmp_path / "run"), epochs=3, steps_per_epoch=2,
                         hparams={"hidden_units": "8,8", "loss": "categorical_crossentropy"})
    result = job.run_training(config, emit=seen.append, dataset=data.load("iris"))
    views = [e for e in seen if isinstance(e, View) and e.name == "gradient_norms"]
    assert [v.step for v in views] == [0, 1, 2, 3]
    curves = views[-1].value
    assert isinstance(curves, Curves) and list(curves.series) == ["start", "epoch 1", "latest epoch"]
    x, y = curves.series["latest epoch"]
    assert list(x) == [1, 2, 3] and np.all(y > 0)
    assert np.isfinite(result.history["val_loss"][-1])


def test_catalog_entry_lists_the_new_hyperparameters(capsys):
    assert main(["catalog", "efficientnetb0"]) == 0
    out = capsys.readouterr().out
    for line in ("activation         swish", "initializer        default", "gradient_norms     False",
                 "loss               sparse_categorical_crossentropy"):
        assert line in out


def test_global_average_head_replaces_flatten_with_one_number_per_map():
    # LeNet on 32x32x3, 3 classes: conv 5x5x3x6+6, conv 5x5x6x16+16, then fc 120, fc 84, softmax 3.
    convs, tail = 5 * 5 * 3 * 6 + 6 + 5 * 5 * 6 * 16 + 16, 120 * 84 + 84 + 84 * 3 + 3
    flat, gap = build("lenet"), build("lenet", head="global_average")
    assert flat.count_params() == convs + (8 * 8 * 16) * 120 + 120 + tail  # two 2x2 poolings: 8x8x16
    assert gap.count_params() == convs + 16 * 120 + 120 + tail
    maps = gap.get_layer("avg_pool").input
    probe = keras.Model(gap.input, [maps, gap.get_layer("avg_pool").output])
    x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    before, after = probe(x)
    np.testing.assert_allclose(after, np.mean(before, axis=(1, 2)), rtol=1e-5)
    assert type(build("vgg16", head="global_max").get_layer("max_pool")).__name__ == "GlobalMaxPooling2D"


def test_a_chosen_initializer_keeps_the_focal_loss_prior_bias():
    """RetinaNet's classification bias starts at -log((1 - 0.01) / 0.01): the method's prior,
    which a re-initialisation must not zero (every anchor would start at probability 0.5)."""
    from keras import layers

    keras.utils.set_random_seed(0)
    prior = -np.log(0.99 / 0.01)
    inputs = keras.Input((4, 4, 3))
    hidden = layers.Conv2D(2, 3, padding="same", name="hidden")(inputs)
    logits = layers.Conv2D(3, 1, bias_initializer=keras.initializers.Constant(prior), name="logits")(hidden)
    model = keras.Model(inputs, logits)
    model.get_layer("hidden").bias.assign(np.ones(2, "float32"))
    apply_initializer(model, {"initializer": "he_normal"})
    np.testing.assert_allclose(model.get_layer("logits").bias.numpy(), prior, rtol=1e-6)
    assert not np.any(model.get_layer("hidden").bias.numpy())  # an ordinary bias is zeroed
