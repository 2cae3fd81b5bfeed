"""GoogLeNet, Inception v1 (Szegedy et al., 2015, "Going Deeper with Convolutions", CVPR).

An inception module runs 1x1, 3x3 and 5x5 convolutions and a 3x3 max pooling side by
side and concatenates them; 1x1 "reduce" convolutions in front of the 3x3 and 5x5
(and after the pooling) keep the cost down. Nine modules (table 1 of the paper), a
global-average-pooling head with dropout 0.4, and two auxiliary classifiers on
inception (4a) and (4d) whose losses are added with weight 0.3 during training only:
they push gradient into the middle of the network and regularise it.

``GoogLeNet`` is a functional model whose only output is the main softmax
("predictions"): ``model(x)``, ``predict``, a saved ``.keras`` file and every
explanation method see one tensor. The auxiliary heads hang off the same layers in
``model.training_model``; during ``fit`` the model calls that graph and adds the
weighted auxiliary losses, so plain ``model.fit(x, y)`` with sparse labels trains
``main + 0.3 * aux1 + 0.3 * aux2``. Validation and inference use the main head only.
"""

from __future__ import annotations

import keras
from keras import layers

from workbench.errors import WorkbenchError
from workbench.layers.lrn import LocalResponseNormalization
from workbench.models.common import (
    classifier_head,
    image_input,
    normalization,
    pooling_layer,
)

#: Table 1: (name, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj); "pool" = 3x3/2 max pool.
ARCHITECTURE = (
    ("3a", 64, 96, 128, 16, 32, 32),
    ("3b", 128, 128, 192, 32, 96, 64),
    "pool",
    ("4a", 192, 96, 208, 16, 48, 64),
    ("4b", 160, 112, 224, 24, 64, 64),
    ("4c", 128, 128, 256, 24, 64, 64),
    ("4d", 112, 144, 288, 32, 64, 64),
    ("4e", 256, 160, 320, 32, 128, 128),
    "pool",
    ("5a", 256, 160, 320, 32, 128, 128),
    ("5b", 384, 192, 384, 48, 128, 128),
)
AUX_TAPS = ("inception_4a_output", "inception_4d_output")
#: Five halvings (conv1, pool1, pool2, pool3, pool4) need 32 pixels.
MIN_SIZE = 32


