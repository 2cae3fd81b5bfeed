"""UNREAL (Jaderberg et al., 2017): an actor-critic base plus auxiliary tasks that share its trunk.

Base: A2C (``num_envs`` synchronous environments, k-step returns; the paper's base is A3C
with an LSTM, here a feed-forward trunk). Every rollout also goes into a small replay of
segments, and each update adds two auxiliary losses whose gradients shape the shared trunk:

* reward prediction: from the trunk features of ``rp_frames`` consecutive states, classify
  the reward that follows the last of them as negative, zero or positive (cross-entropy);
  sequences are drawn skewed, half from rewarding steps where the replay holds both kinds,
  because rewards are rare in the tasks UNREAL was made for. (On CartPole every step pays
  +1, so this task is easy there; it becomes informative on sparse-reward environments.)
* value function replay: k-step returns of a replayed segment, bootstrapped with the
  current V, regressed by the value head: extra critic training on old experience.

Pixel control (a deconvolution head predicting how much the agent's action changes each
cell of the screen) is left out: the agent reads CartPole's four-number state, not pixels,
and drawing a frame per step (pygame, 600x400) would cost more than the agent's own step;
it would need a convolutional trunk over rendered frames that this MLP base does not have.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.models.rl.a2c import collect, nstep_returns
from workbench.models.rl.actor_critic import actor_critic_loss
from workbench.models.rl.deep import (
    EpisodeTracker,
    ReplayCounters,
    Throttle,
    compile_fn,
    make_vector_env,
    require_discrete,
    train_agent,
)
from workbench.models.rl.reinforce import _units
from workbench.models.rl.replay_buffer import ReplayBuffer

REWARD_CLASSES = ("negative", "zero", "positive")


def build_unreal(hp: dict, info) -> keras.Model:
    """s -> [pi(.|s), V(s), trunk features] (the features feed the reward predictor)."""
    inputs = keras.Input(info.input_shape, name="state")
    x = inputs
    for i, units in enumerate(_units(hp)):
        x = keras.layers.Dense(units, activation="tanh", name=f"trunk{i + 1}")(x)
    policy = keras.layers.Dense(info.num_classes, activation="softmax", name="policy",
                                kernel_initializer=keras.initializers.Orthogonal(0.01))(x)
    value = keras.layers.Dense(1, name="value")(x)
    return keras.Model(inputs, [policy, value, x], name="unreal")


def build_reward_predictor(hp: dict, features: int) -> keras.Model:
    """Concatenated trunk features of ``rp_frames`` states -> P(reward class)."""
    inputs = keras.Input((hp["rp_frames"] * features,), name="features")
    x = keras.layers.Dense(32, activation="relu", name="rp_hidden")(inputs)
    outputs = keras.layers.Dense(len(REWARD_CLASSES), activation="softmax", name="reward_class")(x)
    return keras.Model(inputs, outputs, name="reward_predictor")


def reward_class(rewards) -> np.ndarray:
    """0 negative, 1 zero, 2 positive."""
    return (np.sign(rewards).astype(np.int64) + 1)


def reward_sequences(segments: dict, rng: np.random.Generator, count: int, frames: int):
    """``count`` runs of ``frames`` consecutive states of one episode from replayed
    ``segments`` (fields (S, T, N, ...)) and the class of the reward after the last one;
    half drawn from nonzero rewards where both kinds are present (skewed sampling)."""
    raw, dones = segments["raw_rewards"], segments["dones"]
    t_count = raw.shape[1]
    # an end inside the run (before its last step) would join two episodes
    ends = np.zeros(raw.shape, bool)
    for lag in range(1, frames):
        ends[:, frames - 1:] |= dones[:, frames - 1 - lag: t_count - lag].astype(bool)
    valid = np.zeros(raw.shape, bool)
    valid[:, frames - 1:] = True
    valid &= ~ends
    candidates = np.argwhere(valid)
    if len(candidates) == 0:
        return None
    rewarding = raw[tuple(candidates.T)] != 0
    if rewarding.any() and (~rewarding).any():
        pools = [candidates[rewarding], candidates[~rewarding]]
        picks = [pool[rng.integers(len(pool), size=size)] for pool, size in zip(pools, (count // 2, count - count // 2))]
        chosen = np.concatenate(picks)
    else:
        chosen = candidates[rng.integers(len(candidates), size=count)]
    s, t, n = chosen.T
    states = np.stack([segments["states"][s, t - frames + 1 + i, n] for i in range(frames)], axis=1)
    return states.astype(np.float32), reward_class(raw[s, t, n])


class UNREAL(ReplayCounters):
    def __init__(self, hp: dict, source, config):
        from workbench.training.job import make_optimizer

        self.hp, self.source, self.seed = hp, source, config.seed
        info = source.info
        self.model = build_unreal(hp, info)
        self.reward_predictor = build_reward_predictor(hp, _units(hp)[-1])
        self.variables = self.model.trainable_variables + self.reward_predictor.trainable_variables
        self.optimizer = make_optimizer(hp)
        self.optimizer.build(self.variables)
        self.forward = compile_fn(lambda s: self.model(s, training=False)[:2], config.eager)
        self._train = compile_fn(self._train_step, config.eager)
        t, n, shape = hp["n_steps"], hp["num_envs"], tuple(info.input_shape)
        self.buffer = ReplayBuffer(hp["replay_size"], {
            "states": ((t, n) + shape, "float32"), "last_states": ((n,) + shape, "float32"),
            "rewards": ((t, n), "float32"), "raw_rewards": ((t, n), "float32"), "dones": ((t, n), "float32")})
        self.env_steps = 0
        self.updates = 0

    main = property(lambda self: self.model)
    networks = property(lambda self: {"unreal": self.model, "reward_predictor": self.reward_predictor})
    optimizers = property(lambda self: {"unreal": self.optimizer})

    def _train_step(self, states, actions, returns, vr_states, vr_returns, rp_states, rp_labels):
        import tensorflow as tf

        hp = self.hp
        with tf.GradientTape() as tape:
            probs, values, _ = self.model(states, training=True)
            base, parts = actor_critic_loss(probs, tf.squeeze(values, -1), actions, returns,
                                            hp["beta"], hp["value_coef"])
            _, vr_values, _ = self.model(vr_states, training=True)
            vr_loss = tf.reduce_mean(tf.square(vr_returns - tf.squeeze(vr_values, -1)))
            frames = tf.shape(rp_states)[1]
            _, _, features = self.model(tf.reshape(rp_states, (-1, rp_states.shape[-1])), training=True)
            features = tf.reshape(features, (-1, frames * features.shape[-1]))
            rp_probs = self.reward_predictor(features, training=True)
            rp_loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(rp_labels, rp_probs))
            loss = base + hp["vr_weight"] * vr_loss + hp["rp_weight"] * rp_loss
        grads = tape.gradient(loss, self.variables)
        self.optimizer.apply(grads, self.variables)
        rp_accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(rp_probs, 1), rp_labels), tf.float32))
        return {"loss": loss, **parts, "value_replay_loss": vr_loss, "reward_prediction_loss": rp_loss,
                "reward_prediction_accuracy": rp_accuracy}

    def auxiliary_batch(self, rng, rollout):
        """A replayed segment with fresh k-step returns, and reward-prediction sequences."""
        hp, n = self.hp, None
        replayed = self.buffer.sample(rng, 1)
        last_values = np.asarray(self.forward(replayed["last_states"][0])[1])[:, 0]
        vr_returns = nstep_returns(replayed["rewards"][0], replayed["dones"][0], last_values, hp["gamma"])
        vr_states = replayed["states"][0]
        n = vr_states.shape[0] * vr_states.shape[1]
        sequences = reward_sequences(self.buffer.sample(rng, hp["rp_batch"]), rng, hp["rp_batch"], hp["rp_frames"])
        if sequences is None:  # segments shorter than a run of frames: reward prediction has nothing yet
            shape = (hp["rp_batch"], hp["rp_frames"]) + rollout.states.shape[2:]
            sequences = (np.zeros(shape, np.float32), np.ones(hp["rp_batch"], np.int64))
        return (vr_states.reshape((n,) + vr_states.shape[2:]), vr_returns.reshape(-1).astype(np.float32),
                *sequences)

    def run_epoch(self, epoch: int, steps: int, report, control):
        hp = self.hp
        num_envs, n_steps = hp["num_envs"], hp["n_steps"]
        rng = rng_for(self.seed, epoch, 1)
        envs, states = make_vector_env(self.source, num_envs, self.seed, epoch)
        tracker, throttle, history = EpisodeTracker(num_envs), Throttle(), []
        try:
            for index in range(math.ceil(steps / (num_envs * n_steps))):
                control.wait_while_paused()
                if control.stop_requested:
                    break
                rollout, states = collect(self, self.source, envs, states, n_steps, rng, hp["gamma"], tracker)
                self.env_steps += num_envs * n_steps
                self.buffer.add(states=rollout.states, last_states=rollout.last_states, rewards=rollout.rewards,
                                raw_rewards=rollout.raw_rewards, dones=rollout.dones)
                returns = nstep_returns(rollout.rewards, rollout.dones, rollout.last_values, hp["gamma"])
                flat = rollout.states.reshape((-1,) + rollout.states.shape[2:])
                logs = self._train(flat, rollout.actions.reshape(-1), returns.reshape(-1).astype(np.float32),
                                   *self.auxiliary_batch(rng, rollout))
                self.updates += 1
                history.append({key: float(value) for key, value in logs.items()})
                if throttle():
                    report(min(steps, (index + 1) * num_envs * n_steps), history[-1])
        finally:
            envs.close()
        logs = {key: float(np.mean([h[key] for h in history])) for key in history[0]} if history else {}
        return logs, tracker.returns


def train_unreal(ctx):
    require_discrete(ctx.dataset, "UNREAL")
    return train_agent(ctx, UNREAL(ctx.hp, ctx.dataset, ctx.config), ctx.hp["env_steps_per_epoch"])


train_unreal.resumable = True  # network, reward predictor, optimizer, replay of segments, counters
