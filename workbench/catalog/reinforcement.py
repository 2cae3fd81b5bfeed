"""Catalog section F: reinforcement learning (agents with their own training loops)."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "F. Reinforcement learning"

register(Entry(
    name="reinforce",
    display_name="REINFORCE (policy gradient, with a baseline)",
    family=FAMILY,
    task="rl",
    summary=(
        "Monte-Carlo policy gradient: play an episode with the current softmax policy, then raise "
        "the log-probability of each action taken in proportion to what followed it, G_t, minus a "
        "learned baseline V(s_t). The baseline is a second network regressed on the returns; it "
        "leaves the gradient unbiased and lowers its variance. One update per episode."
    ),
    paper="Williams, Simple statistical gradient-following algorithms for connectionist "
          "reinforcement learning, Machine Learning 1992",
    builder="workbench.models.rl.reinforce:build_policy",
    trainer="workbench.models.rl.reinforce:train_reinforce",
    hparams=(
        HParam("baseline", bool, True, "Subtract a learned state value V(s) (a second network)"),
        HParam("gamma", float, 0.99, "Discount factor", low=0.0, high=1.0),
        HParam("hidden_units", str, "64", "Units per hidden layer of both networks, comma separated"),
        HParam("episodes_per_epoch", int, 10, "Episodes (one update each) per epoch", low=1, high=100000),
        HParam("value_learning_rate", float, 1e-2, "Step size of the baseline network", low=1e-6,
               high=10.0, log=True),
    ),
    default_epochs=25,  # 110-170 episodes to a greedy mean of 475 (benchmarks/cartpole.py)
    data_kinds=("environment",),
    default_data="CartPole-v1",
    smoke={"hidden_units": "8", "episodes_per_epoch": 1},
    hooks={"load_agent": "workbench.rl.agents:load_model_agent"},  # model.keras is the policy
))
