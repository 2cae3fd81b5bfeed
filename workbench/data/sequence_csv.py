"""Your own sequences: a CSV with one sequence and its label per row, for the recurrent entries.

    sequence,label
    A B B A C,yes
    C C A,no

A sequence is symbols separated by spaces, or, when it has no spaces, one symbol per
character (``ACGT...``). Symbols are one-hot encoded in sorted order; shorter sequences are
padded at the end with all-zero steps up to the longest (or ``max_length``, which cuts
longer ones and says how many). A row without a sequence or a label is skipped and listed,
never dropped silently. ``sequence_column`` / ``label_column`` name other columns. A
``.csv`` whose header has ``sequence`` and ``label`` is read this way when given as
``--data FILE.csv``.
"""

from __future__ import annotations

import csv
import os

import numpy as np

from workbench.data.base import DataInfo, split
from workbench.data.registry import DatasetSpec, register
from workbench.data.sequence_tasks import SequenceTask
from workbench.data.synthetic import _int_option
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "sequences", "sequence", "classification",
    "Your own sequences: a CSV with a sequence (symbols separated by spaces, or one per character) and "
    "a label per row (options: path, sequence_column, label_column, max_length).",
    "workbench.data.sequence_csv:load_sequence_csv", needs_path=True,
    options=("sequence_column", "label_column", "max_length"),
))

#: The longest sequence kept (a column of whole documents would fill the memory one-hot).
MAX_LENGTH = 10_000


def is_sequence_csv(path: str) -> bool:
    """Whether a CSV's header names ``sequence`` and ``label`` columns."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            header = next(csv.reader(handle), [])
    except OSError:
        return False
    return {"sequence", "label"} <= {column.strip().lower() for column in header}


def load_sequence_csv(options: dict, seed: int, val_fraction: float) -> SequenceTask:
    path = options.get("path") or ""
    if not path or not os.path.isfile(path):
        raise WorkbenchError(f"sequence CSV not found: {path or '(no path given)'}; give --data-option path=FILE.csv")
    max_length = _int_option(options, "max_length", 0, 0, MAX_LENGTH)
    rows, skipped = read_rows(path, options.get("sequence_column", "sequence"), options.get("label_column", "label"))
    if len(rows) < 2:
        raise WorkbenchError(f"{path} has {len(rows)} usable row(s); a sequence data set needs at least 2")
    sequences = [tokens(text) for text, _, _ in rows]
    symbols = sorted({symbol for sequence in sequences for symbol in sequence})
    classes = sorted({label for _, label, _ in rows})
    if len(classes) < 2:
        raise WorkbenchError(f"{path}: every row has the label {classes[0]!r}; a classifier needs two or more")
    longest = max(len(s) for s in sequences)
    length = min(longest, max_length) if max_length else longest
    if length > MAX_LENGTH:
        raise WorkbenchError(f"{path}: a sequence of {longest:,} symbols is longer than {MAX_LENGTH:,}; "
                             "cut it with --data-option max_length=N")
    cut = sum(len(s) > length for s in sequences)
    if cut:
        skipped.append(f"{cut} sequence(s) longer than max_length={length} were cut to their first {length} symbols")
    x = encode(sequences, symbols, length)
    y = np.array([classes.index(label) for _, label, _ in rows], np.int64)
    name = os.path.basename(path)
    info = DataInfo(name, "sequence", "classification", (length, len(symbols)), tuple(classes), tuple(symbols))
    ids = [f"{name}:{line}" for _, _, line in rows]  # the CSV line, as table rows are named
    x_tr, y_tr, x_va, y_va, i_tr, i_va = split(x, y, val_fraction, seed, ids=ids)
    counts = np.bincount(y, minlength=len(classes))
    return SequenceTask(info, x_tr, y_tr, x_va, y_va, skipped=skipped, ids_train=i_tr, ids_val=i_va,
                        chance_level=float(counts.max() / counts.sum()),
                        summary=f"{len(rows)} sequences of up to {length} symbols ({len(symbols)} kinds) "
                                f"from {name}; the most common label alone scores {counts.max() / counts.sum():.2f}.")


def read_rows(path: str, sequence_column: str, label_column: str) -> tuple[list, list[str]]:
    """``[(sequence text, label, line)]`` and one sentence per row that could not be used."""
    rows, skipped = [], []
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = {c.strip().lower(): c for c in reader.fieldnames or []}
            missing = [c for c in (sequence_column, label_column) if c.lower() not in columns]
            if missing:
                raise WorkbenchError(f"{path} has no column {', '.join(map(repr, missing))}; its columns are "
                                     f"{', '.join(reader.fieldnames or []) or 'none'} (choose with "
                                     "--data-option sequence_column=NAME label_column=NAME)")
            seq_key, label_key = columns[sequence_column.lower()], columns[label_column.lower()]
            for line, row in enumerate(reader, start=2):
                text, label = (row.get(seq_key) or "").strip(), (row.get(label_key) or "").strip()
                if not text or not label:
                    skipped.append(f"{os.path.basename(path)} line {line}: no {'sequence' if not text else 'label'}")
                    continue
                rows.append((text, label, line))
    except UnicodeDecodeError as error:
        raise WorkbenchError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except csv.Error as error:
        raise WorkbenchError(f"{path} is not a readable CSV file ({error})") from None
    return rows, skipped


def tokens(text: str) -> list[str]:
    """Symbols separated by spaces, or one per character when there are no spaces."""
    return text.split() if any(c.isspace() for c in text) else list(text)


def encode(sequences: list[list[str]], symbols: list[str], length: int) -> np.ndarray:
    """``(N, length, len(symbols))`` one-hot float32; steps after a sequence's end are all zero."""
    index = {symbol: i for i, symbol in enumerate(symbols)}
    x = np.zeros((len(sequences), length, len(symbols)), np.float32)
    for row, sequence in enumerate(sequences):
        for step, symbol in enumerate(sequence[:length]):
            x[row, step, index[symbol]] = 1.0
    return x
