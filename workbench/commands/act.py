"""``keras-workbench act``: a trained board-game agent's move for given positions, with its search."""

from __future__ import annotations

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("act", help="a trained board-game agent's move for positions (tic-tac-toe, Connect Four)")
    p.add_argument("run_dir", help="run directory of a board-game agent (alphago_zero, alphago)")
    p.add_argument("--state", action="append", required=True, metavar="S",
                   help="a position, one character a cell row by row: X, O or . (9 for tic-tac-toe, "
                        "42 for Connect Four); the side to move has fewer marks (X when equal); repeatable")
    p.add_argument("--simulations", type=int, help="MCTS simulations per position (default: the run's "
                                                  "eval_simulations)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def act_hook(run_dir: str):
    """The run's ``act_board`` hook, or a sentence saying the run has none."""
    from workbench.catalog import registry
    from workbench.runs.rundir import RunDir

    model = RunDir(run_dir).read_config().get("model", "")
    entry = registry.get(model)
    hook = entry.hook("act_board")
    if hook is None:
        raise WorkbenchError(f"{run_dir} is a run of {entry.name}, which does not play board games; "
                             "act needs a run of alphago_zero or alphago")
    return hook


def run(args) -> int:
    from workbench.cli import emit_json

    if args.simulations is not None and args.simulations < 1:
        raise WorkbenchError(f"--simulations {args.simulations} must be 1 or more")
    results = act_hook(args.run_dir)(args.run_dir, args.state, simulations=args.simulations)
    if args.json:
        emit_json(results)  # one object per --state, in order
        return 0
    for r in results:
        visits = ", ".join(f"{a}:{n}" for a, n in r["visits"].items())
        print(f"{r['state']}  {r['to_move']} plays {r['move']} ({r['move_name']})  value {r['value']:+.3f}  "
              f"search {r['search_value']:+.3f}  visits {visits}")
    return 0
