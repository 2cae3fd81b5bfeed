"""Steps per second of ``--strategy multi-worker`` with 1 and 2 worker processes on this machine.

Each run is ``keras-workbench train`` at the same global batch (each worker computes half of
it with 2 workers, then the gradients are all-reduced over loopback gRPC). The figure is
steps / seconds of the epochs after the first (the first includes tracing and connecting).
On one machine the workers share its cores, so 2 workers are not expected to be faster;
the figure shows what the all-reduce costs per step. ``one`` (no strategy) is the baseline.

    nice -n 10 .venv/bin/python benchmarks/multi_worker_scaling.py
    .venv/bin/python benchmarks/multi_worker_scaling.py --quick
    .venv/bin/python benchmarks/multi_worker_scaling.py --model lenet --batch-size 256
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: A run as ``keras-workbench train`` makes it, printing each epoch's exact seconds.
DRIVER = """
import json, sys
from workbench.quiet import import_tensorflow
from workbench.training import TrainConfig, events, job
import_tensorflow()
config = TrainConfig(**json.loads(sys.argv[1]))
job.run_training(config, emit=lambda e: print("EPOCH", e.seconds, flush=True)
                 if isinstance(e, events.EpochEnd) else None)
"""


def run(model: str, batch: int, steps: int, epochs: int, strategy: str, workers: int) -> float:
    """Steps per second after the first epoch."""
    with tempfile.TemporaryDirectory() as folder:
        config = {"model": model, "data": "digits", "batch_size": batch, "epochs": epochs, "steps_per_epoch": steps,
                  "strategy": strategy, "workers": workers, "val_split": 0.1, "out": os.path.join(folder, "run")}
        command = [sys.executable, "-c", DRIVER, json.dumps(config)]
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ROOT}
        env.pop("TF_CONFIG", None)
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"{strategy} x{workers} failed: {done.stderr.strip().splitlines()[-1]}")
        seconds = [float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("EPOCH")][1:]
        return steps * len(seconds) / sum(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=40, help="steps per epoch")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10 steps, 2 epochs")
    args = parser.parse_args()
    steps, epochs = (10, 2) if args.quick else (args.steps, args.epochs)
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs; {args.model}, "
          f"global batch {args.batch_size}, {steps} steps x {epochs - 1} timed epoch(s)")
    print(f"{'strategy':<14}{'workers':>8}{'steps/s':>10}{'samples/s':>11}")
    for strategy, workers in (("one", 1), ("multi-worker", 1), ("multi-worker", 2)):
        started = time.perf_counter()
        rate = run(args.model, args.batch_size, steps, epochs, strategy, workers)
        print(f"{strategy:<14}{workers:>8}{rate:>10.1f}{rate * args.batch_size:>11.0f}"
              f"   (run {time.perf_counter() - started:.0f}s)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
