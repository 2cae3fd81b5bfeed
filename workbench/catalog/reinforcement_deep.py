"""Catalog section F, deep RL: value-based (DQN) and actor-critic agents (Actor-Critic,
A2C, A3C, ACER, UNREAL), each with its own training loop in ``workbench.models.rl``.

The defaults are the settings ``benchmarks/cartpole.py`` found to solve CartPole-v1
(greedy mean return >= 475 over 100 episodes) on this machine."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "F. Reinforcement learning"
AGENT = {"load_agent": "workbench.models.rl.deep:load_agent"}


def _common(steps_per_epoch: int) -> tuple:
    return (
        HParam("gamma", float, 0.99, "Discount factor", low=0.0, high=1.0),
        HParam("hidden_units", str, "64,64", "Units per hidden layer, comma separated"),
        HParam("env_steps_per_epoch", int, steps_per_epoch, "Environment steps per epoch (all envs together)",
               low=1, high=10_000_000),
        HParam("eval_episodes", int, 10, "Greedy episodes played after each epoch (0 = none)", low=0, high=1000),
        HParam("solved_at", float, 0.0, "Stop once the greedy mean return reaches this (0 = never)",
               low=0.0, high=1e9),
    )


def _actor_critic(beta: float, value_coef: float = 0.5) -> tuple:
    return (
        HParam("beta", float, beta, "Entropy bonus weight (keeps the policy exploring)", low=0.0, high=10.0),
        HParam("value_coef", float, value_coef, "Weight of the value (critic) loss", low=0.0, high=100.0),
    )


register(Entry(
    name="dqn",
    display_name="DQN (experience replay, target network)",
    family=FAMILY,
    task="rl",
    summary=(
        "Q-learning with a neural network: regress Q(s,a) on r + gamma max_a' Q_target(s',a') "
        "with a Huber loss, on minibatches drawn at random from a replay buffer (breaking the "
        "correlation of consecutive steps), against a target network copied only every N steps. "
        "Epsilon-greedy exploration decays linearly; double DQN is an option."
    ),
    paper="Mnih et al., Human-level control through deep reinforcement learning, Nature 2015",
    builder="workbench.models.rl.dqn:build_q_network",
    trainer="workbench.models.rl.dqn:train_dqn",
    hparams=_common(1000) + (
        HParam("learning_rate", float, 2.3e-3, "Step size", low=1e-6, high=10.0, log=True),
        HParam("clipnorm", float, 10.0, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
        HParam("double_dqn", bool, False, "Double DQN: the online network picks a', the target values it"),
        HParam("buffer_size", int, 50_000, "Replay buffer capacity (transitions)", low=1, high=10_000_000),
        HParam("replay_batch", int, 64, "Transitions per minibatch", low=1, high=100_000),
        HParam("learning_starts", int, 1000, "Environment steps before the first update", low=0, high=10_000_000),
        HParam("train_every", int, 256, "Environment steps between bursts of updates", low=1, high=100_000),
        HParam("gradient_steps", int, 128, "Minibatch updates per burst", low=1, high=100_000),
        HParam("target_update", int, 128, "Gradient steps between target-network copies", low=1, high=10_000_000),
        HParam("epsilon_start", float, 1.0, "Initial exploration rate", low=0.0, high=1.0),
        HParam("epsilon_end", float, 0.04, "Final exploration rate", low=0.0, high=1.0),
        HParam("exploration_steps", int, 8000, "Environment steps over which epsilon decays", low=1,
               high=100_000_000),
    ),
    default_epochs=50,  # benchmarks/cartpole.py: solved in 11-38k steps (3 seeds; the RL Zoo budget is 50k)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "learning_starts": 1, "train_every": 1, "gradient_steps": 1,
           "replay_batch": 4, "eval_episodes": 1},
    hooks=AGENT,
))

register(Entry(
    name="actor_critic",
    display_name="Actor-Critic (shared trunk, one-step TD advantage)",
    family=FAMILY,
    task="rl",
    summary=(
        "One network with a shared trunk, a softmax policy head (the actor) and a linear value "
        "head (the critic). The critic's one-step TD error r + gamma V(s') - V(s) is the "
        "advantage that scales the policy gradient; an entropy bonus (weight beta) keeps the "
        "policy exploring. One environment, an update every n_steps steps."
    ),
    paper="Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. 2018, section 13.5",
    builder="workbench.models.rl.actor_critic:build_actor_critic",
    trainer="workbench.models.rl.actor_critic:train_actor_critic",
    hparams=_common(2000) + _actor_critic(0.01) + (
        HParam("n_steps", int, 16, "Environment steps per update (each with its one-step target; 1 = fully "
               "on-line, which learns CartPole far less reliably)", low=1,
               high=100_000),
        HParam("learning_rate", float, 1e-3, "Step size", low=1e-6, high=10.0, log=True),
        HParam("clipnorm", float, 0.5, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
    ),
    default_epochs=30,  # benchmarks/cartpole.py: solved in 38k steps (seed 0)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "eval_episodes": 1},
    hooks=AGENT,
))

register(Entry(
    name="a2c",
    display_name="A2C (synchronous advantage actor-critic, vectorised environments)",
    family=FAMILY,
    task="rl",
    summary=(
        "num_envs copies of the environment step in lock-step (gymnasium's SyncVectorEnv) for "
        "n_steps; one update on all of it with the k-step advantage sum_i gamma^i r_(t+i) + "
        "gamma^k V(s_(t+k)) - V(s_t) and an entropy bonus. Parallel environments in different "
        "phases decorrelate the batch, as replay does for DQN."
    ),
    paper="Mnih et al., Asynchronous methods for deep reinforcement learning, ICML 2016 (synchronous "
          "variant: OpenAI Baselines)",
    builder="workbench.models.rl.actor_critic:build_actor_critic",
    trainer="workbench.models.rl.a2c:train_a2c",
    hparams=_common(10_000) + _actor_critic(0.01) + (
        HParam("num_envs", int, 8, "Environments stepped in lock-step", low=1, high=1024),
        HParam("n_steps", int, 5, "k: steps per environment per update (the k-step return)", low=1,
               high=100_000),
        HParam("learning_rate", float, 1e-3, "Step size", low=1e-6, high=10.0, log=True),
        HParam("clipnorm", float, 0.5, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
    ),
    default_epochs=25,  # benchmarks/cartpole.py: solved in 100-160k steps (3 seeds)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "num_envs": 2, "n_steps": 2, "eval_episodes": 1},
    hooks=AGENT,
))

register(Entry(
    name="a3c",
    display_name="A3C (asynchronous advantage actor-critic, worker threads)",
    family=FAMILY,
    task="rl",
    summary=(
        "Worker threads, each with its own environment and a local copy of the network: copy "
        "the shared weights, play n_steps, compute the k-step advantage actor-critic gradients "
        "locally and apply them to the shared network. Asynchrony decorrelates the updates "
        "without replay; TensorFlow's kernels release the GIL, so the threads overlap."
    ),
    paper="Mnih et al., Asynchronous methods for deep reinforcement learning, ICML 2016",
    builder="workbench.models.rl.actor_critic:build_actor_critic",
    trainer="workbench.models.rl.a3c:train_a3c",
    hparams=_common(10_000) + _actor_critic(0.01) + (
        HParam("workers", int, 4, "Worker threads, each with its own environment", low=1, high=256),
        HParam("n_steps", int, 5, "k: steps per worker rollout (the k-step return)", low=1, high=100_000),
        HParam("learning_rate", float, 1e-3, "Step size", low=1e-6, high=10.0, log=True),
        HParam("clipnorm", float, 0.5, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
    ),
    default_epochs=10,  # benchmarks/cartpole.py: solved in 30-50k steps (3 seeds)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "workers": 2, "n_steps": 2, "eval_episodes": 1},
    hooks=AGENT,
))

register(Entry(
    name="acer",
    display_name="ACER (actor-critic with experience replay, Retrace)",
    family=FAMILY,
    task="rl",
    summary=(
        "Actor-critic that also learns off-policy from replayed rollouts: Retrace Q targets "
        "(traces cut by min(1, rho)), the policy gradient with the importance weight truncated "
        "at c, min(c, rho), and a bias-correction term weighted by [1 - c/rho]_+ that restores "
        "what the truncation dropped. Policy and Q heads on one trunk; V = sum_a pi Q. "
        "(The paper's trust-region step is left out.)"
    ),
    paper="Wang et al., Sample efficient actor-critic with experience replay, ICLR 2017",
    builder="workbench.models.rl.actor_critic:build_actor_critic",
    trainer="workbench.models.rl.acer:train_acer",
    hparams=_common(10_000) + _actor_critic(0.01) + (
        HParam("c", float, 10.0, "Truncation threshold of the importance weights", low=0.0, high=1e6),
        HParam("num_envs", int, 4, "Environments stepped in lock-step", low=1, high=1024),
        HParam("n_steps", int, 20, "Steps per segment (the Retrace horizon)", low=1, high=100_000),
        HParam("replay_ratio", int, 4, "Replayed segments learned from per new one", low=0, high=1000),
        HParam("replay_size", int, 2500, "Segments the replay holds", low=1, high=10_000_000),
        HParam("replay_start", int, 20, "Segments stored before replay begins", low=1, high=10_000_000),
        HParam("learning_rate", float, 7e-4, "Step size", low=1e-6, high=10.0, log=True),
        HParam("clipnorm", float, 10.0, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
    ),
    default_epochs=20,  # benchmarks/cartpole.py: solved in 130k steps (seed 0)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "num_envs": 2, "n_steps": 2, "replay_start": 1, "replay_ratio": 1,
           "eval_episodes": 1},
    hooks=AGENT,
))

register(Entry(
    name="unreal",
    display_name="UNREAL (A2C + auxiliary tasks: reward prediction, value replay)",
    family=FAMILY,
    task="rl",
    summary=(
        "An A2C agent whose shared trunk also learns auxiliary tasks from a replay of recent "
        "segments: reward prediction (classify the sign of the next reward from a few "
        "consecutive states, sampled skewed towards rewarding steps) and value function replay "
        "(extra k-step regression of V on replayed segments). Pixel control is left out: the "
        "agent reads CartPole's state vector, not pixels."
    ),
    paper="Jaderberg et al., Reinforcement learning with unsupervised auxiliary tasks, ICLR 2017",
    builder="workbench.models.rl.unreal:build_unreal",
    trainer="workbench.models.rl.unreal:train_unreal",
    hparams=_common(10_000) + _actor_critic(0.01) + (
        HParam("num_envs", int, 8, "Environments stepped in lock-step", low=1, high=1024),
        HParam("n_steps", int, 5, "k: steps per environment per update", low=1, high=100_000),
        HParam("vr_weight", float, 0.5, "Weight of the value-replay loss", low=0.0, high=100.0),
        HParam("rp_weight", float, 0.5, "Weight of the reward-prediction loss", low=0.0, high=100.0),
        HParam("rp_frames", int, 3, "Consecutive states the reward predictor reads", low=1, high=64),
        HParam("rp_batch", int, 32, "Reward-prediction sequences per update", low=1, high=100_000),
        HParam("replay_size", int, 200, "Segments the replay holds", low=1, high=10_000_000),
        HParam("learning_rate", float, 1e-3, "Step size", low=1e-6, high=10.0, log=True),
        HParam("clipnorm", float, 0.5, "Clip each gradient to this L2 norm (0 = off)", low=0.0, high=1e6),
    ),
    default_epochs=20,  # benchmarks/cartpole.py: solved in 140k steps (seed 0)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "num_envs": 2, "n_steps": 4, "rp_batch": 4, "eval_episodes": 1},
    hooks=AGENT,
))
