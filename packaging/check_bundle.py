"""Start a built bundle headless and check it: ``--version``, ``--self-check``, its start time.

    python packaging/check_bundle.py [dist/keras-workbench] [--json]

Runs the bundle's executable with Qt's offscreen platform, no display and a scratch working
folder (so nothing of the source tree can stand in for what the bundle lacks), then:

- ``--version`` must exit 0 and print ``keras-workbench VERSION`` (this tree's version);
- ``--self-check`` must exit 0 with ``"ok": true``, a finite loss after one step, and the same
  discovery counts (catalog entries, data sources, commands, panels) as this source tree:
  a module PyInstaller left out shows up as a smaller count;
- the start time is measured up to the window's first paint (``KERAS_WORKBENCH_STARTUP_PROBE``,
  as ``benchmarks/startup_time.py`` does), and the bundle's size on disk is summed.

Exit status 0 when every check passes, 1 with one sentence per failed check otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXECUTABLE = "keras-workbench-gui"
#: The counts that must match between the bundle and the source tree.
COUNTS = ("catalog_entries", "data_sources", "commands", "panels", "tabs")


def headless_env(scratch: str) -> dict:
    """The bundle's environment: no display, no source tree on the path, a scratch home."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", TF_CPP_MIN_LOG_LEVEL="3", HOME=scratch,
               XDG_CONFIG_HOME=os.path.join(scratch, "config"), XDG_DATA_HOME=os.path.join(scratch, "data"),
               XDG_CACHE_HOME=os.path.join(scratch, "cache"))
    return env


def size_on_disk(folder: str) -> tuple[int, int, int]:
    """(bytes of the files, bytes of the blocks they occupy, number of files); links not followed."""
    apparent = blocks = files = 0
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(parent, name))
            apparent += info.st_size
            blocks += getattr(info, "st_blocks", math.ceil(info.st_size / 512)) * 512
            files += 1
    return apparent, blocks, files


def last_json(text: str) -> dict | None:
    """The last line of ``text`` that is a JSON object (the self-check's result)."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                return None
    return None


def source_counts() -> dict:
    """The discovery counts of this source tree (catalog, data, commands, panels), in a process
    of its own so that nothing stays imported here."""
    code = ("import json, os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from ui import self_check\n"
            "counts = self_check.discovery_counts(); counts['tabs'] = counts['panels']\n"
            "print(json.dumps(counts))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    counts = last_json(done.stdout)
    if done.returncode != 0 or counts is None:
        raise SystemExit(f"the source tree's counts could not be read: {done.stderr.strip()[-300:]}")
    return counts


def tree_version() -> str:
    sys.path.insert(0, ROOT)
    import workbench

    return workbench.__version__


def compare(bundle: dict, source: dict) -> list[str]:
    """A sentence for each count the bundle has differently from the source tree."""
    return [f"the bundle found {bundle.get(key)} {key.replace('_', ' ')}, the source tree {source[key]}"
            for key in COUNTS if bundle.get(key) != source[key]]


def run(command: list[str], env: dict, cwd: str, timeout: float) -> tuple[int, str, str, float]:
    started = time.monotonic()
    try:
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as expired:
        return 124, str(expired.stdout or ""), f"timed out after {timeout:.0f} s", time.monotonic() - started
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def check(folder: str) -> tuple[dict, list[str]]:
    """Every check of the bundle in ``folder``: (figures, failures)."""
    folder = os.path.abspath(folder)  # the bundle runs in a scratch folder
    executable = os.path.join(folder, EXECUTABLE)
    if not os.access(executable, os.X_OK):
        return {}, [f"{executable} is not there: build the bundle first (make package)"]
    failures: list[str] = []
    apparent, blocks, files = size_on_disk(folder)
    figures: dict = {"bundle": folder, "size_mib": round(apparent / 2**20, 1),
                     "disk_mib": round(blocks / 2**20, 1), "files": files}
    for extra in ("keras-workbench.desktop", "keras-workbench.svg"):
        if not os.path.isfile(os.path.join(folder, extra)):
            failures.append(f"{extra} is missing beside the executable")
    with tempfile.TemporaryDirectory(prefix="check-bundle-") as scratch:
        env = headless_env(scratch)
        code, out, err, seconds = run([executable, "--version"], env, scratch, 120)
        figures["version_s"] = round(seconds, 2)
        expected = f"keras-workbench {tree_version()}"
        if code != 0 or out.strip() != expected:
            failures.append(f"--version exited {code} printing {out.strip()!r} (expected {expected!r}) {err.strip()[-200:]}")
        probe = dict(env, KERAS_WORKBENCH_STARTUP_PROBE="1")
        started = time.time()
        code, out, err, seconds = run([executable], probe, scratch, 300)
        shown = [line for line in out.splitlines() if line.startswith("startup-probe shown_at=")]
        if code == 0 and shown:
            figures["window_shown_s"] = round(float(shown[0].split()[1].split("=")[1]) - started, 2)
        else:
            failures.append(f"the window did not open offscreen (exit {code}): {err.strip()[-300:]}")
        code, out, err, seconds = run([executable, "--self-check"], env, scratch, 600)
        figures["self_check_s"] = round(seconds, 1)
        result = last_json(out)
        figures["self_check"] = result
        if code != 0 or not result or not result.get("ok"):
            reason = (result or {}).get("error") or err.strip()[-300:] or "no output"
            failures.append(f"--self-check exited {code}: {reason}")
        else:
            if not result.get("frozen"):
                failures.append("--self-check did not run frozen: the source tree stood in for the bundle")
            if not math.isfinite(result.get("loss", math.nan)) or result.get("steps") != 1:
                failures.append(f"--self-check's training step gave loss {result.get('loss')}")
            source = source_counts()
            figures["source_counts"] = source
            failures += compare(result, source)
    return figures, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=os.path.join(ROOT, "dist", "keras-workbench"))
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    args = parser.parse_args(argv)
    figures, failures = check(args.folder)
    if args.json:
        print(json.dumps({**figures, "failures": failures}))
    elif figures:
        result = figures.get("self_check") or {}
        print(f"bundle {figures['bundle']}: {figures['size_mib']} MiB in {figures['files']} files "
              f"({figures['disk_mib']} MiB on disk)")
        print(f"--version {figures['version_s']} s; window shown offscreen after "
              f"{figures.get('window_shown_s', '?')} s; --self-check {figures.get('self_check_s', '?')} s")
        if result.get("ok"):
            print("self-check: " + ", ".join(f"{key} {result.get(key)}" for key in
                                             (*COUNTS, "loaded_by_name", "params", "loss", "device", "tensorflow")))
            print("source tree: " + ", ".join(f"{key} {value}" for key, value in
                                              (figures.get("source_counts") or {}).items()))
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("bundle OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
