"""Sequence to sequence: an LSTM encoder-decoder, plain or with attention.

Sutskever, Vinyals & Le (2014): the encoder LSTM reads the source string and hands its
final state ``(h, c)`` to the decoder LSTM, which writes the answer one token at a time.

- **Teacher forcing** (training): the decoder input is ``<start>`` followed by the true
  answer, the target shifted right by one step (``sequence_tasks.teacher_forcing``), so
  every step learns from the right history at once, in parallel.
- **Greedy decoding** (inference, ``greedy_decode``): the decoder is fed ``<start>``, then
  its own most probable token of the step before, step by step, until it writes ``<end>``.
- **Attention** (``seq2seq_attention``): the plain model must squeeze the whole source into
  one state; with attention each decoder state ``s_t`` also reads a weighted mean of all
  encoder states, ``c_t = sum_j a_tj h_j`` (``attention.py``: Bahdanau's additive or Luong's
  dot score), and predicts from ``tanh(W [s_t; c_t])``, Luong's attentional state. The
  query is the current decoder state (Luong's global attention), which lets teacher-forced
  training run over all steps at once; the weights ``a_tj`` are the matrix drawn as a
  heat grid, output symbols by input symbols.

Token ids are those of ``workbench.data.sequence_tasks`` (``<pad>`` = 0 is masked
everywhere: in the encoder, the attention, the loss and the metrics).
"""

from __future__ import annotations

import os

import keras
import numpy as np
from keras import ops

from workbench.data.sequence_tasks import END, PAD, START, TOKEN_ID, VOCABULARY
from workbench.errors import WorkbenchError
from workbench.models.sequence.attention import SequenceAttention
from workbench.training import events
from workbench.views.types import HeatGrid, Text

#: Validation examples decoded greedily after each epoch (accuracy and the views).
GREEDY_SAMPLES = 256


# ----------------------------------------------------------------------------- the model
def build_seq2seq(hp: dict, info) -> keras.Model:
    return _build(hp, info, score=None)


def build_seq2seq_attention(hp: dict, info) -> keras.Model:
    return _build(hp, info, score=hp["score"])


def _build(hp: dict, info, score: str | None) -> keras.Model:
    """``[encoder ids (B, S), decoder ids (B, T)] -> next-token probabilities (B, T, vocabulary)``."""
    if len(info.input_shape) != 1 or tuple(info.class_names) != VOCABULARY:
        raise WorkbenchError(
            f"seq2seq reads strings of digits encoded as token ids (reverse_digits, add_digits); "
            f"{info.name} has inputs of shape {tuple(info.input_shape)}")
    vocabulary, units = len(VOCABULARY), hp["units"]
    source = keras.Input(shape=(None,), dtype="int32", name="encoder_ids")
    target_in = keras.Input(shape=(None,), dtype="int32", name="decoder_ids")
    embedded = keras.layers.Embedding(vocabulary, hp["embedding_dim"], mask_zero=True,
                                      name="encoder_embedding")(source)
    keys, h, c = keras.layers.LSTM(units, return_sequences=True, return_state=True, name="encoder")(embedded)
    decoder_embedded = keras.layers.Embedding(vocabulary, hp["embedding_dim"], mask_zero=True,
                                              name="decoder_embedding")(target_in)
    states, _, _ = keras.layers.LSTM(units, return_sequences=True, return_state=True,
                                     name="decoder")(decoder_embedded, initial_state=[h, c])
    features = states
    if score:
        context, _ = SequenceAttention(score, hp["attention_units"], name="attention")([states, keys, source])
        joined = keras.layers.Concatenate(name="state_and_context")([states, context])
        features = keras.layers.Dense(units, activation="tanh", name="attentional_state")(joined)
    probabilities = keras.layers.Dense(vocabulary, activation="softmax", name="predictions")(features)
    return keras.Model([source, target_in], probabilities, name="seq2seq_attention" if score else "seq2seq")


def has_attention(model) -> bool:
    return any(layer.name == "attention" for layer in model.layers)


def compile_seq2seq(model, hp: dict) -> None:
    from workbench.training.job import apply_l2, make_optimizer

    apply_l2(model, hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(hp),
                  loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=PAD),
                  metrics=[TokenAccuracy(), SequenceAccuracy()])


@keras.saving.register_keras_serializable(package="workbench")
class TokenAccuracy(keras.metrics.Metric):
    """Teacher-forced accuracy per answer token (``<end>`` included, ``<pad>`` not counted)."""

    def __init__(self, name="token_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.right = self.add_variable(shape=(), initializer="zeros", name="right")
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None):
        # the padding is read from y_true itself; Keras's mask (sample_weight) is the same one
        real, right = _real_and_right(y_true, y_pred)
        self.right.assign_add(ops.sum(ops.cast(real & right, "float32")))
        self.total.assign_add(ops.sum(ops.cast(real, "float32")))

    def result(self):
        return self.right / ops.maximum(self.total, 1.0)

    def reset_state(self):
        self.right.assign(0.0)
        self.total.assign(0.0)


