"""Catalog section F, tabular part: dynamic programming, Monte Carlo, TD(0), Q-learning, SARSA.

Each keeps one number per state or state-action pair of an environment with numbered
states (gymnasium's FrozenLake-v1, CliffWalking-v1, Taxi-v4); the run keeps the table as
``q_table.npy`` / ``v_table.npy`` and ``play`` acts greedily on it.
"""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "F. Reinforcement learning"
BUILDER = "workbench.models.rl.tabular:build_table"
AGENT = {"load_agent": "workbench.models.rl.tabular:load_agent"}
PAPER_SB = "Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed., MIT Press 2018"


def _gamma(default: float = 0.99) -> HParam:
    return HParam("gamma", float, default, "Discount factor", low=0.0, high=1.0)


EPISODES = (
    HParam("episodes", int, 100, "Episodes per epoch", low=1, high=1_000_000),
    HParam("max_steps", int, 1000, "Steps after which an episode is cut short", low=1, high=1_000_000),
)
EXPLORATION = (
    HParam("exploration", str, "epsilon", "How the behaviour policy explores: epsilon-greedy or softmax "
           "(Boltzmann) on Q", choices=("epsilon", "softmax")),
    HParam("epsilon", float, 0.1, "epsilon-greedy: probability of a uniformly random action", low=0.0, high=1.0),
    HParam("temperature", float, 1.0, "softmax: T in exp(Q/T); high explores, low is greedy",
           low=1e-3, high=1e6, log=True),
)
ALPHA = HParam("alpha", float, 0.5, "Step size of each update", low=1e-6, high=1.0, log=True)
POLICY = HParam("policy", str, "optimal", "The policy whose value is predicted: uniformly random, or "
                "greedy on value iteration's V*", choices=("optimal", "random"))
TABLE_SMOKE = {"episodes": 2, "max_steps": 50}

register(Entry(
    name="value_iteration",
    display_name="Value iteration (Bellman optimality)",
    family=FAMILY, task="rl",
    summary=(
        "Dynamic programming with known dynamics: sweep V(s) <- max_a sum_s' P(s'|s,a) [r + gamma V(s')] "
        "until no value moves by more than theta. The Bellman optimality operator is a contraction, so V "
        "converges to V* and the greedy policy on it is optimal. Needs an environment that publishes P "
        "(gymnasium's toy-text ones)."
    ),
    paper="Bellman, Dynamic Programming, Princeton 1957; " + PAPER_SB + ", ch. 4",
    builder=BUILDER, trainer="workbench.models.rl.value_iteration:train_value_iteration",
    hparams=(_gamma(),
             HParam("sweeps", int, 50, "Sweeps over all states per epoch", low=1, high=1_000_000),
             HParam("theta", float, 1e-8, "Stop once a sweep changes no value by more than this",
                    low=0.0, high=1.0)),
    data_kinds=("environment",), default_data="FrozenLake-v1",
    smoke={"sweeps": 2}, hooks=AGENT,
))

register(Entry(
    name="monte_carlo",
    display_name="Monte Carlo (first-visit prediction and control)",
    family=FAMILY, task="rl",
    summary=(
        "Learn from whole episodes: at the first visit of each state (prediction) or state-action pair "
        "(control) move its estimate to the running average of the returns that followed. No "
        "bootstrapping, so the estimates are unbiased averages; prediction logs the RMS distance to the "
        "exact V of the policy, control improves an epsilon-greedy (or softmax) policy on Q."
    ),
    paper=PAPER_SB + ", ch. 5",
    builder=BUILDER, trainer="workbench.models.rl.monte_carlo:train_monte_carlo",
    hparams=(HParam("mode", str, "control", "Evaluate a fixed policy's V, or improve a policy on Q",
                    choices=("control", "prediction")),
             POLICY, _gamma(), *EXPLORATION, *EPISODES),
    data_kinds=("environment",), default_data="FrozenLake-v1",
    smoke=TABLE_SMOKE, hooks=AGENT,
))

register(Entry(
    name="td0",
    display_name="TD(0) prediction",
    family=FAMILY, task="rl",
    summary=(
        "Temporal-difference prediction of a fixed policy's values: after each step "
        "V(s) <- V(s) + alpha [r + gamma V(s') - V(s)], bootstrapping on the next state's estimate. "
        "Each epoch logs (as the loss) the RMS distance to the exact V of the policy, solved from the "
        "linear Bellman system with the environment's dynamics."
    ),
    paper="Sutton, Learning to predict by the methods of temporal differences, Machine Learning 1988",
    builder=BUILDER, trainer="workbench.models.rl.td:train_td0",
    hparams=(POLICY, _gamma(), HParam("alpha", float, 0.05, "Step size of each update", low=1e-6, high=1.0,
                                      log=True), *EPISODES),
    data_kinds=("environment",), default_data="FrozenLake-v1",
    smoke=TABLE_SMOKE, hooks=AGENT,
))

register(Entry(
    name="q_learning",
    display_name="Q-learning (off-policy TD control)",
    family=FAMILY, task="rl",
    summary=(
        "Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]: the target takes the best next "
        "action whatever the exploring agent does next, so Q converges to Q*. On CliffWalking its greedy "
        "path runs along the cliff edge, the shortest one."
    ),
    paper="Watkins, Learning from delayed rewards, PhD thesis, Cambridge 1989; Watkins & Dayan, "
          "Q-learning, Machine Learning 1992",
    builder=BUILDER, trainer="workbench.models.rl.q_learning:train_q_learning",
    hparams=(ALPHA, _gamma(), *EXPLORATION, *EPISODES),
    data_kinds=("environment",), default_data="CliffWalking-v1",
    smoke=TABLE_SMOKE, hooks=AGENT,
))

register(Entry(
    name="sarsa",
    display_name="SARSA (on-policy TD control)",
    family=FAMILY, task="rl",
    summary=(
        "Q(s,a) <- Q(s,a) + alpha [r + gamma Q(s',a') - Q(s,a)] with a' the action the exploring policy "
        "really takes next, so Q is the value of the exploring policy itself. On CliffWalking with "
        "epsilon-greedy exploration its greedy path keeps away from the cliff edge. SARSA is "
        "on-policy, as in the paper and in Sutton & Barto; one note calls it off-policy."
    ),
    paper="Rummery & Niranjan, On-line Q-learning using connectionist systems, Cambridge TR 166, 1994",
    builder=BUILDER, trainer="workbench.models.rl.sarsa:train_sarsa",
    hparams=(ALPHA, _gamma(), *EXPLORATION, *EPISODES),
    data_kinds=("environment",), default_data="CliffWalking-v1",
    smoke=TABLE_SMOKE, hooks=AGENT,
))
