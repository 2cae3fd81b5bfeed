"""Deep RL update rules on cases computed by hand, and each agent playing a few episodes."""

import os

import numpy as np
import pytest
import tensorflow as tf

from workbench import catalog
from workbench.errors import WorkbenchError
from workbench.training import TrainConfig, job

pytest.importorskip("gymnasium")

DEEP = ("dqn", "actor_critic", "a2c", "a3c", "acer", "unreal")


class _Info:
    input_shape = (3,)
    num_classes = 2


class _Config:
    seed = 0
    eager = True


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_one_reinforce_step_is_the_policy_gradient_computed_by_hand():
    """Plain REINFORCE (returns normalised), SGD with step 1: the output kernel moves by
    (1/T) sum_t h_t^T (onehot(a_t) - pi_t) A_t, the log-softmax gradient by hand."""
    from workbench.models.rl.reinforce import Reinforce, discounted_returns

    hp = catalog.get("reinforce").resolve({"baseline": False, "hidden_units": "2", "optimizer": "sgd",
                                           "learning_rate": 1.0, "gamma": 0.9})
    agent = Reinforce(hp, _Info())
    w1 = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.1]], np.float32)
    b1 = np.array([0.05, -0.05], np.float32)
    w2 = np.array([[0.3, -0.2], [0.1, 0.6]], np.float32)
    b2 = np.array([0.0, 0.1], np.float32)
    agent.policy.set_weights([w1, b1, w2, b2])
    states = np.array([[1.0, 0.0, 0.5], [0.2, -1.0, 0.0], [0.0, 0.3, -0.7]], np.float32)
    actions = np.array([0, 1, 1])
    rewards = np.array([1.0, 0.0, 2.0])
    agent.update(states, actions, rewards)

    returns = discounted_returns(rewards, 0.9)
    np.testing.assert_allclose(returns, [1 + 0.81 * 2, 0.9 * 2, 2.0])
    advantages = (returns - returns.mean()) / (returns.std() + 1e-8)
    h = np.tanh(states.astype(np.float64) @ w1 + b1)
    pi = _softmax(h @ w2 + b2)
    onehot = np.eye(2)[actions]
    ascent = (h.T @ ((onehot - pi) * advantages[:, None])) / len(actions)
    new_w2 = agent.policy.get_weights()[2]
    np.testing.assert_allclose(new_w2 - w2, ascent, rtol=1e-4, atol=1e-6)


def test_dqn_target_is_reward_plus_discounted_max_of_the_target_network():
    from workbench.models.rl.dqn import dqn_targets

    rewards = np.array([1.0, 0.5, -1.0], np.float32)
    dones = np.array([0.0, 1.0, 0.0], np.float32)
    q_target = np.array([[2.0, 3.0], [10.0, 20.0], [-1.0, -4.0]], np.float32)
    y = np.asarray(dqn_targets(rewards, dones, q_target, 0.9))
    np.testing.assert_allclose(y, [1 + 0.9 * 3, 0.5, -1 + 0.9 * -1])
    # double DQN: the online network picks a', the target network values it
    q_online = np.array([[5.0, 1.0], [0.0, 1.0], [0.0, 9.0]], np.float32)
    y = np.asarray(dqn_targets(rewards, dones, q_target, 0.9, q_online))
    np.testing.assert_allclose(y, [1 + 0.9 * 2, 0.5, -1 + 0.9 * -4])


def test_dqn_target_network_is_copied_only_every_n_gradient_steps():
    from workbench.data.registry import load
    from workbench.models.rl.dqn import DQN

    source = load("CartPole-v1", seed=0)
    hp = catalog.get("dqn").resolve({"hidden_units": "4", "target_update": 3, "replay_batch": 4})
    agent = DQN(hp, source, _Config())
    rng = np.random.default_rng(0)
    for i in range(8):
        agent.buffer.add(state=rng.normal(size=4), action=i % 2, reward=1.0, next_state=rng.normal(size=4), done=0.0)
    initial = agent.target.get_weights()
    seen = []
    for step in range(1, 7):
        agent.learn(rng)
        online, target = agent.q.get_weights(), agent.target.get_weights()
        same_as_online = all(np.array_equal(a, b) for a, b in zip(online, target))
        seen.append(same_as_online)
        if step < 3:
            assert all(np.array_equal(a, b) for a, b in zip(initial, target))
        if step == 3:
            copied = target
        if step in (4, 5):
            assert all(np.array_equal(a, b) for a, b in zip(copied, target))
    assert seen == [False, False, True, False, False, True]


