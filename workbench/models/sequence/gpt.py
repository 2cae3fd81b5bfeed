"""GPT: a decoder-only Transformer trained to predict the next token (Radford et al. 2018).

    p(x_1..x_n) = prod_t p(x_t | x_<t),   loss = -1/n sum_t log p(x_t | x_<t)

A causal mask (``AttentionMask(causal=True)``) keeps position t from seeing t+1..; so one
forward pass over a window of ``context`` tokens trains all ``context`` next-token
predictions at once. Held-out perplexity is exp(val_loss). Each epoch the run shows a
sample (temperature 0.8, top-k 10), the same verse continued after zero, one and three
example verses side by side (in-context "prompting": the examples are the only change),
and the last block's attention, one heat grid per head.
"""

from __future__ import annotations

import math
import textwrap

import keras
import numpy as np

from workbench.errors import WorkbenchError
from workbench.models.sequence import text_generation as tg
from workbench.models.sequence.multihead import (
    AttentionMask,
    TokenAndPositionEmbedding,
    TransformerBlock,
    attention_weights,
    head_views,
)
from workbench.views.types import Text, View

SAMPLE_TEMPERATURE, SAMPLE_TOP_K = 0.8, 10
ATTENTION_TOKENS = 24
FEW_SHOT = 3
MAX_VAL_WINDOWS = 512


def build_gpt(hp: dict, info) -> keras.Model:
    """ids (batch, T <= context) -> next-token logits (batch, T, vocabulary)."""
    vocab = len(info.class_names)
    d, heads = int(hp["d_model"]), int(hp["heads"])
    if d % heads:
        raise WorkbenchError(f"d_model={d} must be a multiple of heads={heads} (each head gets d_model/heads)")
    ids = keras.Input((None,), dtype="int32", name="token_ids")
    x = TokenAndPositionEmbedding(vocab, int(hp["context"]), d, name="embedding")(ids)
    x = keras.layers.Dropout(hp["dropout"])(x)
    mask = AttentionMask(causal=True, name="causal_mask")(ids, ids)
    for i in range(int(hp["layers"])):
        x = TransformerBlock(d, heads, int(hp["d_ff"]), hp["dropout"], name=f"block{i + 1}")(x, mask)
    x = keras.layers.LayerNormalization(epsilon=1e-6, name="final_norm")(x)
    logits = keras.layers.Dense(vocab, name="next_token_logits")(x)
    return keras.Model(ids, logits, name="gpt")


