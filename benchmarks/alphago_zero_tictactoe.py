"""How long AlphaGo Zero needs, with its catalog defaults, to play tic-tac-toe perfectly.

"Perfect" = no losing line: the trained agent (deterministic MCTS, ``eval_simulations``
simulations, the most visited move) never loses, as X or as O, against any sequence of
opponent moves — checked by walking the whole game tree (``tictactoe_solver.losing_lines``).
The trainer runs that check after every epoch; training stops once it has held for
``--confirm`` epochs in a row, and the final network is checked once more, independently,
from the saved run (as ``keras-workbench act`` loads it). Also printed: AlphaGo (Lee)'s
pipeline with its defaults, for comparison (``--alphago``).

    nice -n 10 .venv/bin/python benchmarks/alphago_zero_tictactoe.py
    nice -n 10 .venv/bin/python benchmarks/alphago_zero_tictactoe.py --seeds 0,1 --alphago
    nice -n 10 .venv/bin/python benchmarks/alphago_zero_tictactoe.py --only-alphago
    .venv/bin/python benchmarks/alphago_zero_tictactoe.py --quick      # 2 small epochs, no goal
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

QUICK = {"games_per_epoch": 8, "train_steps": 10, "simulations": 8}


def run(name: str, seed: int, epochs: int, confirm: int, sets: dict, out: str) -> dict:
    from workbench.training import RunControl, TrainConfig, events, job

    control, rows, started = RunControl(), [], time.perf_counter()
    streak = [0]

    def on_event(event):
        if isinstance(event, events.EpochEnd):
            logs = event.logs
            rows.append({"epoch": event.epoch + 1, "seconds": time.perf_counter() - started,
                         "losing_lines": int(logs.get("losing_lines", -1)), "games": logs.get("games"),
                         "optimal": logs.get("policy_optimal", logs.get("sl_optimal"))})
            streak[0] = streak[0] + 1 if logs.get("losing_lines") == 0 else 0
            print(f"  {name} seed {seed} epoch {event.epoch + 1}: losing lines {rows[-1]['losing_lines']}, "
                  f"raw policy optimal {rows[-1]['optimal']:.3f}, {rows[-1]['seconds']:.0f} s", flush=True)
            if confirm and streak[0] >= confirm:
                control.stop()

    job.run_training(TrainConfig(name, "tictactoe", epochs=epochs, seed=seed, hparams=sets, out=out),
                     emit=on_event, control=control)
    first = next((r for r in rows if r["losing_lines"] == 0), None)
    return {"rows": rows, "first": first, "seconds": time.perf_counter() - started}


def check_saved(name: str, out: str) -> dict:
    """The exhaustive check once more, on the agent loaded from the run directory."""
    from workbench.catalog import registry
    from workbench.models.rl import tictactoe_solver as solver

    agent = registry.get(name).hook("load_agent")(out)
    return solver.losing_lines(agent.choose).as_dict()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--epochs", type=int, default=30, help="give up after this many epochs")
    parser.add_argument("--confirm", type=int, default=2, help="perfect epochs in a row before stopping")
    parser.add_argument("--alphago", action="store_true", help="also run the AlphaGo (Lee) pipeline")
    parser.add_argument("--only-alphago", action="store_true", help="run the AlphaGo (Lee) pipeline alone")
    parser.add_argument("--quick", action="store_true", help="2 small epochs: does it run")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    names = (["alphago"] if args.only_alphago else
             ["alphago_zero"] + (["alphago"] if args.alphago else []))
    for name in names:
        for seed in [int(s) for s in args.seeds.split(",")]:
            sets = QUICK if args.quick and name == "alphago_zero" else {}
            epochs = 2 if args.quick else (args.epochs if name == "alphago_zero" else 9)
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "run")
                result = run(name, seed, epochs, 0 if args.quick or name == "alphago" else args.confirm, sets, out)
                saved = check_saved(name, out)
            first = result["first"]
            reached = (f"first perfect after epoch {first['epoch']} ({first['games']:.0f} self-play games, "
                       f"{first['seconds']:.0f} s)" if first and name == "alphago_zero"
                       else ("first perfect after epoch " + str(first["epoch"]) if first else "never perfect"))
            print(f"{name} seed {seed}: {reached}; total {result['seconds']:.0f} s; final agent from disk: "
                  f"{saved['losing_lines']} losing lines (as X {saved['losses_as_x']}, as O "
                  f"{saved['losses_as_o']}) over {saved['lines_as_x'] + saved['lines_as_o']} opponent lines")
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
