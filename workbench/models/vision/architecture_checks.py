"""The architecture claims of catalog section B, measured on built Keras models.

- VGG (note 000): two stacked 3x3 convolutions see a 5x5 window with 18C² weights instead
  of 25C², three see 7x7 with 27C² instead of 49C². The receptive field is found by a
  gradient test (which input pixels move the centre output), the weights by
  ``count_params()`` with the bias off.
- ResNet (note 001): a bottleneck block (1x1 reduce, 3x3, 1x1 expand x4) costs about the
  multiply-adds of a two-layer basic block at the same width, counted on the blocks of
  ``workbench.models.vision.resnet``.
- Wide ResNet (note 002): WRN-d-1 is the plain CIFAR ResNet (same parameters, same weight
  shapes, feature maps 32/16/8 and an 8x8 average pool).
- EfficientNet (note 002): alpha·beta²·gamma² ≈ 2, the measured multiply-adds of the built
  models growing about 2^phi, and the phi = 1 grid search over (alpha, beta, gamma).

Multiply-adds (MACs) are those of the convolutions and dense layers, as the papers count
FLOPs; normalisation, activation and pooling are left out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import keras
import numpy as np
from keras import layers

from workbench.data.base import DataInfo
from workbench.errors import WorkbenchError

IMAGENET = DataInfo("imagenet", "image", "classification", (224, 224, 3), tuple(map(str, range(1000))))
CIFAR = DataInfo("cifar10", "image", "classification", (32, 32, 3), tuple(map(str, range(10))))

#: The EfficientNet paper's phi = 1 grid (Tan & Le 2019, section 3.3), kept small.
GRID_ALPHA = (1.1, 1.2, 1.3, 1.4)
GRID_BETA = (1.0, 1.1, 1.2)
GRID_GAMMA = (1.0, 1.1, 1.15, 1.2)
#: How far alpha·beta²·gamma² may stray from 2 to count as "≈ 2".
GRID_TOLERANCE = 0.1
#: The miniature B0 a grid candidate is trained on: its scaling applied to width 0.25,
#: depth 0.25 and a 32-pixel base (a full phi = 1 network does not train on a CPU in seconds).
MINI_WIDTH, MINI_DEPTH, MINI_SIDE = 0.25, 0.25, 32
#: A short training needs a large step (1e-3 barely leaves chance in 30 steps here).
GRID_LEARNING_RATE = 1e-2
RECALIBRATION_BATCHES = 20


# -- counting -------------------------------------------------------------------------------------
def multiply_adds(model) -> dict:
    """Per-layer multiply-adds of ``model``'s convolutions and dense layers (nested models included).

    A convolution's cost is (output pixels) x (kernel size): the kernel's shape already
    holds in/groups x out for Conv2D and in x multiplier for DepthwiseConv2D.
    """
    rows = []
    for layer in _leaf_layers(model):
        if isinstance(layer, layers.SeparableConv2D):
            kernels = [layer.depthwise_kernel, layer.pointwise_kernel]
        elif isinstance(layer, (layers.Conv2D, layers.DepthwiseConv2D, layers.Dense)):
            kernels = [layer.kernel]
        else:
            continue
        positions = math.prod(layer.output.shape[1:-1])  # pixels for a conv, 1 for a flat dense
        macs = sum(positions * math.prod(kernel.shape) for kernel in kernels)
        rows.append({"name": layer.name, "kind": type(layer).__name__, "output": tuple(layer.output.shape[1:]),
                     "macs": int(macs)})
    return {"layers": rows, "total": sum(r["macs"] for r in rows)}


def _leaf_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaf_layers(layer)
        else:
            yield layer


def receptive_field(model) -> tuple[int, int]:
    """Height and width of the input window that moves the centre output, by gradient.

    d(centre output)/d(input) is non-zero exactly on the receptive field when every weight is
    positive and the layers are linear (no cancellation, no dead ReLU).
    """
    import tensorflow as tf

    height, width, channels = model.input_shape[1:]
    x = tf.Variable(tf.zeros((1, height, width, channels)))
    with tf.GradientTape() as tape:
        y = model(x)
        centre = tf.reduce_sum(y[0, y.shape[1] // 2, y.shape[2] // 2, :])
    seen = np.abs(tape.gradient(centre, x).numpy()[0]).sum(axis=-1) > 0
    rows, cols = np.nonzero(seen.any(axis=1))[0], np.nonzero(seen.any(axis=0))[0]
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


# -- VGG: stacked 3x3 against one large kernel ---------------------------------------------------
def conv_stack(channels: int, kernels: tuple[int, ...], side: int = 17) -> keras.Model:
    """Linear convolutions (no bias, all-ones kernels) with ``channels`` in and out."""
    inputs = keras.Input((side, side, channels))
    x = inputs
    for i, k in enumerate(kernels):
        x = layers.Conv2D(channels, k, padding="same", use_bias=False, kernel_initializer="ones",
                          name=f"conv{i + 1}_{k}x{k}")(x)
    return keras.Model(inputs, x, name="+".join(f"{k}x{k}" for k in kernels))


def stacked_convolutions(channels: int = 64) -> dict:
    """Two 3x3 vs one 5x5 and three 3x3 vs one 7x7: receptive field and weights, measured."""
    if channels < 1:
        raise WorkbenchError(f"channels={channels} must be at least 1")
    rows = []
    for kernels in ((3, 3), (5,), (3, 3, 3), (7,)):
        model = conv_stack(channels, kernels)
        weights = model.count_params()
        rows.append({"layers": " + ".join(f"{k}×{k}" for k in kernels), "convolutions": len(kernels),
                     "receptive_field": receptive_field(model), "weights": weights,
                     "per_c2": weights / channels ** 2, "nonlinearities": len(kernels)})
    return {"channels": channels, "rows": rows,
            "saving_5x5": rows[0]["weights"] / rows[1]["weights"],
            "saving_7x7": rows[2]["weights"] / rows[3]["weights"]}


# -- ResNet: bottleneck against basic block ------------------------------------------------------
def bottleneck_vs_basic(width: int = 64, side: int = 56, norm: str = "batch") -> dict:
    """The ResNet paper's comparison (its Fig. 5): a basic block on ``width`` channels against
    a bottleneck block that reduces 4·width to ``width`` and expands back, same feature map."""
    from workbench.models.vision import resnet

    if width < 1 or side < 1:
        raise WorkbenchError(f"width={width} and side={side} must be at least 1")
    inputs = keras.Input((side, side, width))
    basic = keras.Model(inputs, resnet.basic_block(inputs, width, 1, norm, "basic"), name="basic_block")
    wide_in = keras.Input((side, side, 4 * width))
    bottleneck = keras.Model(wide_in, resnet.bottleneck_block(wide_in, width, 1, False, norm, "bottleneck"),
                             name="bottleneck_block")
    blocks = {}
    for label, model in (("basic", basic), ("bottleneck", bottleneck)):
        counted = multiply_adds(model)
        blocks[label] = {"macs": counted["total"], "params": model.count_params(), "layers": counted["layers"],
                         "channels_in": model.input_shape[-1], "channels_out": model.output_shape[-1]}
    return {"width": width, "side": side, **blocks,
            "ratio": blocks["bottleneck"]["macs"] / blocks["basic"]["macs"]}


def resnet_model_macs(variants=("resnet34", "resnet50")) -> dict:
    """Whole-network multiply-adds at 224x224, against the paper's Table 1 (3.6 and 3.8 billion)."""
    from workbench.models.vision import resnet

    result = {}
    for name in variants:
        model = resnet.build_resnet({"blocks": "", "width": 1.0, "normalization": "batch", "dropout": 0.0,
                                     "input_size": 0}, IMAGENET, name)
        result[name] = multiply_adds(model)["total"]
    return result