def windows(ids: np.ndarray, context: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``ids[s : s + context]`` and targets shifted by one, ``ids[s + 1 : s + context + 1]``."""
    starts = np.arange(0, len(ids) - context, max(1, stride))
    if len(starts) == 0:
        return np.zeros((0, context), np.int32), np.zeros((0, context), np.int32)
    x = np.stack([ids[s:s + context] for s in starts]).astype(np.int32)
    y = np.stack([ids[s + 1:s + context + 1] for s in starts]).astype(np.int32)
    return x, y


def train_gpt(ctx):
    from workbench.training.job import fit_arrays, make_optimizer

    corpus, hp = ctx.dataset, ctx.hp
    context = int(hp["context"])
    train_ids, val_ids = corpus.encode(corpus.train_text), corpus.encode(corpus.val_text)
    x, y = windows(train_ids, context, context // 2)
    if not len(x):
        raise WorkbenchError(f"{corpus.info.name} has {len(train_ids)} training tokens, fewer than "
                             f"context+1={context + 1}: lower context or use a longer text")
    x_val, y_val = windows(val_ids, context, context)
    x_val, y_val = x_val[:MAX_VAL_WINDOWS], y_val[:MAX_VAL_WINDOWS]  # a fixed held-out slice, cheap each epoch
    model = build_gpt(hp, corpus.info)
    model.compile(optimizer=make_optimizer(hp), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    meta = {"vocabulary": list(corpus.vocabulary), "level": corpus.level, "context": context,
            "lowercase": _lowercase(ctx.config.data_options)}
    tg.save_meta(ctx.run_dir.path, "gpt", **meta)
    views = GPTViews(ctx.emit, meta, corpus, int(hp["sample_length"]), ctx.config.seed)
    return fit_arrays(ctx, model, x, y, x_val if len(x_val) else None, y_val if len(x_val) else None,
                      extra_callbacks=[views])


train_gpt.resumable = True  # it trains through fit_arrays


class GPTViews(keras.callbacks.Callback):
    """Perplexity in the epoch logs; a sample, the prompting comparison and the attention heads."""

    def __init__(self, emit, meta: dict, corpus, sample_length: int, seed: int):
        super().__init__()
        self.emit, self.meta, self.corpus, self.length, self.seed = emit, meta, corpus, sample_length, seed

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for key in ("loss", "val_loss"):
                if key in logs:  # capped so a diverging start does not overflow
                    logs[key.replace("loss", "perplexity")] = math.exp(min(float(logs[key]), 50.0))
        step = epoch + 1
        seed_text = first_line(self.corpus.train_text)[:8] or self.corpus.train_text[:8]
        sample = complete(self.model, self.meta, seed_text, self.length, SAMPLE_TEMPERATURE, SAMPLE_TOP_K,
                          self.seed + epoch)
        self.emit(View("gpt_sample", Text(seed_text + sample["generated"]),
                       f"Sample after epoch {step} (T={SAMPLE_TEMPERATURE}, top-k={SAMPLE_TOP_K})", step))
        self.emit(View("gpt_prompting", Text(prompting_comparison(self.model, self.meta, self.corpus,
                                                                  max(8, self.length // 2))),
                       "Zero-, one- and few-shot prompts, greedy", step))
        for view in attention_views(self.model, self.meta, self.corpus.val_text or self.corpus.train_text, step):
            self.emit(view)


def complete(model, meta: dict, prompt: str, length: int, temperature: float, top_k: int, seed: int) -> dict:
    ids, notes = tg.encode_prompt(prompt, meta["vocabulary"], meta["level"], meta.get("lowercase", False))
    if not ids:  # nothing of the prompt is known: start from a line break (or the commonest token)
        start = "\n" if "\n" in meta["vocabulary"] else meta["vocabulary"][2]
        ids = [meta["vocabulary"].index(start)]
        notes.append(f"no token of the prompt is in the vocabulary: generation starts from {start!r}")
    new = tg.generate_ids(model, ids, length, temperature, top_k, seed, int(meta["context"]))
    vocab = meta["vocabulary"]
    generated = tg.join_tokens([vocab[i] for i in new], meta["level"])
    if meta["level"] == "word" and generated:
        generated = " " + generated
    used = tg.join_tokens([vocab[i] for i in ids], meta["level"])
    return {"prompt": prompt, "prompt_used": used, "generated": generated, "text": used + generated,
            "tokens": len(new), "notes": notes}


def generate_text(run_dir: str, prompt: str, length: int, temperature: float, top_k: int, seed: int) -> dict:
    """The ``generate_text`` hook: ``prompt`` continued by ``length`` tokens."""
    meta = tg.load_meta(run_dir, "gpt")
    model = tg.load_run_model(run_dir)
    result = complete(model, meta, prompt, length, temperature, top_k, seed)
    return {**result, "temperature": temperature, "top_k": top_k, "seed": seed, "level": meta["level"]}


def first_line(text: str) -> str:
    return next((line for line in text.splitlines() if len(line.split()) > 3), "")


def verses(text: str) -> list[str]:
    """Lines of a few words or more (chapter headings and blank lines left out)."""
    return [line.strip() for line in text.splitlines() if len(line.split()) >= 5]


def prompting_comparison(model, meta: dict, corpus, length: int, width: int = 34) -> str:
    """The start of one held-out verse continued after 0, 1 and ``FEW_SHOT`` whole example
    verses (greedy, so only the prompt differs), in three columns."""
    held_out = verses(corpus.val_text) or verses(corpus.train_text)
    examples = verses(corpus.train_text)[:FEW_SHOT]
    if not held_out:
        return "The corpus has no lines of five words or more to build prompts from."
    target = held_out[0]
    start = " ".join(target.split()[:3])
    columns = []
    for title, shots in (("zero-shot", 0), ("one-shot", 1), (f"{FEW_SHOT}-shot", FEW_SHOT)):
        prompt = "".join(e + "\n" for e in examples[:shots]) + start
        generated = complete(model, meta, prompt, length, 0.0, 0, 0)["generated"]
        body = textwrap.wrap(f"[{shots} example verse(s)] {start}»{generated}«", width) or [""]
        columns.append([title.upper(), "-" * width, *body])
    rows = max(len(c) for c in columns)
    lines = ["  ".join((c[i] if i < len(c) else "").ljust(width) for c in columns) for i in range(rows)]
    return "\n".join(lines) + f"\n\n(the verse as written: {target[:120]})"


def token_label(token: str) -> str:
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(token, token)


def attention_views(model, meta: dict, text: str, step: int) -> list[View]:
    """One heat grid per layer and head: query positions (rows) by key positions (columns),
    the window's tokens on both axes; the upper triangle is 0 (the causal mask)."""
    ids, _ = tg.encode_prompt(text[:400], meta["vocabulary"], meta["level"], meta.get("lowercase", False))
    ids = ids[:min(ATTENTION_TOKENS, int(meta["context"]))]
    if len(ids) < 2:
        return []
    per_layer = [w[0] for w in attention_weights(model, np.array([ids], np.int32))]  # each (heads, T, T)
    labels = [token_label(meta["vocabulary"][i]) for i in ids]
    return head_views(per_layer, labels, labels, "attention", "causal self-attention", step,
                      "key (attended to)", "query (attending)")


def _lowercase(options: dict) -> bool:
    return str(options.get("lowercase", "false")).strip().lower() in ("1", "true", "yes", "on")