def test_replay_buffer_is_a_ring_sampled_by_the_seed_and_saved_whole():
    from workbench.models.rl.replay_buffer import ReplayBuffer

    buffer = ReplayBuffer(4, {"x": ((2,), "float32"), "a": ((), "int64")})
    for i in range(3):
        buffer.add(x=[i, -i], a=i)
    buffer.add(x=np.array([[3, -3], [4, -4]]), a=np.array([3, 4]))  # a batch wraps around
    assert len(buffer) == 4 and buffer.position == 1
    np.testing.assert_array_equal(buffer.data["a"], [4, 1, 2, 3])  # 0 overwritten by 4
    first = buffer.sample(np.random.default_rng(7), 5)
    again = buffer.sample(np.random.default_rng(7), 5)
    np.testing.assert_array_equal(first["a"], again["a"])
    np.testing.assert_array_equal(first["a"], buffer.data["a"][np.random.default_rng(7).integers(0, 4, 5)])
    np.testing.assert_array_equal(first["x"][:, 0], first["a"])  # fields stay together
    copy = ReplayBuffer(4, {"x": ((2,), "float32"), "a": ((), "int64")})
    copy.load_arrays(buffer.to_arrays())
    assert (copy.position, copy.size) == (1, 4)
    np.testing.assert_array_equal(copy.sample(np.random.default_rng(3), 6)["a"],
                                  buffer.sample(np.random.default_rng(3), 6)["a"])


def test_acer_truncation_and_bias_correction_coefficients():
    from workbench.models.rl.acer import acer_weights

    truncated, correction = (np.asarray(w) for w in acer_weights(np.array([0.5, 2.0, 10.0, 40.0]), c=10.0))
    np.testing.assert_allclose(truncated, [0.5, 2.0, 10.0, 10.0])  # min(c, rho)
    np.testing.assert_allclose(correction, [0.0, 0.0, 0.0, 0.75])  # [1 - c/rho]_+ = 1 - 10/40
    # together they weigh the sampled action by rho in expectation: min(c, rho) + rho [1 - c/rho]_+ = rho
    rho = np.array([0.5, 2.0, 10.0, 40.0])
    np.testing.assert_allclose(truncated + rho * correction, rho)


def test_acer_retrace_targets_by_hand():
    from workbench.models.rl.acer import retrace_targets

    # one env, three steps, gamma 0.5; the episode ends after step 1
    rewards = np.array([[1.0], [2.0], [3.0]])
    dones = np.array([[0.0], [1.0], [0.0]])
    q_taken = np.array([[0.5], [1.0], [4.0]])
    values = np.array([[0.2], [0.7], [2.0]])
    rho_bar = np.array([[1.0], [0.5], [0.25]])
    last = np.array([6.0])
    q_ret = retrace_targets(rewards, dones, q_taken, values, rho_bar, last, 0.5)
    t2 = 3 + 0.5 * 6.0  # bootstrapped from V(s_T)
    t1 = 2.0  # done: nothing after it
    carried = 0.5 * (t1 - 1.0) + 0.7  # rho_bar_1 (Q_ret_1 - Q_1) + V_1
    t0 = 1 + 0.5 * carried
    np.testing.assert_allclose(q_ret[:, 0], [t0, t1, t2])


def test_a2c_nstep_return_by_hand():
    from workbench.models.rl.a2c import nstep_returns, one_step_targets

    rewards = np.array([[1.0, 0.0], [1.0, 2.0], [1.0, 1.0]])
    dones = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    last = np.array([10.0, 4.0])
    g = 0.9
    returns = nstep_returns(rewards, dones, last, g)
    np.testing.assert_allclose(returns[:, 0], [1 + g + g**2 + g**3 * 10, 1 + g + g**2 * 10, 1 + g * 10])
    np.testing.assert_allclose(returns[:, 1], [0 + g * 2, 2.0, 1 + g * 4])  # the end cuts the sum
    np.testing.assert_allclose(one_step_targets(rewards, dones, np.array([[5.0, 5.0], [6.0, 6.0], [7.0, 7.0]]), g),
                               [[1 + g * 5, g * 5], [1 + g * 6, 2.0], [1 + g * 7, 1 + g * 7]])


def test_entropy_bonus_pushes_the_policy_towards_uniform():
    """With zero advantage and no value loss, only the bonus acts: a gradient step on the
    loss raises the entropy (a wrong sign would lower it); with beta 0 nothing moves."""
    from workbench.models.rl.actor_critic import actor_critic_loss, entropy

    logits = tf.Variable([[2.0, -1.0, 0.0], [0.5, 0.4, -3.0]])
    values = tf.constant([1.0, 2.0])
    actions = tf.constant([0, 2])
    for beta, moves in ((0.1, True), (0.0, False)):
        with tf.GradientTape() as tape:
            loss, _ = actor_critic_loss(tf.nn.softmax(logits), values, actions, values, beta, 0.0)
        grad = tape.gradient(loss, logits)
        before = float(tf.reduce_mean(entropy(tf.nn.softmax(logits))))
        after = float(tf.reduce_mean(entropy(tf.nn.softmax(logits - 0.5 * grad))))
        if moves:
            assert after > before + 1e-3
            assert float(loss) == pytest.approx(-beta * before, rel=1e-5)
        else:
            assert float(tf.reduce_max(tf.abs(grad))) == 0.0


