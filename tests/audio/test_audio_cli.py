"""``keras-workbench audio-features``: librosa's numbers in a .npy, sentences for bad input."""

import json

import numpy as np
import pytest
from scipy.io import wavfile

from workbench.cli import main

librosa = pytest.importorskip("librosa")
RATE = 11025


@pytest.fixture()
def wav(tmp_path):
    t = np.arange(int(0.6 * RATE)) / RATE
    y = 0.4 * np.sin(2 * np.pi * 523.25 * t) + 0.2 * np.sin(2 * np.pi * 2000 * t)
    stereo = np.stack([y, 0.5 * y], axis=1)  # mixed to mono: 0.75 y
    path = tmp_path / "note.wav"
    wavfile.write(path, RATE, (stereo * 32767).astype(np.int16))
    mono = (stereo * 32767).astype(np.int16).astype(np.float64).mean(axis=1) / 32768
    return path, mono


@pytest.mark.parametrize("feature", ["stft", "mel", "mfcc"])
def test_features_equal_librosa(wav, tmp_path, feature, capsys):
    path, y = wav
    out = tmp_path / f"{feature}.npy"
    assert main(["audio-features", str(path), "--feature", feature, "--n-fft", "512", "--hop-length", "128",
                 "--n-mels", "48", "--n-mfcc", "16", "--out", str(out), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    values = np.load(out)
    assert facts["shape"] == list(values.shape) and facts["sample_rate"] == RATE
    if feature == "stft":
        ref = librosa.stft(y, n_fft=512, hop_length=128)
        assert values.dtype == np.complex64
    elif feature == "mel":
        ref = librosa.feature.melspectrogram(y=y, sr=RATE, n_fft=512, hop_length=128, n_mels=48, htk=True)
    else:
        ref = librosa.feature.mfcc(y=y, sr=RATE, n_mfcc=16, n_fft=512, hop_length=128, n_mels=48, htk=True)
    assert values.shape == ref.shape
    np.testing.assert_allclose(values, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


def test_defaults_are_librosas_and_existing_output_needs_force(wav, tmp_path, capsys):
    path, y = wav
    out = tmp_path / "mel.npy"
    assert main(["audio-features", str(path), "--feature", "mel", "--out", str(out)]) == 0
    ref = librosa.feature.melspectrogram(y=y, sr=RATE, htk=True)  # n_fft 2048, hop 512, 128 bands
    np.testing.assert_allclose(np.load(out), ref, rtol=1e-4, atol=1e-4 * ref.max())
    capsys.readouterr()
    assert main(["audio-features", str(path), "--feature", "mfcc", "--out", str(out)]) == 1
    assert "exists; add --force" in capsys.readouterr().err
    assert np.load(out).shape[0] == 128  # untouched
    assert main(["audio-features", str(path), "--feature", "mfcc", "--out", str(out), "--force"]) == 0
    assert np.load(out).shape[0] == 20
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporaries left


@pytest.mark.parametrize("content,sentence", [
    (b"", "not a readable WAV file"),
    (b"hello, this is text and not a sound", "not a readable WAV file"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 30, "not a readable WAV file"),
])
def test_bad_files_get_one_sentence(tmp_path, capsys, content, sentence):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    assert main(["audio-features", str(path), "--feature", "mel", "--out", str(tmp_path / "x.npy")]) == 1
    err = capsys.readouterr().err.strip()
    assert sentence in err and err.count("\n") == 0 and "Traceback" not in err
    assert not (tmp_path / "x.npy").exists()


def test_empty_wav_non_npy_output_and_tiny_frames_get_sentences(tmp_path, capsys):
    empty = tmp_path / "empty.wav"
    wavfile.write(empty, RATE, np.zeros(0, np.int16))
    assert main(["audio-features", str(empty), "--feature", "stft", "--out", str(tmp_path / "a.npy")]) == 1
    assert "holds no samples" in capsys.readouterr().err
    short = tmp_path / "short.wav"
    wavfile.write(short, RATE, np.zeros(400, np.int16))
    assert main(["audio-features", str(short), "--feature", "stft", "--out", str(tmp_path / "a.png")]) == 1
    assert "must be a .npy file" in capsys.readouterr().err
    assert main(["audio-features", str(short), "--feature", "mfcc", "--n-mfcc", "200",
                 "--out", str(tmp_path / "a.npy")]) == 1
    assert "n_mfcc=200 must be between 1 and n_mels=128" in capsys.readouterr().err
