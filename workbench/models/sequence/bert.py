"""BERT: a bidirectional Transformer encoder, pre-trained then fine-tuned (Devlin et al. 2019).

Pre-training (``head=pretrain``) on pairs of verses ``[CLS] A [SEP] B [SEP]`` (segment 0
for A, 1 for B), two losses summed:

- masked-LM: ``mask_rate`` (15 %) of the word positions are chosen; of those 80 % become
  ``[MASK]``, 10 % a random word, 10 % stay as they are (so the model cannot learn that only
  ``[MASK]`` needs predicting); the loss is on the chosen positions only.
- next-sentence prediction: B is the verse after A half of the time, a random other verse
  otherwise; ``[CLS]``'s vector classifies IsNext / NotNext.

Fine-tuning (``head=classify|tag|qa``, ``pretrained=RUN_DIR`` to start from a pre-trained
encoder) puts one layer on top: a sentence label from ``[CLS]``; an IOB tag per token; a QA
answer span's start and end logits over the positions. The labelled sets are made from the
corpus with planted rules (``workbench.models.sequence.bert_tasks``): a verse's topic by its
keywords, person and place names as IOB entities, "who"/"where" questions answered by the
first name / place of the verse, so they train offline and the right answer is known.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from workbench.errors import WorkbenchError
from workbench.models.sequence import bert_tasks as tasks
from workbench.models.sequence import text_generation as tg
from workbench.models.sequence.multihead import (
    MASKED_SCORE,
    PACKAGE,
    AttentionMask,
    TokenAndPositionEmbedding,
    TransformerBlock,
    attention_weights,
    head_views,
)
from workbench.models.sequence.transformer import masked_accuracy
from workbench.views.types import Text, View

#: A pre-trained run's architecture is taken over by its fine-tuning runs.
ARCHITECTURE = ("d_model", "heads", "layers", "d_ff", "seq_length")


@keras.saving.register_keras_serializable(package=PACKAGE)
class ClsVector(keras.layers.Layer):
    """The sequence output at position 0, ``[CLS]``: the whole input's summary vector."""

    def call(self, x):
        return x[:, 0]

    def compute_output_shape(self, x_shape):
        return (x_shape[0], x_shape[2])


