"""word2vec: skip-gram and CBOW with negative sampling (Mikolov et al. 2013).

Every word w has an input vector v_w and an output vector u_w. For a true pair (input,
target) and k negative words n_1..n_k drawn from the noise distribution P_n(w) ~ count(w)^(3/4)
(the unigram table raised to 3/4: rare words are drawn a little more often than their count
says), the loss is

    -log s(u_target . h) - sum_i log s(-u_(n_i) . h),   s = logistic sigmoid

with h = v_w (skip-gram: the centre word predicts each context word within ``window``) or
h = mean of the context words' v (CBOW: the context predicts the centre word). Words used in
the same contexts get similar vectors; ``WordVectors`` finds a word's nearest neighbours by
cosine and solves analogies a:b::c:? as the word nearest to v_b - v_a + v_c.

The pairs and negatives are drawn once from the run's seed (the same data on resume). Words
are lower-cased, punctuation dropped; rarer than ``min_count`` or beyond ``max_vocab`` they
are left out before the windows are taken.
"""

from __future__ import annotations

from collections import Counter

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.models.sequence import text_generation as tg
from workbench.models.sequence.multihead import PACKAGE
from workbench.views.types import Scatter, Text, View

PAD = "<pad>"
NOISE_POWER = 0.75
PROBE_WORDS = ("god", "land", "son", "wife", "water", "day")
ANALOGIES = (("man", "woman", "father"), ("abraham", "sarah", "isaac"), ("brother", "sister", "son"))


def words_of(text: str) -> list[str]:
    """Lower-cased words (inner apostrophes kept), no punctuation."""
    from workbench.data.text import WORD_PATTERN

    return [w for w in WORD_PATTERN.findall(text.lower()) if w[0].isalnum()]


def build_vocabulary(words: list[str], max_vocab: int, min_count: int) -> tuple[list[str], np.ndarray]:
    """``<pad>`` then the words seen at least ``min_count`` times, most frequent first (ties:
    first seen), at most ``max_vocab``; and their counts (0 for ``<pad>``)."""
    ranked = [(w, c) for w, c in Counter(words).most_common() if c >= min_count][:max_vocab]
    return [PAD, *(w for w, _ in ranked)], np.array([0, *(c for _, c in ranked)], np.int64)


def noise_distribution(counts: np.ndarray, power: float = NOISE_POWER) -> np.ndarray:
    """P_n(w) = count(w)^power / sum_v count(v)^power (``<pad>``, count 0, gets 0)."""
    weights = np.asarray(counts, np.float64) ** power
    return weights / weights.sum()


