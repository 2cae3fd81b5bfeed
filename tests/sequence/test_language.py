"""word2vec, the attention layer and its masks, BERT's data and GPT's sampling, by their numbers."""

import math

import keras
import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.models.sequence import bert_tasks as bt
from workbench.models.sequence import text_generation as tg
from workbench.models.sequence import word2vec as w2v
from workbench.models.sequence.multihead import (
    AttentionMask,
    MultiHeadAttention,
    attention_weights,
    causal_mask,
    sinusoidal_encoding,
)

TINY = {"d_model": 8, "heads": 2, "layers": 1, "d_ff": 16, "dropout": 0.0}


# ----------------------------------------------------------------------------- attention
def test_multihead_attention_equals_keras_with_the_same_weights():
    rng = np.random.default_rng(0)
    query = rng.normal(size=(2, 5, 8)).astype("float32")
    value = rng.normal(size=(2, 7, 8)).astype("float32")
    mask = rng.random((2, 5, 7)) > 0.3
    mask[:, :, 0] = True  # every query may look somewhere
    reference = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    expected, expected_weights = reference(query, value, attention_mask=mask, return_attention_scores=True)
    mine = MultiHeadAttention(2, 4)
    mine(query, value)
    mine.set_weights(reference.get_weights())
    mine.keep_attention = True
    got = mine(query, value, attention_mask=mask)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), atol=1e-5)
    np.testing.assert_allclose(np.asarray(mine.last_attention), np.asarray(expected_weights), atol=1e-6)
    unmasked, _ = reference(query, value, return_attention_scores=True)
    np.testing.assert_allclose(np.asarray(mine(query, value)), np.asarray(unmasked), atol=1e-5)


def test_attention_is_softmax_of_scaled_dot_products_by_hand():
    layer = MultiHeadAttention(1, 2)
    x = np.array([[[1.0, 0.0], [0.0, 1.0]]], np.float32)
    layer(x, x)
    eye = np.eye(2, dtype=np.float32)[:, None, :]  # W_q = W_k = W_v = I, W_o = I
    layer.set_weights([eye, np.zeros((1, 2)), eye, np.zeros((1, 2)), eye, np.zeros((1, 2)),
                       np.eye(2, dtype=np.float32)[None], np.zeros(2)])
    layer.keep_attention = True
    out = np.asarray(layer(x, x))[0]
    s = 1 / math.sqrt(2)  # q.k / sqrt(d_k): 1/sqrt(2) on the diagonal, 0 off it
    p = math.exp(s) / (math.exp(s) + 1)
    np.testing.assert_allclose(np.asarray(layer.last_attention)[0, 0], [[p, 1 - p], [1 - p, p]], atol=1e-6)
    np.testing.assert_allclose(out, [[p, 1 - p], [1 - p, p]], atol=1e-6)


def test_causal_mask_gives_exactly_zero_weight_to_the_future():
    from workbench.data.base import DataInfo
    from workbench.models.sequence.gpt import build_gpt

    info = DataInfo("t", "text", "sequence", (None,), tuple("abcdefghij"))
    model = build_gpt({**TINY, "layers": 2, "context": 12}, info)
    ids = np.array([[2, 3, 4, 5, 6, 7, 8, 9]], np.int32)
    for weights in attention_weights(model, ids):
        upper = np.triu(np.ones((8, 8), bool), k=1)
        assert np.all(weights[:, :, upper] == 0.0)  # exactly, not nearly
        assert np.all(weights[:, :, ~upper] > 0.0)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
    # the prediction at position t does not change when later tokens do
    changed = ids.copy()
    changed[0, 5:] = 2
    np.testing.assert_allclose(np.asarray(model(ids))[0, :5], np.asarray(model(changed))[0, :5], atol=1e-5)
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]


def test_padded_keys_get_zero_weight_in_self_and_cross_attention():
    from workbench.data.base import DataInfo
    from workbench.data.sequence_tasks import VOCABULARY
    from workbench.models.sequence.transformer import build_transformer, cross_attention

    ids = np.array([[3, 4, 5, 0, 0]], np.int32)
    mask = np.asarray(AttentionMask()(ids, ids))
    assert mask[0].tolist() == [[True, True, True, False, False]] * 5
    info = DataInfo("reverse_digits", "sequence", "sequence", (5,), VOCABULARY)
    model = build_transformer(TINY, info, 5, 6)
    (enc,) = attention_weights(model, {"encoder_ids": ids, "decoder_ids": np.array([[1, 4]], np.int32)},
                               prefix="encoder")
    assert np.all(enc[..., 3:] == 0.0) and np.all(enc[..., :3] > 0)
    cross = cross_attention(model, ids, np.array([[5, 4, 3]], np.int32))
    assert cross.shape == (1, 2, 4, 5)
    assert np.all(cross[..., 3:] == 0.0)
    np.testing.assert_allclose(cross.sum(-1), 1.0, atol=1e-6)


