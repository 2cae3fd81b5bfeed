"""The networks of AlphaGo and AlphaGo Zero, scaled down to small boards.

* AlphaGo Zero's single network: a convolutional stem, residual blocks (conv-BN-ReLU-conv-BN
  plus the skip, then ReLU), and two heads — a policy head (1x1 conv, a dense softmax over
  the actions) and a value head (1x1 conv, a hidden dense layer, tanh in [-1, 1]).
* AlphaGo's policy network (SL, then RL), its value network and its linear rollout policy,
  each a separate model; their input has a third, side-to-move plane (AlphaGo's colour
  feature, since the value of a position depends on who moves).

Inputs are the canonical planes of ``Rules.planes`` (rows, cols, channels).
"""

from __future__ import annotations

from workbench.models.rl.board_state import Rules, rules_for


def rules_of(info) -> Rules:
    """The board game behind a source's ``DataInfo`` (its name is the game's)."""
    return rules_for(info.name)


def _conv_bn(x, filters: int, kernel: int, name: str, relu: bool = True):
    import keras

    x = keras.layers.Conv2D(filters, kernel, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x) if relu else x


def residual_block(x, filters: int, name: str):
    """conv-BN-ReLU-conv-BN, add the input, ReLU (AlphaGo Zero's tower block)."""
    import keras

    y = _conv_bn(x, filters, 3, f"{name}_a")
    y = _conv_bn(y, filters, 3, f"{name}_b", relu=False)
    return keras.layers.ReLU(name=f"{name}_out")(keras.layers.Add(name=f"{name}_add")([x, y]))


def build_policy_value(hp: dict, info):
    """AlphaGo Zero's dual-head residual network: planes -> (policy softmax, value in [-1, 1])."""
    import keras

    rules = rules_of(info)
    inputs = keras.Input((rules.rows, rules.cols, 2), name="planes")
    x = _conv_bn(inputs, hp["filters"], 3, "stem")
    for i in range(hp["blocks"]):
        x = residual_block(x, hp["filters"], f"block{i + 1}")
    p = _conv_bn(x, 2, 1, "policy_head")
    policy = keras.layers.Dense(rules.num_actions, activation="softmax", name="policy")(
        keras.layers.Flatten(name="policy_flat")(p))
    v = _conv_bn(x, 1, 1, "value_head")
    v = keras.layers.Dense(hp["value_units"], activation="relu", name="value_hidden")(
        keras.layers.Flatten(name="value_flat")(v))
    value = keras.layers.Dense(1, activation="tanh", name="value")(v)
    return keras.Model(inputs, [policy, value], name="policy_value")


def _tower(inputs, filters: int, layers: int, prefix: str):
    import keras

    x = inputs
    for i in range(layers):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{prefix}_conv{i + 1}")(x)
    return x


def build_policy_net(hp: dict, info, name: str = "policy"):
    """AlphaGo's policy network p(a|s): a convolutional tower, a 1x1 conv and a softmax over actions."""
    import keras

    rules = rules_of(info)
    inputs = keras.Input((rules.rows, rules.cols, 3), name="planes")
    x = _tower(inputs, hp["filters"], hp["layers"], name)
    x = keras.layers.Conv2D(4, 1, activation="relu", name=f"{name}_1x1")(x)  # 4 channels: one ReLU could die
    outputs = keras.layers.Dense(rules.num_actions, activation="softmax", name=f"{name}_moves")(
        keras.layers.Flatten(name=f"{name}_flat")(x))
    return keras.Model(inputs, outputs, name=name)


def build_value_net(hp: dict, info):
    """AlphaGo's value network v(s) in [-1, 1]: the tower, a hidden dense layer, tanh."""
    import keras

    rules = rules_of(info)
    inputs = keras.Input((rules.rows, rules.cols, 3), name="planes")
    x = _tower(inputs, hp["filters"], hp["layers"], "value")
    x = keras.layers.Conv2D(2, 1, activation="relu", name="value_1x1")(x)
    x = keras.layers.Dense(hp["value_units"], activation="relu", name="value_hidden")(
        keras.layers.Flatten(name="value_flat")(x))
    return keras.Model(inputs, keras.layers.Dense(1, activation="tanh", name="value")(x), name="value")


def build_rollout_policy(hp: dict, info):
    """AlphaGo's fast rollout policy: a linear softmax on the raw planes (no hidden layer),
    cheap enough to play whole games to the end inside a search."""
    import keras

    rules = rules_of(info)
    inputs = keras.Input((rules.rows, rules.cols, 3), name="planes")
    outputs = keras.layers.Dense(rules.num_actions, activation="softmax", name="rollout_moves")(
        keras.layers.Flatten(name="rollout_flat")(inputs))
    return keras.Model(inputs, outputs, name="rollout")
