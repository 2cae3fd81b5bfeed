"""Time from launching the GUI process to its window being shown (goal: under 2 s).

Each launch runs ``ui.app.main`` with ``KERAS_WORKBENCH_STARTUP_PROBE=1``: the app
prints the wall-clock time of the window's first expose and quits. TensorFlow is
imported only after that, in the background, so it is not part of this figure.
Without a display the offscreen platform is used (Xvfb gives a real X server).

    python benchmarks/startup_time.py [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOAL_S = 2.0


def launch_once() -> float:
    env = {**os.environ, "KERAS_WORKBENCH_STARTUP_PROBE": "1"}
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    out = subprocess.run([sys.executable, "-c", "from ui.app import main; raise SystemExit(main([]))"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("startup-probe"):
            fields = dict(part.split("=", 1) for part in line.split()[1:])
            return float(fields["shown_at"]) - started
    raise RuntimeError(f"the app printed no startup probe line:\n{out.stdout}\n{out.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3 launches")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    launch_once()  # warm the file cache: the first launch after boot reads every module from disk
    times = [launch_once() for _ in range(runs)]
    median = statistics.median(times)
    platform = os.environ.get("QT_QPA_PLATFORM") or ("xcb" if os.environ.get("DISPLAY") else "offscreen")
    print(f"platform: {platform}")
    print("launch -> window shown (s): " + ", ".join(f"{t:.2f}" for t in times))
    print(f"median {median:.2f} s (goal < {GOAL_S:.0f} s): {'OK' if median < GOAL_S else 'SLOW'}")


if __name__ == "__main__":
    main()
