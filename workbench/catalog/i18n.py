"""The catalog's texts in other languages: entry summaries and titles, family headings, hparam help.

English is the catalog's own text (``Entry.summary``, ``Entry.title``, ``HParam.help``, the
family strings). A translation lives in ``translations/<language>.json`` (data, UTF-8)::

    {"entries":     {"lenet": {"source": "<the English summary translated>", "summary": "...",
                               "title_source": "LeNet-style CNN", "title": "..."}},
     "families":    {"A. Foundations": "A. 基礎"},
     "hparam_help": {"<English help text>": "..."}}

Every translated text is keyed by, or stored next to, the English it was translated from
(as Qt's ``.ts`` files do): when an English summary is edited and its translation is not,
the stale translation is not shown (English is), and ``stale_entries`` names it so that a
test fails until someone re-translates. A missing translation falls back to English too.

Core module: no Qt. The GUI passes the window's language (``ui.i18n.current_language``).
"""

from __future__ import annotations

import functools
import json
import os

from workbench.errors import WorkbenchError

#: The language the catalog is written in; it has no translation file.
SOURCE_LANGUAGE = "en"
TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")


def languages() -> list[str]:
    """Every language the catalog can be shown in: English and one per translation file."""
    found = sorted(name[:-5] for name in os.listdir(TRANSLATIONS_DIR) if name.endswith(".json")) \
        if os.path.isdir(TRANSLATIONS_DIR) else []
    return [SOURCE_LANGUAGE] + [code for code in found if code != SOURCE_LANGUAGE]


def check_language(language: str) -> str:
    """``language`` when the catalog has it, else a ``WorkbenchError`` listing the ones it has."""
    known = languages()
    if language not in known:
        raise WorkbenchError(f"The catalog is available in {', '.join(known)}, not {language!r}.")
    return language


@functools.cache
def table(language: str) -> dict:
    """The parsed translation file of ``language`` ({} for English or a language without one)."""
    path = os.path.join(TRANSLATIONS_DIR, f"{language}.json")
    if language == SOURCE_LANGUAGE or not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _entry_row(entry, language: str) -> dict:
    return table(language).get("entries", {}).get(entry.name, {})


def localized_summary(entry, language: str) -> str:
    """The entry's summary in ``language``; English when untranslated or translated from an older text."""
    row = _entry_row(entry, language)
    if row.get("summary") and row.get("source") == entry.summary:
        return row["summary"]
    return entry.summary


def localized_title(entry, language: str) -> str:
    """The entry's title in ``language`` where that language has a customary name, else its own title."""
    row = _entry_row(entry, language)
    if row.get("title") and row.get("title_source") == entry.title:
        return row["title"]
    return entry.title


def family_title(family: str, language: str) -> str:
    """A family heading (``"A. Foundations"``) in ``language``."""
    return table(language).get("families", {}).get(family) or family


def hparam_help(hparam, language: str) -> str:
    """An ``HParam``'s help text (or the English help text itself) in ``language``."""
    text = hparam if isinstance(hparam, str) else hparam.help
    if not text:
        return text
    return table(language).get("hparam_help", {}).get(text) or text


def stale_entries(language: str, entries) -> list[str]:
    """Names of ``entries`` whose summary has no translation in ``language`` from the current English."""
    stale = []
    for entry in entries:
        row = _entry_row(entry, language)
        if not row.get("summary") or row.get("source") != entry.summary:
            stale.append(entry.name)
    return stale
