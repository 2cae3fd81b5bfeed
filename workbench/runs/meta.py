"""A run's name, tags and note: what a person says about it, kept in ``RUN_DIR/meta.json``.

    {"name": "baseline, adam", "tags": ["baseline", "paper-fig-3"], "note": "before the fix"}

Written atomically, apart from the files the training writes, so a run can be named while
it trains. A run without the file has no name (the Runs tab shows its folder name), no
tags and no note; a damaged file reads as empty and is replaced by the next edit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.runs.atomic import read_json, write_json

META_FILE = "meta.json"
MAX_NAME = 120
MAX_TAG = 40
MAX_TAGS = 50
MAX_NOTE = 20000
#: A tag is one word of letters, digits and ``- _ . : / + =`` (``lr=0.1``, ``paper:fig3``), so
#: that a list of tags reads (and filters) without quoting.
TAG_PATTERN = re.compile(r"[^\W][\w\-.:/+=]*")


@dataclass
class RunMeta:
    name: str = ""
    tags: list[str] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "tags": list(self.tags), "note": self.note}

    @property
    def empty(self) -> bool:
        return not (self.name or self.tags or self.note)


def meta_path(run_path: str) -> str:
    return os.path.join(run_path, META_FILE)


def check_name(name: str) -> str:
    name = " ".join(str(name).split())  # one line: tabs and line breaks become spaces
    if len(name) > MAX_NAME:
        raise WorkbenchError(f"a run's name has at most {MAX_NAME} characters ({len(name)} given)")
    return name


def check_tag(tag: str) -> str:
    tag = str(tag).strip()
    if not tag:
        raise WorkbenchError("a tag cannot be empty")
    if len(tag) > MAX_TAG:
        raise WorkbenchError(f"tag {tag[:MAX_TAG]}… is longer than {MAX_TAG} characters")
    if not TAG_PATTERN.fullmatch(tag):
        raise WorkbenchError(f"tag {tag!r} must be one word: letters, digits and - _ . : / + = "
                             "(no spaces or commas), starting with a letter or digit")
    return tag


def check_tags(tags) -> list[str]:
    """Each tag checked, duplicates dropped (the first kept), order kept."""
    checked: list[str] = []
    for tag in tags:
        tag = check_tag(tag)
        if tag not in checked:
            checked.append(tag)
    if len(checked) > MAX_TAGS:
        raise WorkbenchError(f"a run has at most {MAX_TAGS} tags ({len(checked)} given)")
    return checked


def check_note(note: str) -> str:
    note = str(note).replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise WorkbenchError(f"a run's note has at most {MAX_NOTE} characters ({len(note)} given)")
    return note


def split_tags(text: str) -> list[str]:
    """Tags typed in one field: separated by commas and/or spaces."""
    return [part for part in re.split(r"[,\s]+", text or "") if part]


def validate(meta: RunMeta) -> RunMeta:
    return RunMeta(check_name(meta.name), check_tags(meta.tags), check_note(meta.note))


def from_dict(data) -> RunMeta:
    """A ``meta.json``'s content; anything not of the expected form raises ``WorkbenchError``."""
    if not isinstance(data, dict):
        raise WorkbenchError("not an object")
    name, tags, note = data.get("name", ""), data.get("tags", []), data.get("note", "")
    if not isinstance(name, str) or not isinstance(note, str) or not isinstance(tags, list):
        raise WorkbenchError("name and note must be text and tags a list")
    return validate(RunMeta(name, tags, note))


def read_meta(run_path: str) -> RunMeta:
    """The run's meta (empty without a file); a damaged file raises ``WorkbenchError``."""
    path = meta_path(run_path)
    if not os.path.isfile(path):
        return RunMeta()
    try:
        return from_dict(read_json(path))
    except (OSError, ValueError, WorkbenchError) as error:
        raise WorkbenchError(f"{path} is damaged ({error}); the next edit of the run's name, tags "
                             "or note replaces it") from None


def read_meta_lenient(run_path: str) -> RunMeta:
    """``read_meta``, but a damaged file reads as empty (listings must show the run anyway)."""
    try:
        return read_meta(run_path)
    except WorkbenchError:
        return RunMeta()


def write_meta(run_path: str, meta: RunMeta) -> RunMeta:
    """Check and write ``meta`` for the run in ``run_path`` (atomically); returns what was written."""
    if not os.path.isfile(os.path.join(run_path, "config.json")):
        raise WorkbenchError(f"{run_path} is not a run directory (no config.json)")
    meta = validate(meta)
    write_json(meta_path(run_path), meta.as_dict())
    return meta


def update_meta(run_path: str, name: str | None = None, add_tags=(), remove_tags=(),
                note: str | None = None) -> RunMeta:
    """Change what is given and keep the rest: ``name``/``note`` replace (``""`` clears),
    ``add_tags`` are appended, ``remove_tags`` removed (a tag the run lacks is an error,
    so that a typo does not pass unnoticed)."""
    meta = read_meta_lenient(run_path)
    if name is not None:
        meta.name = name
    if note is not None:
        meta.note = note
    for tag in remove_tags:
        tag = str(tag).strip()
        if tag not in meta.tags:
            have = ", ".join(meta.tags) or "none"
            raise WorkbenchError(f"{os.path.basename(run_path)} has no tag {tag!r} (its tags: {have})")
        meta.tags.remove(tag)
    meta.tags = [*meta.tags, *add_tags]
    return write_meta(run_path, meta)