def test_reward_prediction_sequences_stay_inside_one_episode_and_balance_the_classes():
    from workbench.models.rl.unreal import reward_sequences

    t = 6
    states = np.arange(t, dtype=np.float32)[None, :, None, None]  # state value = its step index
    raw = np.array([[0, 0, 1, 0, 0, 0]], np.float32)[..., None]
    dones = np.array([[0, 0, 0, 1, 0, 0]], np.float32)[..., None]
    seqs, labels = reward_sequences({"states": states, "raw_rewards": raw, "dones": dones},
                                    np.random.default_rng(0), 40, 3)
    last = seqs[:, -1, 0]
    assert set(last.tolist()) <= {2.0, 3.0}  # t=4, 5 would join two episodes (end at step 3)
    np.testing.assert_array_equal(labels, np.where(last == 2.0, 2, 1))  # reward after step 2 is +1
    assert (labels == 2).sum() == 20  # skewed: half from the rewarding step
    np.testing.assert_array_equal(seqs[:, :, 0], last[:, None] + np.array([-2, -1, 0]))


@pytest.mark.parametrize("name", DEEP)
def test_each_agent_plays_episodes_and_acts_greedily_after(name, tmp_path):
    """A few hundred environment steps (eager: no tracing), then the load_agent hook plays."""
    from workbench.data.registry import load

    entry = catalog.get(name)
    # long rollouts, few updates: the episodes are what this checks, eager updates are slow
    sets = {**entry.smoke, "env_steps_per_epoch": 100, "eval_episodes": 2, "n_steps": 25}
    sets.update({"dqn": {"train_every": 25, "gradient_steps": 1, "n_steps": None},
                 "actor_critic": {"n_steps": 50}, "acer": {"replay_start": 1, "replay_ratio": 1}}.get(name, {}))
    sets = {k: v for k, v in sets.items() if v is not None}
    result = job.run_training(TrainConfig(name, "CartPole-v1", epochs=1, seed=3, hparams=sets, eager=True,
                                          out=str(tmp_path / name)))
    history = result.history
    assert history["env_steps"][-1] >= 100
    assert history["episodes"][-1] >= 2  # random-ish CartPole episodes last ~20 steps
    assert np.isfinite(history["loss"][-1]) and 8 <= history["greedy_return"][-1] <= 500
    assert os.path.isfile(tmp_path / name / "views" / "episode_returns.json")
    agent = entry.hook("load_agent")(str(tmp_path / name))
    env = load("CartPole-v1", seed=0).make(1, render_mode=None)
    observation, _ = env.reset(seed=1)
    action = agent.act(observation, env)
    assert action in (0, 1) and isinstance(action, int)


def test_a_continuous_action_environment_gets_a_sentence(tmp_path):
    with pytest.raises(WorkbenchError, match="continuous action space"):
        job.run_training(TrainConfig("dqn", "Pendulum-v1", epochs=1, eager=True, out=str(tmp_path / "p")))


def test_load_agent_without_a_model_gets_a_sentence(tmp_path):
    with pytest.raises(WorkbenchError, match="no model.keras"):
        catalog.get("a2c").hook("load_agent")(str(tmp_path))


def test_reinforce_without_baseline_trains_the_policy_network_only(tmp_path):
    """``--set baseline=false``: plain REINFORCE, no value network (baseline=true, the
    default, keeps baseline.keras: tests/training/test_networks.py)."""
    out = tmp_path / "plain"
    result = job.run_training(TrainConfig("reinforce", "CartPole-v1", epochs=1, seed=0, eager=True, out=str(out),
                                          hparams={"baseline": "false", "hidden_units": "4", "episodes_per_epoch": 2}))
    assert {p.name for p in out.glob("*.keras")} == {"model.keras"}
    assert "value_loss" not in result.history and np.isfinite(result.history["loss"][-1])


def test_an_environment_source_travels_to_a_run_process_by_pickle():
    """The GUI hands its loaded source to the training process; gymnasium makers must pickle."""
    import pickle

    from workbench.data.registry import load

    source = pickle.loads(pickle.dumps(load("CartPole-v1", seed=0)))
    env = source.make(5, render_mode=None)
    assert env.reset(seed=2)[0].shape == (4,)
    np.testing.assert_array_equal(env.reset(seed=2)[0], load("CartPole-v1").make(5, render_mode=None).reset(seed=2)[0])
    board = pickle.loads(pickle.dumps(load("tictactoe", seed=0))).make(1)
    assert board.reset(seed=0)[0].shape == (3, 3, 2)