# -- Wide ResNet with k = 1 against the plain CIFAR ResNet ----------------------------------------
def wrn_vs_resnet(depth: int = 16, norm: str = "batch") -> dict:
    """WRN-depth-1 against the plain CIFAR ResNet with n = (depth - 4) / 6 blocks per stage."""
    from workbench.models.vision.cifar_resnet import build_cifar_resnet
    from workbench.models.vision.wide_resnet import blocks_per_group, build_wide_resnet

    n = blocks_per_group(depth)
    wrn = build_wide_resnet({"depth": depth, "width": 1, "block_dropout": 0.0, "normalization": norm,
                             "dropout": 0.0, "input_size": 0}, CIFAR)
    plain = build_cifar_resnet({"blocks": n, "normalization": norm, "dropout": 0.0}, CIFAR)
    shapes = {label: sorted(tuple(w.shape) for w in model.weights) for label, model in
              (("wrn", wrn), ("plain", plain))}
    return {"depth": depth, "blocks": n, "plain_depth": 6 * n + 2,
            "wrn_params": wrn.count_params(), "plain_params": plain.count_params(),
            "same_weight_shapes": shapes["wrn"] == shapes["plain"], "weights": len(shapes["wrn"]),
            "wrn_feature_maps": _stage_sides(wrn), "plain_feature_maps": _stage_sides(plain),
            "wrn_pool": _pooled_side(wrn), "plain_pool": _pooled_side(plain)}


