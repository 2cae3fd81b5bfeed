"""ACER (Wang et al., 2017): actor-critic with experience replay, discrete actions.

One network, shared trunk, a softmax policy pi(.|s) and a Q(s, .) head; V(s) = sum_a pi Q.
Rollouts of ``num_envs`` x ``n_steps`` are learned from once on-policy and then stored with
the behaviour policy mu that chose their actions; ``replay_ratio`` further updates per
rollout replay stored ones, off-policy. With rho_t = pi(a_t|s_t) / mu(a_t|s_t):

* Retrace target (Munos et al., 2016), backwards over a segment:
      Q_ret_t = r_t + gamma (1 - done_t) [ rho_bar_(t+1) (Q_ret_(t+1) - Q(s_(t+1), a_(t+1))) + V(s_(t+1)) ]
  with rho_bar = min(1, rho) and Q_ret bootstrapped from V(s_T): a multi-step target that
  stays safe off-policy (traces cut where pi and mu disagree);
* truncated importance weight: the policy gradient min(c, rho_t) grad log pi(a_t) (Q_ret_t - V(s_t))
  keeps the variance bounded;
* bias correction: + sum_a [1 - c / rho(a)]_+ pi(a) grad log pi(a) (Q(s_t, a) - V(s_t)), with
  rho(a) = pi(a) / mu(a), the expectation under pi of what the truncation dropped
  (zero whenever rho(a) <= c), so the estimate stays unbiased;
* Q regression: (Q_ret_t - Q(s_t, a_t))^2; an entropy bonus.

The paper's efficient trust-region step (a KL constraint against an average policy network)
is left out: CartPole learns without it; the gradient norm is clipped instead.
"""

from __future__ import annotations

import math

import numpy as np

from workbench.data.sources import rng_for
from workbench.models.rl.a2c import collect
from workbench.models.rl.actor_critic import build_actor_critic, entropy
from workbench.models.rl.deep import (
    EpisodeTracker,
    ReplayCounters,
    Throttle,
    compile_fn,
    make_vector_env,
    require_discrete,
    train_agent,
)
from workbench.models.rl.replay_buffer import ReplayBuffer


def acer_weights(rho, c: float):
    """(min(c, rho), [1 - c / rho]_+): the truncated importance weight and the coefficient of
    the bias-correction term, for importance ratios ``rho`` > 0 (tensors or arrays)."""
    import tensorflow as tf

    rho = tf.convert_to_tensor(rho)
    return tf.minimum(tf.cast(c, rho.dtype), rho), tf.nn.relu(1.0 - tf.cast(c, rho.dtype) / rho)


def retrace_targets(rewards, dones, q_taken, values, rho_bar, last_values, gamma: float) -> np.ndarray:
    """Q_ret (T, N) of a segment: ``rewards``, ``dones``, ``q_taken`` = Q(s_t, a_t),
    ``values`` = V(s_t), ``rho_bar`` = min(1, rho_t), all (T, N); ``last_values`` V(s_T) (N,)."""
    q_ret = np.asarray(last_values, np.float64)
    targets = np.zeros(np.shape(rewards), np.float64)
    for t in range(len(rewards) - 1, -1, -1):
        q_ret = rewards[t] + gamma * (1.0 - dones[t]) * q_ret
        targets[t] = q_ret
        q_ret = rho_bar[t] * (q_ret - q_taken[t]) + values[t]
    return targets


class _BehaviourView:
    """The network as ``collect`` reads it: (pi(.|s), V(s)) with V = sum_a pi Q."""

    def __init__(self, forward):
        self._forward = forward

    def forward(self, states):
        probs, q = (np.asarray(a) for a in self._forward(states))
        return probs, (probs * q).sum(axis=1, keepdims=True)


