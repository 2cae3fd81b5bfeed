"""Multi-head attention, its masks and the sinusoidal positional encoding, written out
(Vaswani et al., Attention is all you need, NeurIPS 2017).

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + mask) V
    head_i = Attention(X W_i^Q, Y W_i^K, Y W_i^V),   MHA = concat(head_1..head_h) W^O

The weights are laid out as ``keras.layers.MultiHeadAttention`` lays out its own (query,
key, value kernels ``(d_model, heads, key_dim)`` with biases ``(heads, key_dim)``, output
kernel ``(heads, key_dim, d_model)``), in the same order, so a test can copy one into the
other and compare. A mask is boolean ``(batch, queries, keys)``, True where a query may
look; a masked score becomes -1e9 before the softmax, whose exp underflows to exactly 0.

The Transformer, BERT and GPT blocks here are built from this layer; each keeps its last
attention weights when asked (``keep_attention``), for the attention views.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

PACKAGE = "workbench.sequence"
#: The score a masked position gets: exp(-1e9 - max) is exactly 0.0 in float32.
MASKED_SCORE = -1e9


def sinusoidal_encoding(length: int, d_model: int) -> np.ndarray:
    """``PE[pos, 2i] = sin(pos / 10000^(2i/d))``, ``PE[pos, 2i+1] = cos(pos / 10000^(2i/d))``,
    ``(length, d_model)`` float32: each dimension a sinusoid of its own wavelength, so a fixed
    offset is a linear function of the encoding and positions never seen still have one."""
    pos = np.arange(length, dtype=np.float64)[:, None]
    two_i = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angle = pos / np.power(10000.0, two_i / d_model)
    pe = np.zeros((length, d_model), np.float64)
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe.astype(np.float32)


def causal_mask(length: int) -> np.ndarray:
    """``(length, length)`` bool, True on and below the diagonal: position t sees 0..t only."""
    return np.tril(np.ones((length, length), bool))


@keras.saving.register_keras_serializable(package=PACKAGE)
class MultiHeadAttention(keras.layers.Layer):
    """Scaled dot-product attention over ``num_heads`` learned projections."""

    def __init__(self, num_heads: int, key_dim: int, dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if num_heads < 1 or key_dim < 1:
            raise ValueError(f"num_heads={num_heads} and key_dim={key_dim} must be 1 or more")
        self.num_heads, self.key_dim, self.dropout_rate = num_heads, key_dim, dropout
        self.dropout = keras.layers.Dropout(dropout)
        self.keep_attention = False
        self.last_attention = None

    def build(self, query_shape, value_shape=None, key_shape=None):
        d_in = int(query_shape[-1])
        d_kv = int((value_shape or query_shape)[-1])
        h, k = self.num_heads, self.key_dim
        init = keras.initializers.GlorotUniform()
        # the same order as keras.layers.MultiHeadAttention.get_weights()
        self.wq = self.add_weight(name="query_kernel", shape=(d_in, h, k), initializer=init)
        self.bq = self.add_weight(name="query_bias", shape=(h, k), initializer="zeros")
        self.wk = self.add_weight(name="key_kernel", shape=(d_kv, h, k), initializer=init)
        self.bk = self.add_weight(name="key_bias", shape=(h, k), initializer="zeros")
        self.wv = self.add_weight(name="value_kernel", shape=(d_kv, h, k), initializer=init)
        self.bv = self.add_weight(name="value_bias", shape=(h, k), initializer="zeros")
        self.wo = self.add_weight(name="output_kernel", shape=(h, k, d_in), initializer=init)
        self.bo = self.add_weight(name="output_bias", shape=(d_in,), initializer="zeros")

    def call(self, query, value, key=None, attention_mask=None, training=None):
        key = value if key is None else key
        q = ops.einsum("btd,dhk->bthk", query, self.wq) + self.bq
        k = ops.einsum("bsd,dhk->bshk", key, self.wk) + self.bk
        v = ops.einsum("bsd,dhk->bshk", value, self.wv) + self.bv
        scores = ops.einsum("bthk,bshk->bhts", q, k) / ops.sqrt(ops.cast(self.key_dim, q.dtype))
        if attention_mask is not None:
            allowed = ops.expand_dims(ops.cast(attention_mask, "bool"), 1)  # the same for every head
            scores = ops.where(allowed, scores, ops.cast(MASKED_SCORE, scores.dtype))
        weights = ops.softmax(scores, axis=-1)
        if self.keep_attention:  # only in eager inference (the views, the Text tab)
            object.__setattr__(self, "last_attention", weights)
        context = ops.einsum("bhts,bshk->bthk", self.dropout(weights, training=training), v)
        return ops.einsum("bthk,hkd->btd", context, self.wo) + self.bo

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return query_shape

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "dropout": self.dropout_rate}


@keras.saving.register_keras_serializable(package=PACKAGE)
class AttentionMask(keras.layers.Layer):
    """Token ids -> the boolean mask ``(batch, queries, keys)``: a key that is padding (id 0)
    is never looked at; with ``causal`` a query never looks at a later position."""

    def __init__(self, causal: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.causal = causal

    def call(self, query_ids, key_ids):
        keys = ops.expand_dims(ops.not_equal(key_ids, 0), 1)  # (B, 1, S)
        mask = ops.logical_and(keys, ops.expand_dims(ops.ones_like(query_ids, "bool"), 2))  # (B, T, S)
        if self.causal:
            t, s = ops.shape(query_ids)[1], ops.shape(key_ids)[1]
            rows = ops.expand_dims(ops.arange(t), 1)
            cols = ops.expand_dims(ops.arange(s), 0)
            mask = ops.logical_and(mask, ops.expand_dims(cols <= rows, 0))
        return mask

    def compute_output_shape(self, query_ids_shape, key_ids_shape):
        return (query_ids_shape[0], query_ids_shape[1], key_ids_shape[1])

    def get_config(self):
        return {**super().get_config(), "causal": self.causal}


@keras.saving.register_keras_serializable(package=PACKAGE)
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Token embedding scaled by sqrt(d_model) plus the fixed sinusoidal encoding (no
    recurrence or convolution tells the model where a token is: this does)."""

    def __init__(self, vocab_size: int, max_length: int, d_model: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.max_length, self.d_model = vocab_size, max_length, d_model
        self.token = keras.layers.Embedding(vocab_size, d_model, name="token")
        self.encoding = sinusoidal_encoding(max_length, d_model)

    def build(self, ids_shape):
        self.token.build(ids_shape)

    def call(self, ids):
        length = ops.shape(ids)[1]
        x = self.token(ids) * ops.sqrt(ops.cast(self.d_model, "float32"))
        return x + ops.convert_to_tensor(self.encoding)[None, :length]

    def compute_output_shape(self, ids_shape):
        return (*ids_shape, self.d_model)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "max_length": self.max_length,
                "d_model": self.d_model}


