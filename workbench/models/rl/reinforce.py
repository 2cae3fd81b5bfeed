"""REINFORCE with a learned baseline (Williams, 1992): the policy-gradient theorem in code.

For each episode of the current policy pi(a|s), with returns G_t = sum_k gamma^k r_(t+k):

    policy:    theta <- theta + lr * sum_t grad log pi(a_t|s_t) * (G_t - b(s_t))
    baseline:  phi   <- phi   - lr * grad sum_t (G_t - V_phi(s_t))^2 / T

The baseline V_phi is a second network with its own optimizer; subtracting it leaves the
gradient unbiased and lowers its variance (``--set baseline=false`` gives plain REINFORCE,
with G_t normalised over the episode). Two networks, two optimizers and an episode counter
make the run's resume point; every episode's environment seed and action draws come from
(seed, episode), so a resumed run replays exactly what the uninterrupted run would have.
"""

from __future__ import annotations

import time

import keras
import numpy as np

from workbench.data.sources import rng_for
from workbench.errors import WorkbenchError
from workbench.training import events
from workbench.views.types import Curves, View


def build_policy(hp: dict, info) -> keras.Model:
    """s -> softmax over the discrete actions."""
    actions = info.num_classes
    inputs = keras.Input(info.input_shape, name="state")
    x = inputs
    for i, units in enumerate(_units(hp)):
        x = keras.layers.Dense(units, activation="tanh", name=f"policy_hidden{i + 1}")(x)
    outputs = keras.layers.Dense(actions, activation="softmax", name="policy")(x)
    return keras.Model(inputs, outputs, name="policy")


def build_baseline(hp: dict, info) -> keras.Model:
    """s -> V(s), a linear output."""
    inputs = keras.Input(info.input_shape, name="state")
    x = inputs
    for i, units in enumerate(_units(hp)):
        x = keras.layers.Dense(units, activation="tanh", name=f"value_hidden{i + 1}")(x)
    outputs = keras.layers.Dense(1, name="value")(x)
    return keras.Model(inputs, outputs, name="baseline")


def _units(hp: dict) -> list[int]:
    try:
        units = [int(u) for u in str(hp["hidden_units"]).split(",") if u.strip()]
    except ValueError:
        raise WorkbenchError(f"hidden_units={hp['hidden_units']!r} must be whole numbers separated "
                             "by commas, e.g. 64,64") from None
    if not units or min(units) < 1:
        raise WorkbenchError(f"hidden_units={hp['hidden_units']!r} needs at least one layer of 1 or more units")
    return units