class ACER(ReplayCounters):
    def __init__(self, hp: dict, source, config):
        from workbench.training.job import make_optimizer

        self.hp, self.source, self.seed = hp, source, config.seed
        info = source.info
        self.model = build_actor_critic(hp, info, q_head=True)
        self.optimizer = make_optimizer(hp)
        self.optimizer.build(self.model.trainable_variables)
        self.forward = compile_fn(lambda s: self.model(s, training=False), config.eager)
        self._train = compile_fn(self._train_step, config.eager)
        t, n, shape = hp["n_steps"], hp["num_envs"], tuple(info.input_shape)
        self.buffer = ReplayBuffer(hp["replay_size"], {
            "states": ((t, n) + shape, "float32"), "last_states": ((n,) + shape, "float32"),
            "actions": ((t, n), "int64"), "rewards": ((t, n), "float32"), "dones": ((t, n), "float32"),
            "mu": ((t, n, info.num_classes), "float32")})
        self.env_steps = 0
        self.updates = 0

    main = property(lambda self: self.model)
    networks = property(lambda self: {"acer": self.model})
    optimizers = property(lambda self: {"acer": self.optimizer})

    def _train_step(self, states, actions, q_ret, mu):
        import tensorflow as tf

        hp = self.hp
        with tf.GradientTape() as tape:
            probs, q = self.model(states, training=True)
            log_probs = tf.math.log(probs + 1e-8)
            values = tf.stop_gradient(tf.reduce_sum(probs * q, axis=1))
            rho = tf.stop_gradient(probs / (mu + 1e-8)) + 1e-8
            weights, corrections = acer_weights(rho, hp["c"])  # for every action
            rho_taken = tf.gather(rho, actions, axis=1, batch_dims=1)
            log_taken = tf.gather(log_probs, actions, axis=1, batch_dims=1)
            q_taken = tf.gather(q, actions, axis=1, batch_dims=1)
            truncated = tf.gather(weights, actions, axis=1, batch_dims=1) * log_taken * (q_ret - values)
            correction_weight = tf.stop_gradient(corrections * probs)
            correction = tf.reduce_sum(correction_weight * log_probs * tf.stop_gradient(q - values[:, None]), axis=1)
            policy_loss = -tf.reduce_mean(truncated + correction)
            q_loss = 0.5 * tf.reduce_mean(tf.square(q_ret - q_taken))
            mean_entropy = tf.reduce_mean(entropy(probs))
            loss = policy_loss + hp["value_coef"] * q_loss - hp["beta"] * mean_entropy
        grads = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply(grads, self.model.trainable_variables)
        return {"loss": loss, "policy_loss": policy_loss, "q_loss": q_loss, "entropy": mean_entropy,
                "rho_mean": tf.reduce_mean(rho_taken)}

    def learn(self, segment: dict) -> dict:
        """One update on one segment (fields with leading (T, N))."""
        states, actions, mu = segment["states"], segment["actions"], segment["mu"]
        t, n = actions.shape
        flat = states.reshape((t * n,) + states.shape[2:])
        probs, q = (np.asarray(a, np.float64) for a in self.forward(np.concatenate([flat, segment["last_states"]])))
        values = (probs * q).sum(axis=1)
        taken = actions.reshape(-1)
        rho = probs[np.arange(t * n), taken] / np.maximum(mu.reshape(t * n, -1)[np.arange(t * n), taken], 1e-8)
        q_ret = retrace_targets(segment["rewards"], segment["dones"], q[np.arange(t * n), taken].reshape(t, n),
                                values[: t * n].reshape(t, n), np.minimum(1.0, rho).reshape(t, n),
                                values[t * n:], self.hp["gamma"])
        logs = self._train(flat, taken, q_ret.reshape(-1).astype(np.float32), mu.reshape(t * n, -1))
        self.updates += 1
        return {key: float(value) for key, value in logs.items()}

    def run_epoch(self, epoch: int, steps: int, report, control):
        hp = self.hp
        num_envs, n_steps = hp["num_envs"], hp["n_steps"]
        rng = rng_for(self.seed, epoch, 1)
        envs, states = make_vector_env(self.source, num_envs, self.seed, epoch)
        tracker, throttle, history = EpisodeTracker(num_envs), Throttle(), []
        behaviour = _BehaviourView(self.forward)
        try:
            for index in range(math.ceil(steps / (num_envs * n_steps))):
                control.wait_while_paused()
                if control.stop_requested:
                    break
                rollout, states = collect(behaviour, self.source, envs, states, n_steps, rng, hp["gamma"], tracker)
                self.env_steps += num_envs * n_steps
                segment = {"states": rollout.states, "last_states": rollout.last_states, "actions": rollout.actions,
                           "rewards": rollout.rewards, "dones": rollout.dones, "mu": rollout.probs}
                self.buffer.add(**segment)
                history.append(self.learn(segment))  # on-policy: rho = 1
                if len(self.buffer) >= hp["replay_start"]:
                    for _ in range(hp["replay_ratio"]):
                        replayed = {k: v[0] for k, v in self.buffer.sample(rng, 1).items()}
                        history.append(self.learn(replayed))
                if throttle():
                    report(min(steps, (index + 1) * num_envs * n_steps), history[-1])
        finally:
            envs.close()
        logs = {key: float(np.mean([h[key] for h in history])) for key in history[0]} if history else {}
        return logs, tracker.returns


def train_acer(ctx):
    require_discrete(ctx.dataset, "ACER")
    return train_agent(ctx, ACER(ctx.hp, ctx.dataset, ctx.config), ctx.hp["env_steps_per_epoch"])


train_acer.resumable = True  # network, optimizer, replay of segments with their mu, counters