def test_sinusoidal_encoding_follows_the_formula():
    pe = sinusoidal_encoding(50, 16)
    for pos in (0, 1, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-6)
    assert pe.shape == (50, 16) and pe.dtype == np.float32
    odd = sinusoidal_encoding(4, 5)  # an odd width ends with a sine
    assert odd[3, 4] == pytest.approx(math.sin(3 / 10000 ** (4 / 5)), abs=1e-6)


# ----------------------------------------------------------------------------- BERT's data
def _words_row(n_words: int, length: int) -> np.ndarray:
    ids, _ = bt.pack(list(range(10, 10 + n_words)), None, length)
    return ids


def test_masked_lm_proportions_on_a_large_batch():
    rng = np.random.default_rng(1)
    chosen = words = 0
    kinds = []
    for _ in range(3000):
        ids = _words_row(40, 48)
        _, labels, k = bt.mask_tokens(ids, 0.15, 500, rng)
        chosen += int((labels != 0).sum())
        words += 40
        kinds.append(k)
        assert labels[0] == 0 and labels[41] == 0 and np.all(labels[42:] == 0)  # never [CLS], [SEP], [PAD]
    kinds = np.concatenate(kinds)
    assert chosen / words == pytest.approx(0.15, abs=0.005)
    shares = np.bincount(kinds, minlength=3) / len(kinds)
    np.testing.assert_allclose(shares, [0.8, 0.1, 0.1], atol=0.015)


def test_masked_lm_seeded_case_is_exact():
    ids = _words_row(20, 24)
    corrupted, labels, kinds = bt.mask_tokens(ids, 0.15, 100, np.random.default_rng(7))
    chosen = np.flatnonzero(labels)
    assert len(chosen) == 3  # round(0.15 * 20)
    # the same draws by hand: positions, then one uniform per position
    rng = np.random.default_rng(7)
    expect = np.sort(rng.permutation(np.arange(1, 21))[:3])
    draws = rng.random(3)
    assert chosen.tolist() == expect.tolist()
    assert kinds.tolist() == [0 if d < 0.8 else 1 if d < 0.9 else 2 for d in draws]
    np.testing.assert_array_equal(labels[chosen], ids[chosen])
    for position, kind in zip(chosen, kinds):
        if kind == 0:
            assert corrupted[position] == bt.MASK_ID
        elif kind == 2:
            assert corrupted[position] == ids[position]
        else:
            assert corrupted[position] >= len(bt.SPECIAL)
    untouched = np.setdiff1d(np.arange(24), chosen)
    np.testing.assert_array_equal(corrupted[untouched], ids[untouched])


def test_next_sentence_pairs_are_half_random_and_never_the_next_when_random():
    pairs = bt.nsp_pairs(4001, np.random.default_rng(3))
    is_next = np.array([p[2] for p in pairs])
    assert is_next.mean() == pytest.approx(0.5, abs=0.03)
    for i, j, nxt in pairs:
        assert (j == i + 1) if nxt else (j not in (i, i + 1) and 0 <= j < 4001)


def test_packing_segments_and_planted_labels():
    ids, segments = bt.pack([10, 11, 12], [20, 21], 9)
    assert ids.tolist() == [2, 10, 11, 12, 3, 20, 21, 3, 0]
    assert segments.tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 0]
    cut, _ = bt.pack([10] * 10, [20] * 3, 8)  # the longer part is cut first
    assert cut.tolist() == [2, 10, 10, 10, 3, 20, 20, 3]
    words = ["and", "abraham", "went", "into", "the", "land", "of", "egypt", "with", "lot"]
    assert bt.iob_tags(words) == ["O", "B-PER", "O", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "B-PER"]
    assert bt.answer_span(words, "who") == (1, 1) and bt.answer_span(words, "where") == (5, 7)
    assert bt.topic(["and", "god", "said"]) == 0 and bt.topic(["and", "adam", "begat", "seth"]) == 1
    assert bt.topic(["and", "they", "went"]) == 2
    vocab = bt.build_vocabulary(" ".join(words), 50)
    x, y = bt.qa_set([words], vocab, 20)
    # [CLS] who [SEP] and abraham ...: abraham is at 4; [CLS] where [SEP] ... land of egypt at 8..10
    assert y["start"].tolist() == [4, 8] and y["end"].tolist() == [4, 10]
    assert vocab[x["token_ids"][1][8]] == "land"


