"""A simple RNN trained by backpropagation through time written out by hand.

Werbos (1990), "Backpropagation through time: what it does and how to do it";
Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
networks" (vanishing and exploding gradients). With row vectors (batch first)::

    u_t = x_t W_in + z_(t-1) W + b        z_t = f(u_t),  z_0 = 0
    o_t = z_t W_out + c                   y_t = sigmoid(o_t)
    L   = sum_t w_t * mean binary cross-entropy(y_t, d_t)

and backwards, from the last step to the first (``bptt``)::

    dL/do_t   = w_t (y_t - d_t) / (batch * outputs)
    dL/dz_t   = dL/do_t W_out^T + dL/du_(t+1) W^T        (the second term carries time)
    dL/du_t   = dL/dz_t * f'(u_t)
    dW_in += x_t^T dL/du_t,  dW += z_(t-1)^T dL/du_t,  db += sum dL/du_t
    dW_out += z_t^T dL/do_t, dc += sum dL/do_t

Each step back multiplies ``dL/dz`` by ``diag(f'(u)) W^T``: when the spectral radius
of ``W`` is below 1 (and ``|f'| <= 1``) the gradient reaching early steps vanishes
geometrically; above 1 it can explode. ``gradient_norm_curves`` shows both.
Everything here is numpy in float64; ``autodiff_gradients`` is the TensorFlow
reference the hand-written gradients are tested against.

Dropout (``mask``) sits on the non-recurrent connection only, as Zaremba, Sutskever &
Vinyals (2014) apply it to RNNs: ``o_t = (z_t * m_t) W_out + c`` with ``m_t`` 0 or
``1 / (1 - rate)``, so the recurrence (the memory) is never cut; backwards, the output's
share of ``dL/dz_t`` is multiplied by the same ``m_t``.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np

from workbench.errors import WorkbenchError
from workbench.layers.elman_rnn import ACTIVATIONS, ElmanRNN
from workbench.models.sequence.gradient_flow import gradient_norm_view
from workbench.training import events

PARAMS = ("w_in", "w", "b", "w_out", "c")
DEFAULT_RADII = (0.5, 0.9, 1.0, 1.1, 1.5)


# ----------------------------------------------------------------------------- forward / backward
def activation_and_derivative(name: str):
    """``f`` and ``f'`` (the latter from ``u`` and ``z = f(u)``) for the hidden layer."""
    if name == "tanh":
        return np.tanh, lambda u, z: 1.0 - z ** 2
    if name == "sigmoid":
        return (lambda u: 0.5 * (1.0 + np.tanh(0.5 * u))), lambda u, z: z * (1.0 - z)
    if name == "relu":
        return (lambda u: np.maximum(u, 0.0)), lambda u, z: (u > 0).astype(u.dtype)
    if name == "linear":
        return (lambda u: u), lambda u, z: np.ones_like(u)
    raise WorkbenchError(f"activation={name!r} is not one of {', '.join(ACTIVATIONS)}")


def init_params(inputs: int, hidden: int, outputs: int = 1, spectral_radius: float = 1.0,
                seed: int = 0) -> dict[str, np.ndarray]:
    """Glorot-scaled input and output weights; ``W`` orthogonal times ``spectral_radius``.

    An orthogonal matrix has all eigenvalues (and singular values) of modulus 1, so
    the scaled one has spectral radius (and norm) exactly ``spectral_radius``.
    """
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((hidden, hidden)))
    return {
        "w_in": rng.standard_normal((inputs, hidden)) * math.sqrt(2.0 / (inputs + hidden)),
        "w": spectral_radius * q * np.sign(np.diag(r)),
        "b": np.zeros(hidden),
        "w_out": rng.standard_normal((hidden, outputs)) * math.sqrt(2.0 / (hidden + outputs)),
        "c": np.zeros(outputs),
    }


