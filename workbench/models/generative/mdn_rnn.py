"""The MDN-RNN of World Models (Ha & Schmidhuber, 2018): M, the memory that predicts the future.

An LSTM reads (z_t, a_t) and its output parameterises, for each latent dimension i
separately (the paper's factored mixture), a mixture of K Gaussians over z_(t+1),i:

    p(z_(t+1),i | h_t) = sum_k pi_k N(z_(t+1),i; mu_k, sigma_k^2)      (Bishop, 1994)

plus a head for the probability that the episode ends at t+1. The same network steps one
time step at a time when the controller "dreams" inside it: the LSTM state (h, c) is an
input and an output, so training on whole sequences and dreaming step by step share the
weights without a second model. Sampling at a temperature tau divides the mixture logits
by tau and multiplies the variances by tau (higher tau: a wilder, harder dream).
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
#: log sigma is clipped here: an unbounded log sigma lets the NLL run off to -inf on a point mass.
LOG_SIGMA_RANGE = (-7.0, 3.0)


def build_mdn_rnn(latent: int, actions: int, hidden: int, mixtures: int) -> keras.Model:
    """(z sequence, one-hot action sequence, h0, c0) -> (mixture parameters, done logit, h, c).

    The mixture output holds 3 K values per latent dimension: K logits, K means, K log sigmas.
    """
    z = keras.Input((None, latent), name="z")
    a = keras.Input((None, actions), name="action")
    h0 = keras.Input((hidden,), name="h0")
    c0 = keras.Input((hidden,), name="c0")
    x = keras.layers.Concatenate(name="z_and_action")([z, a])
    sequence, h, c = keras.layers.LSTM(hidden, return_sequences=True, return_state=True, name="lstm")(
        x, initial_state=[h0, c0])
    mixture = keras.layers.Dense(3 * mixtures * latent, name="mdn")(sequence)
    done = keras.layers.Dense(1, name="done")(sequence)
    return keras.Model([z, a, h0, c0], [mixture, done, h, c], name="mdn_rnn")


def split_mixture(params, latent: int, mixtures: int):
    """(..., 3 K Z) -> logits, means, log sigmas, each (..., Z, K)."""
    shape = tuple(ops.shape(params)[:-1]) + (latent, 3 * mixtures)
    params = ops.reshape(params, shape)
    logits = params[..., :mixtures]
    means = params[..., mixtures:2 * mixtures]
    log_sigmas = ops.clip(params[..., 2 * mixtures:], *LOG_SIGMA_RANGE)
    return logits, means, log_sigmas


def mdn_nll(params, target, mixtures: int, mask=None):
    """Mean negative log-likelihood per latent dimension of ``target`` (..., Z) under the
    factored mixture ``params`` (..., 3 K Z); ``mask`` (...) leaves padded steps out."""
    latent = int(target.shape[-1])
    logits, means, log_sigmas = split_mixture(params, latent, mixtures)
    target = ops.expand_dims(ops.cast(target, means.dtype), -1)
    log_normal = -0.5 * ops.square((target - means) / ops.exp(log_sigmas)) - log_sigmas - LOG_SQRT_2PI
    log_weights = logits - ops.logsumexp(logits, axis=-1, keepdims=True)  # log softmax
    log_likelihood = ops.logsumexp(log_weights + log_normal, axis=-1)  # (..., Z)
    per_step = -ops.mean(log_likelihood, axis=-1)
    if mask is None:
        return ops.mean(per_step)
    mask = ops.cast(mask, per_step.dtype)
    return ops.sum(per_step * mask) / ops.maximum(ops.sum(mask), 1.0)


def sample_mixture(params: np.ndarray, latent: int, mixtures: int, temperature: float,
                   rng: np.random.Generator) -> np.ndarray:
    """One draw of z_(t+1) per row of ``params`` (B, 3 K Z), at ``temperature``: a component
    per dimension from softmax(logits / tau), then mu + sigma sqrt(tau) eps."""
    logits, means, log_sigmas = (np.asarray(p, np.float64) for p in split_mixture(
        np.asarray(params, np.float64), latent, mixtures))
    tau = max(float(temperature), 1e-3)
    scaled = logits / tau
    weights = np.exp(scaled - scaled.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    cumulative = np.cumsum(weights, -1)
    chosen = (rng.random(weights.shape[:-1])[..., None] > cumulative).sum(-1)
    chosen = np.minimum(chosen, mixtures - 1)[..., None]
    mean = np.take_along_axis(means, chosen, -1)[..., 0]
    sigma = np.exp(np.take_along_axis(log_sigmas, chosen, -1)[..., 0])
    return (mean + sigma * math.sqrt(tau) * rng.standard_normal(mean.shape)).astype(np.float32)