@keras.saving.register_keras_serializable(package=PACKAGE)
class SpanLogits(keras.layers.Layer):
    """Start and end logits per position (one Dense(2)); padding can be neither."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(2, name="span")

    def build(self, x_shape, ids_shape):
        self.dense.build(x_shape)

    def call(self, x, ids):
        logits = self.dense(x)
        real = ops.not_equal(ids, 0)
        start = ops.where(real, logits[..., 0], MASKED_SCORE)
        end = ops.where(real, logits[..., 1], MASKED_SCORE)
        return start, end

    def compute_output_shape(self, x_shape, ids_shape):
        return (tuple(ids_shape), tuple(ids_shape))


def build_encoder(hp: dict, vocab_size: int) -> keras.Model:
    """{token_ids, segment_ids} (B, L) -> contextual vectors (B, L, d_model)."""
    d, heads = int(hp["d_model"]), int(hp["heads"])
    if d % heads:
        raise WorkbenchError(f"d_model={d} must be a multiple of heads={heads} (each head gets d_model/heads)")
    ids = keras.Input((None,), dtype="int32", name="token_ids")
    segments = keras.Input((None,), dtype="int32", name="segment_ids")
    x = TokenAndPositionEmbedding(vocab_size, int(hp["seq_length"]), d, name="embedding")(ids)
    x = x + keras.layers.Embedding(2, d, name="segment_embedding")(segments)
    x = keras.layers.Dropout(hp["dropout"])(x)
    mask = AttentionMask(name="padding_mask")(ids, ids)  # bidirectional: only padding is hidden
    for i in range(int(hp["layers"])):
        x = TransformerBlock(d, heads, int(hp["d_ff"]), hp["dropout"], name=f"encoder_block{i + 1}")(x, mask)
    x = keras.layers.LayerNormalization(epsilon=1e-6, name="encoder_norm")(x)
    return keras.Model({"token_ids": ids, "segment_ids": segments}, x, name="encoder")


def build_bert(hp: dict, info, vocab_size: int | None = None, classes: int | None = None) -> keras.Model:
    """The encoder with the head ``hp["head"]`` on top."""
    vocab_size = vocab_size or len(tasks.SPECIAL) + int(hp["max_vocab"])
    encoder = build_encoder(hp, vocab_size)
    ids = keras.Input((None,), dtype="int32", name="token_ids")
    segments = keras.Input((None,), dtype="int32", name="segment_ids")
    inputs = {"token_ids": ids, "segment_ids": segments}
    seq = encoder(inputs)
    head = hp["head"]
    if head == "pretrain":
        h = keras.layers.Dense(int(hp["d_model"]), activation="gelu", name="mlm_transform")(seq)
        h = keras.layers.LayerNormalization(epsilon=1e-6, name="mlm_norm")(h)
        outputs = {"mlm": keras.layers.Dense(vocab_size, name="mlm")(h),
                   "nsp": keras.layers.Dense(2, name="nsp")(ClsVector(name="cls")(seq))}
    elif head == "classify":
        cls = keras.layers.Dropout(hp["dropout"])(ClsVector(name="cls")(seq))
        outputs = keras.layers.Dense(classes or len(tasks.TOPICS), name="class_logits")(cls)
    elif head == "tag":
        outputs = keras.layers.Dense(classes or len(tasks.TAGS), name="tag_logits")(seq)
    else:
        start, end = SpanLogits(name="span_logits")(seq, ids)
        outputs = {"start": start, "end": end}
    return keras.Model(inputs, outputs, name=f"bert_{head}")


def compile_bert(model, hp: dict):
    from workbench.training.job import make_optimizer

    ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    head = hp["head"]
    if head == "pretrain":
        loss = {"mlm": keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0), "nsp": ce}
        metrics = {"mlm": [masked_accuracy], "nsp": ["accuracy"]}
    elif head == "tag":
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
        metrics = [masked_accuracy]
    elif head == "qa":
        loss, metrics = {"start": ce, "end": ce}, {"start": ["accuracy"], "end": ["accuracy"]}
    else:
        loss, metrics = ce, ["accuracy"]
    model.compile(optimizer=make_optimizer(hp), loss=loss, metrics=metrics)
    return model


def pretrained_setup(hp: dict) -> tuple[dict, dict | None]:
    """``hp`` with the pre-trained run's architecture, and that run's text metadata (or None)."""
    path = str(hp.get("pretrained") or "").strip()
    if not path:
        return hp, None
    if hp["head"] == "pretrain":
        raise WorkbenchError("pretrained= starts a fine-tuning head from a pre-trained encoder; "
                             "with head=pretrain leave it empty")
    from workbench.runs.rundir import RunDir

    meta = tg.load_meta(path, "bert")
    config = RunDir(path).read_config()
    trained = config.get("hparams", {})
    return {**hp, **{k: trained[k] for k in ARCHITECTURE if k in trained}}, meta


def train_bert(ctx):
    from workbench.training import events
    from workbench.training.job import fit_arrays

    corpus, hp = ctx.dataset, dict(ctx.hp)
    hp, pre_meta = pretrained_setup(hp)
    if pre_meta is not None:
        vocabulary = pre_meta["vocabulary"]
    else:
        vocabulary = tasks.build_vocabulary(corpus.train_text, int(hp["max_vocab"]))
    length = int(hp["seq_length"])
    rng = np.random.default_rng(ctx.config.seed)
    train_verses, val_verses = tasks.verses(corpus.train_text), tasks.verses(corpus.val_text)
    if len(train_verses) < 3:
        raise WorkbenchError(f"{corpus.info.name} has {len(train_verses)} line(s) of three words or more; BERT "
                             "needs sentence pairs (one sentence per line)")
    head = hp["head"]
    build = {"pretrain": tasks.pretraining_set, "classify": tasks.classification_set,
             "tag": tasks.tagging_set, "qa": tasks.qa_set}[head]
    extra = {"rate": float(hp["mask_rate"]), "rng": rng} if head == "pretrain" else {}
    x, y = build(train_verses, vocabulary, length, **extra)
    if head != "pretrain" and len(x["token_ids"]) < 2:
        raise WorkbenchError(f"{corpus.info.name} gives {len(x['token_ids'])} labelled example(s) for head={head}; "
                             "the planted labels need a corpus with names and places (such as genesis)")
    x_val, y_val = build(val_verses, vocabulary, length, **extra) if len(val_verses) >= 3 else (None, None)
    if x_val is not None and len(x_val["token_ids"]) == 0:
        x_val, y_val = None, None
    model = compile_bert(build_bert(hp, corpus.info, len(vocabulary)), hp)
    if pre_meta is not None and not ctx.resume:
        pre = tg.load_run_model(hp["pretrained"])
        model.get_layer("encoder").set_weights(pre.get_layer("encoder").get_weights())
        ctx.emit(events.Status(f"encoder weights taken from {hp['pretrained']}"))
    tg.save_meta(ctx.run_dir.path, "bert", vocabulary=vocabulary, head=head, seq_length=length,
                 topics=list(tasks.TOPICS), tags=list(tasks.TAGS))
    views = BertViews(ctx.emit, head, vocabulary, x_val if x_val is not None else x)
    return fit_arrays(ctx, model, x, y, x_val, y_val, extra_callbacks=[views])


train_bert.resumable = True  # it trains through fit_arrays


class BertViews(keras.callbacks.Callback):
    """Every encoder block's self-attention per head on one example, and what the head
    predicts for a few held-out examples."""

    def __init__(self, emit, head: str, vocabulary: list[str], x_show: dict):
        super().__init__()
        self.emit, self.head, self.vocabulary = emit, head, vocabulary
        self.x = {k: v[:6] for k, v in x_show.items()}

    def on_epoch_end(self, epoch, logs=None):
        step = epoch + 1
        first = {k: v[:1] for k, v in self.x.items()}
        n = int((first["token_ids"][0] != 0).sum())
        per_layer = [w[0] for w in attention_weights(self.model.get_layer("encoder"), first)]
        labels = [self.vocabulary[i] for i in first["token_ids"][0][:n]]
        for view in head_views(per_layer, labels, labels, "attention", "encoder self-attention", step):
            self.emit(view)
        self.emit(View("bert_predictions", Text(self.report()), f"{self.head}: held-out examples", step))

    def report(self) -> str:
        outputs = self.model(self.x, training=False)
        lines = []
        for row in range(len(self.x["token_ids"])):
            ids = self.x["token_ids"][row]
            lines.append(describe_prediction(self.head, self.vocabulary, ids, _row(outputs, row)))
        return "\n\n".join(lines)


def _row(outputs, row: int):
    if isinstance(outputs, dict):
        return {k: np.asarray(v)[row] for k, v in outputs.items()}
    return np.asarray(outputs)[row]


def describe_prediction(head: str, vocabulary: list[str], ids, out) -> str:
    tokens = [vocabulary[i] for i in ids if i != 0]
    text = " ".join(tokens)
    if head == "pretrain":
        masked = [i for i, t in enumerate(ids) if t == tasks.MASK_ID]
        guesses = ", ".join(f"#{i}: {vocabulary[int(np.argmax(out['mlm'][i]))]}" for i in masked[:6])
        p_next = float(_softmax(out["nsp"])[1])
        return f"{text}\n  [MASK] -> {guesses or '(none masked)'};  P(IsNext) = {p_next:.2f}"
    if head == "classify":
        return f"{text}\n  -> {tasks.TOPICS[int(np.argmax(out))]}"
    if head == "tag":
        tags = [tasks.TAGS[int(np.argmax(out[i]))] for i in range(len(tokens))]
        return "  ".join(f"{t}/{g}" for t, g in zip(tokens, tags) if t not in tasks.SPECIAL)
    start, end = int(np.argmax(out["start"])), int(np.argmax(out["end"]))
    return f"{text}\n  answer: {' '.join(tokens[start:end + 1]) if end >= start else '(none)'}"


def _softmax(z):
    z = np.asarray(z, np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def predict_text(run_dir: str, texts: list[str]) -> list[dict]:
    """The ``predict_text`` hook, by head: ``classify`` -> label and probabilities; ``tag`` ->
    IOB tag per word; ``qa`` -> the answer span of ``"QUESTION ||| CONTEXT"`` (the question
    "who" when no ``|||``); ``pretrain`` -> each ``[MASK]``'s likeliest words, and P(IsNext)
    for ``"A ||| B"``. Unknown words become ``[UNK]`` and are named in ``notes``."""
    meta = tg.load_meta(run_dir, "bert")
    model = tg.load_run_model(run_dir)
    vocabulary, head, length = meta["vocabulary"], meta["head"], int(meta["seq_length"])
    results = []
    for text in texts:
        first, _, second = text.partition("|||")
        if head == "qa" and not second:
            first, second = "who", text
        x, notes = tasks.encode_pair(first, second if second.strip() else None, vocabulary, length)
        out = _row(model(x, training=False), 0)
        tokens = [vocabulary[i] for i in x["token_ids"][0] if i != 0]
        result = {"text": text, "head": head, "tokens": tokens, "notes": notes}
        if head == "classify":
            p = _softmax(out)
            result.update(label=tasks.TOPICS[int(np.argmax(p))],
                          probabilities={t: float(v) for t, v in zip(tasks.TOPICS, p)})
        elif head == "tag":
            result["tags"] = [tasks.TAGS[int(np.argmax(out[i]))] for i in range(len(tokens))]
        elif head == "qa":
            start, end = best_span(out["start"][:len(tokens)], out["end"][:len(tokens)],
                                   first_context=tokens.index(tasks.SEP) + 1 if tasks.SEP in tokens else 1)
            result.update(start=start, end=end, answer=" ".join(tokens[start:end + 1]))
        else:
            result["masks"] = [{"position": i, "top": [{"word": vocabulary[j], "probability": float(_softmax(out["mlm"][i])[j])}
                                                      for j in np.argsort(-out["mlm"][i])[:5]]}
                               for i, t in enumerate(x["token_ids"][0]) if t == tasks.MASK_ID]
            if second.strip():
                result["is_next_probability"] = float(_softmax(out["nsp"])[1])
        results.append(result)
    return results


def best_span(start_logits, end_logits, first_context: int = 1, max_length: int = 8) -> tuple[int, int]:
    """The (start, end) with end >= start, at most ``max_length`` tokens, inside the context,
    of the highest start + end logit (the paper's span selection)."""
    s, e = np.asarray(start_logits, np.float64), np.asarray(end_logits, np.float64)
    best, span = -np.inf, (first_context, first_context)
    for i in range(first_context, len(s)):
        for j in range(i, min(len(e), i + max_length)):
            if s[i] + e[j] > best:
                best, span = s[i] + e[j], (i, j)
    return span
