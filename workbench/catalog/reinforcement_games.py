"""Catalog section F, board games: AlphaGo (Lee) and AlphaGo Zero, with tree search."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "F. Reinforcement learning"

_SEARCH = (
    HParam("c_puct", float, 1.5, "Exploration constant of PUCT: Q + c_puct * P * sqrt(N) / (1 + n)",
           low=0.0, high=100.0),
    HParam("eval_simulations", int, 64, "MCTS simulations per move when the trained agent plays "
           "(act, play, the Board tab, the perfect-play check)", low=1, high=100000),
)
_BOARD_HOOKS = {
    "act_board": "workbench.models.rl.{}:act_board",
    "load_agent": "workbench.models.rl.{}:load_agent",
}

register(Entry(
    name="alphago_zero",
    display_name="AlphaGo Zero (self-play, MCTS with a policy-value network)",
    family=FAMILY,
    task="rl",
    summary=(
        "One residual network with a policy head and a value head, trained only on its own games: "
        "each move is chosen by Monte-Carlo tree search (PUCT, Dirichlet noise at the root, no "
        "rollouts: the value head judges the leaves), and the network learns to predict the search's "
        "visit distribution and the game's outcome. On tic-tac-toe each epoch also counts the opponent "
        "lines that beat the agent (0 = perfect play)."
    ),
    paper="Silver et al., Mastering the game of Go without human knowledge, Nature 2017",
    builder="workbench.models.rl.policy_value_net:build_policy_value",
    trainer="workbench.models.rl.alphago_zero:train_alphago_zero",
    hparams=(
        HParam("simulations", int, 32, "MCTS simulations per self-play move", low=1, high=100000),
        *_SEARCH,
        HParam("dirichlet_alpha", float, 1.0, "Concentration of the root noise in self-play", low=0.01,
               high=10.0),
        HParam("noise_fraction", float, 0.25, "Share of Dirichlet noise in the root priors (self-play)",
               low=0.0, high=1.0),
        HParam("temperature_moves", int, 3, "Moves drawn in proportion to visit counts before "
               "self-play turns greedy", low=0, high=100),
        HParam("games_per_epoch", int, 128, "Self-play games per epoch (played in lock step)", low=1,
               high=100000),
        HParam("train_steps", int, 300, "Minibatch steps on the replay per epoch", low=1, high=100000),
        HParam("replay_size", int, 20000, "Positions kept in the replay (with symmetries)", low=10,
               high=10_000_000),
        HParam("filters", int, 32, "Channels of the residual tower", low=1, high=512),
        HParam("blocks", int, 2, "Residual blocks", low=0, high=40),
        HParam("value_units", int, 32, "Hidden units of the value head", low=1, high=1024),
        HParam("learning_rate", float, 2e-3, "Step size", low=1e-6, high=10.0, log=True),
        HParam("l2", float, 1e-4, "L2 penalty on every kernel, added to the loss", low=0.0, high=1.0),
    ),
    data_kinds=("environment",),
    # perfect play on tic-tac-toe by epoch 5-13 (128 games each), and held at 20 in three seeds
    default_epochs=20,
    default_data="tictactoe",
    smoke={"simulations": 4, "eval_simulations": 2, "filters": 4, "blocks": 1, "value_units": 4,
           "train_steps": 2},
    hooks={k: v.format("alphago_zero") for k, v in _BOARD_HOOKS.items()},
))

register(Entry(
    name="alphago",
    display_name="AlphaGo (SL + RL policy, value net, rollouts, MCTS)",
    family=FAMILY,
    task="rl",
    summary=(
        "The AlphaGo (Lee) pipeline on tic-tac-toe, stage by stage: an SL policy network learns the "
        "moves of expert games (a perfect solver's), a linear rollout policy learns the same moves, an "
        "RL policy starts from the SL one and improves by policy gradient against a pool of its past "
        "selves, and a value network regresses one self-play outcome per game. The agent searches with "
        "PUCT: SL priors, leaves valued by (1 - mix) v(s) + mix * rollout result."
    ),
    paper="Silver et al., Mastering the game of Go with deep neural networks and tree search, Nature 2016",
    builder="workbench.models.rl.policy_value_net:build_policy_net",
    trainer="workbench.models.rl.alphago:train_alphago",
    hparams=(
        HParam("sl_epochs", int, 3, "Epochs of stage 1: SL policy and rollout policy on expert games",
               low=0, high=10000),
        HParam("rl_epochs", int, 3, "Epochs of stage 2: RL policy against its pool (then the value "
               "network trains)", low=0, high=10000),
        HParam("expert_games", int, 300, "Expert (solver) games per SL epoch", low=1, high=1_000_000),
        HParam("expert_noise", float, 0.35, "Share of random moves in expert games (not learnt)", low=0.0,
               high=0.9),
        HParam("sl_steps", int, 400, "Minibatch steps of the SL and rollout policies per epoch", low=1,
               high=1_000_000),
        HParam("rl_iterations", int, 20, "Policy-gradient iterations per RL epoch", low=1, high=1_000_000),
        HParam("rl_games", int, 64, "Games per policy-gradient iteration, against one pool member", low=2,
               high=100000),
        HParam("pool_every", int, 5, "Add the RL policy to the opponent pool every this many iterations",
               low=1, high=100000),
        HParam("rl_learning_rate", float, 1e-3, "Step size of the RL policy", low=1e-7, high=1.0, log=True),
        HParam("value_games", int, 512, "Self-play games per value epoch (one position each)", low=1,
               high=1_000_000),
        HParam("value_steps", int, 200, "Minibatch steps of the value network per epoch", low=1,
               high=1_000_000),
        HParam("replay_size", int, 20000, "Value pairs kept", low=10, high=10_000_000),
        HParam("mix", float, 0.5, "lambda: leaf value = (1 - lambda) v(s) + lambda * rollout result",
               low=0.0, high=1.0),
        HParam("c_puct", float, 1.0, "Exploration constant of PUCT", low=0.0, high=100.0),
        HParam("eval_simulations", int, 128, "MCTS simulations per move when the trained agent plays "
               "(act, the Board tab, the perfect-play check); each leaf also costs a rollout", low=1,
               high=100000),
        HParam("filters", int, 32, "Channels of the policy and value towers", low=1, high=512),
        HParam("layers", int, 2, "3x3 convolution layers of each tower", low=1, high=40),
        HParam("value_units", int, 32, "Hidden units of the value network", low=1, high=1024),
        HParam("learning_rate", float, 3e-3, "Step size of the SL policy, rollout policy and value "
               "network", low=1e-6, high=10.0, log=True),
    ),
    data_kinds=("environment",),
    default_epochs=9,  # sl_epochs + rl_epochs + 3 value epochs
    default_data="tictactoe",
    smoke={"sl_epochs": 1, "rl_epochs": 0, "expert_games": 4, "sl_steps": 2, "eval_simulations": 2,
           "filters": 4, "layers": 1, "value_units": 4},
    hooks={k: v.format("alphago") for k, v in _BOARD_HOOKS.items()},
))