def discounted_returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = r_t + gamma * G_(t+1), computed backwards (float64)."""
    returns = np.zeros(len(rewards), np.float64)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = float(rewards[t]) + gamma * running
        returns[t] = running
    return returns


def play_episode(source, policy, seed: int, episode: int, greedy: bool = False, max_steps: int = 10_000):
    """One episode: (encoded states, actions, rewards). Reset and action draws depend on
    (seed, episode) only."""
    rng = rng_for(seed, episode)
    env = source.make(int(rng.integers(2**31 - 1)), render_mode=None)
    try:
        observation, _ = env.reset(seed=int(rng.integers(2**31 - 1)))
        states, actions, rewards = [], [], []
        for _ in range(max_steps):
            state = source.encode(observation)
            probs = np.asarray(policy(state[None], training=False))[0].astype(np.float64)
            probs /= probs.sum()
            action = int(np.argmax(probs)) if greedy else int(rng.choice(len(probs), p=probs))
            observation, reward, terminated, truncated, _ = env.step(action)
            states.append(state)
            actions.append(action)
            rewards.append(float(reward))
            if terminated or truncated:
                break
    finally:
        env.close()
    return np.asarray(states, np.float32), np.asarray(actions, np.int64), np.asarray(rewards, np.float64)


class Reinforce:
    """The two networks, their optimizers and one update per episode."""

    def __init__(self, hp: dict, info):
        from workbench.training.job import make_optimizer

        self.hp = hp
        self.policy = build_policy(hp, info)
        self.baseline = build_baseline(hp, info) if hp["baseline"] else None
        self.policy_optimizer = make_optimizer(hp)
        self.policy_optimizer.build(self.policy.trainable_variables)
        self.value_optimizer = None
        if self.baseline is not None:
            self.value_optimizer = make_optimizer({**hp, "learning_rate": hp["value_learning_rate"]})
            self.value_optimizer.build(self.baseline.trainable_variables)

    @property
    def networks(self) -> dict:
        return {"policy": self.policy, **({"baseline": self.baseline} if self.baseline is not None else {})}

    @property
    def optimizers(self) -> dict:
        found = {"policy": self.policy_optimizer}
        if self.value_optimizer is not None:
            found["baseline"] = self.value_optimizer
        return found

    def update(self, states, actions, rewards) -> dict:
        """One policy-gradient step (and one baseline regression step) on one episode."""
        import tensorflow as tf

        returns = discounted_returns(rewards, self.hp["gamma"]).astype(np.float32)
        logs = {"return": float(rewards.sum()), "length": float(len(rewards))}
        if self.baseline is not None:
            with tf.GradientTape() as tape:
                values = tf.squeeze(self.baseline(states, training=True), -1)
                value_loss = tf.reduce_mean(tf.square(returns - values))
            grads = tape.gradient(value_loss, self.baseline.trainable_variables)
            self.value_optimizer.apply(grads, self.baseline.trainable_variables)
            advantages = returns - values.numpy()
            logs["value_loss"] = float(value_loss)
        else:  # plain REINFORCE: returns normalised over the episode
            advantages = (returns - returns.mean()) / (returns.std() + 1e-8)
        with tf.GradientTape() as tape:
            probs = self.policy(states, training=True)
            chosen = tf.gather(probs, actions, axis=1, batch_dims=1)
            policy_loss = -tf.reduce_mean(tf.math.log(chosen + 1e-8) * advantages)
        grads = tape.gradient(policy_loss, self.policy.trainable_variables)
        self.policy_optimizer.apply(grads, self.policy.trainable_variables)
        logs["loss"] = float(policy_loss)  # the surrogate whose gradient is the policy gradient
        return logs


def train_reinforce(ctx):
    """``epochs`` x ``episodes_per_epoch`` episodes (capped by ``steps_per_epoch``), one update
    each; a resume point after every epoch with both networks, both optimizers and the
    episode counter."""
    import gymnasium

    from workbench.rl.frames import episode_frames_view

    source, hp, config = ctx.dataset, ctx.hp, ctx.config
    if not isinstance(source._probe.action_space, gymnasium.spaces.Discrete):
        raise WorkbenchError(f"REINFORCE here picks one of a discrete set of actions; {source.env_id} has a "
                             f"continuous action space ({source._probe.action_space})")
    agent = Reinforce(hp, source.info)
    snapshot = ctx.restore_networks(agent.networks, agent.optimizers)
    returns = list((snapshot.state.get("returns") if snapshot else None) or [])
    episodes = config.steps_per_epoch or hp["episodes_per_epoch"]
    episode = ctx.initial_epoch * episodes
    ctx.emit(events.RunStarted(ctx.run_dir.path, config.to_dict(), "CPU (own loop)", config.epochs,
                               ctx.initial_epoch, episodes, int(sum(n.count_params() for n in agent.networks.values()))))
    stopped = False
    for epoch in range(ctx.initial_epoch, config.epochs):
        started, epoch_logs = time.perf_counter(), []
        for step in range(episodes):
            ctx.control.wait_while_paused()
            if ctx.control.stop_requested:
                break
            logs = agent.update(*play_episode(source, agent.policy, config.seed, episode))
            episode += 1
            returns.append(logs["return"])
            epoch_logs.append(logs)
            ctx.emit(events.BatchEnd(epoch, step + 1, episodes, logs))
        if ctx.control.stop_requested:
            stopped = True
            break
        means = {key: float(np.mean([logs[key] for logs in epoch_logs])) for key in epoch_logs[0]}
        ctx.end_epoch(epoch, means, time.perf_counter() - started)
        ctx.emit(returns_view(returns, epoch + 1))
        frames = episode_frames_view(source, lambda o: _greedy(agent.policy, source.encode(o)), config.seed, epoch)
        if frames is not None:
            ctx.emit(frames)
        ctx.save_point(epoch + 1, agent.networks, agent.optimizers, state={"returns": returns})
    return ctx.finish(agent.policy, stopped=stopped, networks=agent.networks)


train_reinforce.resumable = True  # networks, optimizers and the episode count are in the resume point


def _greedy(policy, state: np.ndarray) -> int:
    return int(np.argmax(np.asarray(policy(state[None], training=False))[0]))


def returns_view(returns: list[float], epoch: int) -> View:
    """Each episode's return and its moving average over 20 episodes."""
    x = np.arange(1, len(returns) + 1)
    window = min(20, len(returns))
    average = np.convolve(returns, np.ones(window) / window, mode="valid")
    return View("episode_returns", Curves({"return": (x, returns), f"average of {window}": (x[window - 1:], average)},
                                          "episode", "return"), "Episode return", step=epoch)
