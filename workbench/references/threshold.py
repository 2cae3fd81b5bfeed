"""A benchmark threshold (CartPole-v1 is solved at a mean return of 475): nothing is trained
here; the check reports the threshold and the newest run of the entry the user has."""

from __future__ import annotations

import os

#: The runs folder the GUI and ``train`` use when none is given (the GUI reads the same variable).
RUNS_ENV = "KERAS_WORKBENCH_RUNS"


def runs_roots(extra=None) -> list[str]:
    from workbench.runs.history import default_runs_root

    roots = list(extra or [])
    if os.environ.get(RUNS_ENV):
        roots.append(os.environ[RUNS_ENV])
    roots.append(default_runs_root())
    return list(dict.fromkeys(os.path.abspath(os.path.expanduser(r)) for r in roots))


def newest_run(name: str, environment: str, roots):
    """The newest undamaged run of ``name`` trained on ``environment``, or None."""
    from workbench.runs.history import scan_runs

    for record in scan_runs(roots):  # newest first
        if not record.damaged and record.model == name and record.data == environment:
            return record
    return None


def check(name: str, reference, roots=None) -> dict:
    roots = runs_roots(roots)
    record = newest_run(name, reference.environment, roots)
    values = [v for v in (record.history.get(reference.metric) or []) if v is not None] if record else []
    if not values:
        where = " or ".join(roots)
        why = (f"its newest run ({record.name}) has no {reference.metric} yet" if record else
               f"no run of {name} on {reference.environment} under {where}")
        return {"expected": reference.expected, "measured": None, "ok": None,
                "detail": f"{why}: train one to compare (keras-workbench train {name} --data "
                          f"{reference.environment})", "run": record.path if record else None}
    measured = float(values[-1])
    ok = measured >= reference.expected
    detail = (f"run {record.name}: {reference.metric} {measured:.1f} after {len(values)} epochs "
              f"({'reaches' if ok else 'below'} {reference.expected:g})")
    return {"expected": reference.expected, "measured": round(measured, 3), "ok": ok, "detail": detail,
            "run": record.path}
