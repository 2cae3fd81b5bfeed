"""How many environment steps each deep RL agent needs to solve CartPole-v1, next to the
published Stable-Baselines3 RL Zoo budgets.

"Solved" = the greedy policy's mean return over 100 fresh episodes >= 475, measured after
every epoch (the entry's ``env_steps_per_epoch``); training stops there. Each agent runs
with its catalog defaults (only ``eval_episodes=100`` and ``solved_at=475`` set), so the
figures are what ``keras-workbench train NAME --data CartPole-v1`` gets.

    nice -n 10 .venv/bin/python benchmarks/cartpole.py                 # dqn reinforce a2c a3c
    nice -n 10 .venv/bin/python benchmarks/cartpole.py --agents dqn --seeds 0,1,2
    .venv/bin/python benchmarks/cartpole.py --quick                    # a few epochs each, no goal
    .venv/bin/python benchmarks/cartpole.py --agents a2c --set learning_rate=1e-3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: RL Zoo (rl-baselines3-zoo, hyperparams/*.yml): CartPole-v1 training budgets of the tuned
#: agents, all of which reach the maximum return of 500.
ZOO_STEPS = {"dqn": 50_000, "ppo": 100_000, "a2c": 500_000}
DEFAULT_AGENTS = ("dqn", "reinforce", "a2c", "a3c")
#: Epoch caps: the agent gets this many environment steps (or episodes) at most.
MAX_EPOCHS = {"dqn": 100, "reinforce": 200, "a2c": 100, "a3c": 100, "actor_critic": 100, "acer": 100,
              "unreal": 100}


def run(name: str, seed: int, epochs: int, sets: dict, solve: bool) -> dict:
    from workbench.training import TrainConfig, events, job

    hparams = dict(sets)
    if solve:
        hparams.update({"eval_episodes": 100, "solved_at": 475.0} if name != "reinforce" else {})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        if name == "reinforce":  # its own loop has no greedy evaluation: judge it here per epoch
            result = _run_reinforce(seed, epochs, hparams, out, solve)
        else:
            result = job.run_training(TrainConfig(name, "CartPole-v1", epochs=epochs, seed=seed,
                                                  hparams=hparams, out=os.path.join(out, "run")),
                                      emit=_progress if os.environ.get("CARTPOLE_PROGRESS") else events.ignore)
        history = result.history if not isinstance(result, dict) else result
    seconds = time.perf_counter() - started
    greedy = history.get("greedy_return", [0.0])
    return {"agent": name, "seed": seed, "env_steps": int(history["env_steps"][-1]),
            "episodes": int(history["episodes"][-1]), "seconds": seconds, "greedy": float(greedy[-1]),
            "best": float(max(greedy)), "solved": float(greedy[-1]) >= 475.0}


def _progress(event) -> None:
    """CARTPOLE_PROGRESS=1: one line per epoch while tuning."""
    from workbench.training import events

    if isinstance(event, events.EpochEnd):
        print("  epoch", event.epoch + 1, {k: round(v, 3) for k, v in event.logs.items()},
              f"{event.seconds:.1f}s", flush=True)


def _run_reinforce(seed: int, epochs: int, hparams: dict, out: str, solve: bool) -> dict:
    """REINFORCE's own loop (``Reinforce.update`` on ``play_episode``, as ``train_reinforce``
    runs it with the entry's defaults), judged by the same greedy evaluation after each epoch."""
    import numpy as np

    from workbench import catalog
    from workbench.data.registry import load as load_data
    from workbench.models.rl.deep import evaluate_greedy
    from workbench.models.rl.reinforce import Reinforce, play_episode
    from workbench.training.job import seed_everything

    seed_everything(seed)
    source = load_data("CartPole-v1", seed=seed)
    hp = catalog.get("reinforce").resolve(hparams)
    agent = Reinforce(hp, source.info)
    history = {"env_steps": [], "episodes": [], "greedy_return": []}
    steps = episode = 0
    for epoch in range(epochs):
        for _ in range(hp["episodes_per_epoch"]):
            logs = agent.update(*play_episode(source, agent.policy, seed, episode))
            steps += int(logs["length"])
            episode += 1
        greedy = evaluate_greedy(source, lambda s: np.argmax(np.asarray(agent.policy(s)), axis=1), 100, seed, epoch)
        history["env_steps"].append(steps)
        history["episodes"].append(episode)
        history["greedy_return"].append(float(greedy.mean()))
        if solve and greedy.mean() >= 475:
            break
    return history


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", default=",".join(DEFAULT_AGENTS))
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--set", action="append", default=[], help="k=v for every agent")
    parser.add_argument("--quick", action="store_true", help="two epochs each, no goal")
    parser.add_argument("--max-epochs", type=int, default=0, help="cap on epochs per agent (default: MAX_EPOCHS)")
    parser.add_argument("--a3c-speedup", default="", metavar="N,N,...",
                        help="instead: A3C environment steps per second with each number of worker threads")
    args = parser.parse_args(argv)
    if args.a3c_speedup:
        return a3c_speedup([int(n) for n in args.a3c_speedup.split(",")], 4000 if args.quick else 20_000)
    from workbench import catalog

    rows = []
    for name in args.agents.split(","):
        entry = catalog.get(name)
        known = {h.name: h for h in entry.all_hparams}
        sets = {}
        for item in args.set:
            key, value = item.split("=", 1)
            if key in known:
                sets[key] = entry.resolve({key: value})[key]
        for seed in map(int, args.seeds.split(",")):
            row = run(name, seed, 2 if args.quick else args.max_epochs or MAX_EPOCHS.get(name, 100), sets,
                      not args.quick)
            rows.append(row)
            print(_line(row), flush=True)
    print()
    print(f"{'agent':<13}{'seed':>5}{'env steps':>11}{'episodes':>10}{'wall s':>9}{'greedy':>9}  "
          f"{'solved':<7}{'RL Zoo steps':>13}")
    for row in rows:
        print(_line(row))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} CPUs")
    return 0


def a3c_speedup(worker_counts: list[int], steps: int) -> int:
    """Environment steps per second of A3C's threads (the second of two epochs of ``steps``:
    the first traces the functions), against the first count (1 worker)."""
    from workbench.training import TrainConfig, events, job

    rates = {}
    for workers in worker_counts:
        times = []

        def emit(event, times=times):
            if isinstance(event, events.EpochEnd):
                times.append(event.seconds)

        with tempfile.TemporaryDirectory() as out:  # epoch 1 traces the functions; epoch 2 is timed
            job.run_training(TrainConfig("a3c", "CartPole-v1", epochs=2, seed=0, out=os.path.join(out, "run"),
                                         hparams={"workers": workers, "env_steps_per_epoch": steps,
                                                  "eval_episodes": 0}), emit=emit)
        rates[workers] = steps / times[1]
        print(f"a3c workers={workers:<3} {rates[workers]:8.0f} env steps/s  "
              f"speed-up x{rates[workers] / rates[worker_counts[0]]:.2f}", flush=True)
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0


def _line(row: dict) -> str:
    zoo = ZOO_STEPS.get(row["agent"])
    return (f"{row['agent']:<13}{row['seed']:>5}{row['env_steps']:>11}{row['episodes']:>10}{row['seconds']:>9.1f}"
            f"{row['greedy']:>9.1f}  {'yes' if row['solved'] else 'no':<7}{zoo if zoo else '-':>13}")


if __name__ == "__main__":
    sys.exit(main())