@keras.saving.register_keras_serializable(package="workbench")
class GoogLeNet(keras.Model):
    """A functional model (main softmax only) that trains with weighted auxiliary classifiers.

    Built as ``GoogLeNet(inputs, outputs, aux_taps=..., aux_weight=0.3, ...)``: the
    auxiliary heads are created here from the layers named in ``aux_taps`` so that a
    model reloaded from its config gets them back, weights included.
    """

    def __init__(self, *args, aux_taps=AUX_TAPS, aux_weight: float = 0.3, aux_filters: int = 128,
                 aux_units: int = 1024, aux_dropout: float = 0.7, aux_activation: str = "softmax",
                 hidden_activation: str = "relu", **kwargs):
        super().__init__(*args, **kwargs)
        self.aux_taps = tuple(aux_taps)
        self.aux_weight = float(aux_weight)
        self.aux_filters = int(aux_filters)
        self.aux_units = int(aux_units)
        self.aux_dropout = float(aux_dropout)
        self.aux_activation = aux_activation
        self.hidden_activation = hidden_activation
        main = self.outputs[0]
        aux = [auxiliary_classifier(self.get_layer(tap).output, main.shape[-1], self.aux_filters,
                                    self.aux_units, self.aux_dropout, aux_activation, name=f"aux{i}",
                                    hidden=hidden_activation)
               for i, tap in enumerate(self.aux_taps, start=1)]
        self.training_model = keras.Model(self.input, [main, *aux], name=f"{self.name}_with_aux")

    def call(self, inputs, training=None, mask=None):
        # Only training needs the auxiliary outputs: model(x, training=True) returns
        # [main, aux1, aux2]; inference, predict and evaluate get the main softmax alone.
        if training:
            return self.training_model(inputs, training=True)
        return super().call(inputs, training=training, mask=mask)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Compiled loss on the main head (plus regularisers), + aux_weight x each auxiliary loss."""
        if not isinstance(y_pred, (list, tuple)):
            return super().compute_loss(x, y, y_pred, sample_weight, training)
        main, *aux = y_pred
        loss = super().compute_loss(x, y, main, sample_weight, training)
        if self._compile_loss is None:  # compiled without a loss: nothing to weight
            return loss
        # Keras' compiled loss object: the same loss, reduction and sample weights as the main head.
        for aux_pred in aux:
            loss = loss + self.aux_weight * self._compile_loss(y, aux_pred, sample_weight)
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if isinstance(y_pred, (list, tuple)):
            y_pred = y_pred[0]
        return super().compute_metrics(x, y, y_pred, sample_weight)

    def inference_model(self) -> keras.Model:
        """A plain functional model of the main path (shares the weights, no auxiliary heads)."""
        return keras.Model(self.input, self.output, name=self.name)

    def get_config(self):
        config = super().get_config()
        config.update(aux_taps=list(self.aux_taps), aux_weight=self.aux_weight,
                      aux_filters=self.aux_filters, aux_units=self.aux_units,
                      aux_dropout=self.aux_dropout, aux_activation=self.aux_activation,
                      hidden_activation=self.hidden_activation)
        return config


def build_googlenet(hp: dict, info) -> GoogLeNet:
    """Build GoogLeNet; ``hp`` keys: width, lrn, aux_weight, aux_dropout, normalization, dropout, input_size."""
    width = hp["width"]
    if width <= 0:
        raise WorkbenchError(f"width={width} must be positive")
    if hp["aux_weight"] < 0:
        raise WorkbenchError(f"aux_weight={hp['aux_weight']} must not be negative")
    if hp["input_size"] and hp["input_size"] < MIN_SIZE:
        raise WorkbenchError(f"input_size={hp['input_size']} is too small for GoogLeNet; use at least {MIN_SIZE}")
    norm, act, pooling = hp["normalization"], hp.get("activation", "relu"), hp.get("pooling", "max")

    def scaled(filters):
        return max(1, int(round(filters * width)))

    inputs, x = image_input(info, hp["input_size"], min_size=MIN_SIZE)
    x = conv_unit(x, scaled(64), 7, norm, "conv1_7x7_s2", strides=2, act=act)
    x = pooling_layer(pooling, 3, strides=2, padding="same", name="pool1_3x3_s2")(x)
    if hp["lrn"]:
        x = LocalResponseNormalization(name="pool1_norm1")(x)
    x = conv_unit(x, scaled(64), 1, norm, "conv2_3x3_reduce", act=act)
    x = conv_unit(x, scaled(192), 3, norm, "conv2_3x3", act=act)
    if hp["lrn"]:
        x = LocalResponseNormalization(name="conv2_norm2")(x)
    x = pooling_layer(pooling, 3, strides=2, padding="same", name="pool2_3x3_s2")(x)
    pools = 3
    for row in ARCHITECTURE:
        if row == "pool":
            x = pooling_layer(pooling, 3, strides=2, padding="same", name=f"pool{pools}_3x3_s2")(x)
            pools += 1
            continue
        name, *filters = row
        x = inception_module(x, [scaled(f) for f in filters], norm, name=f"inception_{name}", act=act)
    outputs = classifier_head(x, info, hp["dropout"])
    return GoogLeNet(inputs, outputs, name="googlenet", aux_weight=hp["aux_weight"],
                     aux_filters=scaled(128), aux_units=scaled(1024), aux_dropout=hp["aux_dropout"],
                     aux_activation="linear" if info.task == "regression" else "softmax",
                     hidden_activation=act)


def conv_unit(x, filters: int, kernel: int, norm: str, name: str, strides: int = 1, act: str = "relu"):
    """Convolution + (optional) normalization + ``act``; the paper's convolutions all use ReLU."""
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same",
                      use_bias=norm == "none", name=name)(x)
    x = normalization(x, norm, name)
    return layers.Activation(act, name=f"{name}_relu")(x)


def inception_module(x, filters, norm: str, name: str, act: str = "relu"):
    """Four branches concatenated on channels: 1x1 | 1x1-3x3 | 1x1-5x5 | 3x3 max pool-1x1."""
    n1x1, n3x3_reduce, n3x3, n5x5_reduce, n5x5, pool_proj = filters
    branch1 = conv_unit(x, n1x1, 1, norm, f"{name}_1x1", act=act)
    branch2 = conv_unit(x, n3x3_reduce, 1, norm, f"{name}_3x3_reduce", act=act)
    branch2 = conv_unit(branch2, n3x3, 3, norm, f"{name}_3x3", act=act)
    branch3 = conv_unit(x, n5x5_reduce, 1, norm, f"{name}_5x5_reduce", act=act)
    branch3 = conv_unit(branch3, n5x5, 5, norm, f"{name}_5x5", act=act)
    branch4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch4 = conv_unit(branch4, pool_proj, 1, norm, f"{name}_pool_proj", act=act)
    return layers.Concatenate(name=f"{name}_output")([branch1, branch2, branch3, branch4])


def auxiliary_classifier(x, num_classes: int, filters: int, units: int, dropout: float,
                         activation: str, name: str, hidden: str = "relu"):
    """5x5/3 average pooling, 1x1 conv (128) + ReLU (``hidden``), fc 1024 + ReLU, dropout 0.7, softmax.

    On maps smaller than 5x5 (small inputs) the pooling window shrinks to the map.
    """
    side = min(5, x.shape[1], x.shape[2])
    x = layers.AveragePooling2D(side, strides=3, name=f"{name}_avgpool")(x)
    x = layers.Conv2D(filters, 1, activation=hidden, name=f"{name}_conv")(x)
    x = layers.Flatten(name=f"{name}_flatten")(x)
    x = layers.Dense(units, activation=hidden, name=f"{name}_fc")(x)
    if dropout:
        x = layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return layers.Dense(num_classes, activation=activation, name=f"{name}_predictions")(x)