def forward(params: dict, x: np.ndarray, activation: str = "tanh", mask=None) -> dict[str, np.ndarray]:
    """``x (batch, steps, inputs)`` -> ``u``, ``z`` (with ``z_0 = 0`` first), ``o`` and ``y``;
    ``mask`` ``(batch, steps, hidden)``: dropout on what the output reads (None: none)."""
    f, _ = activation_and_derivative(activation)
    batch, steps, _ = x.shape
    hidden = params["w"].shape[0]
    u = np.zeros((batch, steps, hidden))
    z = np.zeros((batch, steps + 1, hidden))
    for t in range(steps):
        u[:, t] = x[:, t] @ params["w_in"] + z[:, t] @ params["w"] + params["b"]
        z[:, t + 1] = f(u[:, t])
    o = (z[:, 1:] if mask is None else z[:, 1:] * mask) @ params["w_out"] + params["c"]
    return {"u": u, "z": z, "o": o, "y": 0.5 * (1.0 + np.tanh(0.5 * o))}


def loss(cache: dict, targets: np.ndarray, step_weights: np.ndarray) -> float:
    """``sum_t w_t * mean BCE``, computed from the logits ``o`` for stability."""
    o = cache["o"]
    per_step = (np.logaddexp(0.0, o) - targets * o).mean(axis=(0, 2))
    return float(per_step @ step_weights)


def bptt(params: dict, x: np.ndarray, targets: np.ndarray, activation: str = "tanh",
         step_weights: np.ndarray | None = None, mask=None):
    """Loss, gradients (same keys as ``params``) and ``||dL/dz_t||`` per step, by hand.

    ``targets`` is ``(batch, steps, outputs)``; ``step_weights`` (default ``1/steps``
    each) says how much each step's loss counts: a one-hot on the last step leaves
    only the gradient that travels back through time.
    """
    _, derivative = activation_and_derivative(activation)
    batch, steps, _ = x.shape
    weights = np.full(steps, 1.0 / steps) if step_weights is None else np.asarray(step_weights, float)
    cache = forward(params, x, activation, mask)
    u, z = cache["u"], cache["z"]
    keep = np.ones_like(z[:, 1:]) if mask is None else mask
    d_o = weights[None, :, None] * (cache["y"] - targets) / (batch * targets.shape[-1])
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    grads["w_out"] = np.einsum("bth,bto->ho", z[:, 1:] * keep, d_o)
    grads["c"] = d_o.sum(axis=(0, 1))
    dz_norms = np.zeros(steps)
    d_u_next = np.zeros_like(z[:, 0])
    for t in reversed(range(steps)):
        d_z = (d_o[:, t] @ params["w_out"].T) * keep[:, t] + d_u_next @ params["w"].T
        dz_norms[t] = np.linalg.norm(d_z)
        d_u = d_z * derivative(u[:, t], z[:, t + 1])
        grads["w_in"] += x[:, t].T @ d_u
        grads["w"] += z[:, t].T @ d_u
        grads["b"] += d_u.sum(axis=0)
        d_u_next = d_u
    return loss(cache, targets, weights), grads, dz_norms


def autodiff_gradients(params: dict, x: np.ndarray, targets: np.ndarray, activation: str = "tanh",
                       step_weights: np.ndarray | None = None, mask=None):
    """The same loss differentiated by TensorFlow's ``GradientTape`` (float64): the reference."""
    import tensorflow as tf

    steps = x.shape[1]
    weights = np.full(steps, 1.0 / steps) if step_weights is None else np.asarray(step_weights, float)
    variables = {name: tf.Variable(value, dtype=tf.float64) for name, value in params.items()}
    f = {"tanh": tf.tanh, "sigmoid": tf.sigmoid, "relu": tf.nn.relu, "linear": tf.identity}[activation]
    x = tf.constant(x, tf.float64)
    with tf.GradientTape() as tape:
        z = tf.zeros((x.shape[0], params["w"].shape[0]), tf.float64)
        total = tf.constant(0.0, tf.float64)
        for t in range(steps):
            z = f(x[:, t] @ variables["w_in"] + z @ variables["w"] + variables["b"])
            logits = (z if mask is None else z * mask[:, t]) @ variables["w_out"] + variables["c"]
            bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=targets[:, t], logits=logits)
            total += weights[t] * tf.reduce_mean(bce)
    grads = tape.gradient(total, list(variables.values()))
    return float(total), {name: g.numpy() for name, g in zip(variables, grads)}


