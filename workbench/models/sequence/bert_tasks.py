"""BERT's data: the pre-training pairs with their masks, and the planted fine-tuning sets.

Tokens are lower-cased words (punctuation dropped) after five special tokens:
``[PAD]`` 0 (masked out), ``[UNK]`` 1, ``[CLS]`` 2, ``[SEP]`` 3, ``[MASK]`` 4.

The fine-tuning labels are *planted*: computed from the words by fixed rules, so the sets
need no annotation, train offline and have a known right answer:

- topic (``classify``): ``divine`` if the verse names god or lord, else ``family`` if it
  speaks of kin (begat, son, wife, ...), else ``other``;
- IOB tags (``tag``): a person's name is ``B-PER``; "land of X" for a place X is
  ``B-LOC I-LOC I-LOC``, a place named alone ``B-LOC``; every other word ``O``;
- QA spans (``qa``): "who" is answered by the verse's first person, "where" by its first
  place (the whole "land of X" span).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(5)
CLS, SEP, MASK = "[CLS]", "[SEP]", "[MASK]"
#: How a chosen masked-LM position is changed: 80 % [MASK], 10 % a random word, 10 % kept.
MASK_SHARES = (0.8, 0.1, 0.1)

TOPICS = ("divine", "family", "other")
DIVINE = frozenset({"god", "lord"})
KIN = frozenset({"begat", "son", "sons", "daughter", "daughters", "wife", "wives", "father", "mother",
                 "brother", "brethren", "sister", "husband", "children", "born"})
TAGS = ("<pad>", "O", "B-PER", "B-LOC", "I-LOC")
PERSONS = frozenset(["adam", "eve", "cain", "abel", "seth", "enoch", "noah", "shem", "ham", "japheth", "abram", "abraham", "sarai", "sarah", "lot", "hagar", "ishmael", "isaac", "rebekah", "esau", "jacob", "laban", "leah", "rachel", "reuben", "simeon", "levi", "judah", "dan", "naphtali", "gad", "asher", "issachar", "zebulun", "dinah", "joseph", "benjamin", "pharaoh", "potiphar", "melchizedek", "abimelech", "nahor", "terah", "methuselah", "lamech", "bethuel", "ephron", "judah's", "tamar", "er", "onan"])
PLACES = frozenset(["egypt", "canaan", "goshen", "edom", "shinar", "seir", "nod", "moriah", "havilah", "ethiopia", "eden", "haran", "bethel", "sodom", "gomorrah", "hebron", "beersheba", "shechem", "zoar", "babel", "gerar", "mamre", "padanaram"])


def words(text: str) -> list[str]:
    from workbench.models.sequence.word2vec import words_of

    return words_of(text)


def verses(text: str) -> list[list[str]]:
    """One word list per line of three words or more (chapter headings left out)."""
    found = []
    for line in text.splitlines():
        tokens = words(line)
        if len(tokens) >= 3 and not line.strip().lower().startswith("chapter"):
            found.append(tokens)
    return found


def build_vocabulary(text: str, max_vocab: int) -> list[str]:
    ranked = [w for w, _ in Counter(words(text)).most_common(max_vocab)]
    return [*SPECIAL, *ranked]


def encode_words(tokens: list[str], index: dict) -> list[int]:
    return [index.get(t, UNK_ID) for t in tokens]


def pack(a: list[int], b: list[int] | None, length: int) -> tuple[np.ndarray, np.ndarray]:
    """``[CLS] a [SEP] (b [SEP])`` padded to ``length``, the longer part cut first; segment
    ids 0 for ``[CLS] a [SEP]``, 1 for ``b [SEP]``."""
    a, b = list(a), list(b) if b is not None else None
    room = length - (3 if b is not None else 2)
    while len(a) + (len(b) if b else 0) > room:
        if b and len(b) >= len(a):
            b.pop()
        else:
            a.pop()
    ids = [CLS_ID, *a, SEP_ID] + ([*b, SEP_ID] if b is not None else [])
    segments = [0] * (len(a) + 2) + ([1] * (len(b) + 1) if b is not None else [])
    pad = length - len(ids)
    return np.array(ids + [PAD_ID] * pad, np.int32), np.array(segments + [0] * pad, np.int32)


def mask_tokens(ids: np.ndarray, rate: float, vocab_size: int, rng: np.random.Generator):
    """Masked-LM corruption of one packed row: ``round(rate * words)`` (at least 1) word
    positions are chosen; each becomes [MASK] with p 0.8, a random word with p 0.1, or stays.
    Returns (corrupted ids, labels: the original id at chosen positions, 0 elsewhere, and
    the kind per chosen position: 0 = [MASK], 1 = random, 2 = kept)."""
    ids = np.asarray(ids, np.int32)
    candidates = np.flatnonzero((ids != PAD_ID) & (ids != CLS_ID) & (ids != SEP_ID))  # words (and [UNK])
    labels = np.zeros_like(ids)
    corrupted = ids.copy()
    if not len(candidates):
        return corrupted, labels, np.zeros(0, np.int64)
    count = max(1, round(rate * len(candidates)))
    chosen = np.sort(rng.permutation(candidates)[:count])
    draws = rng.random(count)
    kinds = np.where(draws < MASK_SHARES[0], 0, np.where(draws < MASK_SHARES[0] + MASK_SHARES[1], 1, 2))
    labels[chosen] = ids[chosen]
    corrupted[chosen[kinds == 0]] = MASK_ID
    random_words = rng.integers(len(SPECIAL), max(vocab_size, len(SPECIAL) + 1), size=int((kinds == 1).sum()))
    corrupted[chosen[kinds == 1]] = random_words
    return corrupted, labels, kinds


def nsp_pairs(n: int, rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """(i, j, is_next) for each verse i but the last: j = i + 1 with p 0.5 (is_next 1), else a
    random verse other than i and i + 1 (is_next 0)."""
    pairs = []
    for i in range(n - 1):
        if rng.random() < 0.5:
            pairs.append((i, i + 1, 1))
        else:
            j = int(rng.integers(n - 2))
            j = j if j < i else j + 2  # skip i and i + 1
            pairs.append((i, j, 0))
    return pairs


def pretraining_set(verse_list, vocabulary, length: int, rate: float, rng: np.random.Generator):
    index = {w: i for i, w in enumerate(vocabulary)}
    encoded = [encode_words(v, index) for v in verse_list]
    rows, segs, labels, nexts = [], [], [], []
    for i, j, is_next in nsp_pairs(len(encoded), rng):
        ids, segments = pack(encoded[i], encoded[j], length)
        corrupted, mlm, _ = mask_tokens(ids, rate, len(vocabulary), rng)
        rows.append(corrupted), segs.append(segments), labels.append(mlm), nexts.append(is_next)
    return _arrays(rows, segs, length), {"mlm": _stack(labels, length), "nsp": np.array(nexts, np.int32)}


def topic(tokens: list[str]) -> int:
    if DIVINE & set(tokens):
        return 0
    return 1 if KIN & set(tokens) else 2


def iob_tags(tokens: list[str]) -> list[str]:
    tags, i = [], 0
    while i < len(tokens):
        if tokens[i] == "land" and i + 2 < len(tokens) and tokens[i + 1] == "of" and tokens[i + 2] in PLACES:
            tags += ["B-LOC", "I-LOC", "I-LOC"]
            i += 3
            continue
        tags.append("B-PER" if tokens[i] in PERSONS else "B-LOC" if tokens[i] in PLACES else "O")
        i += 1
    return tags


def classification_set(verse_list, vocabulary, length: int):
    index = {w: i for i, w in enumerate(vocabulary)}
    packed = [pack(encode_words(v, index), None, length) for v in verse_list]
    return _arrays([p[0] for p in packed], [p[1] for p in packed], length), \
        np.array([topic(v) for v in verse_list], np.int32)


def tagging_set(verse_list, vocabulary, length: int):
    """Only verses with at least one entity (the others are all ``O``)."""
    index = {w: i for i, w in enumerate(vocabulary)}
    rows, segs, labels = [], [], []
    for verse in verse_list:
        tags = iob_tags(verse)
        if all(t == "O" for t in tags):
            continue
        ids, segments = pack(encode_words(verse, index), None, length)
        y = np.zeros(length, np.int32)
        kept = min(len(verse), length - 2)
        y[1:1 + kept] = [TAGS.index(t) for t in tags[:kept]]
        rows.append(ids), segs.append(segments), labels.append(y)
    return _arrays(rows, segs, length), _stack(labels, length)


def answer_span(tokens: list[str], question: str) -> tuple[int, int] | None:
    """(first, last) word index of the answer in ``tokens``, or None."""
    tags = iob_tags(tokens)
    want = "B-PER" if question == "who" else "B-LOC"
    for i, tag in enumerate(tags):
        if tag == want:
            end = i
            while end + 1 < len(tags) and tags[end + 1] == "I-LOC" and want == "B-LOC":
                end += 1
            return i, end
    return None


def qa_set(verse_list, vocabulary, length: int):
    """``[CLS] question [SEP] verse [SEP]`` with the answer's start and end positions."""
    index = {w: i for i, w in enumerate(vocabulary)}
    rows, segs, starts, ends = [], [], [], []
    for verse in verse_list:
        for question in ("who", "where"):
            span = answer_span(verse, question)
            q = encode_words([question], index)
            if span is None or 3 + len(q) + span[1] >= length:  # the answer must fit
                continue
            ids, segments = pack(q, encode_words(verse, index), length)
            offset = len(q) + 2  # [CLS] question [SEP]
            rows.append(ids), segs.append(segments)
            starts.append(offset + span[0]), ends.append(offset + span[1])
    return _arrays(rows, segs, length), {"start": np.array(starts, np.int32), "end": np.array(ends, np.int32)}


