"""Tabular RL: each update rule on a case worked by hand, value iteration against the exact
linear solve, the CliffWalking paths of Q-learning and SARSA, and exact resume."""

import gymnasium as gym
import numpy as np
import pytest

from workbench.data.sources import rng_for
from workbench.models.rl import tabular
from workbench.models.rl.monte_carlo import average_update, first_visit_returns
from workbench.models.rl.q_learning import q_learning_episode, q_learning_update
from workbench.models.rl.sarsa import sarsa_episode, sarsa_update
from workbench.models.rl.td import td0_update
from workbench.models.rl.value_iteration import (
    bellman_optimality_backup,
    value_iteration,
)
from workbench.training import TrainConfig, events, job

# -- one step of each rule, by hand ---------------------------------------------------------

def _table():
    q = np.zeros((3, 2))
    q[0, 1], q[1] = 1.0, [2.0, 5.0]
    return q


def test_one_q_learning_step_uses_the_best_next_action():
    q = _table()
    # target = -1 + 0.9 * max(2, 5) = 3.5; error = 3.5 - 1 = 2.5; Q = 1 + 0.5 * 2.5
    assert q_learning_update(q, 0, 1, -1.0, 1, False, alpha=0.5, gamma=0.9) == pytest.approx(2.5)
    assert q[0, 1] == pytest.approx(2.25)
    assert q[1].tolist() == [2.0, 5.0] and q[0, 0] == 0.0  # nothing else moves


def test_one_sarsa_step_uses_the_action_taken_next():
    q = _table()
    # target = -1 + 0.9 * Q(1, a'=0) = 0.8; error = -0.2; Q = 1 - 0.1
    assert sarsa_update(q, 0, 1, -1.0, 1, 0, False, alpha=0.5, gamma=0.9) == pytest.approx(-0.2)
    assert q[0, 1] == pytest.approx(0.9)


def test_the_last_step_of_an_episode_does_not_bootstrap():
    q = _table()
    q_learning_update(q, 0, 1, -1.0, 1, True, alpha=0.5, gamma=0.9)  # target = r = -1
    assert q[0, 1] == pytest.approx(0.0)
    q = _table()
    sarsa_update(q, 0, 1, 3.0, 1, 1, True, alpha=0.5, gamma=0.9)
    assert q[0, 1] == pytest.approx(2.0)


def test_one_td0_step():
    v = np.array([1.0, 4.0])
    # target = 2 + 0.5 * 4 = 4; delta = 3; V = 1 + 0.1 * 3
    assert td0_update(v, 0, 2.0, 1, False, alpha=0.1, gamma=0.5) == pytest.approx(3.0)
    assert v.tolist() == pytest.approx([1.3, 4.0])


def test_discounted_return():
    assert tabular.discounted_return([1.0, 2.0, 3.0], 0.5) == pytest.approx(1 + 0.5 * 2 + 0.25 * 3)
    assert tabular.discounted_return([-1.0] * 13, 1.0) == -13.0
    assert tabular.discounted_return([], 0.9) == 0.0


def test_exploration_probabilities():
    np.testing.assert_allclose(tabular.epsilon_greedy_probs([1.0, 3.0, 2.0], 0.3), [0.1, 0.8, 0.1])
    np.testing.assert_allclose(tabular.epsilon_greedy_probs([1.0, 3.0, 2.0], 0.0), [0, 1, 0])
    # exp(Q/T) normalised: Q = 0, ln 2, ln 4 gives 1 : 2 : 4 at T = 1, 1 : sqrt 2 : 2 at T = 2
    q = np.log([1.0, 2.0, 4.0])
    np.testing.assert_allclose(tabular.softmax_probs(q, 1.0), np.array([1, 2, 4]) / 7)
    np.testing.assert_allclose(tabular.softmax_probs(q, 2.0), np.array([1, 2 ** 0.5, 2]) / (3 + 2 ** 0.5))
    np.testing.assert_allclose(tabular.softmax_probs([1000.0, 0.0], 1.0), [1, 0], atol=1e-12)  # no overflow
    hp = {"exploration": "softmax", "temperature": 1.0, "epsilon": 0.3}
    np.testing.assert_allclose(tabular.behaviour_probs(q, hp), np.array([1, 2, 4]) / 7)


