"""TARNet, the treatment-agnostic representation network (Shalit, Johansson & Sontag 2017).

    Phi = phi(x)                      shared representation (ELU layers)
    y0_hat = h_0(Phi), y1_hat = h_1(Phi)   one outcome head per arm

Only the factual outcome of each unit is observed, so each head learns from its own arm:
loss = mean_i w_i (y_hat_(t_i)(x_i) - y_i)^2, with w_i = t_i / (2u) + (1 - t_i) / (2(1 - u)),
u the treated share (the arms weigh equally however unbalanced they are). The estimated
individual effect is y1_hat - y0_hat. CFR (``cfr.py``) is this loss plus alpha * IPM(Phi_treated,
Phi_control); TARNet is CFR with alpha = 0, so both train here (``train_effects``).

Outcomes are standardised with the training units' mean and spread for the fit and mapped
back for the metrics; ``pehe`` and ``ate_error`` are scored on the validation units each epoch.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.models.causal import ipm as ipms
from workbench.models.causal.metrics import ate_error, pehe
from workbench.training import events
from workbench.training.checkpoints import MAIN
from workbench.views.types import Scatter, View


def _units(text: str, name: str) -> list[int]:
    try:
        units = [int(u) for u in str(text).split(",") if u.strip()]
    except ValueError:
        raise WorkbenchError(f"{name}={text!r} must be whole numbers separated by commas, e.g. 100,100") from None
    if not units or min(units) < 1:
        raise WorkbenchError(f"{name}={text!r} needs at least one layer of 1 or more units")
    return units


def build_tarnet(hp: dict, info) -> keras.Model:
    """x -> [outcomes (N, 2): y0_hat, y1_hat; representation Phi (N, R)]."""
    inputs = keras.Input(info.input_shape, name="covariates")
    phi = inputs
    for i, units in enumerate(_units(hp["representation_units"], "representation_units")):
        phi = keras.layers.Dense(units, activation="elu", name=f"phi{i + 1}")(phi)
    heads = []
    for arm in (0, 1):
        h = phi
        for i, units in enumerate(_units(hp["head_units"], "head_units")):
            h = keras.layers.Dense(units, activation="elu", name=f"h{arm}_{i + 1}")(h)
        heads.append(keras.layers.Dense(1, name=f"y{arm}")(h))
    outcomes = keras.layers.Concatenate(name="outcomes")(heads)
    return keras.Model(inputs, [outcomes, phi], name="tarnet")


def factual(outcomes, t):
    """The prediction for the arm each unit was in."""
    return outcomes[:, 1] * t + outcomes[:, 0] * (1.0 - t)


def check_causal(source, model_name: str) -> None:
    from workbench.data.causal import CausalData

    if not isinstance(source, CausalData):
        raise WorkbenchError(f"{model_name} estimates treatment effects from observational data (the causal "
                             f"source or a CSV with a treatment column), but {source.info.name!r} is "
                             f"{source.info.kind} data")


def effect_view(source, y0, y1, epoch: int, model_name: str, score: float) -> View:
    """Validation units: true effect (x) against the estimate (y), coloured by arm."""
    true = source.mu1_val - source.mu0_val
    points = np.stack([true, y1 - y0], axis=1)
    return View("effects", Scatter(points, source.t_val.astype(np.int64), ["control", "treated"],
                                   x_label="true effect mu1 - mu0", y_label="estimated effect y1 - y0"),
                title=f"{model_name} epoch {epoch}: individual effects on validation units, PEHE {score:.3f}",
                step=epoch)


def train_effects(ctx, alpha: float, ipm: str | None, model_name: str):
    """TARNet (alpha = 0) or CFR: minibatch training with the weighted factual loss (+ alpha IPM)."""
    import tensorflow as tf

    from workbench.training.job import apply_l2, make_optimizer

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    check_causal(source, model_name)
    model = build_tarnet(hp, source.info)
    apply_l2(model, hp.get("l2", 0.0))
    optimizer = make_optimizer(hp)
    optimizer.build(model.trainable_variables)
    ctx.restore_networks({MAIN: model}, {MAIN: optimizer})

    y_mean, y_std = float(source.y_train.mean()), float(source.y_train.std() or 1.0)
    x, t = source.x_train, source.t_train
    y = (source.y_train - y_mean) / y_std
    u = float(t.mean())
    weights = (t / (2 * u) + (1 - t) / (2 * (1 - u))) if hp["reweight"] else np.ones_like(t)
    weights = weights.astype(np.float32)
    penalty = ipms.IPMS[ipm] if ipm and alpha > 0 else None

    def step(xb, tb, yb, wb):
        with tf.GradientTape() as tape:
            outcomes, phi = model(xb, training=True)
            factual_loss = tf.reduce_mean(wb * tf.square(factual(outcomes, tb) - yb))
            imbalance = tf.constant(0.0)
            treated, control = tb > 0.5, tb < 0.5
            if penalty is not None and tf.reduce_any(treated) and tf.reduce_any(control):
                imbalance = penalty(tf.boolean_mask(phi, treated), tf.boolean_mask(phi, control))
            total = factual_loss + alpha * imbalance + (tf.add_n(model.losses) if model.losses else 0.0)
        grads = tape.gradient(total, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return total, factual_loss, imbalance

    if not config.eager:
        step = tf.function(step, reduce_retracing=True)
    batch = min(config.batch_size, len(x))
    steps = config.steps_per_epoch or math.ceil(len(x) / batch)
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", config.epochs,
                               ctx.initial_epoch, steps, int(model.count_params())))
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started = time.perf_counter()
        order = rng_for(config.seed, epoch).permutation(len(x))
        sums = {"loss": 0.0, "factual_loss": 0.0, "ipm": 0.0}
        done = 0
        for s in range(steps):
            ctx.control.wait_while_paused()
            if ctx.control.stop_requested:
                break
            index = np.take(order, np.arange(s * batch, (s + 1) * batch), mode="wrap")
            values = step(x[index], t[index], y[index], weights[index])
            logs = dict(zip(("loss", "factual_loss", "ipm"), (float(v) for v in values)))
            for key in sums:
                sums[key] += logs[key]
            done += 1
            ctx.emit(events.BatchEnd(epoch, s + 1, steps, logs))
        if ctx.control.stop_requested:
            stopped = True
            break
        logs = {key: value / max(done, 1) for key, value in sums.items()}
        outcomes, _ = model(source.x_val, training=False)
        outcomes = np.asarray(outcomes)
        y_val = (source.y_val - y_mean) / y_std
        logs["val_loss"] = float(np.mean((np.asarray(factual(outcomes, source.t_val)) - y_val) ** 2))
        y0, y1 = outcomes[:, 0] * y_std + y_mean, outcomes[:, 1] * y_std + y_mean
        if source.effects_known:
            logs["pehe"] = pehe(source.mu0_val, source.mu1_val, y0, y1)
            logs["ate_error"] = ate_error(source.mu0_val, source.mu1_val, y0, y1)
        logs["ate"] = float(np.mean(y1 - y0))
        ctx.end_epoch(epoch, logs, time.perf_counter() - started)
        if source.effects_known:
            ctx.emit(effect_view(source, y0, y1, epoch + 1, model_name, logs["pehe"]))
        ctx.save_point(epoch + 1, {MAIN: model}, {MAIN: optimizer})
    return ctx.finish(model, stopped=stopped)


def train_tarnet(ctx):
    return train_effects(ctx, 0.0, None, "TARNet")


train_tarnet.resumable = True  # the model, its optimizer and the epoch; batches come from (seed, epoch)