def encode_pair(first: str, second: str | None, vocabulary, length: int) -> tuple[dict, list[str]]:
    """A typed text (and a second one) as a batch of one; ``[MASK]`` written in the text is
    kept as the mask token; unknown words become ``[UNK]`` and are named in the notes."""
    index = {w: i for i, w in enumerate(vocabulary)}
    unknown: list[str] = []

    def encode(text: str) -> list[int]:
        ids = []
        for n, part in enumerate(text.split(MASK)):
            if n:
                ids.append(MASK_ID)
            for word in words(part):
                ids.append(index.get(word, UNK_ID))
                if word not in index:
                    unknown.append(word)
        return ids

    a = encode(first)
    b = encode(second) if second is not None else None
    ids, segments = pack(a, b, length)
    notes = []
    if unknown:
        notes.append(f"{len(unknown)} word(s) not in the vocabulary became [UNK]: "
                     + ", ".join(repr(w) for w in dict.fromkeys(unknown)))
    if len(a) + (len(b) + 1 if b is not None else 0) + 2 > length:
        notes.append(f"the text was cut to the {length} tokens the model was trained on")
    return {"token_ids": ids[None], "segment_ids": segments[None]}, notes


def _stack(rows, length: int) -> np.ndarray:
    return np.stack(rows).astype(np.int32) if rows else np.zeros((0, length), np.int32)


def _arrays(rows, segs, length: int) -> dict:
    return {"token_ids": _stack(rows, length), "segment_ids": _stack(segs, length)}
