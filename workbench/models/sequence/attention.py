"""Attention over the encoder's states: additive (Bahdanau) and dot-product (Luong) scores.

For a decoder state ``s`` (the query) and the encoder states ``h_1..h_S`` (the keys,
also the values), a score ``e_j = score(s, h_j)`` per source position becomes a
distribution by a softmax, ``a_j = exp(e_j) / sum_k exp(e_k)``, and the context vector is
the weighted mean ``c = sum_j a_j h_j``:

- additive (Bahdanau, Cho & Bengio 2015): ``score(s, h) = v^T tanh(W_q s + W_k h)``, a
  one-hidden-layer network on the pair;
- dot (Luong, Pham & Manning 2015): ``score(s, h) = s . h``, no weights at all (the
  decoder and encoder states must have the same size).

Padded source positions (token id 0) get the score ``-1e9`` before the softmax, so
their weight is exactly 0 in float32 and the others still sum to 1.
"""

from __future__ import annotations

import keras
from keras import ops

SCORES = ("additive", "dot")
#: Added to the scores of padded positions: exp(-1e9 - max) is 0 in float32.
MASKED_SCORE = -1e9


@keras.saving.register_keras_serializable(package="workbench")
class SequenceAttention(keras.layers.Layer):
    """``[queries (B, T, d), keys (B, S, d), source_ids (B, S)] -> (context (B, T, d), weights (B, T, S))``.

    ``source_ids`` are the encoder's token ids; positions holding 0 (``<pad>``) are masked.
    """

    def __init__(self, score: str = "additive", units: int = 32, **kwargs):
        super().__init__(**kwargs)
        if score not in SCORES:
            raise ValueError(f"score={score!r} is not one of {', '.join(SCORES)}")
        self.score, self.units = score, int(units)

    def build(self, input_shape):
        query_shape, key_shape, _ = input_shape
        if self.score == "additive":
            self.query_kernel = self.add_weight(shape=(query_shape[-1], self.units),
                                                initializer="glorot_uniform", name="query_kernel")
            self.key_kernel = self.add_weight(shape=(key_shape[-1], self.units),
                                              initializer="glorot_uniform", name="key_kernel")
            self.score_vector = self.add_weight(shape=(self.units,), initializer="glorot_uniform",
                                                name="score_vector")
        elif query_shape[-1] != key_shape[-1]:
            raise ValueError(f"dot-product attention needs queries and keys of one size, got "
                             f"{query_shape[-1]} and {key_shape[-1]}")

    def scores(self, queries, keys):
        """``e[b, t, j] = score(queries[b, t], keys[b, j])`` before masking and softmax."""
        if self.score == "dot":
            return ops.einsum("btd,bsd->bts", queries, keys)
        q = ops.matmul(queries, self.query_kernel)[:, :, None, :]  # (B, T, 1, u)
        k = ops.matmul(keys, self.key_kernel)[:, None, :, :]  # (B, 1, S, u)
        return ops.einsum("btsu,u->bts", ops.tanh(q + k), self.score_vector)

    def call(self, inputs):
        queries, keys, source_ids = inputs
        e = self.scores(queries, keys)
        padded = ops.equal(source_ids, 0)[:, None, :]
        e = ops.where(padded, ops.cast(MASKED_SCORE, e.dtype), e)
        weights = ops.softmax(e, axis=-1)
        context = ops.einsum("bts,bsd->btd", weights, keys)
        return context, weights

    def compute_mask(self, inputs, mask=None):
        # a decoder step that is padding stays padding: the queries' mask goes on to both outputs
        query_mask = mask[0] if isinstance(mask, (list, tuple)) else mask
        return [query_mask, query_mask]

    def compute_output_shape(self, input_shape):
        query_shape, key_shape, _ = input_shape
        return (tuple(query_shape[:-1]) + (key_shape[-1],),
                (query_shape[0], query_shape[1], key_shape[1]))

    def get_config(self):
        return {**super().get_config(), "score": self.score, "units": self.units}
