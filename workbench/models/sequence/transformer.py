"""The Transformer encoder-decoder (Vaswani et al. 2017) on the digit-string tasks.

Encoder: token embedding + sinusoidal positions, then blocks of self-attention (padding
mask: no query looks at a ``<pad>`` key) and a feed-forward network. Decoder: the same
blocks with a look-ahead (causal) self-attention mask and cross-attention to the encoder's
output (padding mask over the source). No recurrence, no convolution: order is known only
through the positional encoding.

Training is teacher-forced (the decoder reads ``<start>`` + the true answer, shifted right)
with the loss on real target tokens only (``<pad>`` ignored); inference is greedy, one
token at a time, until ``<end>``. Each epoch the run reports the exact-match accuracy of
greedy decoding on held-out strings and shows the last decoder block's cross-attention,
one heat grid per head, output symbols by input symbols.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from workbench.data.sequence_tasks import END, PAD, START, TOKEN_ID, VOCABULARY
from workbench.errors import WorkbenchError
from workbench.models.sequence import text_generation as tg
from workbench.models.sequence.multihead import (
    PACKAGE,
    AttentionMask,
    TokenAndPositionEmbedding,
    TransformerBlock,
    attention_weights,
    head_views,
)
from workbench.views.types import Text, View

#: Held-out strings decoded each epoch for the exact-match accuracy.
CHECKED_EXAMPLES = 100


@keras.saving.register_keras_serializable(package=PACKAGE)
def masked_accuracy(y_true, y_pred):
    """Token accuracy over real targets only (target id 0 = ``<pad>`` is not counted)."""
    y_true = ops.cast(y_true, "int32")
    real = ops.cast(ops.not_equal(y_true, 0), "float32")
    hit = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), "float32")
    return ops.sum(hit * real) / ops.maximum(ops.sum(real), 1.0)


def masked_loss() -> keras.losses.Loss:
    """Cross-entropy on the logits where the target is not ``<pad>`` (id 0)."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)


def _check_heads(hp: dict) -> None:
    if int(hp["d_model"]) % int(hp["heads"]):
        raise WorkbenchError(f"d_model={hp['d_model']} must be a multiple of heads={hp['heads']} "
                             "(each head gets d_model/heads)")


def build_transformer(hp: dict, info, source_length: int | None = None, target_length: int | None = None):
    """{encoder_ids (B, S), decoder_ids (B, T)} -> logits (B, T, vocabulary)."""
    _check_heads(hp)
    vocab = len(info.class_names) if info.class_names else len(VOCABULARY)
    longest = max(int(source_length or info.input_shape[0] or 64), int(target_length or 0), 64)
    d, heads, d_ff, drop = int(hp["d_model"]), int(hp["heads"]), int(hp["d_ff"]), float(hp["dropout"])
    enc_ids = keras.Input((None,), dtype="int32", name="encoder_ids")
    dec_ids = keras.Input((None,), dtype="int32", name="decoder_ids")
    x = TokenAndPositionEmbedding(vocab, longest, d, name="encoder_embedding")(enc_ids)
    enc_mask = AttentionMask(name="encoder_padding_mask")(enc_ids, enc_ids)
    for i in range(int(hp["layers"])):
        x = TransformerBlock(d, heads, d_ff, drop, name=f"encoder_block{i + 1}")(x, enc_mask)
    memory = keras.layers.LayerNormalization(epsilon=1e-6, name="encoder_norm")(x)
    y = TokenAndPositionEmbedding(vocab, longest, d, name="decoder_embedding")(dec_ids)
    self_mask = AttentionMask(causal=True, name="look_ahead_mask")(dec_ids, dec_ids)
    cross_mask = AttentionMask(name="cross_padding_mask")(dec_ids, enc_ids)
    for i in range(int(hp["layers"])):
        y = TransformerBlock(d, heads, d_ff, drop, cross=True, name=f"decoder_block{i + 1}")(
            y, self_mask, memory, cross_mask)
    y = keras.layers.LayerNormalization(epsilon=1e-6, name="decoder_norm")(y)
    logits = keras.layers.Dense(vocab, name="next_token_logits")(y)
    return keras.Model({"encoder_ids": enc_ids, "decoder_ids": dec_ids}, logits, name="transformer")


def train_transformer(ctx):
    from workbench.training.job import fit_arrays, make_optimizer

    data, hp = ctx.dataset, ctx.hp
    if not hasattr(data, "decoder_x_train"):
        raise WorkbenchError(f"the Transformer here translates strings (reverse_digits, add_digits); "
                             f"{data.info.name!r} is not a string-to-string task")
    model = build_transformer(hp, data.info, data.x_train.shape[1], data.y_train.shape[1])
    model.compile(optimizer=make_optimizer(hp), loss=masked_loss(), metrics=[masked_accuracy])
    tg.save_meta(ctx.run_dir.path, "transformer", source_length=int(data.x_train.shape[1]),
                 target_length=int(data.y_train.shape[1]), vocabulary=list(VOCABULARY))
    x = {"encoder_ids": data.x_train, "decoder_ids": data.decoder_x_train}
    x_val = {"encoder_ids": data.x_val, "decoder_ids": data.decoder_x_val}
    has_val = len(data.x_val) > 0
    views = TransformerViews(ctx.emit, data.x_val if has_val else data.x_train,
                             data.y_val if has_val else data.y_train)
    return fit_arrays(ctx, model, x, data.y_train, x_val if has_val else None, data.y_val if has_val else None,
                      extra_callbacks=[views])


