"""``keras-workbench play RUN_DIR --episodes N [--seed S] [--json]``: a trained agent, greedily.

Every RL entry's run plays through its entry's ``load_agent`` hook (see
``workbench.rl.play``); the same ``--seed`` plays the same episodes. ``--env`` plays the
agent in another environment with the same spaces (FrozenLake 8x8 for a 4x4 agent is
refused: the table does not fit). In a board game (``tictactoe``, ``connect4``) the agent
plays either side in turn against a uniformly random opponent; its return is +1 / 0 / -1.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("play", help="play a trained RL agent greedily for N episodes (returns, lengths, states)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="the run directory of a reinforcement-learning entry")
    p.add_argument("--episodes", type=int, default=10, help="how many episodes (default 10)")
    p.add_argument("--seed", type=int, default=0, help="the same seed plays the same episodes (default 0)")
    p.add_argument("--env", metavar="ID", help="play in this gymnasium environment instead of the run's own")
    p.add_argument("--max-steps", type=int, default=1000,
                   help="cut an episode short after this many steps (default 1000)")
    p.add_argument("--json", action="store_true", help='print {"returns", "mean_return", "episodes"} as JSON')
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench.cli import emit_json
    from workbench.rl.play import play

    result = play(args.run_dir, args.episodes, seed=args.seed, env_id=args.env, max_steps=args.max_steps)
    if args.json:
        emit_json(result)
        return 0
    for i, episode in enumerate(result["episodes"], 1):
        print(f"episode {i:>3}: return {episode['return']:g}  length {episode['length']}")
    print(f"mean return over {len(result['returns'])} episode(s): {result['mean_return']:g}")
    return 0
