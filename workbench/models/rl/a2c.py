"""A2C (Mnih et al., 2016; the synchronous variant of A3C, as in OpenAI Baselines).

``num_envs`` copies of the environment (gymnasium's ``SyncVectorEnv``) step in lock-step
for ``n_steps``; one gradient step then uses all ``num_envs x n_steps`` transitions with
the k-step targets

    R_t = r_t + gamma r_(t+1) + ... + gamma^(k-1) r_(t+k-1) + gamma^k V(s_(t+k))

(k = steps left in the rollout; an episode's end cuts the sum there) and the advantage
R_t - V(s_t) in ``actor_critic_loss``. Several environments in different phases give one
batch far less correlated than one environment's consecutive steps: what replay does for
DQN, parallel actors do here. A time-limit truncation is not an end: its last state's
value is added to the reward (r + gamma V(s_final)) before the episode restarts.
"""

from __future__ import annotations

import math

import numpy as np

from workbench.data.sources import rng_for
from workbench.models.rl.actor_critic import ActorCriticLearner
from workbench.models.rl.deep import (
    EpisodeTracker,
    Throttle,
    encode_batch,
    make_vector_env,
    require_discrete,
    sample_actions,
    train_agent,
)


def nstep_returns(rewards: np.ndarray, dones: np.ndarray, last_values: np.ndarray, gamma: float) -> np.ndarray:
    """R_t for a rollout: ``rewards``/``dones`` (T, N), ``last_values`` V(s_T) (N,), computed
    backwards R_t = r_t + gamma (1 - done_t) R_(t+1), R_T = V(s_T)."""
    returns = np.zeros(rewards.shape, np.float64)
    running = np.asarray(last_values, np.float64)
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * (1.0 - dones[t]) * running
        returns[t] = running
    return returns


def one_step_targets(rewards: np.ndarray, dones: np.ndarray, next_values: np.ndarray, gamma: float) -> np.ndarray:
    """R_t = r_t + gamma (1 - done_t) V(s_(t+1)) (TD(0), the Actor-Critic target)."""
    return rewards + gamma * (1.0 - dones) * next_values


class Rollout:
    """``n_steps`` lock-step transitions of ``num_envs`` environments, with V along the way."""

    def __init__(self, states, actions, rewards, dones, values, probs, last_values, last_states, raw_rewards):
        self.states, self.actions, self.rewards, self.dones = states, actions, rewards, dones
        self.raw_rewards = raw_rewards  # as the environment gave them (no bootstrap folded in)
        self.values, self.probs, self.last_values, self.last_states = values, probs, last_values, last_states


def collect(learner, source, envs, states, n_steps: int, rng, gamma: float, tracker: EpisodeTracker):
    """Step the vector env ``n_steps`` times from encoded ``states`` with actions drawn from
    pi; returns (Rollout, the states to continue from)."""
    shape = (n_steps, len(states))
    all_states = np.zeros(shape + states.shape[1:], np.float32)
    actions, rewards, dones, values = (np.zeros(shape, np.int64), np.zeros(shape), np.zeros(shape),
                                       np.zeros(shape))
    raw_rewards = np.zeros(shape)
    probs_seen = np.zeros(shape + (source.info.num_classes,), np.float32)
    for t in range(n_steps):
        probs, value = (np.asarray(a) for a in learner.forward(states))
        action = sample_actions(probs.astype(np.float64), rng)
        observations, reward, terminated, truncated, info = envs.step(action)
        reward = reward.astype(np.float64)
        raw_rewards[t] = reward
        tracker.step(reward, terminated | truncated)
        cut = truncated & ~terminated
        if cut.any():  # bootstrap through a time limit: r + gamma V(s_final)
            finals = encode_batch(source, [info["final_obs"][i] for i in np.flatnonzero(cut)])
            reward[cut] += gamma * np.asarray(learner.forward(finals)[1])[:, 0]
        all_states[t], actions[t], rewards[t], dones[t] = states, action, reward, terminated | truncated
        values[t], probs_seen[t] = value[:, 0], probs
        states = encode_batch(source, observations)
    last_values = np.asarray(learner.forward(states)[1])[:, 0]
    return Rollout(all_states, actions, rewards, dones, values, probs_seen, last_values, states, raw_rewards), states


class SynchronousAgent:
    """A2C (or, with ``one_step``, the one-step TD Actor-Critic) for ``train_agent``."""

    def __init__(self, hp: dict, source, config, one_step: bool = False):
        self.hp, self.source, self.seed, self.one_step = hp, source, config.seed, one_step
        self.learner = ActorCriticLearner(hp, source.info, config.eager)
        self.env_steps = 0
        self.updates = 0

    main = property(lambda self: self.learner.model)
    networks = property(lambda self: {"actor_critic": self.learner.model})
    optimizers = property(lambda self: {"actor_critic": self.learner.optimizer})

    def arrays(self) -> dict:
        return {}

    def state(self) -> dict:
        return {"env_steps": self.env_steps, "updates": self.updates}

    def restore(self, arrays: dict, state: dict) -> None:
        self.env_steps, self.updates = int(state["env_steps"]), int(state["updates"])

    def greedy_actions(self, states):
        return self.learner.greedy_actions(states)

    def targets(self, rollout: Rollout) -> np.ndarray:
        gamma = self.hp["gamma"]
        if self.one_step:
            next_values = np.concatenate([rollout.values[1:], rollout.last_values[None]])
            return one_step_targets(rollout.rewards, rollout.dones, next_values, gamma)
        return nstep_returns(rollout.rewards, rollout.dones, rollout.last_values, gamma)

    def update(self, rollout: Rollout) -> dict:
        returns = self.targets(rollout).astype(np.float32).reshape(-1)
        states = rollout.states.reshape((-1,) + rollout.states.shape[2:])
        logs = self.learner.train_step(states, rollout.actions.reshape(-1), returns)
        self.updates += 1
        return {key: float(value) for key, value in logs.items()}

    def run_epoch(self, epoch: int, steps: int, report, control):
        hp = self.hp
        num_envs, n_steps = hp["num_envs"], hp["n_steps"]
        rng = rng_for(self.seed, epoch, 1)
        envs, states = make_vector_env(self.source, num_envs, self.seed, epoch)
        tracker, throttle, history = EpisodeTracker(num_envs), Throttle(), []
        try:
            for rollout_index in range(math.ceil(steps / (num_envs * n_steps))):
                control.wait_while_paused()
                if control.stop_requested:
                    break
                rollout, states = collect(self.learner, self.source, envs, states, n_steps, rng, hp["gamma"], tracker)
                self.env_steps += num_envs * n_steps
                history.append(self.update(rollout))
                if throttle():
                    report(min(steps, (rollout_index + 1) * num_envs * n_steps), history[-1])
        finally:
            envs.close()
        logs = {key: float(np.mean([h[key] for h in history])) for key in history[0]} if history else {}
        return logs, tracker.returns


def train_a2c(ctx):
    require_discrete(ctx.dataset, "A2C")
    return train_agent(ctx, SynchronousAgent(ctx.hp, ctx.dataset, ctx.config), ctx.hp["env_steps_per_epoch"])


train_a2c.resumable = True  # network, optimizer and counters; epochs start fresh episodes