def _feed_forward(d_model: int, d_ff: int, dropout: float, name: str) -> keras.Sequential:
    return keras.Sequential([keras.layers.Dense(d_ff, activation="gelu"), keras.layers.Dense(d_model),
                             keras.layers.Dropout(dropout)], name=name)


@keras.saving.register_keras_serializable(package=PACKAGE)
class TransformerBlock(keras.layers.Layer):
    """Self-attention (+ cross-attention to an encoder's output when ``cross``) + feed-forward,
    each a residual branch. Pre-layer-norm (Xiong et al. 2020): with the norm inside the
    branch, small models train without the learning-rate warm-up the post-norm paper needs."""

    def __init__(self, d_model: int, num_heads: int, d_ff: int, dropout: float = 0.1,
                 cross: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.d_model, self.num_heads, self.d_ff, self.dropout_rate, self.cross = \
            d_model, num_heads, d_ff, dropout, cross
        key_dim = max(1, d_model // num_heads)
        self.self_attention = MultiHeadAttention(num_heads, key_dim, dropout, name="self_attention")
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-6, name="norm1")
        self.drop1 = keras.layers.Dropout(dropout)
        if cross:
            self.cross_attention = MultiHeadAttention(num_heads, key_dim, dropout, name="cross_attention")
            self.norm_cross = keras.layers.LayerNormalization(epsilon=1e-6, name="norm_cross")
            self.drop_cross = keras.layers.Dropout(dropout)
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-6, name="norm2")
        self.ffn = _feed_forward(d_model, d_ff, dropout, "feed_forward")

    def build(self, x_shape, mask_shape=None, memory_shape=None, cross_mask_shape=None):
        self.norm1.build(x_shape)
        self.self_attention.build(x_shape, x_shape)
        if self.cross:
            self.norm_cross.build(x_shape)
            self.cross_attention.build(x_shape, memory_shape or x_shape)
        self.norm2.build(x_shape)
        self.ffn.build(x_shape)

    def call(self, x, mask=None, memory=None, cross_mask=None, training=None):
        h = self.norm1(x)
        x = x + self.drop1(self.self_attention(h, h, attention_mask=mask, training=training), training=training)
        if self.cross:
            h = self.norm_cross(x)
            x = x + self.drop_cross(self.cross_attention(h, memory, attention_mask=cross_mask, training=training),
                                    training=training)
        return x + self.ffn(self.norm2(x), training=training)

    def compute_output_shape(self, x_shape, mask_shape=None, memory_shape=None, cross_mask_shape=None):
        return x_shape

    def get_config(self):
        return {**super().get_config(), "d_model": self.d_model, "num_heads": self.num_heads,
                "d_ff": self.d_ff, "dropout": self.dropout_rate, "cross": self.cross}