def test_first_visit_monte_carlo_averages_the_return_after_the_first_visit():
    # rewards 1, 2, 3 undiscounted: G_0 = 6, G_1 = 5, G_2 = 3; A is first visited at t = 0
    assert first_visit_returns(["A", "B", "A"], [1.0, 2.0, 3.0], 1.0) == {"A": 6.0, "B": 5.0}
    v, n = np.zeros(1), np.zeros(1)
    for g in (6.0, 2.0, 1.0):
        average_update(v, n, 0, g)
    assert v[0] == pytest.approx(3.0) and n[0] == 3


# -- value iteration against the linear Bellman system --------------------------------------

@pytest.mark.parametrize("env_id, gamma", [("FrozenLake-v1", 0.9), ("CliffWalking-v1", 1.0)])
def test_value_iteration_equals_the_linear_solve_of_its_greedy_policy(env_id, gamma):
    env = gym.make(env_id)
    p, r = tabular.dynamics(env)
    v, sweeps = value_iteration(p, r, gamma, theta=1e-12)
    assert sweeps > 1
    policy = tabular.greedy_policy(tabular.q_from_v(p, r, v, gamma))
    # an independent computation: V^pi = (I - gamma P_pi)^-1 R_pi, straight from env.unwrapped.P
    states = env.observation_space.n
    a = np.eye(states)
    b = np.zeros(states)
    for s in range(states):
        action = int(np.argmax(policy[s]))
        for prob, s2, reward, done in env.unwrapped.P[s][action]:
            b[s] += prob * reward
            if not done:
                a[s, int(s2)] -= gamma * prob
    np.testing.assert_allclose(v, np.linalg.solve(a, b), atol=1e-8)
    np.testing.assert_allclose(bellman_optimality_backup(v, p, r, gamma), v, atol=1e-10)  # a fixed point


def test_value_iteration_knows_the_shortest_cliff_walk():
    env = gym.make("CliffWalking-v1")
    p, r = tabular.dynamics(env)
    v, _ = value_iteration(p, r, 1.0)
    assert v[36] == pytest.approx(-13.0)  # 13 steps of -1 along the edge
    assert v[35] == pytest.approx(-1.0)


def test_value_iteration_on_the_slippery_lake_matches_the_published_value():
    # V*(start) of the slippery 4x4 FrozenLake at gamma = 0.99 is 0.542 (the figure the
    # gymnasium / Sutton-Barto tutorials report)
    p, r = tabular.dynamics(gym.make("FrozenLake-v1"))
    v, _ = value_iteration(p, r, 0.99)
    assert v[0] == pytest.approx(0.542, abs=5e-4)
    assert v[[5, 7, 11, 12, 15]].tolist() == [0.0] * 5  # holes and the goal end the episode


@pytest.mark.parametrize("method", ["td0", "monte_carlo"])
def test_prediction_converges_to_the_exact_value_of_the_policy(method):
    """The uniformly random policy on the slippery lake, gamma 0.9: the RMS distance to the
    exact V^pi (the linear solve) shrinks as episodes come in."""
    from workbench.models.rl.monte_carlo import mc_episode
    from workbench.models.rl.td import rms_error, td0_episode

    env = gym.make("FrozenLake-v1")
    p, r = tabular.dynamics(env)
    policy = np.full((16, 4), 0.25)
    exact = tabular.policy_value(p, r, policy, 0.9)
    assert exact[14] > exact[0] > 0  # nearer the goal is worth more
    run = td0_episode(policy) if method == "td0" else mc_episode(policy)
    tables = {"v": np.zeros(16), "n": np.zeros(16)}
    errors = [rms_error(tables["v"], exact)]
    for episode in range(1000):
        run(env, tables, rng_for(0, episode), {"alpha": 0.02, "gamma": 0.9, "max_steps": 1000})
        if episode + 1 in (300, 1000):
            errors.append(rms_error(tables["v"], exact))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < {"td0": 0.6, "monte_carlo": 0.2}[method] * errors[0]