# ----------------------------------------------------------------------------- word2vec
def test_skipgram_and_cbow_pairs_from_a_hand_example():
    ids = np.array([5, 6, 7, 8])
    centres, contexts = w2v.skipgram_pairs(ids, 1)
    assert list(zip(centres.tolist(), contexts.tolist())) == [(5, 6), (6, 5), (6, 7), (7, 6), (7, 8), (8, 7)]
    centres, contexts = w2v.skipgram_pairs(ids, 2)
    assert sorted(contexts[centres == 5].tolist()) == [6, 7]
    assert sorted(contexts[centres == 7].tolist()) == [5, 6, 8]
    ctx, centre = w2v.cbow_examples(ids, 1)
    assert ctx.tolist() == [[0, 6], [5, 7], [6, 8], [7, 0]] and centre.tolist() == [5, 6, 7, 8]


def test_noise_distribution_is_the_unigram_to_the_three_quarters():
    np.testing.assert_allclose(w2v.noise_distribution(np.array([0, 16, 1])), [0, 8 / 9, 1 / 9])
    x, y = w2v.training_arrays(np.array([1, 2, 1, 2]), "skipgram", 1, 3, np.array([0, 0.5, 0.5]),
                               np.random.default_rng(0))
    assert x["candidates"].shape == (6, 4) and np.all(x["candidates"][:, 1:] > 0)  # <pad> never drawn
    assert y[:, 0].tolist() == [1] * 6 and np.all(y[:, 1:] == 0)


def _planted_corpus(rng) -> str:
    """'cat' and 'dog' occur in exactly the same contexts; every other noun in its own."""
    lines = []
    for _ in range(300):
        pet = "cat" if rng.random() < 0.5 else "dog"
        lines.append(rng.choice([f"the {pet} chases mice", f"a {pet} drinks milk", f"my {pet} sleeps inside"]))
        lines.append(rng.choice(["the bird sings songs", "a fish swims deep", "my car drives fast",
                                 "the sun shines bright", "a tree grows tall"]))
    return "\n".join(lines)


@pytest.mark.parametrize("mode", ["skipgram", "cbow"])
def test_word2vec_finds_a_planted_synonym_pair(mode):
    keras.utils.set_random_seed(0)
    text = _planted_corpus(np.random.default_rng(0))
    hp = {"mode": mode, "embedding_dim": 16, "window": 2, "negatives": 4, "max_vocab": 100, "min_count": 1,
          "learning_rate": 0.05, "optimizer": "adam"}
    vocab, _, _, x, y = w2v.prepare(text, hp, seed=0)
    from workbench.data.base import DataInfo

    model = w2v.compile_word2vec(w2v.build_word2vec(hp, DataInfo("t", "text", "embedding", (None,), tuple(vocab))),
                                 hp)
    model.fit(x, y, batch_size=256, epochs=3, verbose=0)
    vectors = w2v.word_vectors(model, vocab)
    assert vectors.neighbours("cat", 1)[0][0] == "dog"
    assert vectors.neighbours("dog", 1)[0][0] == "cat"
    assert vectors.similarity("cat", "dog") > vectors.similarity("cat", "car") + 0.15
    with pytest.raises(WorkbenchError, match="not in the vocabulary"):
        vectors.neighbours("zebra")


def test_analogy_is_the_nearest_word_to_b_minus_a_plus_c():
    vocab = ["<pad>", "man", "woman", "king", "queen", "apple"]
    vectors = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [-1, 0, 0.2]], float)
    wv = w2v.WordVectors(vocab, vectors)
    assert wv.analogy("man", "woman", "king", 1)[0][0] == "queen"
    near = wv.neighbours("king", 5)
    assert near[0][0] == "queen" and "king" not in [w for w, _ in near]
    assert near[0][1] == pytest.approx(2 / math.sqrt(6))  # (1,0,1).(1,1,1) / (sqrt 2 sqrt 3)
    assert near[1] == ("man", pytest.approx(1 / math.sqrt(2)))