def _stage_sides(model) -> list[int]:
    """The distinct sides of the residual sums' feature maps, in order (32, 16, 8 on CIFAR)."""
    sides = []
    for layer in model.layers:
        if isinstance(layer, layers.Add) and layer.output.shape[1] not in sides:
            sides.append(int(layer.output.shape[1]))
    return sides


def _pooled_side(model) -> int:
    pool = next(layer for layer in model.layers if isinstance(layer, layers.GlobalAveragePooling2D))
    return int(pool.input.shape[1])


# -- EfficientNet: compound scaling ------------------------------------------------------------
def efficientnet_phi_macs(phis=(0, 1, 2, 3), alpha: float = 1.2, beta: float = 1.1, gamma: float = 1.15,
                          progress: Callable | None = None, should_stop: Callable | None = None) -> dict:
    """Measured multiply-adds of the phi-scaled B0 (1000 classes) against 2^phi and (α·β²·γ²)^phi."""
    from workbench.models.vision.efficientnet import compound_scaling

    per_step = alpha * beta ** 2 * gamma ** 2
    rows, base = [], None
    for i, phi in enumerate(phis):
        if should_stop is not None and should_stop():
            break
        scale = compound_scaling(phi, alpha, beta, gamma)
        macs = multiply_adds(_phi_model(phi, alpha, beta, gamma))["total"]
        base = macs if base is None else base
        rows.append({"phi": phi, "side": scale["input_side"], "depth": scale["depth"], "width": scale["width"],
                     "macs": macs, "ratio": macs / base, "two_to_phi": 2.0 ** (phi - phis[0]),
                     "rule": per_step ** (phi - phis[0])})
        if progress is not None:
            progress(i + 1, len(phis), f"phi = {phi}: {macs / 1e9:.3f} G multiply-adds")
    # growth per step of phi: the least-squares slope of log2(ratio) against phi, through phi_0
    steps = [(r["phi"] - phis[0], math.log2(r["ratio"])) for r in rows]
    slope = sum(s * y for s, y in steps) / sum(s * s for s, _ in steps) if len(steps) > 1 else None
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "per_step": per_step, "rows": rows,
            "growth_per_step": 2.0 ** slope if slope is not None else None}


def _phi_model(phi, alpha, beta, gamma, info=IMAGENET, base=(1.0, 1.0, 224)):
    from workbench.models.vision.efficientnet import efficientnet

    width, depth, side = base
    return efficientnet(info, width * beta ** phi, depth * alpha ** phi, int(round(side * gamma ** phi)),
                        dropout=0.0, drop_connect_rate=0.0)


def grid_candidates(target: float = 2.0, tolerance: float = GRID_TOLERANCE) -> list[tuple[float, float, float]]:
    """(alpha, beta, gamma) of the grid with alpha·beta²·gamma² within ``tolerance`` of ``target``."""
    return [(a, b, g) for a, b, g in itertools.product(GRID_ALPHA, GRID_BETA, GRID_GAMMA)
            if abs(a * b ** 2 * g ** 2 - target) <= tolerance]


