"""Seq2seq and attention: scores against numpy, masks, teacher forcing, greedy decoding, the hook."""

import keras
import numpy as np
import pytest

from workbench.data.base import DataInfo
from workbench.data.sequence_tasks import (
    END,
    PAD,
    START,
    TOKEN_ID,
    VOCABULARY,
    encode,
    teacher_forcing,
)
from workbench.errors import WorkbenchError
from workbench.models.sequence import seq2seq
from workbench.models.sequence.attention import SequenceAttention
from workbench.training import TrainConfig
from workbench.training.job import run_training
from workbench.views.store import load_view

INFO = DataInfo("reverse_digits", "sequence", "sequence", (6,), VOCABULARY)


def _softmax(e):
    e = np.exp(e - e.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize("score", ["additive", "dot"])
def test_attention_scores_match_numpy_and_padding_gets_zero_weight(score):
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(2, 3, 4)).astype(np.float32)
    keys = rng.normal(size=(2, 5, 4)).astype(np.float32)
    source = np.array([[4, 5, 6, 0, 0], [7, 8, 9, 10, 11]], np.int32)  # the first row is padded
    layer = SequenceAttention(score, units=6)
    context, weights = (np.asarray(v) for v in layer([queries, keys, source]))

    if score == "dot":
        e = np.einsum("btd,bsd->bts", queries, keys)
    else:
        w_q, w_k, v = (w.numpy() for w in layer.weights)
        e = np.tanh((queries @ w_q)[:, :, None] + (keys @ w_k)[:, None]) @ v
    np.testing.assert_allclose(np.asarray(layer.scores(queries, keys)), e, rtol=1e-5, atol=1e-5)
    expected = np.stack([np.pad(_softmax(e[0, :, :3]), ((0, 0), (0, 2))), _softmax(e[1])])
    np.testing.assert_allclose(weights, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-6)
    assert np.all(weights[0, :, 3:] == 0.0)  # exactly zero, not merely small
    np.testing.assert_allclose(context, np.einsum("bts,bsd->btd", expected, keys), rtol=1e-5, atol=1e-5)


def test_teacher_forcing_feeds_the_target_shifted_by_one():
    targets = np.stack([encode("4321", 6, end=True), encode("9", 6, end=True)])
    decoder_input = teacher_forcing(targets)
    np.testing.assert_array_equal(decoder_input[0], [START, TOKEN_ID["4"], TOKEN_ID["3"], TOKEN_ID["2"],
                                                     TOKEN_ID["1"], PAD])
    np.testing.assert_array_equal(decoder_input[1], [START, TOKEN_ID["9"], PAD, PAD, PAD, PAD])
    np.testing.assert_array_equal(decoder_input[:, 1:][targets[:, :-1] != END], targets[:, :-1][targets[:, :-1] != END])


@pytest.mark.parametrize("score", [None, "dot", "additive"])
def test_greedy_decoding_is_the_argmax_of_the_full_model_step_by_step(score):
    keras.utils.set_random_seed(3)
    hp = {"units": 8, "embedding_dim": 4, "attention_units": 5, "score": score}
    model = seq2seq.build_seq2seq_attention(hp, INFO) if score else seq2seq.build_seq2seq(hp, INFO)
    source = np.stack([encode("1234", 6), encode("907", 6), encode("5", 6)])
    decoded, attention = seq2seq.greedy_decode(model, source, max_steps=7)
    # feed the decoded tokens back as a teacher-forced input: each step's argmax must be the
    # token the greedy loop chose there (until that row's <end>)
    fed = np.concatenate([np.full((3, 1), START), np.where(decoded[:, :-1] == END, PAD, decoded[:, :-1])], 1)
    probabilities = model.predict([source, fed], verbose=0)
    for row in range(3):
        length = len(seq2seq.output_labels(decoded[row]))
        np.testing.assert_array_equal(seq2seq.writable_argmax(probabilities[row, :length]), decoded[row, :length])
        assert np.all(decoded[row, length:] == PAD)
    if score:
        assert attention.shape == (3, decoded.shape[1], 6)
        np.testing.assert_allclose(attention.sum(-1), 1.0, rtol=1e-5)
        assert np.all(attention[1, :, 3:] == 0.0) and np.all(attention[2, :, 1:] == 0.0)
    else:
        assert attention is None


def test_greedy_scores_count_exact_answers_and_characters():
    targets = np.stack([encode("43", 4, end=True), encode("9", 4, end=True)])
    predicted = np.stack([encode("43", 3, end=True), encode("8", 3, end=True)])
    scores = seq2seq.sequence_scores(predicted, targets)
    assert scores["sequence"] == 0.5
    assert scores["char"] == pytest.approx(4 / 5)  # 4,3,<end> right; 9 wrong, <end> right


