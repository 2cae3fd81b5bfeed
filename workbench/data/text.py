"""Text corpora for language models: the embedded ``genesis`` text and the user's own ``.txt``.

A corpus is split by *position*: the first ``1 - val_fraction`` of the text trains, the rest
validates (cut at a line end). Text is sequential, so a random split of sentences would let
the model be validated on the very passages it was trained on, a few words apart.

Tokens are characters (``level=char``) or words and punctuation marks (``level=word``).
The vocabulary is built from the training part only, most frequent first after the two
special tokens ``<pad>`` (0, what models mask) and ``<unk>`` (1: a token the vocabulary
lacks: beyond ``max_vocab``, or seen only in the validation part); ``describe()`` reports
how many tokens became ``<unk>``. keras-hub's tokenizers are not used: they pull in
kagglehub and tensorflow-text, and a plain vocabulary is what these models need.

A user's file must be UTF-8: undecodable bytes are dropped and reported in ``skipped``
(never silently); a file that is mostly undecodable, empty, or only whitespace is refused.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, flag_option, register
from workbench.data.sources import Corpus
from workbench.data.synthetic import _int_option
from workbench.errors import WorkbenchError

PAD, UNK = "<pad>", "<unk>"
LEVELS = ("char", "word")
OPTIONS = ("level", "lowercase", "max_vocab")
#: Words (with inner apostrophes, "Joseph's") and single punctuation marks; spaces are dropped.
WORD_PATTERN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
#: Undecodable bytes beyond this share of the file: it is not UTF-8 text at all.
MAX_BAD_BYTES = 0.05
EXCERPT_CHARS = 700
MAX_TEXT_BYTES = 100 * 10**6

register(DatasetSpec(
    "genesis", "text", "sequence",
    "Embedded corpus: the Book of Genesis, King James Version (public domain, 197 KB), split by "
    "position (options: level=char|word, lowercase, max_vocab).",
    "workbench.data.text:load_genesis", options=OPTIONS,
))
register(DatasetSpec(
    "textfile", "text", "sequence",
    "Your own UTF-8 .txt file as a corpus, split by position (options: level, lowercase, max_vocab).",
    "workbench.data.text:load_text_file", needs_path=True, options=OPTIONS,
))


@dataclass
class TextCorpus(Corpus):
    """A tokenised corpus: ``encode`` turns text into vocabulary ids, unknown tokens into ``<unk>``."""

    unknown_train: int = 0
    unknown_val: int = 0

    def tokens(self, text: str) -> list[str]:
        return tokenize(text, self.level)

    def encode(self, text: str) -> np.ndarray:
        index = {t: i for i, t in enumerate(self.vocabulary)}
        return np.array([index.get(t, 1) for t in self.tokens(text)], np.int32)

    def preview(self) -> list:
        from workbench.views import Curves, Text, View

        counts = Counter(self.tokens(self.train_text))
        freq = np.array(sorted(counts.values(), reverse=True), np.float64)
        rank = np.arange(1, len(freq) + 1)
        # Zipf's law: frequency ~ 1 / rank, a straight line of slope -1 on log-log axes.
        zipf = freq[0] / rank
        excerpt = self.train_text[:EXCERPT_CHARS] + ("..." if len(self.train_text) > EXCERPT_CHARS else "")
        return [View("excerpt", Text(excerpt), f"{self.info.name}: the first lines"),
                View("rank_frequency", Curves({f"{self.level}s": (np.log10(rank), np.log10(freq)),
                                               "Zipf 1/rank": (np.log10(rank), np.log10(zipf))},
                                              "log10 rank", "log10 count"),
                     f"{self.info.name}: rank-frequency (Zipf)")]

    def describe(self) -> dict:
        train, val = len(self.tokens(self.train_text)), len(self.tokens(self.val_text))
        unknown = self.unknown_train + self.unknown_val
        return {"characters": len(self.train_text) + len(self.val_text),
                "tokens": train + val, "train_tokens": train, "val_tokens": val,
                "level": self.level, "vocabulary": len(self.vocabulary),
                "unknown_tokens": unknown,
                "unknown_rate": round(unknown / max(train + val, 1), 6)}


def load_genesis(options: dict, seed: int, val_fraction: float) -> TextCorpus:
    text = resources.files("workbench.data.corpus").joinpath("genesis_kjv.txt").read_text("utf-8")
    return make_corpus("genesis", text, options, val_fraction)


def load_text_file(options: dict, seed: int, val_fraction: float) -> TextCorpus:
    path = options["path"]
    text, skipped = read_utf8(path)
    corpus = make_corpus(os.path.basename(path), text, options, val_fraction)
    corpus.skipped = skipped
    return corpus


def read_utf8(path: str) -> tuple[str, list[str]]:
    """The file's text and one line per run of undecodable bytes dropped from it."""
    if not os.path.isfile(path):
        raise WorkbenchError(f"text file not found: {path}")
    size = os.path.getsize(path)
    if size > MAX_TEXT_BYTES:  # held in memory whole, and tokenised in Python
        raise WorkbenchError(f"{os.path.basename(path)} is {size / 1e6:.0f} MB; a corpus here can be "
                             f"at most {MAX_TEXT_BYTES // 10**6} MB (use an excerpt)")
    with open(path, "rb") as f:
        raw = f.read()
    # surrogateescape keeps each undecodable byte as one lone surrogate, so they can be
    # found and counted in one pass, then dropped.
    text = raw.decode("utf-8", errors="surrogateescape")
    bad = [m.start() for m in re.finditer("[\udc80-\udcff]", text)]
    name = os.path.basename(path)
    if bad and len(bad) > MAX_BAD_BYTES * len(raw):
        raise WorkbenchError(f"{name} is not UTF-8 text ({len(bad)} of {len(raw)} bytes cannot be "
                             "decoded); save it as UTF-8 plain text")
    skipped = []
    if bad:
        line = text.count("\n", 0, bad[0]) + 1
        skipped.append(f"{name}: {len(bad)} byte(s) that are not UTF-8 were dropped "
                       f"(the first on line {line})")
        text = re.sub("[\udc80-\udcff]", "", text)
    text = text.lstrip("\ufeff")  # a byte-order mark is not text
    if not text.strip():
        raise WorkbenchError(f"{name} is empty or holds only whitespace: there is no text to train on")
    return text, skipped


