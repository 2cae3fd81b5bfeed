"""Connectionist Temporal Classification decoding (Graves et al., 2006), written out.

A CTC network emits, at every frame, a distribution over the symbols plus a *blank*
(index 0 here). A frame-level path maps to a transcript by two rules, in this order:

1. merge repeated symbols:   a a _ a  ->  a _ a
2. remove the blanks:        a _ a    ->  a a

so "a a _ a" reads "aa", "a a a" reads "a", and a blank is the only way to spell a double
letter. *Greedy* decoding collapses the most likely symbol of each frame. *Beam search*
(prefix beam search) keeps the ``beam_width`` most probable transcripts so far, each with
two probabilities -- of the paths that end in a blank and of those that end in its last
symbol -- because many paths collapse to one transcript and it is their sum that counts
(the most likely path need not spell the most likely transcript).
"""

from __future__ import annotations

import math

import numpy as np

BLANK = 0


def collapse_steps(path, blank: int = BLANK) -> tuple[list[int], list[int]]:
    """``(merged, transcript)``: the path with repeats merged, then with the blanks removed."""
    merged = [int(s) for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return merged, [s for s in merged if s != blank]


def collapse(path, blank: int = BLANK) -> list[int]:
    """The transcript of a frame-level path (repeats merged, then blanks removed)."""
    return collapse_steps(path, blank)[1]


def greedy_decode(logits: np.ndarray, lengths=None, blank: int = BLANK) -> list[list[int]]:
    """The most likely symbol of each frame, collapsed; ``logits`` is ``(batch, frames, symbols)``."""
    logits = np.asarray(logits)
    lengths = _lengths(logits, lengths)
    return [collapse(np.argmax(logits[b, :lengths[b]], axis=-1), blank) for b in range(len(logits))]


def log_softmax(logits: np.ndarray) -> np.ndarray:
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def beam_search_decode(logits: np.ndarray, lengths=None, beam_width: int = 16,
                       blank: int = BLANK) -> list[tuple[list[int], float]]:
    """Prefix beam search per example: ``(transcript, log probability)`` of the best beam."""
    logits = np.asarray(logits)
    lengths = _lengths(logits, lengths)
    return [prefix_beam_search(log_softmax(logits[b, :lengths[b]]), beam_width, blank)[0]
            for b in range(len(logits))]


def prefix_beam_search(log_probs: np.ndarray, beam_width: int = 16,
                       blank: int = BLANK) -> list[tuple[list[int], float]]:
    """The best transcripts (at most ``beam_width``) of one ``(frames, symbols)`` matrix of
    log probabilities, best first, each with ``log P(transcript)`` summed over its paths.

    Each frame first carries every kept prefix forward (a blank, or its last symbol again),
    then grows new prefixes by one symbol from the kept ones, most probable first, entering
    a child only while it beats the weakest of the beam (which then drops out), the order
    TensorFlow's decoder (``keras.ops.ctc_decode(strategy="beam_search")``) follows. With a
    beam wide enough to keep every contender the two give the same transcripts and scores;
    with a narrow one, TensorFlow's heap sometimes keeps a different weak prefix.
    """
    if beam_width < 1:
        raise ValueError(f"beam_width={beam_width} must be 1 or more")
    # prefix -> (log P(paths ending in blank), log P(paths ending in its last symbol)) at t
    beam: dict[tuple, tuple[float, float]] = {(): (0.0, -math.inf)}
    symbols = [s for s in range(np.shape(log_probs)[1]) if s != blank]
    for frame in np.asarray(log_probs, np.float64).tolist():  # Python floats: scalar maths is faster
        old = sorted(beam.items(), key=lambda kv: -_add(*kv[1]))  # most probable first
        new: dict[tuple, tuple[float, float]] = {}
        totals: dict[tuple, float] = {}
        for prefix, (p_blank, p_symbol) in old:  # 1. the kept prefixes, one frame longer
            if prefix:
                parent = beam.get(prefix[:-1])
                if parent is not None:  # the prefix one symbol shorter, if it was kept, adds its paths
                    repeat = len(prefix) > 1 and prefix[-2] == prefix[-1]
                    p_symbol = _add(p_symbol, parent[0] if repeat else _add(*parent))
                p_symbol += frame[prefix[-1]]
            new[prefix] = (_add(*beam[prefix]) + frame[blank], p_symbol)
            totals[prefix] = _add(*new[prefix])
        weakest = min(totals.values())
        for prefix, p in old:  # 2. new prefixes: one more symbol
            total = _add(*p)
            if total == -math.inf or (len(new) >= beam_width and total <= weakest):
                continue
            for s in symbols:
                child = prefix + (s,)
                if child in new:
                    continue  # kept already: step 1 counted this prefix's paths into it
                # a symbol equal to the last one is a new letter only after a blank
                p_child = frame[s] + (p[0] if prefix and prefix[-1] == s else total)
                if p_child == -math.inf or (len(new) >= beam_width and p_child <= weakest):
                    continue
                if len(new) >= beam_width:
                    out = min(totals, key=totals.__getitem__)
                    del new[out], totals[out]
                new[child], totals[child] = (-math.inf, p_child), p_child
                weakest = min(totals.values())
        beam = new
    ranked = sorted(beam.items(), key=lambda kv: -_add(*kv[1]))
    return [(list(prefix), _add(*p)) for prefix, p in ranked]


def _add(a: float, b: float) -> float:
    """log(exp(a) + exp(b)), without overflow."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    high, low = (a, b) if a > b else (b, a)
    return high + math.log1p(math.exp(low - high))


def edit_distance(a, b) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), by dynamic programming."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def character_error_rate(predicted: list, truth: list) -> float:
    """Edits needed to turn each prediction into its truth, over the truth's total length."""
    edits = sum(edit_distance(p, t) for p, t in zip(predicted, truth))
    return edits / max(1, sum(len(t) for t in truth))


def _lengths(logits: np.ndarray, lengths) -> np.ndarray:
    if lengths is None:
        return np.full(len(logits), logits.shape[1], np.int64)
    return np.asarray(lengths, np.int64).reshape(len(logits))
