"""CTC: the collapse rules, greedy and beam decoding against keras.ops.ctc_decode, CER, the
loss against TensorFlow, and a run's views, cer and transcription of a WAV file."""

import json

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.models.audio import ctc as C
from workbench.models.audio import ctc_decoding as D


@pytest.mark.parametrize("path,merged,text", [
    ([1, 1, 0, 1], [1, 0, 1], [1, 1]),  # a a _ a -> "aa": a blank separates a double letter
    ([1, 1, 1], [1], [1]),  # a a a -> "a"
    ([0, 0, 0], [0], []),  # all blank -> nothing
    ([0, 1, 0, 0, 2, 2, 0, 1], [0, 1, 0, 2, 0, 1], [1, 2, 1]),
    ([2, 1, 2, 1], [2, 1, 2, 1], [2, 1, 2, 1]),
    ([], [], []),
])
def test_collapse_rules(path, merged, text):
    assert D.collapse_steps(path) == (merged, text)
    assert D.collapse(path) == text


def _keras_decode(logits, lengths, strategy, beam_width=100):
    import keras

    decoded, scores = keras.ops.ctc_decode(logits, lengths, strategy=strategy, beam_width=beam_width,
                                           mask_index=0)
    rows = np.asarray(decoded)[0]
    return [r[r >= 0].tolist() for r in rows], np.asarray(scores)


def test_greedy_and_beam_search_equal_keras_ctc_decode():
    rng = np.random.default_rng(0)
    for scale in (0.5, 2.0, 4.0):
        logits = rng.normal(0, scale, (6, 9, 4)).astype(np.float32)
        lengths = np.array([9, 9, 7, 5, 3, 1])
        assert D.greedy_decode(logits, lengths) == _keras_decode(logits, lengths, "greedy")[0]
        ours = D.beam_search_decode(logits, lengths, beam_width=100)
        theirs, scores = _keras_decode(logits, lengths, "beam_search")
        assert [t for t, _ in ours] == theirs
        np.testing.assert_allclose([p for _, p in ours], scores[:, 0], atol=1e-4)  # log P(transcript)


def test_beam_search_finds_the_transcript_greedy_misses():
    # Two frames, symbols {blank, a}: the likeliest path is "_ _" (0.36), so greedy says "";
    # but "a" collects a_ + _a + aa = 0.24 + 0.24 + 0.16 = 0.64 and beam search says "a".
    probs = np.array([[[0.6, 0.4], [0.6, 0.4]]])
    logits = np.log(probs)
    assert D.greedy_decode(logits) == [[]]
    (text, log_p), = D.beam_search_decode(logits, beam_width=4)
    assert text == [1] and np.exp(log_p) == pytest.approx(0.64)
    assert _keras_decode(logits.astype(np.float32), [2], "beam_search", 4)[0] == [[1]]
    best = D.prefix_beam_search(D.log_softmax(logits[0]), beam_width=4)
    assert [(t, round(float(np.exp(p)), 6)) for t, p in best] == [([1], 0.64), ([], 0.36)]


def test_beam_probabilities_are_exact_when_nothing_is_pruned():
    import tensorflow as tf

    rng = np.random.default_rng(4)
    logits = rng.normal(0, 1.5, (1, 6, 3)).astype(np.float32)
    for text, log_p in D.prefix_beam_search(D.log_softmax(logits[0]), beam_width=1000)[:5]:
        if not text:
            continue
        loss = tf.nn.ctc_loss(np.array([text]), logits, [len(text)], [6], logits_time_major=False, blank_index=0)
        assert log_p == pytest.approx(-float(loss[0]), abs=1e-4)  # sums every path of the transcript


def test_edit_distance_and_cer():
    assert D.edit_distance([1, 2, 3], [1, 3]) == 1
    assert D.edit_distance([], [1, 2]) == 2
    assert D.edit_distance([1, 2, 3, 4], [2, 1, 3, 5]) == 3
    assert D.character_error_rate([[1, 2], [3]], [[1, 2, 2], [4]]) == pytest.approx(2 / 4)


def test_ctc_loss_function_unpacks_lengths_and_equals_tensorflow():
    import tensorflow as tf

    rng = np.random.default_rng(1)
    logits = rng.normal(size=(2, 7, 4)).astype(np.float32)
    labels = np.array([[1, 2, 0], [3, 3, 1]])
    lengths = np.array([2, 3])
    ours = np.asarray(C.ctc_loss(C.targets(labels, lengths), logits))
    ref = tf.nn.ctc_loss(labels, logits, lengths, [7, 7], logits_time_major=False, blank_index=0)
    np.testing.assert_allclose(ours, np.asarray(ref), rtol=1e-5)


