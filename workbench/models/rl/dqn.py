"""Deep Q-Network (Mnih et al., 2015): Q-learning with a network, made stable by two devices.

    y = r + gamma * (1 - done) * max_a' Q_target(s', a')        (double DQN:
        y = r + gamma * (1 - done) * Q_target(s', argmax_a' Q(s', a')))
    loss = Huber(y - Q(s, a)) on minibatches drawn from a replay buffer

* experience replay: transitions go into a ring buffer and minibatches are drawn uniformly
  from it, so consecutive, correlated steps are not learned from in sequence;
* a target network: a copy of Q, refreshed only every ``target_update`` gradient steps,
  gives the regression a target that does not move with every step.

Actions are epsilon-greedy, epsilon falling linearly from ``epsilon_start`` to
``epsilon_end`` over ``exploration_steps`` environment steps. Every ``train_every``
environment steps, ``gradient_steps`` minibatch steps (the Stable-Baselines3 RL Zoo's
CartPole recipe: collect, then learn in a burst). Only a terminal end sets done; a time
limit (or an epoch's end) is not an end of the task, so its s' is bootstrapped.
"""

from __future__ import annotations

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.models.rl.deep import (
    Throttle,
    compile_fn,
    require_discrete,
    train_agent,
)
from workbench.models.rl.reinforce import _units
from workbench.models.rl.replay_buffer import ReplayBuffer


def build_q_network(hp: dict, info) -> keras.Model:
    """s -> Q(s, a) for each discrete action (linear outputs)."""
    inputs = keras.Input(info.input_shape, name="state")
    x = inputs
    for i, units in enumerate(_units(hp)):
        x = keras.layers.Dense(units, activation="relu", name=f"hidden{i + 1}")(x)
    outputs = keras.layers.Dense(info.num_classes, name="q")(x)
    return keras.Model(inputs, outputs, name="q_network")


def dqn_targets(rewards, dones, q_next_target, gamma: float, q_next_online=None):
    """y = r + gamma (1 - done) max_a' Q_target(s', a'); with ``q_next_online`` (double DQN)
    the online network picks a' and the target network values it. Works on NumPy or TF."""
    import tensorflow as tf

    if q_next_online is None:
        next_value = tf.reduce_max(q_next_target, axis=1)
    else:
        chosen = tf.argmax(q_next_online, axis=1, output_type=tf.int32)
        next_value = tf.gather(q_next_target, chosen, axis=1, batch_dims=1)
    return rewards + gamma * (1.0 - dones) * next_value


def epsilon_at(step: int, hp: dict) -> float:
    """Linear decay from epsilon_start to epsilon_end over exploration_steps env steps."""
    fraction = min(1.0, step / max(1, hp["exploration_steps"]))
    return hp["epsilon_start"] + fraction * (hp["epsilon_end"] - hp["epsilon_start"])