def make_corpus(name: str, text: str, options: dict, val_fraction: float) -> TextCorpus:
    level = str(options.get("level", "char")).lower()
    if level not in LEVELS:
        raise WorkbenchError(f"data option level={level!r} must be char or word")
    lowercase = flag_option(options, "lowercase")
    max_vocab = _int_option(options, "max_vocab", 0, 0, 10_000_000)
    if not 0.0 <= val_fraction < 1.0:
        raise WorkbenchError(f"validation fraction {val_fraction} must be in [0, 1)")
    text = text.replace("\r\n", "\n")
    if lowercase:
        text = text.lower()
    train_text, val_text = split_by_position(text, val_fraction)
    train_tokens, val_tokens = tokenize(train_text, level), tokenize(val_text, level)
    if len(train_tokens) < 2:
        raise WorkbenchError(f"{name} has {len(train_tokens)} {level} token(s) to train on; "
                             "a language model needs at least 2")
    vocabulary = build_vocabulary(train_tokens, max_vocab)
    known = set(vocabulary)
    info = DataInfo(name, "text", "sequence", (None,), tuple(vocabulary))
    return TextCorpus(info, train_text=train_text, val_text=val_text, vocabulary=vocabulary,
                      level=level, unknown_train=sum(t not in known for t in train_tokens),
                      unknown_val=sum(t not in known for t in val_tokens))


def split_by_position(text: str, val_fraction: float) -> tuple[str, str]:
    """The text before and after the cut at ``1 - val_fraction``, moved to the next line end
    so no word is cut in two (kept where it is when no line end follows)."""
    if val_fraction == 0:
        return text, ""
    cut = int(round(len(text) * (1.0 - val_fraction)))
    newline = text.find("\n", cut)
    if newline != -1 and newline + 1 < len(text) and text[newline + 1:].strip():
        cut = newline + 1
    return text[:cut], text[cut:]


def tokenize(text: str, level: str) -> list[str]:
    return list(text) if level == "char" else WORD_PATTERN.findall(text)


def build_vocabulary(tokens: list[str], max_vocab: int = 0) -> list[str]:
    """``<pad>``, ``<unk>``, then the tokens by falling count (ties: first seen first);
    ``max_vocab`` > 0 keeps only that many tokens besides the two special ones."""
    ranked = [t for t, _ in Counter(tokens).most_common()]  # stable: ties keep first-seen order
    if max_vocab:
        ranked = ranked[:max_vocab]
    return [PAD, UNK, *ranked]
