"""Catalog section D, language: word2vec, the Transformer, BERT and GPT.

The recurrent entries, seq2seq and audio of the same section are declared in their own
family modules; these four share the attention layer of ``workbench.models.sequence.multihead``.
"""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "D. Sequences, language and audio"
_TEXT = ("text",)


def _transformer_hparams(d_model=64, heads=4, layers=2, d_ff=128) -> tuple[HParam, ...]:
    return (
        HParam("d_model", int, d_model, "Width of every token's vector", low=4, high=2048),
        HParam("heads", int, heads, "Attention heads per layer (d_model must be a multiple)", low=1, high=64),
        HParam("layers", int, layers, "Transformer blocks", low=1, high=48),
        HParam("d_ff", int, d_ff, "Hidden units of each block's feed-forward network", low=4, high=8192),
        HParam("dropout", float, 0.1, "Dropout on attention weights and residual branches", low=0.0, high=0.9),
    )


_TINY = {"d_model": 8, "heads": 2, "layers": 1, "d_ff": 16}

register(Entry(
    name="word2vec",
    display_name="word2vec (skip-gram / CBOW, negative sampling)",
    family=FAMILY,
    task="embedding",
    summary=(
        "Word vectors from the company a word keeps. Skip-gram predicts each context word from the "
        "centre word, CBOW the centre word from the mean of its context; each true (word, context) "
        "pair is scored against k negative words drawn from the unigram distribution raised to 3/4: "
        "loss = -log s(u_c.v_w) - sum_k log s(-u_k.v_w). Words used alike end up close (cosine); "
        "the run shows a 2-D projection, nearest neighbours and analogies (a:b::c:?)."
    ),
    paper="Mikolov et al., Distributed representations of words and phrases and their "
          "compositionality, NeurIPS 2013",
    builder="workbench.models.sequence.word2vec:build_word2vec",
    trainer="workbench.models.sequence.word2vec:train_word2vec",
    hparams=(
        HParam("mode", str, "skipgram", "Predict the context from the word, or the word from its context",
               choices=("skipgram", "cbow")),
        HParam("embedding_dim", int, 64, "Length of each word vector", low=2, high=1024),
        HParam("window", int, 3, "Context words taken on each side", low=1, high=20),
        HParam("negatives", int, 5, "Negative words per true pair (k)", low=1, high=50),
        HParam("max_vocab", int, 3000, "Most frequent words kept; the rest are left out", low=10,
               high=1_000_000),
        HParam("min_count", int, 2, "Words seen fewer times are left out", low=1, high=1000),
        # sparse updates: each vector moves only when its word is drawn, so a larger step than
        # the shared 1e-3 (at 1e-3 all vectors still point the same way after an epoch)
        HParam("learning_rate", float, 0.01, "Step size", low=1e-6, high=10.0, log=True),
    ),
    data_kinds=_TEXT,
    default_data="genesis",
    smoke={"embedding_dim": 8, "max_vocab": 100, "window": 2, "negatives": 2},
    hooks={"predict_text": "workbench.models.sequence.word2vec:predict_text"},
))

register(Entry(
    name="transformer",
    display_name="Transformer (encoder-decoder)",
    family=FAMILY,
    task="sequence",
    summary=(
        "Attention only, no recurrence or convolution: an encoder of self-attention blocks reads the "
        "source, a decoder of masked self-attention and cross-attention blocks writes the target one "
        "token at a time. Attention(Q,K,V) = softmax(QK^T/sqrt(d_k))V over several heads; a sinusoidal "
        "positional encoding says where each token is; a padding mask hides padding and a look-ahead "
        "mask hides the future. Teacher forcing in training, greedy decoding in inference."
    ),
    paper="Vaswani et al., Attention is all you need, NeurIPS 2017",
    builder="workbench.models.sequence.transformer:build_transformer",
    trainer="workbench.models.sequence.transformer:train_transformer",
    hparams=_transformer_hparams(),
    data_kinds=("sequence",),
    default_data="reverse_digits",
    smoke=_TINY,
    hooks={"predict_text": "workbench.models.sequence.transformer:predict_text"},
))

register(Entry(
    name="bert",
    display_name="BERT (masked LM + next sentence, fine-tuning heads)",
    family=FAMILY,
    task="sequence",
    summary=(
        "A Transformer encoder pre-trained on unlabelled text with two tasks: masked-LM (15 % of the "
        "tokens chosen; of those 80 % become [MASK], 10 % a random word, 10 % stay, and the model "
        "recovers them from both sides) and next-sentence prediction (is B the sentence after A, or a "
        "random one?). Fine-tuning puts a small head on the pre-trained encoder: sentence "
        "classification from [CLS], IOB tags per token, or a QA answer span's start and end. The "
        "fine-tuning sets are built from the corpus with planted labels."
    ),
    paper="Devlin et al., BERT: pre-training of deep bidirectional Transformers for language "
          "understanding, NAACL 2019",
    builder="workbench.models.sequence.bert:build_bert",
    trainer="workbench.models.sequence.bert:train_bert",
    hparams=(
        HParam("head", str, "pretrain", "Pre-train (masked LM + NSP) or fine-tune a head",
               choices=("pretrain", "classify", "tag", "qa")),
        HParam("pretrained", str, "", "A pre-trained bert run directory to start the encoder from "
                                      "(fine-tuning heads; empty = from scratch)"),
        HParam("seq_length", int, 48, "Tokens per input, [CLS] and [SEP]s included", low=8, high=512),
        HParam("max_vocab", int, 3000, "Most frequent words kept (a new vocabulary is built only when "
                                       "pre-training)", low=10, high=1_000_000),
        HParam("mask_rate", float, 0.15, "Share of tokens chosen for masked-LM", low=0.01, high=0.5),
        *_transformer_hparams(),
    ),
    data_kinds=_TEXT,
    default_data="genesis",
    smoke={**_TINY, "seq_length": 16, "max_vocab": 100},
    hooks={"predict_text": "workbench.models.sequence.bert:predict_text"},
))

register(Entry(
    name="gpt",
    display_name="GPT (decoder-only, causal LM)",
    family=FAMILY,
    task="generation",
    summary=(
        "A stack of Transformer blocks whose self-attention is causally masked, trained to predict "
        "each next token: p(x) = prod_t p(x_t | x_<t). Text is generated one token at a time with a "
        "temperature (0 = greedy) and top-k sampling; the same held-out verse is continued after zero, "
        "one and several example verses (prompting) side by side; held-out perplexity exp(val_loss)."
    ),
    paper="Radford et al., Improving language understanding by generative pre-training, 2018",
    builder="workbench.models.sequence.gpt:build_gpt",
    trainer="workbench.models.sequence.gpt:train_gpt",
    hparams=(
        HParam("context", int, 64, "Tokens the model sees at once (its window)", low=4, high=4096),
        *_transformer_hparams(),
        HParam("sample_length", int, 200, "Tokens of the sample shown after each epoch", low=1, high=5000),
    ),
    data_kinds=_TEXT,
    default_data="genesis",
    smoke={**_TINY, "context": 16, "sample_length": 12},
    hooks={"generate_text": "workbench.models.sequence.gpt:generate_text"},
))