class DQN:
    def __init__(self, hp: dict, source, config):
        from workbench.training.job import make_optimizer

        self.hp, self.source, self.seed = hp, source, config.seed
        info = source.info
        self.q = build_q_network(hp, info)
        self.target = build_q_network(hp, info)
        self.target.set_weights(self.q.get_weights())
        self.optimizer = make_optimizer(hp)
        self.optimizer.build(self.q.trainable_variables)
        self.buffer = ReplayBuffer(hp["buffer_size"], {
            "state": (info.input_shape, "float32"), "action": ((), "int64"), "reward": ((), "float32"),
            "next_state": (info.input_shape, "float32"), "done": ((), "float32")})
        self.env_steps = 0
        self.gradient_steps = 0
        self._q = compile_fn(lambda s: self.q(s, training=False), config.eager)
        self._train = compile_fn(self._train_step, config.eager)

    main = property(lambda self: self.q)
    networks = property(lambda self: {"q": self.q, "target": self.target})
    optimizers = property(lambda self: {"q": self.optimizer})

    def arrays(self) -> dict:
        return self.buffer.to_arrays()

    def state(self) -> dict:
        return {"env_steps": self.env_steps, "gradient_steps": self.gradient_steps}

    def restore(self, arrays: dict, state: dict) -> None:
        self.buffer.load_arrays(arrays)
        self.env_steps, self.gradient_steps = int(state["env_steps"]), int(state["gradient_steps"])

    def greedy_actions(self, states) -> np.ndarray:
        return np.argmax(np.asarray(self._q(states)), axis=1)

    def _train_step(self, states, actions, rewards, next_states, dones):
        import tensorflow as tf

        q_next_target = self.target(next_states, training=False)
        q_next_online = self.q(next_states, training=False) if self.hp["double_dqn"] else None
        targets = tf.stop_gradient(dqn_targets(rewards, dones, q_next_target, self.hp["gamma"], q_next_online))
        with tf.GradientTape() as tape:
            q_taken = tf.gather(self.q(states, training=True), actions, axis=1, batch_dims=1)
            loss = tf.reduce_mean(keras.losses.huber(targets[:, None], q_taken[:, None]))
        grads = tape.gradient(loss, self.q.trainable_variables)
        self.optimizer.apply(grads, self.q.trainable_variables)
        return loss, tf.reduce_mean(q_taken)

    def learn(self, rng) -> dict:
        """One minibatch step; the target network is refreshed every ``target_update`` steps."""
        batch = self.buffer.sample(rng, self.hp["replay_batch"])
        loss, q_mean = self._train(batch["state"], batch["action"], batch["reward"], batch["next_state"],
                                   batch["done"])
        self.gradient_steps += 1
        if self.gradient_steps % self.hp["target_update"] == 0:
            self.target.set_weights(self.q.get_weights())
        return {"loss": float(loss), "q_mean": float(q_mean)}

    def run_epoch(self, epoch: int, steps: int, report, control):
        """``steps`` environment steps (one env), learning as the schedule says."""
        hp, source = self.hp, self.source
        rng = rng_for(self.seed, epoch, 1)
        env = source.make(None, render_mode=None)
        throttle, losses, q_means, returns = Throttle(), [], [], []
        try:
            state = source.encode(env.reset(seed=int(rng.integers(2**31 - 1)))[0])
            running = 0.0
            for step in range(steps):
                if step % 64 == 0:
                    control.wait_while_paused()
                    if control.stop_requested:
                        break
                if rng.random() < epsilon_at(self.env_steps, hp):
                    action = int(rng.integers(source.info.num_classes))
                else:
                    action = int(self.greedy_actions(state[None])[0])
                observation, reward, terminated, truncated, _ = env.step(action)
                next_state = source.encode(observation)
                self.buffer.add(state=state, action=action, reward=reward, next_state=next_state,
                                done=float(terminated))
                self.env_steps += 1
                running += reward
                if terminated or truncated:
                    returns.append(running)
                    running = 0.0
                    next_state = source.encode(env.reset(seed=int(rng.integers(2**31 - 1)))[0])
                state = next_state
                if self.env_steps >= hp["learning_starts"] and self.env_steps % hp["train_every"] == 0:
                    for _ in range(hp["gradient_steps"]):
                        logs = self.learn(rng)
                        losses.append(logs["loss"])
                        q_means.append(logs["q_mean"])
                    if throttle():
                        report(step + 1, {**logs, "epsilon": epsilon_at(self.env_steps, hp)})
        finally:
            env.close()
        logs = {"loss": float(np.mean(losses)) if losses else 0.0,
                "q_mean": float(np.mean(q_means)) if q_means else 0.0,
                "epsilon": float(epsilon_at(self.env_steps, hp))}
        return logs, returns


def train_dqn(ctx):
    require_discrete(ctx.dataset, "DQN")
    return train_agent(ctx, DQN(ctx.hp, ctx.dataset, ctx.config), ctx.hp["env_steps_per_epoch"])


train_dqn.resumable = True  # Q and target networks, optimizer, replay buffer and counters