# ----------------------------------------------------------------------------- sampling
def test_top_k_sampling_never_picks_outside_the_top_k():
    logits = np.array([0.0, 0.0, 3.0, 1.0, 2.9, 0.5, 2.8, -1.0])
    rng = np.random.default_rng(0)
    picks = {tg.sample_next(logits, 5.0, 3, rng) for _ in range(2000)}
    assert picks == {2, 4, 6}  # the three largest; a hot temperature would spread beyond them
    everything = {tg.sample_next(logits, 5.0, 0, rng) for _ in range(2000)}
    assert everything == {2, 3, 4, 5, 6, 7}  # <pad> (0) and <unk> (1) are never text


def test_temperature_zero_is_argmax_and_low_temperature_sharpens():
    rng = np.random.default_rng(0)
    logits = np.array([5.0, 5.0, 0.2, 1.0, 0.9])
    assert all(tg.sample_next(logits, 0.0, 0, rng) == 3 for _ in range(10))
    cold = [tg.sample_next(logits, 0.01, 0, rng) for _ in range(300)]
    assert cold.count(3) > 290


def test_prompt_characters_outside_the_vocabulary_are_handled_and_said():
    vocab = ["<pad>", "<unk>", " ", "a", "b", "C"]
    ids, notes = tg.encode_prompt("ab cé", vocab, "char")
    assert ids == [3, 4, 2, 5]  # 'c' matched as 'C', 'é' left out
    assert any("'c'" in n and "another case" in n for n in notes)
    assert any("'é'" in n and "left out" in n for n in notes)
    assert tg.join_tokens(["And", "God", "said", ",", "Let"], "word") == "And God said, Let"


# ----------------------------------------------------------------------------- BERT's heads
@pytest.mark.parametrize("head", ["classify", "tag", "qa", "pretrain"])
def test_bert_heads_answer_predict_text(head, tmp_path):
    import json

    from workbench.data.base import DataInfo
    from workbench.models.sequence.bert import build_bert, predict_text

    words = ["and", "abraham", "went", "into", "the", "land", "of", "egypt", "god", "said"]
    vocab = bt.build_vocabulary(" ".join(words), 50)
    hp = {**TINY, "head": head, "seq_length": 16, "max_vocab": 50}
    model = build_bert(hp, DataInfo("t", "text", "sequence", (None,), ()), len(vocab))
    (tmp_path / "config.json").write_text(json.dumps({"model": "bert", "data": "genesis"}))
    model.save(str(tmp_path / "model.keras"))
    tg.save_meta(str(tmp_path), "bert", vocabulary=vocab, head=head, seq_length=16)
    text = "where ||| and abraham went into the land of zoar" if head == "qa" else "and god [MASK] ||| abraham went to zoar"
    (result,) = predict_text(str(tmp_path), [text])
    tokens = result["tokens"]
    assert tokens[0] == "[CLS]" and tokens.count("[UNK]") == 2  # zoar, and "to" (or "where")
    assert any("'zoar'" in note and "[UNK]" in note for note in result["notes"])
    if head == "classify":
        assert result["label"] in bt.TOPICS and sum(result["probabilities"].values()) == pytest.approx(1.0)
    elif head == "tag":
        assert len(result["tags"]) == len(tokens) and set(result["tags"]) <= set(bt.TAGS)
    elif head == "qa":
        context = tokens.index("[SEP]") + 1
        assert context <= result["start"] <= result["end"] < len(tokens)
        assert result["answer"] == " ".join(tokens[result["start"]:result["end"] + 1])
    else:
        (mask,) = result["masks"]
        assert mask["position"] == 3 and len(mask["top"]) == 5
        assert 0.0 <= result["is_next_probability"] <= 1.0


def test_best_span_maximises_start_plus_end_inside_the_context():
    from workbench.models.sequence.bert import best_span

    start = np.array([9.0, 0, 0, 1, 5, 0, 0])
    end = np.array([9.0, 0, 0, 4, 0, 0, 2])
    # position 0 lies before the context; (4, 6) = 7 beats (3, 3) = 5 and (4, 4)... end >= start only
    assert best_span(start, end, first_context=2) == (4, 6)
    assert best_span(start, end, first_context=2, max_length=2) == (3, 3)
