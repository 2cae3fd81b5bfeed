"""``keras-workbench catalog``: every technique, grouped by family."""

from __future__ import annotations

import textwrap


def register(sub) -> None:
    p = sub.add_parser("catalog", help="list the models and algorithms")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--family", help="only entries whose family starts with this (e.g. B)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench import catalog
    from workbench.cli import emit_json

    groups = catalog.by_family()
    if args.family:
        groups = {f: e for f, e in groups.items() if f.lower().startswith(args.family.lower())}
    if args.json:
        from workbench.references import summary

        rows = []
        for entry in (e for entries in groups.values() for e in entries):
            # the declared outside reference, and its check's result when one is cached
            reference, check = summary(entry.name)
            rows.append({**entry.as_dict(), "reference": reference, "reference_check": check})
        emit_json(rows)
        return 0
    for family, entries in groups.items():
        print(family)
        for e in entries:
            first = textwrap.shorten(e.summary, 70, placeholder="…")
            print(f"  {e.name:<24} {e.task:<15} {first}")
    return 0