def attention_layers(model, kind: str = "self_attention", prefix: str = "") -> list[MultiHeadAttention]:
    """The attention layers of one kind in the blocks whose name starts with ``prefix``, in
    block order (nested models, such as BERT's encoder, are searched too)."""
    found = []
    for layer in model.layers:
        if isinstance(layer, TransformerBlock) and layer.name.startswith(prefix) and hasattr(layer, kind):
            found.append(getattr(layer, kind))
        elif isinstance(layer, keras.Model):
            found.extend(attention_layers(layer, kind, prefix))
    return found


def attention_weights(model, inputs, kind: str = "self_attention", prefix: str = "") -> list[np.ndarray]:
    """Run ``model`` once eagerly and return each block's attention ``(batch, heads, T, S)``."""
    layers = attention_layers(model, kind, prefix)
    for layer in layers:
        layer.keep_attention = True
    try:
        model(inputs, training=False)
        return [np.asarray(ops.convert_to_numpy(layer.last_attention)) for layer in layers]
    finally:
        for layer in layers:
            layer.keep_attention = False
            object.__setattr__(layer, "last_attention", None)


def head_views(per_layer: list[np.ndarray], rows: list[str], cols: list[str], name: str, what: str,
               step: int, x_label: str = "key", y_label: str = "query") -> list:
    """One heat grid per layer and head (``per_layer``: each block's ``(heads, T, S)`` for one
    example), named ``{name}_l{layer}_h{head}``: every head of every block can be looked at,
    the tokens on the axes."""
    from workbench.views.types import HeatGrid, View

    views = []
    for layer, weights in enumerate(per_layer, start=1):
        for head in range(weights.shape[0]):
            grid = weights[head][:len(rows), :len(cols)]
            views.append(View(f"{name}_l{layer}_h{head + 1}",
                              HeatGrid(grid, list(rows), list(cols), x_label, y_label,
                                       annotate=grid.size <= 100),
                              f"Block {layer} of {len(per_layer)}, head {head + 1}: {what}", step))
    return views
