"""``keras-workbench catalog``: every technique, grouped by family."""

from __future__ import annotations

import re
import textwrap
import unicodedata


def register(sub) -> None:
    p = sub.add_parser("catalog", help="list the models and algorithms")
    p.add_argument("entry", nargs="?", help="show this entry with every hyperparameter --set accepts")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--family", help="only entries whose family starts with this (e.g. B)")
    p.add_argument("--lang", default="en",
                   help="language of the titles, summaries and help texts (en, ja); "
                        "--json always carries every language")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbench import catalog
    from workbench.catalog import i18n
    from workbench.cli import emit_json

    language = i18n.check_language(getattr(args, "lang", None) or i18n.SOURCE_LANGUAGE)
    if getattr(args, "entry", None):
        return show_entry(catalog.get(args.entry), args.json, language)
    groups = catalog.by_family()
    if args.family:
        groups = {f: e for f, e in groups.items() if f.lower().startswith(args.family.lower())}
    if args.json:
        from workbench.references import summary

        rows = []
        for entry in (e for entries in groups.values() for e in entries):
            # the declared outside reference, and its check's result when one is cached
            reference, check = summary(entry.name)
            rows.append({**entry.as_dict(), **translated(entry),
                         "reference": reference, "reference_check": check})
        emit_json(rows)
        return 0
    if language != i18n.SOURCE_LANGUAGE:
        return list_translated(groups, language)
    for family, entries in groups.items():
        print(family)
        for e in entries:
            first = textwrap.shorten(e.summary, 70, placeholder="…")
            print(f"  {e.name:<24} {e.task:<15} {first}")
    return 0


def translated(entry) -> dict:
    """``summary_ja``, ``title_ja``, ... : the entry's texts in every language the catalog has."""
    from workbench.catalog import i18n

    row = {}
    for language in i18n.languages()[1:]:
        row[f"title_{language}"] = i18n.localized_title(entry, language)
        row[f"summary_{language}"] = i18n.localized_summary(entry, language)
    return row


def wrap(text: str, width: int, indent: str) -> str:
    """``text`` folded into indented lines of at most ``width`` terminal columns (indent included).

    Japanese has no spaces to break at and its characters take two columns, so
    ``textwrap`` (which counts characters and breaks at spaces) gives ragged lines:
    a line may break here before any wide character or at a space, never inside a
    run of narrow characters (a formula, a name), nor before closing punctuation."""
    if not any(_columns(c) == 2 for c in text):
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)
    room = width - len(indent)
    lines, line, used, space = [], "", 0, False
    for token in re.findall(r"\s+|[^\s\u1100-\uffff]+|.", text):
        if token.isspace():
            space = bool(line)
            continue
        size = sum(_columns(c) for c in token)
        if line and used + space + size > room and token[0] not in _NO_LINE_START:
            lines.append(line)
            line, used, space = "", 0, False
        if space:
            line, used = line + " ", used + 1
        line, used, space = line + token, used + size, False
    if line:
        lines.append(line)
    return "\n".join(indent + item for item in lines)


def _columns(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


#: Characters a Japanese line must not begin with (kinsoku): closing brackets and punctuation.
_NO_LINE_START = set("、。，．・：；？！）」』】〕｝〉》ー～")


def list_translated(groups: dict, language: str) -> int:
    """Each family heading, then each entry's name and title and its whole summary, in ``language``."""
    from workbench.catalog import i18n

    for family, entries in groups.items():
        print(i18n.family_title(family, language))
        for e in entries:
            print(f"  {e.name:<24} {i18n.localized_title(e, language)}")
            print(wrap(i18n.localized_summary(e, language), 96, "      "))
    return 0


def show_entry(entry, as_json: bool, language: str = "en") -> int:
    """One entry: its summary and every hyperparameter (its own, then the shared training ones)."""
    from workbench.catalog import i18n
    from workbench.cli import emit_json

    if as_json:
        emit_json({**entry.as_dict(), **translated(entry),
                   "hparams": [h.as_dict() for h in entry.all_hparams]})
        return 0
    width = 100
    print(f"{i18n.localized_title(entry, language)} ({entry.name}) · "
          f"{i18n.family_title(entry.family, language)} · {entry.task}")
    print(wrap(i18n.localized_summary(entry, language), width, "  "))
    print("hyperparameters (--set NAME=VALUE):")
    for h in entry.all_hparams:
        allowed = "|".join(map(str, h.choices)) if h.choices else (
            f"{h.low:g}..{h.high:g}" if h.low is not None and h.high is not None else h.type.__name__)
        print(f"  {h.name:<18} {h.default!s:<32} {allowed}")
        if h.help:
            print(wrap(i18n.hparam_help(h, language), width - 4, "      "))
    return 0