def test_collapse_text_shows_each_step():
    symbols = ("<blank>", "a", "e")
    logits = np.log(np.eye(3)[[0, 1, 1, 0, 1, 2, 2, 0]] * 0.9 + 0.05)
    text = C.collapse_text(logits, symbols, truth=[1, 1, 2], beam=[1, 1, 2])
    lines = text.splitlines()
    assert lines[0].endswith("aae")
    assert "_aa_aee_" in lines[1] and lines[2].endswith("_a_ae_") and lines[3].endswith("aae")
    assert lines[4].endswith('"aae"') and lines[5].endswith('"aae"')


@pytest.fixture(scope="module")
def ctc_run(tmp_path_factory):
    from workbench.training import TrainConfig, job

    out = tmp_path_factory.mktemp("ctc") / "run"
    collected = []
    config = TrainConfig("ctc", "audio_words", epochs=1, batch_size=8, steps_per_epoch=2, seed=0,
                         data_options={"samples": "24", "max_symbols": "3"}, val_split=0.25,
                         hparams={"units": 4, "layers": 1, "beam_width": 3, "frame_pool": 3}, out=str(out))
    result = job.run_training(config, emit=collected.append)
    return out, result, collected


def test_a_run_logs_cer_and_shows_the_collapse_and_the_mel_views(ctc_run):
    out, result, collected = ctc_run
    history = json.loads((out / "history.json").read_text())
    assert {"cer", "cer_beam", "val_cer", "val_cer_beam", "val_loss"} <= set(history)
    views = {e.name: e for e in collected if type(e).__name__ == "View"}
    assert {"ctc_collapse", "ctc_posteriors", "mel_spectrogram", "mfcc"} <= set(views)
    assert "2. repeats merged:" in views["ctc_collapse"].value.text
    posteriors = views["ctc_posteriors"].value.values
    np.testing.assert_allclose(posteriors.sum(axis=0), 1.0, atol=1e-5)  # a distribution per frame
    # val_cer is what greedy decoding of the validation clips gives
    data = result.dataset
    x_val = C.clip_frames(data.x_val, data.sample_rate, "mel", 3)
    logits = np.asarray(result.model.predict(x_val, verbose=0))
    truth = [list(y[:n]) for y, n in zip(data.y_val, data.label_lengths_val)]
    assert history["val_cer"][0] == pytest.approx(D.character_error_rate(D.greedy_decode(logits), truth))
    beam = [t for t, _ in D.beam_search_decode(logits, beam_width=3)]
    assert history["val_cer_beam"][0] == pytest.approx(D.character_error_rate(beam, truth))


def test_transcribe_a_wav_and_refuse_another_sample_rate(ctc_run, tmp_path):
    from scipy.io import wavfile

    out, result, _ = ctc_run
    data = result.dataset
    wav = tmp_path / "word.wav"
    wavfile.write(wav, 8000, (np.asarray(data.x_val[0, :, 0]) * 32767).astype(np.int16))
    (row,) = C.transcribe(str(out), [str(wav)])
    assert set(row["text"]) <= set("aeiou") and len(row["path"]) == C.clip_frames(data.x_val[:1], 8000, "mel", 3).shape[1]
    other = tmp_path / "other.wav"
    wavfile.write(other, 16000, np.zeros(16000, np.int16))
    with pytest.raises(WorkbenchError, match="sampled at 16000 Hz but the model was trained on 8000 Hz"):
        C.transcribe(str(out), [str(other)])
    with pytest.raises(WorkbenchError, match="not a trained ctc run"):
        C.transcribe(str(tmp_path), [str(wav)])


def test_predict_audio_cli_transcribes_as_transcribe_does_and_refuses_other_runs(ctc_run, tmp_path, capsys):
    from scipy.io import wavfile

    from workbench.cli import main

    out, result, _ = ctc_run
    wav = tmp_path / "word.wav"
    wavfile.write(wav, 8000, (np.asarray(result.dataset.x_val[0, :, 0]) * 32767).astype(np.int16))
    capsys.readouterr()
    assert main(["predict", str(out), "--audio", str(wav), "--beam-width", "3", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row == C.transcribe(str(out), [str(wav)], beam_width=3)[0]
    assert main(["predict", str(out), "--audio", str(tmp_path / "missing.wav")]) == 1
    assert "missing.wav" in capsys.readouterr().err
    lenet = tmp_path / "lenet"
    lenet.mkdir()
    (lenet / "config.json").write_text(json.dumps({"model": "lenet", "data": "digits"}))
    assert main(["predict", str(lenet), "--audio", str(wav)]) == 1
    assert "transcribes with a ctc run" in capsys.readouterr().err