@keras.saving.register_keras_serializable(package="workbench")
class SequenceAccuracy(keras.metrics.Metric):
    """Teacher-forced fraction of answers with every token right."""

    def __init__(self, name="sequence_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.right = self.add_variable(shape=(), initializer="zeros", name="right")
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None):
        real, right = _real_and_right(y_true, y_pred)
        whole = ops.all(right | ~real, axis=-1)
        self.right.assign_add(ops.sum(ops.cast(whole, "float32")))
        self.total.assign_add(ops.cast(ops.shape(whole)[0], "float32"))

    def result(self):
        return self.right / ops.maximum(self.total, 1.0)

    def reset_state(self):
        self.right.assign(0.0)
        self.total.assign(0.0)


def _real_and_right(y_true, y_pred):
    y_true = ops.cast(y_true, "int32")
    return ops.not_equal(y_true, PAD), ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true)


# ----------------------------------------------------------------------------- greedy decoding
def encode_source(model, source_ids):
    """The encoder's states ``(B, S, units)`` and its final ``[h, c]`` (padding masked)."""
    source_ids = ops.convert_to_tensor(np.asarray(source_ids, np.int32))
    embedded = model.get_layer("encoder_embedding")(source_ids)
    keys, h, c = model.get_layer("encoder")(embedded, mask=ops.not_equal(source_ids, PAD))
    return keys, [h, c]


def decoder_step(model, tokens, states, keys, source_ids):
    """One decoder step for the previous tokens ``(B,)``: probabilities ``(B, vocabulary)``,
    the new ``[h, c]`` and the attention weights ``(B, S)`` (None without attention)."""
    embedded = model.get_layer("decoder_embedding")(ops.convert_to_tensor(np.asarray(tokens, np.int32)[:, None]))
    output, h, c = model.get_layer("decoder")(embedded, initial_state=states)
    weights = None
    if has_attention(model):
        context, weights = model.get_layer("attention")([output, keys, ops.convert_to_tensor(source_ids)])
        output = model.get_layer("attentional_state")(ops.concatenate([output, context], axis=-1))
        weights = ops.convert_to_numpy(weights)[:, 0]
    probabilities = ops.convert_to_numpy(model.get_layer("predictions")(output))[:, 0]
    return probabilities, [h, c], weights


def greedy_decode(model, source_ids, max_steps: int):
    """Token ids ``(B, steps)`` (``<end>`` included, ``<pad>`` after it) and the attention
    weights ``(B, steps, S)`` (None without attention): each step feeds back the argmax of
    the one before (``writable_argmax``), and the loop stops once every row has written ``<end>``."""
    source_ids = np.asarray(source_ids, np.int32)
    keys, states = encode_source(model, source_ids)
    tokens = np.full(len(source_ids), START, np.int32)
    done = np.zeros(len(source_ids), bool)
    written, attended = [], []
    for _ in range(max_steps):
        probabilities, states, weights = decoder_step(model, tokens, states, keys, source_ids)
        tokens = np.where(done, PAD, writable_argmax(probabilities)).astype(np.int32)
        written.append(tokens)
        attended.append(weights)
        done |= tokens == END
        if done.all():
            break
    out = np.stack(written, axis=1)
    return out, (np.stack(attended, axis=1) if attended[0] is not None else None)


def writable_argmax(probabilities: np.ndarray) -> np.ndarray:
    """The most probable token that an answer can hold: ``<pad>`` and ``<start>`` are never
    targets (the loss ignores padding), so an untrained decoder's vote for them is skipped."""
    probabilities = np.array(probabilities, copy=True)
    probabilities[..., [PAD, START]] = -np.inf
    return probabilities.argmax(-1)