# -- CliffWalking: Q-learning along the edge, SARSA the safe way ----------------------------

EDGE = [36, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 47]
HP = {"exploration": "epsilon", "epsilon": 0.1, "temperature": 1.0, "alpha": 0.5, "gamma": 0.99,
      "max_steps": 1000}


def _learn(episode_fn, episodes=300, seed=0):
    env = gym.make("CliffWalking-v1")
    q = np.zeros((48, 4))
    for episode in range(episodes):
        episode_fn(env, {"q": q}, rng_for(seed, episode), HP)
    return q, env


def test_cliff_walking_q_learning_takes_the_edge_and_sarsa_the_safe_path():
    q_ql, env = _learn(q_learning_episode)
    path, ended = tabular.greedy_path(q_ql, env, 36)
    assert ended and path == EDGE  # the optimal, shortest path, right beside the cliff
    q_sarsa, _ = _learn(sarsa_episode)
    path, ended = tabular.greedy_path(q_sarsa, env, 36)
    assert ended and path[0] == 36 and path[-1] == 47
    beside_cliff = [s for s in path if 25 <= s <= 34]  # row 2, columns 1-10
    assert beside_cliff == [] and len(path) - 1 > 13
    assert min(s // 12 for s in path[3:-3]) == 0  # it walks along the top row, far from the cliff


def test_greedy_path_stops_when_the_policy_circles():
    q = np.zeros((48, 4))
    q[36, 0], q[24, 2] = 1.0, 1.0  # up from the start, then down again
    path, ended = tabular.greedy_path(q, gym.make("CliffWalking-v1"), 36)
    assert path == [36, 24, 36] and not ended


# -- a run of the entry: the table file, views, exact resume ---------------------------------

def _config(out, epochs=3, **hp):
    return TrainConfig("sarsa", "CliffWalking-v1", epochs=epochs, seed=3, out=str(out),
                       hparams={"episodes": 15, **hp})


class Killed(Exception):
    pass


def test_a_killed_run_resumes_to_the_uninterrupted_table(tmp_path):
    whole = job.run_training(_config(tmp_path / "whole"))
    assert whole.model is None
    table = np.load(tmp_path / "whole" / "q_table.npy")
    assert table.shape == (48, 4) and np.abs(table).sum() > 0
    assert len(whole.history["return"]) == 3

    def die(event):  # the process dies in the middle of the second epoch
        if isinstance(event, events.BatchEnd) and event.epoch == 1 and event.step == 7:
            raise Killed
    with pytest.raises(Killed):
        job.run_training(_config(tmp_path / "killed"), emit=die)
    assert not (tmp_path / "killed" / "q_table.npy").exists()
    resumed = job.resume_training(str(tmp_path / "killed"))
    np.testing.assert_array_equal(np.load(tmp_path / "killed" / "q_table.npy"), table)
    assert resumed.history["return"] == whole.history["return"]
    views = {p.name for p in (tmp_path / "killed" / "views").glob("*.png")}
    assert {"episode_returns.png", "state_values.png", "greedy_path.png"} <= views


def test_softmax_exploration_learns_a_different_table(tmp_path):
    epsilon = job.run_training(_config(tmp_path / "e", epochs=1))
    softmax = job.run_training(_config(tmp_path / "s", epochs=1, exploration="softmax", temperature=5.0))
    assert epsilon.history["return"] != softmax.history["return"]


def test_an_environment_without_numbered_states_gets_a_sentence(tmp_path):
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="numbered states"):
        job.run_training(TrainConfig("q_learning", "CartPole-v1", epochs=1, out=str(tmp_path / "r")))
    with pytest.raises(WorkbenchError, match="does not publish its dynamics"):
        tabular.dynamics(gym.make("CartPole-v1"))