def dropout_mask(rate: float, shape, seed: int, epoch: int, step: int):
    """Inverted dropout's mask (0 or ``1 / (1 - rate)``), a function of (seed, epoch, step); None at 0."""
    if not rate:
        return None
    from workbench.data.sources import rng_for

    return (rng_for(seed, epoch, step).random(shape) >= rate) / (1.0 - rate)


# ----------------------------------------------------------------------------- gradient-norm curves
def gradient_norm_curves(spectral_radii=DEFAULT_RADII, steps: int = 20, hidden: int = 16,
                         activation: str = "tanh", inputs: int = 2, input_scale: float = 0.1,
                         seed: int = 0) -> dict[str, tuple[list[float], list[float]]]:
    """``{"rho=0.5": (t, ||dL/dz_t||), ...}``: how far back the gradient of the last step's loss reaches.

    For each spectral radius the same random RNN (only ``W`` rescaled) reads the same
    random inputs; the loss counts only the last step, so ``dL/dz_t`` for ``t < T``
    is purely the gradient carried back through time. ``input_scale`` keeps the
    hidden units out of saturation, where ``f'`` would shrink every gradient alike.
    """
    if steps < 2 or hidden < 1:
        raise WorkbenchError(f"steps={steps} must be at least 2 and hidden={hidden} at least 1")
    rng = np.random.default_rng(seed)
    x = input_scale * rng.standard_normal((8, steps, inputs))
    targets = rng.integers(0, 2, size=(8, steps, 1)).astype(float)
    last_only = np.eye(steps)[-1]
    curves = {}
    for radius in spectral_radii:
        params = init_params(inputs, hidden, 1, radius, seed)
        _, _, norms = bptt(params, x, targets, activation, last_only)
        curves[f"rho={radius:g}"] = (list(range(1, steps + 1)), [float(n) for n in norms])
    return curves


def first_to_last_ratio(norms) -> float:
    """``||dL/dz_1|| / ||dL/dz_T||``: below 1 the gradient vanished on its way back, above 1 it grew."""
    return float(norms[0] / norms[-1])


# ----------------------------------------------------------------------------- the catalog entry
def build_rnn_bptt(hp: dict, info) -> keras.Model:
    """``(steps, inputs)`` -> one sigmoid output per step, with ``W`` of the asked spectral radius."""
    if len(info.input_shape) != 2 or info.input_shape[0] is None:
        raise WorkbenchError(f"rnn_bptt needs sequences of a fixed length; {info.name} has inputs "
                             f"of shape {info.input_shape}")
    if hp["activation"] not in ACTIVATIONS:
        raise WorkbenchError(f"activation={hp['activation']!r} is not one of {', '.join(ACTIVATIONS)}")
    steps, features = info.input_shape
    inputs = keras.Input(shape=(steps, features), name="input")
    rnn = ElmanRNN(hp["hidden_units"], 1, hp["activation"], name="rnn")
    model = keras.Model(inputs, rnn(inputs), name="rnn_bptt")
    start = init_params(features, hp["hidden_units"], 1, hp["spectral_radius"], seed=hp.get("seed", 0))
    rnn.set_weights([start[name] for name in PARAMS])
    return model