train_transformer.resumable = True  # it trains through fit_arrays


def greedy_decode(model, source: np.ndarray, max_length: int) -> np.ndarray:
    """Output ids ``(B, <= max_length)``: each step appends the argmax of the last position;
    a row that has written ``<end>`` only gets ``<pad>`` after it."""
    source = np.asarray(source, np.int32)
    out = np.full((len(source), 1), START, np.int32)
    done = np.zeros(len(source), bool)
    for _ in range(max_length):
        logits = np.array(model({"encoder_ids": source, "decoder_ids": out}, training=False))[:, -1]
        logits[:, [PAD, START]] = -np.inf  # never predicted in a target
        nxt = np.where(done, PAD, logits.argmax(-1)).astype(np.int32)
        out = np.concatenate([out, nxt[:, None]], axis=1)
        done |= nxt == END
        if done.all():
            break
    return out[:, 1:]


def symbols(ids) -> list[str]:
    """Token labels up to and including ``<end>``, padding left out."""
    labels = []
    for i in np.asarray(ids).ravel():
        if i == PAD:
            continue
        labels.append(VOCABULARY[int(i)])
        if i == END:
            break
    return labels


def cross_attention(model, source: np.ndarray, output: np.ndarray) -> np.ndarray:
    """The last decoder block's cross-attention ``(B, heads, T, S)`` for decoder input
    ``<start>`` + ``output``."""
    return cross_attentions(model, source, output)[-1]


def cross_attentions(model, source: np.ndarray, output: np.ndarray) -> list[np.ndarray]:
    """Every decoder block's cross-attention, each ``(B, heads, T, S)``."""
    decoder = np.concatenate([np.full((len(source), 1), START, np.int32), np.asarray(output, np.int32)], 1)
    return attention_weights(model, {"encoder_ids": np.asarray(source, np.int32), "decoder_ids": decoder},
                             kind="cross_attention")


def predict_text(run_dir: str, texts: list[str]) -> list[dict]:
    """The ``predict_text`` hook: each string decoded greedily, with the cross-attention of
    the last decoder block (mean over heads; a row per output symbol)."""
    meta = tg.load_meta(run_dir, "transformer")
    model = tg.load_run_model(run_dir)
    results = []
    for text in texts:
        ids, notes = _encode(text, int(meta["source_length"]))
        source = np.array([ids], np.int32)
        output = greedy_decode(model, source, int(meta["target_length"]) + 2)[0]
        out_symbols = symbols(output)
        weights = cross_attention(model, source, output[None, :len(out_symbols)])[0].mean(0)
        results.append({"text": text, "output": "".join(s for s in out_symbols if s != "<end>"),
                        "input_symbols": [VOCABULARY[i] for i in ids], "output_symbols": out_symbols,
                        "attention": weights[:len(out_symbols), :len(ids)].round(6).tolist(), "notes": notes})
    return results


def _encode(text: str, source_length: int) -> tuple[list[int], list[str]]:
    """Digits and '+' as ids; anything else left out (and said so); cut to the trained length."""
    stripped = text.strip()
    ids = [TOKEN_ID[c] for c in stripped if c in TOKEN_ID and TOKEN_ID[c] > END]
    notes = []
    skipped = sorted({c for c in stripped if c not in TOKEN_ID or TOKEN_ID[c] <= END})
    if skipped:
        notes.append(f"characters outside the vocabulary (digits and +) were left out: "
                     f"{', '.join(repr(c) for c in skipped)}")
    if not ids:
        raise WorkbenchError(f"{text!r} holds no digits to decode; type digits such as 1234 (or 12+34)")
    if len(ids) > source_length:
        notes.append(f"the input was cut to the {source_length} symbols the model was trained on")
        ids = ids[:source_length]
    return ids, notes


class TransformerViews(keras.callbacks.Callback):
    """Exact-match accuracy of greedy decoding; decoded examples; cross-attention per head."""

    def __init__(self, emit, x_check: np.ndarray, y_check: np.ndarray):
        super().__init__()
        self.emit = emit
        self.x, self.y = x_check[:CHECKED_EXAMPLES], y_check[:CHECKED_EXAMPLES]

    def on_epoch_end(self, epoch, logs=None):
        step = epoch + 1
        predicted = greedy_decode(self.model, self.x, self.y.shape[1])
        want = ["".join(s for s in symbols(r) if s != "<end>") for r in self.y]
        got = ["".join(s for s in symbols(r) if s != "<end>") for r in predicted]
        exact = float(np.mean([a == b for a, b in zip(want, got)]))
        source = ["".join(symbols(r)) for r in self.x]
        lines = [f"{s:>14}  ->  {g:<12} {'right' if g == w else 'want ' + w}"
                 for s, g, w in list(zip(source, got, want))[:12]]
        self.emit(View("decoded_examples", Text(f"greedy decoding, exact match {exact:.3f}\n\n" + "\n".join(lines)),
                       "Greedy decoding of held-out strings", step))
        out_len = len(symbols(predicted[0]))
        per_layer = [w[0] for w in cross_attentions(self.model, self.x[:1], predicted[:1, :out_len])]
        rows = symbols(predicted[0])
        cols = [VOCABULARY[i] for i in self.x[0] if i != PAD]
        for view in head_views(per_layer, rows, cols, "cross_attention",
                               f"cross-attention, {''.join(cols)} -> {''.join(rows)}", step,
                               "input symbol", "output symbol"):
            self.emit(view)
        if logs is not None:
            logs["val_exact_match"] = exact
