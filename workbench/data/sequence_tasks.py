"""Generated sequence tasks for recurrent and sequence-to-sequence models (catalog section D).

- ``long_gap``: a one-hot symbol, then ``gap`` distractor symbols drawn from the same
  alphabet; the label (one per sequence) is the *first* symbol. Nothing after step 0 says
  anything about it, so a model that cannot carry information across ``gap`` steps scores
  the chance level ``1 / symbols`` (Hochreiter & Schmidhuber's long time-lag problems).
- ``lookahead``: the label at step ``t`` is the input symbol at step ``t + shift`` (the
  class ``end`` on the last ``shift`` steps, where there is no such symbol). Symbols are
  drawn independently, so a model that reads only the past — any one-way RNN — holds no
  information about step ``t + shift`` when it must answer at step ``t``: on those steps it
  is at chance, ``1 / symbols``. It can still learn where the ``end`` steps are (by
  counting), so its best accuracy is ``(shift + (length - shift) / symbols) / length``;
  a bidirectional model, which also reads the sequence backwards, can reach 100 %.
- ``reverse_digits`` (``"1234" -> "4321"``) and ``add_digits`` (``"123+45" -> "168"``):
  string-to-string tasks for an encoder-decoder. Strings are integer-encoded with
  ``VOCABULARY``: ``<pad>`` = 0, ``<start>`` = 1, ``<end>`` = 2, the digits ``0``..``9`` =
  3..12 and ``+`` = 13. The encoder input is the source string left-aligned and padded;
  the decoder target is the answer followed by ``<end>``; the decoder input (teacher
  forcing) is ``<start>`` followed by the answer: the target shifted right by one step.

Every task is a function of the seed; options arrive from the CLI as text and are
parsed and range-checked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.data.base import DataInfo, Dataset, split
from workbench.data.registry import DatasetSpec, register
from workbench.data.synthetic import _int_option
from workbench.errors import WorkbenchError

#: The seq2seq token vocabulary, in index order (index 0 is padding, masked by models).
VOCABULARY = ("<pad>", "<start>", "<end>", *"0123456789", "+")
PAD, START, END = 0, 1, 2
TOKEN_ID = {token: i for i, token in enumerate(VOCABULARY)}
#: Digits per number by default: sums are harder than reversals, so they start shorter.
DEFAULT_MAX_LENGTH = {"add_digits": 3, "reverse_digits": 6}
#: The most array elements a generated task may hold (keeps a typo from filling the memory).
MAX_ELEMENTS = 200_000_000

register(DatasetSpec(
    "long_gap", "sequence", "classification",
    "Recall the first of gap+1 one-hot symbols after gap distractors; chance is 1/symbols "
    "(options: gap, symbols, samples).",
    "workbench.data.sequence_tasks:load_long_gap", options=("gap", "symbols", "samples"),
))
register(DatasetSpec(
    "lookahead", "sequence", "sequence",
    "Label each step with the symbol `shift` steps ahead: a one-way RNN cannot see it and stays "
    "at chance there, a bidirectional one solves it (options: length, shift, symbols, samples).",
    "workbench.data.sequence_tasks:load_lookahead", options=("length", "shift", "symbols", "samples"),
))
register(DatasetSpec(
    "reverse_digits", "sequence", "sequence",
    "Seq2seq: reverse a string of digits, '1234' -> '4321' (options: max_length, samples).",
    "workbench.data.sequence_tasks:load_digit_task", options=("max_length", "samples"),
))
register(DatasetSpec(
    "add_digits", "sequence", "sequence",
    "Seq2seq: add two numbers written as a string, '123+45' -> '168' (options: max_length, samples).",
    "workbench.data.sequence_tasks:load_digit_task", options=("max_length", "samples"),
))


@dataclass
class SequenceTask(Dataset):
    """One-hot symbol sequences (``long_gap``, ``lookahead``) with what they are for."""

    #: The accuracy of a model that does not solve the task (see the module docstring).
    chance_level: float = 0.0
    summary: str = ""

    def preview(self) -> list:
        from workbench.views import HeatGrid, Text, View

        symbols = list(self.info.feature_names)
        lines = [f"input:  {_symbols_text(xi, symbols)}\nlabel:  {_label_text(yi, self.info.class_names)}\n"
                 for xi, yi in zip(self.x_train[:4], self.y_train[:4])]
        text = f"{self.summary}\n\n" + "\n".join(lines)
        return [View("task_examples", Text(text), f"{self.info.name}: examples"),
                View("first_sequence", HeatGrid(self.x_train[0].T, symbols, [], "time step", "symbol"),
                     f"{self.info.name}: the first training sequence, one-hot")]

    def describe(self) -> dict:
        return {"samples": len(self.x_train) + len(self.x_val), "train": len(self.x_train),
                "validation": len(self.x_val), "length": int(self.info.input_shape[0]),
                "symbols": int(self.info.input_shape[1]), "chance_level": self.chance_level}


@dataclass
class Seq2SeqTask(Dataset):
    """Integer-encoded string pairs: ``x`` the encoder input, ``y`` the decoder target and
    ``decoder_x_*`` the decoder input for teacher forcing (``teacher_forcing(y)``)."""

    decoder_x_train: np.ndarray = None
    decoder_x_val: np.ndarray = None
    vocabulary: tuple[str, ...] = VOCABULARY
    examples: list[tuple[str, str]] = field(default_factory=list)

    def preview(self) -> list:
        from workbench.views import HeatGrid, Text, View

        lines = [f"{decode(x)!s:>{self.x_train.shape[1]}}  ->  {decode(y)}"
                 for x, y in zip(self.x_train[:12], self.y_train[:12])]
        vocab = " ".join(f"{i}={t}" for i, t in enumerate(self.vocabulary))
        rows = [self.x_train[0], self.decoder_x_train[0], self.y_train[0]]
        width = max(len(r) for r in rows)
        ids = np.stack([np.pad(r, (0, width - len(r))) for r in rows])
        return [View("task_examples", Text("\n".join(lines) + f"\n\nVocabulary: {vocab}"),
                     f"{self.info.name}: examples"),
                View("encoded_example", HeatGrid(ids, ["encoder input", "decoder input", "decoder target"],
                                                 [], "position", "", annotate=True),
                     f"{self.info.name}: token ids of the first example")]

    def describe(self) -> dict:
        lengths = (self.y_train != PAD).sum(axis=1) - 1  # the answer's digits, without <end>
        return {"samples": len(self.x_train) + len(self.x_val), "train": len(self.x_train),
                "validation": len(self.x_val), "encoder_length": int(self.x_train.shape[1]),
                "decoder_length": int(self.y_train.shape[1]), "vocabulary": len(self.vocabulary),
                "mean_answer_length": round(float(lengths.mean()), 3)}


# ----------------------------------------------------------------------------- long gap

def load_long_gap(options: dict, seed: int, val_fraction: float) -> SequenceTask:
    gap = _int_option(options, "gap", 20, 1, 10_000)
    symbols = _int_option(options, "symbols", 4, 2, 64)
    samples = _int_option(options, "samples", 2000, 2, 1_000_000)
    _check_size(samples * (gap + 1) * symbols)
    x, y = long_gap(samples, gap, symbols, np.random.default_rng(seed))
    names = _symbol_names(symbols)
    info = DataInfo("long_gap", "sequence", "classification", (gap + 1, symbols), names, names)
    summary = (f"Recall the first symbol after {gap} distractor steps; a model that forgets it "
               f"scores 1/{symbols}.")
    x_tr, y_tr, x_va, y_va, i_tr, i_va = split(x, y, val_fraction, seed,
                                               ids=_sample_ids("long_gap", samples))
    return SequenceTask(info, x_tr, y_tr, x_va, y_va, ids_train=i_tr, ids_val=i_va,
                        chance_level=1.0 / symbols, summary=summary)


def long_gap(samples: int, gap: int, symbols: int, rng: np.random.Generator):
    """``x (samples, gap + 1, symbols)`` one-hot float32 and ``y (samples,)``: the symbol at step 0."""
    ids = rng.integers(0, symbols, size=(samples, gap + 1))
    return _one_hot(ids, symbols), ids[:, 0].astype(np.int64)


# ----------------------------------------------------------------------------- lookahead

def load_lookahead(options: dict, seed: int, val_fraction: float) -> SequenceTask:
    length = _int_option(options, "length", 20, 2, 10_000)
    shift = _int_option(options, "shift", 3, 1, 10_000)
    symbols = _int_option(options, "symbols", 4, 2, 64)
    samples = _int_option(options, "samples", 2000, 2, 1_000_000)
    if shift >= length:
        raise WorkbenchError(f"data option shift={shift} must be smaller than length={length}: "
                             "no step would have a symbol ahead of it")
    _check_size(samples * length * symbols)
    x, y = lookahead(samples, length, shift, symbols, np.random.default_rng(seed))
    names = _symbol_names(symbols)
    info = DataInfo("lookahead", "sequence", "sequence", (length, symbols), (*names, "end"), names)
    chance = lookahead_one_way_ceiling(length, shift, symbols)
    summary = (f"Each step's label is the symbol {shift} steps ahead ('end' on the last {shift}). "
               "A one-way RNN has not read that symbol yet, so it can only guess "
               f"(at best {chance:.3f} accuracy); a bidirectional RNN can reach 1.0.")
    x_tr, y_tr, x_va, y_va, i_tr, i_va = split(x, y, val_fraction, seed, stratify=False,
                                               ids=_sample_ids("lookahead", samples))
    return SequenceTask(info, x_tr, y_tr, x_va, y_va, ids_train=i_tr, ids_val=i_va,
                        chance_level=chance, summary=summary)


def lookahead(samples: int, length: int, shift: int, symbols: int, rng: np.random.Generator):
    """``x (samples, length, symbols)`` one-hot and ``y (samples, length)``: ``y[t] = id[t + shift]``,
    and ``symbols`` (the class ``end``) where ``t + shift`` is past the end."""
    ids = rng.integers(0, symbols, size=(samples, length))
    y = np.full((samples, length), symbols, np.int64)
    y[:, : length - shift] = ids[:, shift:]
    return _one_hot(ids, symbols), y


def lookahead_one_way_ceiling(length: int, shift: int, symbols: int) -> float:
    """The best accuracy of a model that reads only the past: the ``end`` steps right, the rest guessed."""
    return (shift + (length - shift) / symbols) / length


# ----------------------------------------------------------------------------- digit strings

def load_digit_task(options: dict, seed: int, val_fraction: float) -> Seq2SeqTask:
    name = options.get("_spec_name", "add_digits")
    max_length = _int_option(options, "max_length", DEFAULT_MAX_LENGTH[name], 1, 18)
    samples = _int_option(options, "samples", 5000, 2, 1_000_000)
    rng = np.random.default_rng(seed)
    pairs = (add_digits if name == "add_digits" else reverse_digits)(samples, max_length, rng)
    enc_len = 2 * max_length + 1 if name == "add_digits" else max_length
    dec_len = (max_length + 1 if name == "add_digits" else max_length) + 1  # + <end>
    x = np.stack([encode(src, enc_len) for src, _ in pairs])
    y = np.stack([encode(dst, dec_len, end=True) for _, dst in pairs])
    x_tr, y_tr, x_va, y_va, i_tr, i_va = split(x, y, val_fraction, seed, stratify=False,
                                               ids=_sample_ids(name, samples))
    info = DataInfo(name, "sequence", "sequence", (enc_len,), VOCABULARY)
    return Seq2SeqTask(info, x_tr, y_tr, x_va, y_va, ids_train=i_tr, ids_val=i_va,
                       decoder_x_train=teacher_forcing(y_tr), decoder_x_val=teacher_forcing(y_va),
                       examples=pairs[:5])


def add_digits(samples: int, max_length: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """``("123+45", "168")`` pairs; each operand has 1..``max_length`` digits."""
    pairs = []
    for _ in range(samples):
        a, b = _random_number(max_length, rng), _random_number(max_length, rng)
        pairs.append((f"{a}+{b}", str(int(a) + int(b))))
    return pairs


def reverse_digits(samples: int, max_length: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """``("1234", "4321")`` pairs of 1..``max_length`` digits (leading zeros allowed: it is text)."""
    pairs = []
    for _ in range(samples):
        digits = "".join(map(str, rng.integers(0, 10, size=rng.integers(1, max_length + 1))))
        pairs.append((digits, digits[::-1]))
    return pairs


def _random_number(max_length: int, rng: np.random.Generator) -> str:
    # The length is drawn first, so short numbers are as common as long ones (drawing the
    # value uniformly would make nearly every number max_length digits long).
    length = int(rng.integers(1, max_length + 1))
    if length == 1:
        return str(int(rng.integers(0, 10)))
    return str(int(rng.integers(1, 10))) + "".join(map(str, rng.integers(0, 10, size=length - 1)))


def encode(text: str, length: int, end: bool = False) -> np.ndarray:
    """Token ids of ``text`` (+ ``<end>``), padded with ``<pad>`` to ``length`` (int32)."""
    ids = [TOKEN_ID[c] for c in text] + ([END] if end else [])
    if len(ids) > length:
        raise ValueError(f"{text!r} needs {len(ids)} positions, more than {length}")
    return np.array(ids + [PAD] * (length - len(ids)), np.int32)


def decode(ids) -> str:
    """The string of a row of token ids: stops at ``<end>``, skips ``<pad>`` and ``<start>``."""
    out = []
    for i in np.asarray(ids).ravel():
        if i == END:
            break
        if i not in (PAD, START):
            out.append(VOCABULARY[int(i)])
    return "".join(out)


def teacher_forcing(targets: np.ndarray) -> np.ndarray:
    """The decoder input: ``<start>`` then the target shifted right by one, ``<end>`` -> ``<pad>``
    (the decoder is fed the right previous token at each step, whatever it predicted)."""
    shifted = np.full_like(targets, PAD)
    shifted[:, 0] = START
    shifted[:, 1:] = np.where(targets[:, :-1] == END, PAD, targets[:, :-1])
    return shifted


# ----------------------------------------------------------------------------- helpers

def _one_hot(ids: np.ndarray, symbols: int) -> np.ndarray:
    return np.eye(symbols, dtype=np.float32)[ids]


def _symbol_names(symbols: int) -> tuple[str, ...]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return tuple(letters[i] if i < 26 else f"S{i}" for i in range(symbols))


def _symbols_text(x: np.ndarray, names) -> str:
    ids = x.argmax(-1)
    text = " ".join(names[i] for i in ids[:24])
    return text + (" ..." if len(ids) > 24 else "")


def _label_text(y, names) -> str:
    y = np.atleast_1d(y)
    text = " ".join(names[int(i)] if names[int(i)] != "end" else "." for i in y[:24])
    return text + (" ..." if len(y) > 24 else "")


def _sample_ids(name: str, samples: int) -> list[str]:
    """``long_gap:17``: the sample's index in generation order, so a mark can name it."""
    return [f"{name}:{i}" for i in range(samples)]


def _check_size(elements: int) -> None:
    if elements > MAX_ELEMENTS:
        raise WorkbenchError(
            f"these options make {elements:,} one-hot values, more than {MAX_ELEMENTS:,}; "
            "lower samples, gap/length or symbols")