def grid_search(train_steps: int = 0, seed: int = 0, progress: Callable | None = None,
                should_stop: Callable | None = None, candidates=None) -> dict:
    """The phi = 1 grid search: each candidate's measured multiply-adds against B0's and, with
    ``train_steps``, the validation accuracy of the candidate's scaling of a miniature B0
    after that many Adam steps (lr 1e-2) on the embedded digits, BatchNorm statistics then
    re-estimated on training batches."""
    if train_steps < 0:
        raise WorkbenchError(f"train_steps={train_steps} must be 0 or more")
    candidates = list(candidates or grid_candidates())
    data = _digits(seed) if train_steps else None
    base = multiply_adds(_phi_model(0, 1.0, 1.0, 1.0))["total"]
    rows = []
    for i, (a, b, g) in enumerate(candidates):
        if should_stop is not None and should_stop():
            break
        macs = multiply_adds(_phi_model(1, a, b, g))["total"]
        row = {"alpha": a, "beta": b, "gamma": g, "constraint": a * b ** 2 * g ** 2, "macs": macs,
               "ratio": macs / base, "accuracy": None}
        if data is not None:
            row["accuracy"] = _short_training(a, b, g, data, train_steps, seed)
        rows.append(row)
        if progress is not None:
            progress(i + 1, len(candidates), f"α={a:g} β={b:g} γ={g:g}: ×{row['ratio']:.2f} multiply-adds")
    best = max(rows, key=lambda r: r["accuracy"]) if data is not None and rows else None
    return {"b0_macs": base, "rows": rows, "train_steps": train_steps, "best": best,
            "complete": len(rows) == len(candidates), "tolerance": GRID_TOLERANCE,
            "mini": {"width": MINI_WIDTH, "depth": MINI_DEPTH, "side": MINI_SIDE}}


def _digits(seed: int):
    from workbench.data import registry

    return registry.load("digits", seed=seed)


def _short_training(alpha, beta, gamma, data, steps: int, seed: int) -> float:
    keras.utils.set_random_seed(seed)  # every candidate starts from the same draw
    model = _phi_model(1, alpha, beta, gamma, data.info, (MINI_WIDTH, MINI_DEPTH, MINI_SIDE))
    model.compile(keras.optimizers.Adam(GRID_LEARNING_RATE), "sparse_categorical_crossentropy", metrics=["accuracy"],
                  run_eagerly=True)  # tracing the graph takes far longer than a few eager steps
    rng = np.random.default_rng(seed)
    batch = 32
    for _ in range(steps):
        pick = rng.integers(0, len(data.x_train), batch)
        model.train_on_batch(data.x_train[pick], data.y_train[pick])
    # After a few fast-moving steps BatchNorm's moving statistics still describe the first
    # weights (val accuracy near chance while the training batches are 80 % right):
    # re-estimate them on training batches with the final weights before evaluating.
    for _ in range(RECALIBRATION_BATCHES):
        model(data.x_train[rng.integers(0, len(data.x_train), batch)], training=True)
    accuracy = float(model.evaluate(data.x_val, data.y_val, verbose=0, return_dict=True)["accuracy"])
    return accuracy


# -- everything, for the CLI -------------------------------------------------------------------
def report(channels: int = 64, wrn_depth: int = 16, train_steps: int = 0, seed: int = 0,
           progress: Callable | None = None) -> dict:
    """Every check above, for ``keras-workbench checks architecture``."""
    say = progress or (lambda *_: None)
    say(0, 5, "stacked convolutions")
    numbers = {"stacked": stacked_convolutions(channels)}
    say(1, 5, "bottleneck vs basic block, ResNet-34/50 at 224x224")
    numbers["bottleneck"] = bottleneck_vs_basic()
    numbers["resnet_macs"] = resnet_model_macs()
    say(2, 5, f"WRN-{wrn_depth}-1 vs the plain ResNet")
    numbers["wrn"] = wrn_vs_resnet(wrn_depth)
    say(3, 5, "EfficientNet phi = 0..3")
    numbers["efficientnet"] = efficientnet_phi_macs(progress=progress)
    say(4, 5, "phi = 1 grid search" + (f" with {train_steps} training steps each" if train_steps else ""))
    numbers["grid"] = grid_search(train_steps, seed, progress=progress)
    say(5, 5, "done")
    return numbers