def sequence_scores(predicted: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Greedy-decoding accuracy: ``sequence`` (the whole answer and its ``<end>`` right) and
    ``char`` (target positions up to ``<end>`` where the decoded token is the same)."""
    width = max(predicted.shape[1], targets.shape[1])
    predicted = np.pad(predicted, ((0, 0), (0, width - predicted.shape[1])))
    targets = np.pad(targets, ((0, 0), (0, width - targets.shape[1])))
    real = targets != PAD
    right = predicted == targets
    return {"sequence": float(np.all(right | ~real, axis=1).mean() if len(targets) else 0.0),
            "char": float(right[real].mean() if real.any() else 0.0)}


def token_labels(ids) -> list[str]:
    """Display symbols of a source row: its tokens without ``<pad>``."""
    return [VOCABULARY[int(i)] for i in np.asarray(ids).ravel() if i != PAD]


def output_labels(ids) -> list[str]:
    """Display symbols of a decoded or target row: every token up to and with the first
    ``<end>`` (a ``<pad>`` the decoder wrote before it is shown: it is a wrong answer)."""
    ids = np.asarray(ids).ravel()
    ends = np.flatnonzero(ids == END)
    return [VOCABULARY[int(i)] for i in ids[: ends[0] + 1 if len(ends) else len(ids)]]


def answer_text(labels: list[str]) -> str:
    """The answer as a string: the symbols before ``<end>``, special tokens left out."""
    return "".join(label for label in labels if len(label) == 1)


# ----------------------------------------------------------------------------- training
def train_seq2seq(ctx):
    """Teacher-forced ``fit`` on ``([source, <start> + answer], answer + <end>)``; after each
    epoch the validation answers are decoded greedily (``val_greedy_*``) and one of them is
    shown with its attention matrix."""
    from workbench.training.job import fit_arrays

    data, hp = ctx.dataset, ctx.hp
    if getattr(data, "decoder_x_train", None) is None:
        raise WorkbenchError(f"{ctx.entry.name} needs string pairs (reverse_digits, add_digits); "
                             f"{data.info.name} has none")
    model = ctx.entry.build(hp, data.info)
    compile_seq2seq(model, hp)
    callbacks = [GreedyDecodingViews(ctx.emit, data.x_val[:GREEDY_SAMPLES], data.y_val[:GREEDY_SAMPLES],
                                     hp["example"])] if len(data.x_val) else []
    return fit_arrays(ctx, model, (data.x_train, data.decoder_x_train), data.y_train,
                      (data.x_val, data.decoder_x_val), data.y_val, extra_callbacks=callbacks)


train_seq2seq.resumable = True  # it trains through fit_arrays


class GreedyDecodingViews(keras.callbacks.Callback):
    """Greedy decoding of validation examples each epoch: ``val_greedy_sequence_accuracy`` and
    ``val_greedy_char_accuracy`` in the logs, a few decoded examples as text and, with
    attention, the attention matrix of example ``example`` as a heat grid."""

    def __init__(self, emit, x, y, example: int = 0):
        super().__init__()
        self.emit, self.x, self.y = emit, x, y
        self.example = min(example, len(x) - 1)

    def on_epoch_end(self, epoch, logs=None):
        predicted, attention = greedy_decode(self.model, self.x, self.y.shape[1])
        scores = sequence_scores(predicted, self.y)
        if logs is not None:
            logs["val_greedy_sequence_accuracy"] = scores["sequence"]
            logs["val_greedy_char_accuracy"] = scores["char"]
        self.emit(events.View("decoded_examples", Text(self._examples_text(predicted)),
                              "Greedy decoding of validation examples", epoch + 1))
        if attention is not None:
            self.emit(attention_view(self.x[self.example], predicted[self.example],
                                     attention[self.example], epoch + 1))

    def _examples_text(self, predicted) -> str:
        lines = []
        for source, target, output in zip(self.x[:10], self.y[:10], predicted[:10]):
            source = answer_text(token_labels(source))
            target, output = answer_text(output_labels(target)), answer_text(output_labels(output))
            lines.append(f"{source:>14}  ->  {output:<12} {'right' if output == target else 'want ' + target}")
        return "\n".join(lines)


def attention_view(source_ids, output_ids, weights, step: int = 0) -> events.View:
    """The attention matrix of one example: a row per output symbol, a column per input symbol."""
    inputs, outputs = token_labels(source_ids), output_labels(output_ids)
    grid = HeatGrid(weights[: len(outputs), : len(inputs)], outputs, inputs, "input symbol", "output symbol",
                    annotate=len(inputs) * len(outputs) <= 100)
    return events.View("attention", grid, f"Attention weights: {answer_text(inputs)} -> {answer_text(outputs)}",
                       step)


# ----------------------------------------------------------------------------- the predict_text hook
def predict_text(run_dir: str, texts: list[str]) -> list[dict]:
    """Decode typed strings with a trained run (``"1234"`` -> ``"4321"``): ``{"text", "output",
    "output_symbols", "input_symbols"}``, plus ``"attention"`` (a row per output symbol) for
    ``seq2seq_attention``. A character outside the vocabulary is refused with a sentence."""
    from workbench.models.io import load_model

    if not texts:
        raise WorkbenchError("give at least one text to decode")
    model = load_model(run_dir)
    if not any(layer.name == "encoder" for layer in model.layers):
        raise WorkbenchError(f"{os.path.basename(os.path.normpath(run_dir))} is not a seq2seq run")
    encoded = [_encode_text(text) for text in texts]
    width = max(len(ids) for ids in encoded)
    source = np.array([ids + [PAD] * (width - len(ids)) for ids in encoded], np.int32)
    predicted, attention = greedy_decode(model, source, width + 2)  # an answer is at most 1 longer
    results = []
    for row, text in enumerate(texts):
        outputs = output_labels(predicted[row])
        result = {"text": text, "output": answer_text(outputs),
                  "input_symbols": token_labels(source[row]), "output_symbols": outputs}
        if attention is not None:
            result["attention"] = attention[row, : len(outputs), : len(encoded[row])].round(6).tolist()
        results.append(result)
    return results


def _encode_text(text: str) -> list[int]:
    stripped = text.strip()
    if not stripped:
        raise WorkbenchError("an empty text has nothing to decode; type digits such as 1234 (or 12+34)")
    bad = sorted({ch for ch in stripped if ch not in TOKEN_ID or TOKEN_ID[ch] <= END})
    if bad:
        raise WorkbenchError(f"{text!r} holds {', '.join(repr(b) for b in bad)}, outside the vocabulary the "
                             "model knows (the digits 0-9 and +)")
    return [TOKEN_ID[ch] for ch in stripped]
