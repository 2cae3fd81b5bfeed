"""How many bad-input cases the reliability suite tries, and how many are handled.

Runs ``tests/reliability/`` under pytest with a JUnit XML report in a temporary folder and
counts, per test file, the cases tried (test cases run, parametrised ones each counted)
and handled (those that passed: the input got its sentence, its exit status, and left
nothing damaged). A case that fails or errors is a case not handled; skipped ones are
reported apart. The exit status is 0 when every case tried is handled.

    python benchmarks/reliability_counts.py            # the whole suite (a few minutes)
    python benchmarks/reliability_counts.py --quick    # the same: the suite is the measure
    python benchmarks/reliability_counts.py -k bad_data
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join("tests", "reliability")


def run_suite(select: str | None) -> str:
    """Run the suite; the JUnit XML report's text."""
    with tempfile.TemporaryDirectory() as folder:
        report = os.path.join(folder, "junit.xml")
        command = [sys.executable, "-m", "pytest", SUITE, "-q", "-p", "no:randomly",
                   f"--junitxml={report}", "-o", "junit_family=xunit2"]
        if select:
            command += ["-k", select]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TF_CPP_MIN_LOG_LEVEL": "3"}
        subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
        if not os.path.isfile(report):
            raise SystemExit(f"pytest wrote no report for {SUITE} (is the suite there?)")
        with open(report, encoding="utf-8") as handle:
            return handle.read()


def count(xml_text: str) -> dict[str, Counter]:
    """``{test file: Counter(tried=, handled=, skipped=)}`` from a JUnit XML report."""
    per_file: dict[str, Counter] = defaultdict(Counter)
    for case in ElementTree.fromstring(xml_text).iter("testcase"):
        module = case.get("classname", "").split(".")
        name = next((m for m in module if m.startswith("test_")), module[-1] if module else "?")
        outcome = {child.tag for child in case}
        if "skipped" in outcome:
            per_file[name]["skipped"] += 1
            continue
        per_file[name]["tried"] += 1
        if not outcome & {"failure", "error"}:
            per_file[name]["handled"] += 1
    return dict(per_file)


def table(per_file: dict[str, Counter]) -> str:
    rows = [("file", "tried", "handled", "skipped")]
    total = Counter()
    for name in sorted(per_file):
        c = per_file[name]
        total.update(c)
        rows.append((f"{name}.py", str(c["tried"]), str(c["handled"]), str(c["skipped"])))
    rows.append(("total", str(total["tried"]), str(total["handled"]), str(total["skipped"])))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="accepted for `make bench`; runs the suite")
    parser.add_argument("-k", dest="select", help="pytest -k expression: a part of the suite")
    args = parser.parse_args(argv)
    per_file = count(run_suite(args.select))
    print(table(per_file))
    tried = sum(c["tried"] for c in per_file.values())
    handled = sum(c["handled"] for c in per_file.values())
    print(f"\n{handled} of {tried} bad-input cases handled"
          + ("" if handled == tried else f"; {tried - handled} not handled (see pytest's output)"))
    return 0 if handled == tried else 1


if __name__ == "__main__":
    sys.exit(main())