def report_text(n: dict) -> str:
    s, bn, w, e, g = n["stacked"], n["bottleneck"], n["wrn"], n["efficientnet"], n["grid"]
    c = s["channels"]
    lines = [f"VGG: stacked 3x3 convolutions vs one large kernel (C = {c}, bias off)"]
    for row in s["rows"]:
        h, wd = row["receptive_field"]
        lines.append(f"  {row['layers']:<17} receptive field {h}x{wd}  weights {row['weights']:>9,} "
                     f"= {row['per_c2']:g} C²")
    lines.append(f"  two 3x3 / one 5x5 = {s['saving_5x5']:.3f} (18/25); three 3x3 / one 7x7 = "
                 f"{s['saving_7x7']:.3f} (27/49)")
    lines.append(f"ResNet: bottleneck vs basic block at width {bn['width']} on {bn['side']}x{bn['side']}")
    for label in ("basic", "bottleneck"):
        b = bn[label]
        lines.append(f"  {label:<10} {b['channels_in']}->{b['channels_out']} channels  "
                     f"{b['macs'] / 1e6:8.1f} M multiply-adds  {b['params']:,} parameters")
    lines.append(f"  bottleneck / basic = {bn['ratio']:.3f}")
    lines += [f"  {name} at 224x224: {macs / 1e9:.2f} G multiply-adds" for name, macs in n["resnet_macs"].items()]
    lines.append("  (the paper's Table 1: 3.6 G for ResNet-34, 3.8 G for ResNet-50)")
    lines.append(f"Wide ResNet: WRN-{w['depth']}-1 vs the plain CIFAR ResNet-{w['plain_depth']} "
                 f"(n = {w['blocks']})")
    lines.append(f"  parameters {w['wrn_params']:,} vs {w['plain_params']:,}; same weight shapes: "
                 f"{w['same_weight_shapes']}; feature maps {w['wrn_feature_maps']} vs {w['plain_feature_maps']}; "
                 f"average pool {w['wrn_pool']}x{w['wrn_pool']} vs {w['plain_pool']}x{w['plain_pool']}")
    lines.append(f"EfficientNet: alpha·beta²·gamma² = {e['alpha']:g}·{e['beta']:g}²·{e['gamma']:g}² "
                 f"= {e['per_step']:.3f} (≈ 2)")
    for row in e["rows"]:
        lines.append(f"  phi = {row['phi']}: {row['side']}px, {row['macs'] / 1e9:.3f} G multiply-adds, "
                     f"x{row['ratio']:.2f} of phi = 0 (2^phi = {row['two_to_phi']:g}, "
                     f"rule {row['rule']:.2f})")
    if e["growth_per_step"]:
        lines.append(f"  fitted growth per step of phi: x{e['growth_per_step']:.2f} (2^phi: x2; the rule: "
                     f"x{e['per_step']:.2f}); phi = 1 overshoots as ceil(1.2 n) rounds each stage's repeats up")
    lines.append(f"  phi = 1 grid search (|alpha·beta²·gamma² - 2| <= {g['tolerance']}; B0 "
                 f"{g['b0_macs'] / 1e9:.3f} G multiply-adds):")
    for row in g["rows"]:
        accuracy = "" if row["accuracy"] is None else f"  accuracy {row['accuracy']:.3f}"
        lines.append(f"    alpha {row['alpha']:<4g} beta {row['beta']:<4g} gamma {row['gamma']:<4g} "
                     f"product {row['constraint']:.3f}  x{row['ratio']:.2f} multiply-adds{accuracy}")
    if g["best"] is not None:
        b = g["best"]
        lines.append(f"  best after {g['train_steps']} steps (miniature B0, digits): alpha {b['alpha']:g}, "
                     f"beta {b['beta']:g}, gamma {b['gamma']:g}")
    return "\n".join(lines)
