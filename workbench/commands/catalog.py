"""``keras-workbench catalog``: every technique, grouped by family."""

from __future__ import annotations

import textwrap


def register(sub) -> None:
    p = sub.add_parser("catalog", help="list the models and algorithms")
    p.add_argument("entry", nargs="?", help="show this entry with every hyperparameter --set accepts")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--family", help="only entries whose family starts with this (e.g. B)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench import catalog
    from workbench.cli import emit_json

    if getattr(args, "entry", None):
        return show_entry(catalog.get(args.entry), args.json)
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


def show_entry(entry, as_json: bool) -> int:
    """One entry: its summary and every hyperparameter (its own, then the shared training ones)."""
    from workbench.cli import emit_json

    if as_json:
        emit_json({**entry.as_dict(), "hparams": [h.as_dict() for h in entry.all_hparams]})
        return 0
    print(f"{entry.title} ({entry.name}) · {entry.family} · {entry.task}")
    print(textwrap.fill(entry.summary, 100, initial_indent="  ", subsequent_indent="  "))
    print("hyperparameters (--set NAME=VALUE):")
    for h in entry.all_hparams:
        allowed = "|".join(map(str, h.choices)) if h.choices else (
            f"{h.low:g}..{h.high:g}" if h.low is not None and h.high is not None else h.type.__name__)
        print(f"  {h.name:<18} {h.default!s:<32} {allowed}")
        if h.help:
            print(textwrap.fill(h.help, 96, initial_indent="      ", subsequent_indent="      "))
    return 0