def skipgram_pairs(ids: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(centre, context) for every context word within ``window`` positions of each centre,
    in text order: by centre position, then offset -window..-1, 1..window."""
    ids = np.asarray(ids)
    offsets = np.array([o for o in range(-window, window + 1) if o])
    positions = np.arange(len(ids))[:, None] + offsets[None, :]  # (n, 2 * window)
    valid = (positions >= 0) & (positions < len(ids))
    centres = np.broadcast_to(ids[:, None], positions.shape)[valid]
    return centres.astype(np.int32), ids[positions[valid]].astype(np.int32)


def cbow_examples(ids: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(context words ``(N, 2 * window)``, 0 = ``<pad>`` past either end; centre word ``(N,)``)."""
    n = len(ids)
    padded = np.concatenate([np.zeros(window, ids.dtype), ids, np.zeros(window, ids.dtype)])
    offsets = [o for o in range(-window, window + 1) if o != 0]
    contexts = np.stack([padded[window + o:window + o + n] for o in offsets], axis=1)
    return contexts.astype(np.int32), ids.astype(np.int32)


def training_arrays(ids: np.ndarray, mode: str, window: int, negatives: int, noise: np.ndarray,
                    rng: np.random.Generator):
    """``x = {"inputs", "candidates"}``, ``y``: each row's true target first, then ``negatives``
    draws from ``noise``; y = 1 for the true one, 0 for the negatives."""
    if mode == "skipgram":
        centre, context = skipgram_pairs(ids, window)
        inputs, targets = centre[:, None], context
    else:
        inputs, targets = cbow_examples(ids, window)
    drawn = rng.choice(len(noise), size=(len(targets), negatives), p=noise).astype(np.int32)
    candidates = np.concatenate([targets[:, None], drawn], axis=1)
    y = np.zeros(candidates.shape, np.float32)
    y[:, 0] = 1.0
    return {"inputs": inputs, "candidates": candidates}, y


@keras.saving.register_keras_serializable(package=PACKAGE)
class NegativeSamplingScores(keras.layers.Layer):
    """h = mean of the input words' v (``<pad>`` left out); score_j = u_(candidate j) . h."""

    def __init__(self, vocab_size: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.dim = vocab_size, dim

    def build(self, inputs_shape, candidates_shape):
        init = keras.initializers.RandomUniform(-0.5 / self.dim, 0.5 / self.dim)
        self.word_vectors = self.add_weight(name="word_vectors", shape=(self.vocab_size, self.dim),
                                            initializer=init)
        # the output vectors start at zero, as in the reference word2vec.c
        self.context_vectors = self.add_weight(name="context_vectors", shape=(self.vocab_size, self.dim),
                                               initializer="zeros")

    def call(self, inputs, candidates):
        v = ops.take(self.word_vectors, inputs, axis=0)  # (B, n, d)
        real = ops.expand_dims(ops.cast(ops.not_equal(inputs, 0), v.dtype), -1)
        h = ops.sum(v * real, axis=1) / ops.maximum(ops.sum(real, axis=1), 1.0)  # (B, d)
        u = ops.take(self.context_vectors, candidates, axis=0)  # (B, 1 + k, d)
        return ops.einsum("bkd,bd->bk", u, h)

    def compute_output_shape(self, inputs_shape, candidates_shape):
        return candidates_shape

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "dim": self.dim}


def build_word2vec(hp: dict, info) -> keras.Model:
    """inputs (B, 1) or (B, 2 * window), candidates (B, 1 + k) -> logits (B, 1 + k)."""
    vocab = len(info.class_names)
    width = 1 if hp["mode"] == "skipgram" else 2 * int(hp["window"])
    inputs = keras.Input((width,), dtype="int32", name="inputs")
    candidates = keras.Input((1 + int(hp["negatives"]),), dtype="int32", name="candidates")
    scores = NegativeSamplingScores(vocab, int(hp["embedding_dim"]), name="embeddings")(inputs, candidates)
    return keras.Model({"inputs": inputs, "candidates": candidates}, scores, name=f"word2vec_{hp['mode']}")


def compile_word2vec(model, hp: dict):
    from workbench.training.job import make_optimizer

    model.compile(optimizer=make_optimizer(hp), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return model


def prepare(text: str, hp: dict, seed: int):
    """Vocabulary, counts, the text as ids (left-out words removed) and the training arrays."""
    words = words_of(text)
    vocab, counts = build_vocabulary(words, int(hp["max_vocab"]), int(hp["min_count"]))
    if len(vocab) < 3:
        raise WorkbenchError(f"the text has {len(vocab) - 1} word(s) seen at least min_count={hp['min_count']} "
                             "times; word2vec needs a longer text (or a lower min_count)")
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.array([index[w] for w in words if w in index], np.int32)
    x, y = training_arrays(ids, hp["mode"], int(hp["window"]), int(hp["negatives"]), noise_distribution(counts),
                           np.random.default_rng(seed))
    return vocab, counts, ids, x, y


def train_word2vec(ctx):
    from workbench.data.base import DataInfo
    from workbench.training.job import fit_arrays

    corpus, hp = ctx.dataset, ctx.hp
    vocab, counts, _, x, y = prepare(corpus.train_text, hp, ctx.config.seed)
    info = DataInfo(corpus.info.name, "text", "embedding", (None,), tuple(vocab))
    model = compile_word2vec(build_word2vec(hp, info), hp)
    tg.save_meta(ctx.run_dir.path, "word2vec", vocabulary=vocab, counts=counts.tolist(), mode=hp["mode"],
                 level="word", lowercase=True)
    return fit_arrays(ctx, model, x, y, extra_callbacks=[Word2VecViews(ctx.emit, vocab, counts)])


train_word2vec.resumable = True  # it trains through fit_arrays


class WordVectors:
    """The trained input vectors with cosine neighbours and analogies."""

    def __init__(self, vocabulary: list[str], vectors: np.ndarray):
        self.vocabulary = list(vocabulary)
        self.index = {w: i for i, w in enumerate(self.vocabulary)}
        vectors = np.asarray(vectors, np.float64)
        self.unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def lookup(self, word: str) -> int:
        key = word.strip().lower()
        if key not in self.index or self.index[key] == 0:
            raise WorkbenchError(f"{word!r} is not in the vocabulary of {len(self.vocabulary) - 1} words "
                                 "(too rare in the text, or not in it)")
        return self.index[key]

    def similarity(self, a: str, b: str) -> float:
        return float(self.unit[self.lookup(a)] @ self.unit[self.lookup(b)])

    def nearest(self, direction: np.ndarray, k: int, exclude: set[int]) -> list[tuple[str, float]]:
        direction = direction / max(np.linalg.norm(direction), 1e-12)
        cosines = self.unit @ direction
        cosines[[0, *exclude]] = -np.inf
        order = np.argsort(-cosines, kind="stable")[:k]
        return [(self.vocabulary[i], float(cosines[i])) for i in order]

    def neighbours(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` words of highest cosine similarity to ``word`` (itself left out)."""
        i = self.lookup(word)
        return self.nearest(self.unit[i], k, {i})

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """a : b :: c : ?  — the words nearest to v_b - v_a + v_c (a, b, c left out)."""
        ia, ib, ic = self.lookup(a), self.lookup(b), self.lookup(c)
        return self.nearest(self.unit[ib] - self.unit[ia] + self.unit[ic], k, {ia, ib, ic})


def word_vectors(model, vocabulary: list[str]) -> WordVectors:
    return WordVectors(vocabulary, np.asarray(model.get_layer("embeddings").word_vectors))


def load_word_vectors(run_dir: str) -> WordVectors:
    """The word vectors of a finished word2vec run (the GUI's and ``predict --text``'s)."""
    meta = tg.load_meta(run_dir, "word2vec")
    return word_vectors(tg.load_run_model(run_dir), meta["vocabulary"])


def predict_text(run_dir: str, texts: list[str], k: int = 10) -> list[dict]:
    """The ``predict_text`` hook: each word of each text with its ``k`` nearest neighbours;
    ``a:b::c`` (three words joined by colons) is read as an analogy."""
    vectors = load_word_vectors(run_dir)
    results = []
    for text in texts:
        parts = [p for p in text.replace("::", ":").split(":") if p.strip()]
        if len(parts) == 3 and ":" in text:
            a, b, c = (p.strip() for p in parts)
            answer = vectors.analogy(a, b, c, k)
            results.append({"text": text, "analogy": [a, b, c],
                            "answers": [{"word": w, "cosine": s} for w, s in answer], "notes": []})
            continue
        rows, notes = [], []
        for word in words_of(text):
            if word not in vectors.index:
                notes.append(f"{word!r} is not in the vocabulary and was skipped")
                continue
            rows.append({"word": word, "neighbours": [{"word": w, "cosine": s}
                                                      for w, s in vectors.neighbours(word, k)]})
        if not rows and not notes:
            notes.append("the text holds no words")
        results.append({"text": text, "words": rows, "notes": notes})
    return results


class Word2VecViews(keras.callbacks.Callback):
    """Each epoch: the most frequent words projected to 2-D (PCA), and the neighbours of a
    few probe words and some analogies, as text."""

    def __init__(self, emit, vocabulary: list[str], counts: np.ndarray):
        super().__init__()
        self.emit, self.vocabulary, self.counts = emit, vocabulary, counts

    def on_epoch_end(self, epoch, logs=None):
        vectors = word_vectors(self.model, self.vocabulary)
        self.emit(projection_view(vectors, epoch + 1))
        self.emit(View("word_neighbours", Text(neighbours_report(vectors)), "Nearest neighbours (cosine)",
                       epoch + 1))


#: Number words, a group the projection colours (Genesis counts years and ages in words).
NUMBERS = frozenset(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "first", "second", "third", "fourth", "fifth", "sixth", "seventh"])
GROUPS = ("person", "place", "kin", "number", "other")
PER_GROUP = 30


def word_group(word: str) -> int:
    """The group a word is coloured by in the projection (persons, places, kin and numbers
    each lie together when the vectors have learned something)."""
    from workbench.models.sequence.bert_tasks import KIN, PERSONS, PLACES

    for i, members in enumerate((PERSONS, PLACES, KIN, NUMBERS)):
        if word in members:
            return i
    return len(GROUPS) - 1


def projection_view(vectors: WordVectors, step: int, per_group: int = PER_GROUP) -> View:
    """The most frequent words of each group (the 10 commonest words left out: function words
    crowd the middle), coloured by group, projected with PCA."""
    chosen, taken = [], [0] * len(GROUPS)
    for i, word in enumerate(vectors.vocabulary[11:] if len(vectors.vocabulary) > 60 else vectors.vocabulary[1:]):
        group = word_group(word)
        if taken[group] < per_group:
            chosen.append(vectors.index[word])
            taken[group] += 1
    labels = [word_group(vectors.vocabulary[i]) for i in chosen]
    words = [vectors.vocabulary[i] for i in chosen]
    return View("word_projection", Scatter(vectors.unit[chosen], labels, list(GROUPS), "pca", "PC 1", "PC 2",
                                           point_names=words),
                f"Word vectors of {len(chosen)} frequent words by group, PCA", step)


def neighbours_report(vectors: WordVectors, k: int = 6) -> str:
    lines = []
    for word in PROBE_WORDS:
        if word in vectors.index:
            near = ", ".join(f"{w} {s:.2f}" for w, s in vectors.neighbours(word, k))
            lines.append(f"{word}: {near}")
    for a, b, c in ANALOGIES:
        if all(w in vectors.index for w in (a, b, c)):
            best = ", ".join(f"{w} {s:.2f}" for w, s in vectors.analogy(a, b, c, 3))
            lines.append(f"{a} : {b} :: {c} : ?  {best}")
    if not lines:
        top = vectors.vocabulary[1:6]
        for word in top:
            lines.append(f"{word}: " + ", ".join(f"{w} {s:.2f}" for w, s in vectors.neighbours(word, k)))
    return "\n".join(lines)
