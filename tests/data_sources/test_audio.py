"""Audio sources: generated tones and words, and a folder of WAV files."""

import numpy as np
import pytest
from scipy.io import wavfile
from scipy.signal import resample_poly

from workbench import data
from workbench.catalog.registry import get as get_entry
from workbench.data import audio
from workbench.data import registry
from workbench.errors import WorkbenchError


def _peak_hz(wave: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    return float(np.fft.rfftfreq(len(wave), 1 / rate)[spectrum.argmax()])


def test_every_tone_peaks_at_its_class_frequency():
    d = data.load("audio_tones", {"samples": "240", "sample_rate": "8000", "duration": "0.5"}, seed=0)
    freqs = np.array(list(audio.NOTES.values()))
    x = np.concatenate([d.x_train, d.x_val])[..., 0]
    y = np.concatenate([d.y_train, d.y_val])
    assert x.shape == (240, 4000) and x.dtype == np.float32
    assert x.min() >= -1.0 and x.max() <= 1.0
    for wave, label in zip(x, y):
        peak = _peak_hz(wave, 8000)
        assert abs(peak - freqs[label]) <= freqs[label] * audio.DETUNE + 2.0  # + one FFT bin (2 Hz)
        assert np.abs(freqs - peak).argmin() == label
    assert d.class_counts() == {name: 40 for name in audio.NOTES}
    assert d.describe()["per_class"]["A4"] == 40 and d.info.input_shape == (4000, 1)


def test_tones_are_seeded_and_spectrogram_features_have_their_shape():
    a = data.load("audio_tones", {"samples": "30"}, seed=1)
    b = data.load("audio_tones", {"samples": "30"}, seed=1)
    c = data.load("audio_tones", {"samples": "30"}, seed=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    s = data.load("audio_tones", {"samples": "30", "features": "spectrogram"}, seed=1)
    frames = 1 + (4000 - 256) // 128  # 0.5 s at 8 kHz, 256-sample window, half overlap
    assert s.info.input_shape == (frames, 129, 1) and s.features == "spectrogram"
    # The loudest spectrogram bin of a clip is its note (bin width 8000 / 256 = 31.25 Hz).
    label = int(s.y_train[0])
    peak_bin = s.x_train[0, ..., 0].mean(axis=0).argmax()
    assert abs(peak_bin * 31.25 - list(audio.NOTES.values())[label]) <= 31.25


def _bursts(wave: np.ndarray, rate: int) -> list[float]:
    """Dominant frequency of each stretch whose 5 ms RMS is well above the noise (std 0.05)."""
    n = int(0.005 * rate)
    rms = np.sqrt(np.convolve(wave ** 2, np.ones(n) / n, mode="same"))
    loud = np.concatenate([[False], rms > 0.12, [False]]).astype(int)
    starts, ends = np.flatnonzero(np.diff(loud) == 1), np.flatnonzero(np.diff(loud) == -1)
    # Noise makes the RMS flicker across the threshold for a few samples at a burst's edges:
    # a burst lasts 60 ms or more, so stretches under 20 ms are that flicker.
    return [_peak_hz(wave[s:e], rate) for s, e in zip(starts, ends) if e - s >= 0.02 * rate]


def test_ctc_labels_match_the_bursts_in_each_clip():
    d = data.load("audio_words", {"samples": "60", "max_symbols": "4"}, seed=3)
    freqs = np.array(list(audio.PHONEMES.values()))
    assert d.info.class_names == ("<blank>", "a", "e", "i", "o", "u") and d.info.task == "sequence"
    for x, y, lengths in ((d.x_train, d.y_train, d.label_lengths_train),
                          (d.x_val, d.y_val, d.label_lengths_val)):
        for wave, label, length in zip(x[..., 0], y, lengths):
            heard = [int(np.abs(freqs - f).argmin()) + 1 for f in _bursts(wave, 8000)]
            assert heard == list(label[:length])
            assert 1 <= length <= 4 and np.all(label[length:] == 0)  # padded with the blank
    assert set(np.concatenate([d.label_lengths_train, d.label_lengths_val])) == {1, 2, 3, 4}


def test_words_that_cannot_fit_the_clip_get_a_sentence():
    with pytest.raises(WorkbenchError, match="raise duration or lower max_symbols"):
        data.load("audio_words", {"max_symbols": "10", "duration": "1"})
    with pytest.raises(WorkbenchError, match="sample_rate=1500 is too low"):
        data.load("audio_tones", {"sample_rate": "1500"})
    with pytest.raises(WorkbenchError, match="features='cqt' must be waveform, spectrogram, mel or mfcc"):
        data.load("audio_tones", {"features": "cqt"})


def _sine(freq, rate, seconds):
    t = np.arange(int(rate * seconds)) / rate
    return 0.5 * np.sin(2 * np.pi * freq * t)


def test_wav_folder_round_trip_resamples_mixes_and_skips_what_is_not_audio(tmp_path):
    (tmp_path / "low").mkdir()
    (tmp_path / "high").mkdir()
    left, right = _sine(220, 22050, 0.5), _sine(330, 22050, 0.5)
    stereo = (np.stack([left, right], 1) * 32767).astype(np.int16)
    wavfile.write(tmp_path / "low" / "a.wav", 22050, stereo)
    hi = _sine(880, 16000, 1.5).astype(np.float32)
    wavfile.write(tmp_path / "high" / "b.wav", 16000, hi)
    wavfile.write(tmp_path / "high" / "c.wav", 8000, (_sine(880, 8000, 0.4) * 127 + 128).astype(np.uint8))
    (tmp_path / "high" / "notes.wav").write_text("this is a text file, not a sound")

    spec, implied = registry.resolve(str(tmp_path))
    assert spec.name == "audiofolder" and implied == {"path": str(tmp_path)}
    d = data.load(str(tmp_path), {"sample_rate": "16000", "duration": "1.0"}, val_fraction=0)
    assert len(d.skipped) == 1 and d.skipped[0].startswith("notes.wav: not a readable WAV file")
    clips = dict(zip(d.ids_train, d.x_train[..., 0]))
    assert d.x_train.shape == (3, 16000, 1) and d.info.class_names == ("high", "low")
    # int16 stereo at 22.05 kHz: the mono mix, resampled 22050 -> 16000 (320/441), padded with silence
    expected = resample_poly(stereo.astype(np.float64).mean(1) / 32768, 320, 441)
    np.testing.assert_allclose(clips["low/a.wav"][: len(expected)], expected, atol=1e-6)
    np.testing.assert_array_equal(clips["low/a.wav"][len(expected):], 0.0)
    np.testing.assert_allclose(clips["high/b.wav"], hi[:16000], atol=1e-7)  # cut to 1 s, no resampling
    assert abs(_peak_hz(clips["high/c.wav"][:6400], 16000) - 880) <= 2.5  # unsigned 8-bit, upsampled
    assert d.describe()["per_class"] == {"high": 2, "low": 1}
    names = [v.name for v in d.preview()]
    assert names == ["clip_high", "clip_low", "spectrogram", "mel_spectrogram", "mfcc"]


def test_folder_without_usable_audio_gets_a_sentence(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "fake.wav").write_bytes(b"RIFF....not really")
    with pytest.raises(WorkbenchError, match="no usable audio in .*: 1 .wav file"):
        data.load(str(tmp_path))


def test_an_image_folder_is_still_an_image_folder(tmp_path):
    from PIL import Image

    (tmp_path / "cat").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "cat" / "a.png")
    assert registry.resolve(str(tmp_path))[0].name == "folder"


def test_preview_is_one_clip_per_class_and_a_spectrogram_and_lenet_refuses_audio():
    d = data.load("audio_tones", {"samples": "60"}, seed=0)
    views = d.preview()[:-2]  # the last two, log-mel and MFCC, are tested in tests/audio
    assert [v.value.caption for v in views[:-1]] == list(audio.NOTES)
    assert all(v.value.sample_rate == 8000 for v in views[:-1])
    grid = views[-1].value
    hz = [float(v) for v in grid.row_labels]
    assert hz == sorted(hz, reverse=True) and hz[0] > 3800 and hz[-1] < 130  # high frequencies on top
    assert grid.values.shape == (32, 20)  # 129 bins x 30 frames pooled to 32 x 20
    loudest = hz[int(grid.values.mean(axis=1).argmax())]
    assert abs(loudest - audio.NOTES[views[-1].title.split(":")[0]]) < 4000 / 32  # C4's band
    for entry_name, name in (("lenet", "audio_tones"), ("lenet", "audio_words")):
        ok, why = get_entry(entry_name).accepts(data.load(name, {"samples": "60"}).info)
        assert not ok and f"'{name}' is audio data" in why