def test_metrics_ignore_padding():
    y_true = np.array([[5, 6, END, PAD], [7, END, PAD, PAD]])
    predicted = np.array([[5, 6, END, 3], [8, END, 9, 9]])
    y_pred = np.eye(len(VOCABULARY))[predicted]
    tokens, whole = seq2seq.TokenAccuracy(), seq2seq.SequenceAccuracy()
    tokens.update_state(y_true, y_pred)
    whole.update_state(y_true, y_pred)
    assert float(tokens.result()) == pytest.approx(4 / 5) and float(whole.result()) == 0.5


@pytest.fixture(scope="module")
def attention_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "s2s"
    config = TrainConfig("seq2seq_attention", "reverse_digits", epochs=1, batch_size=16, steps_per_epoch=2,
                         seed=0, eager=True, data_options={"samples": 80, "max_length": 4}, out=str(out),
                         hparams={"units": 8, "embedding_dim": 4, "attention_units": 4, "example": 2})
    return run_training(config)


def test_attention_view_labels_rows_by_output_and_columns_by_input(attention_run):
    view = load_view(attention_run.run_dir, "attention")
    data = attention_run.dataset
    decoded, attention = seq2seq.greedy_decode(attention_run.model, data.x_val[:4], data.y_val.shape[1])
    inputs, outputs = seq2seq.token_labels(data.x_val[2]), seq2seq.output_labels(decoded[2])
    grid = view.value
    assert grid.col_labels == inputs and grid.row_labels == outputs and view.step == 1
    np.testing.assert_allclose(grid.values, attention[2, :len(outputs), :len(inputs)], rtol=1e-5, atol=1e-6)
    for key in ("val_greedy_sequence_accuracy", "val_greedy_char_accuracy", "val_token_accuracy"):
        assert key in attention_run.history


def test_predict_text_hook_decodes_typed_strings(attention_run):
    results = seq2seq.predict_text(attention_run.run_dir, ["1234", " 90 "])
    source = np.stack([encode("1234", 4), encode("90", 4)])
    decoded, attention = seq2seq.greedy_decode(attention_run.model, source, 6)
    for row, result in enumerate(results):
        outputs = seq2seq.output_labels(decoded[row])
        assert result["output_symbols"] == outputs
        assert result["output"] == "".join(o for o in outputs if len(o) == 1)
        weights = np.array(result["attention"])
        assert weights.shape == (len(outputs), 4 if row == 0 else 2)
        np.testing.assert_allclose(weights, attention[row, :len(outputs), :weights.shape[1]], atol=1e-5)
    assert results[0]["input_symbols"] == ["1", "2", "3", "4"]
    assert results[1]["text"] == " 90 " and results[1]["input_symbols"] == ["9", "0"]
    with pytest.raises(WorkbenchError, match="'a'.*outside the vocabulary"):
        seq2seq.predict_text(attention_run.run_dir, ["12a4"])
    with pytest.raises(WorkbenchError, match="empty"):
        seq2seq.predict_text(attention_run.run_dir, ["  "])


def test_a_stopped_seq2seq_run_resumes_to_the_weights_of_an_uninterrupted_one(tmp_path):
    from workbench.training import events
    from workbench.training.control import RunControl
    from workbench.training.job import resume_training

    settings = {"epochs": 2, "batch_size": 16, "steps_per_epoch": 2, "seed": 0, "eager": True,
                "data_options": {"samples": 60, "max_length": 3},
                "hparams": {"units": 4, "embedding_dim": 3, "attention_units": 3, "score": "dot"}}
    whole = run_training(TrainConfig("seq2seq_attention", "reverse_digits", out=str(tmp_path / "whole"), **settings))
    control = RunControl()

    def stop_in_second_epoch(event):
        if isinstance(event, events.BatchEnd) and event.epoch == 1:
            control.stop()

    first = run_training(TrainConfig("seq2seq_attention", "reverse_digits", out=str(tmp_path / "parts"), **settings),
                         emit=stop_in_second_epoch, control=control)
    assert first.stopped and first.history["epoch"] == [1]
    resumed = resume_training(str(tmp_path / "parts"))
    assert resumed.history["epoch"] == [1, 2]
    for ours, reference in zip(resumed.model.get_weights(), whole.model.get_weights()):
        np.testing.assert_allclose(ours, reference, atol=1e-6)