def train_rnn_bptt(ctx):
    """Minibatch training with the hand-written gradients, applied by the chosen Keras optimizer.

    Honours ``epochs``, ``steps_per_epoch``, Stop and Pause (between batches), L2,
    gradient clipping (the optimizer's) and early stopping on the validation loss.
    """
    from workbench.training.job import make_optimizer

    hp, data, config = ctx.hp, ctx.dataset, ctx.config
    if data.x_train.ndim != 3 or data.y_train.ndim != 2:
        raise WorkbenchError(f"rnn_bptt needs (samples, steps, inputs) sequences with one 0/1 target "
                             f"per step; {data.info.name} has x {data.x_train.shape}, y {data.y_train.shape}")
    keras.utils.set_random_seed(config.seed)
    model = ctx.entry.build({**hp, "seed": config.seed}, data.info)
    optimizer = make_optimizer(hp)
    optimizer.build(model.get_layer("rnn").weights)
    steps = math.ceil(len(data.x_train) / config.batch_size)
    steps = min(steps, config.steps_per_epoch) if config.steps_per_epoch else steps
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (numpy BPTT)", config.epochs, 0,
                               steps, int(model.count_params())))
    curves = gradient_norm_curves(steps=hp["curve_steps"], hidden=hp["hidden_units"],
                                  activation=hp["activation"], seed=config.seed)
    # the view the Keras recurrent entries of section D draw too (z_t is this module's h_t)
    ctx.emit(gradient_norm_view(curves, "Gradient norm ||dL/dh_t|| over time steps (loss at the last step)"))
    rng = np.random.default_rng(config.seed)
    best, waited, stopped, early = math.inf, 0, False, False
    for epoch in range(config.epochs):
        started = time.perf_counter()
        losses = _train_epoch(ctx, model, optimizer, rng.permutation(len(data.x_train)), epoch, steps)
        if ctx.control.stop_requested:
            stopped = True
            break
        # metrics on (at most) 1000 training sequences: cheap, and the same ones every epoch
        logs = {**_bit_metrics(model, data.x_train[:1000], data.y_train[:1000]), "loss": float(np.mean(losses))}
        if len(data.x_val):
            logs.update({f"val_{k}": v for k, v in _bit_metrics(model, data.x_val, data.y_val).items()})
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        monitored = logs.get("val_loss", logs["loss"])
        best, waited = (monitored, 0) if monitored < best else (best, waited + 1)
        if hp["early_stopping"] and waited >= hp["early_stopping"]:
            early = True
            break
    ctx.emit(events.Text("BPTT check", _gradient_check_text(model, data, hp["activation"])))
    return ctx.finish(model, stopped=stopped, early_stopped=early)


def _train_epoch(ctx, model, optimizer, order: np.ndarray, epoch: int, steps: int) -> list[float]:
    """``steps`` minibatches in ``order``; returns their losses (fewer when Stop was pressed)."""
    data, size, hp = ctx.dataset, ctx.config.batch_size, ctx.hp
    variables = model.get_layer("rnn").weights  # in PARAMS order
    losses = []
    for step in range(steps):
        ctx.control.wait_while_paused()
        if ctx.control.stop_requested:
            break
        batch = order[step * size:(step + 1) * size]
        params = _params(model)
        x = data.x_train[batch]
        mask = dropout_mask(hp.get("dropout", 0.0), (len(x), x.shape[1], params["w"].shape[0]),
                            ctx.config.seed, epoch, step)
        value, grads, _ = bptt(params, x, data.y_train[batch][..., None], hp["activation"], mask=mask)
        for name in ("w_in", "w", "w_out"):  # the L2 penalty l2 * sum(w^2) on the weight matrices
            grads[name] += 2.0 * hp["l2"] * params[name]
        optimizer.apply([grads[name].astype(np.float32) for name in PARAMS], variables)
        losses.append(value)
        ctx.emit(events.BatchEnd(epoch, step + 1, steps, {"loss": value}))
    return losses


def _params(model) -> dict[str, np.ndarray]:
    """The Keras layer's weights as float64 numpy arrays, by name."""
    return {name: v.numpy().astype(np.float64) for name, v in zip(PARAMS, model.get_layer("rnn").weights)}


def _bit_metrics(model, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """BCE, the fraction of sum bits right, and of sums with every bit right."""
    cache = forward(_params(model), x, model.get_layer("rnn").activation)
    right = (cache["y"][..., 0] > 0.5) == (y > 0.5)
    bce = loss(cache, y[..., None], np.full(x.shape[1], 1.0 / x.shape[1]))
    return {"loss": bce, "bit_accuracy": float(right.mean()), "sequence_accuracy": float(right.all(axis=1).mean())}


def _gradient_check_text(model, data, activation: str) -> str:
    """Hand-written against autodiff gradients on a few training sequences, for the run's log."""
    params = _params(model)
    x, y = data.x_train[:16].astype(np.float64), data.y_train[:16, :, None].astype(np.float64)
    _, by_hand, _ = bptt(params, x, y, activation)
    _, reference = autodiff_gradients(params, x, y, activation)
    worst = max(float(np.abs(by_hand[n] - reference[n]).max()) for n in PARAMS)
    return f"max |hand-written BPTT - GradientTape| over all gradients: {worst:.2e}"
