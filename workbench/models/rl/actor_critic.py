"""Actor-Critic: one network, a shared trunk with two heads.

    policy (actor):  pi(a|s)  softmax head
    value (critic):  V(s)     linear head

    advantage  A_t = R_t - V(s_t), R_t = r_t + gamma (1 - done_t) V(s_(t+1))   (one-step TD)
    loss = -mean(log pi(a_t|s_t) A_t) + value_coef mean((R_t - V(s_t))^2) - beta mean(H(pi(.|s_t)))

The advantage is a constant to the policy term (stop-gradient) and the return a constant to
the value term (semi-gradient TD). The entropy bonus enters with a minus sign: minimising the
loss raises the entropy, which keeps the policy from collapsing onto one action too early.
Here: one environment, one update per ``n_steps`` steps (default 16), each step's target
one-step TD. Fully on-line updates (``n_steps=1``) did not learn CartPole in 20k steps here:
one correlated sample per Adam step leaves the shared trunk chasing noise. A2C (``a2c.py``) is the same loss with n-step returns over a
batch of synchronous environments; A3C with asynchronous workers.
"""

from __future__ import annotations

import keras

from workbench.models.rl.reinforce import _units


def build_actor_critic(hp: dict, info, q_head: bool = False) -> keras.Model:
    """s -> [pi(.|s), V(s)] (or [pi(.|s), Q(s, .)] with ``q_head``, for ACER) from one trunk.
    The policy head starts near uniform (small initial weights), as in the A2C baselines."""
    inputs = keras.Input(info.input_shape, name="state")
    x = inputs
    for i, units in enumerate(_units(hp)):
        x = keras.layers.Dense(units, activation="tanh", name=f"trunk{i + 1}")(x)
    policy = keras.layers.Dense(info.num_classes, activation="softmax", name="policy",
                                kernel_initializer=keras.initializers.Orthogonal(0.01))(x)
    if q_head:
        value = keras.layers.Dense(info.num_classes, name="q")(x)
    else:
        value = keras.layers.Dense(1, name="value")(x)
    return keras.Model(inputs, [policy, value], name="actor_critic")


def entropy(probs):
    """H(pi) per row, in nats."""
    import tensorflow as tf

    return -tf.reduce_sum(probs * tf.math.log(probs + 1e-8), axis=-1)


def actor_critic_loss(probs, values, actions, returns, beta: float, value_coef: float):
    """(total loss, parts) of the advantage actor-critic for one batch; ``values`` (B,),
    ``returns`` (B,) the (one- or n-step) bootstrapped targets."""
    import tensorflow as tf

    advantages = tf.stop_gradient(returns - values)
    log_taken = tf.math.log(tf.gather(probs, actions, axis=1, batch_dims=1) + 1e-8)
    policy_loss = -tf.reduce_mean(log_taken * advantages)
    value_loss = tf.reduce_mean(tf.square(tf.stop_gradient(returns) - values))
    mean_entropy = tf.reduce_mean(entropy(probs))
    total = policy_loss + value_coef * value_loss - beta * mean_entropy
    return total, {"policy_loss": policy_loss, "value_loss": value_loss, "entropy": mean_entropy}


class ActorCriticLearner:
    """The network, its optimizer and the gradient step on a batch of (s, a, R)."""

    def __init__(self, hp: dict, info, eager: bool, q_head: bool = False):
        from workbench.models.rl.deep import compile_fn
        from workbench.training.job import make_optimizer

        self.hp = hp
        self.model = build_actor_critic(hp, info, q_head=q_head)
        self.optimizer = make_optimizer(hp)
        self.optimizer.build(self.model.trainable_variables)
        self.forward = compile_fn(lambda s: self.model(s, training=False), eager)
        self.train_step = compile_fn(self._train_step, eager)

    def _train_step(self, states, actions, returns):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            probs, values = self.model(states, training=True)
            loss, parts = actor_critic_loss(probs, tf.squeeze(values, -1), actions, returns,
                                            self.hp["beta"], self.hp["value_coef"])
        grads = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply(grads, self.model.trainable_variables)
        return {"loss": loss, **parts}

    def greedy_actions(self, states):
        import numpy as np

        return np.argmax(np.asarray(self.forward(states)[0]), axis=1)


def train_actor_critic(ctx):
    """One environment, one-step TD targets: A2C's loop with one env (``a2c.SynchronousAgent``)."""
    from workbench.models.rl.a2c import SynchronousAgent
    from workbench.models.rl.deep import require_discrete, train_agent

    require_discrete(ctx.dataset, "Actor-Critic")
    hp = {**ctx.hp, "num_envs": 1, "n_steps": ctx.hp["n_steps"]}
    agent = SynchronousAgent(hp, ctx.dataset, ctx.config, one_step=True)
    return train_agent(ctx, agent, hp["env_steps_per_epoch"])


train_actor_critic.resumable = True  # network, optimizer and counters; epochs start fresh episodes
