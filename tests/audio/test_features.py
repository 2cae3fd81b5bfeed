"""STFT, mel filterbank, log-mel and MFCC against librosa (the reference) and hand values."""

import numpy as np
import pytest

librosa = pytest.importorskip("librosa")

from workbench.audio import clips
from workbench.audio import features as F
from workbench.errors import WorkbenchError

RATE = 8000
SETTINGS = [(2048, 512, 128, 20), (512, 128, 40, 13), (256, 100, 26, 12)]


def _signal(n=6000, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    y = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t) + 0.05 * rng.standard_normal(n)
    return y.astype(np.float32)


def test_mel_scale_is_htk_and_inverts():
    assert F.hz_to_mel(700.0) == pytest.approx(2595 * np.log10(2))
    assert F.hz_to_mel(1000.0) == pytest.approx(999.99, abs=0.01)  # 1000 Hz is about 1000 mel
    hz = np.array([0.0, 55.0, 440.0, 3999.0])
    np.testing.assert_allclose(F.mel_to_hz(F.hz_to_mel(hz)), hz, atol=1e-9)
    np.testing.assert_allclose(F.hz_to_mel(hz), librosa.hz_to_mel(hz, htk=True), rtol=1e-12)


def test_hann_window_is_the_periodic_one_librosa_uses():
    np.testing.assert_allclose(F.hann_window(8), [0, 0.1464466, 0.5, 0.8535534, 1, 0.8535534, 0.5, 0.1464466],
                               atol=1e-7)


@pytest.mark.parametrize("n_fft,hop,n_mels,n_mfcc", SETTINGS)
def test_stft_mel_and_mfcc_equal_librosa(n_fft, hop, n_mels, n_mfcc):
    y = _signal()
    stft = F.stft(y, n_fft, hop)
    ref = librosa.stft(y, n_fft=n_fft, hop_length=hop)  # centred, zero ('constant') padding
    assert stft.shape == ref.shape == (1 + n_fft // 2, 1 + len(y) // hop)
    np.testing.assert_allclose(stft, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
    bank = F.mel_filterbank(RATE, n_fft, n_mels)
    np.testing.assert_allclose(bank, librosa.filters.mel(sr=RATE, n_fft=n_fft, n_mels=n_mels, htk=True,
                                                         dtype=np.float64), rtol=1e-10, atol=1e-14)
    mel = F.melspectrogram(y, RATE, n_fft, hop, n_mels)
    ref_mel = librosa.feature.melspectrogram(y=y, sr=RATE, n_fft=n_fft, hop_length=hop, n_mels=n_mels, htk=True)
    np.testing.assert_allclose(mel, ref_mel, rtol=1e-4, atol=1e-6 * ref_mel.max())
    mfcc = F.mfcc(y, RATE, n_mfcc, n_fft, hop, n_mels)
    ref_mfcc = librosa.feature.mfcc(y=y, sr=RATE, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop, n_mels=n_mels,
                                    htk=True)
    np.testing.assert_allclose(mfcc, ref_mfcc, rtol=1e-4, atol=1e-4 * np.abs(ref_mfcc).max())


def test_filterbank_triangles_by_hand():
    # 4 bands over 0..4000 Hz: corners evenly spaced in mel; each triangle peaks at its centre
    # corner with height 2 / (right - left) (Slaney's equal-area normalisation).
    bank = F.mel_filterbank(RATE, 64, 4)
    corners = F.mel_to_hz(np.linspace(0, F.hz_to_mel(4000), 6))
    bins = np.fft.rfftfreq(64, 1 / RATE)
    for m in range(4):
        left, centre, right = corners[m:m + 3]
        expected = np.clip(np.minimum((bins - left) / (centre - left), (right - bins) / (right - centre)), 0, None)
        np.testing.assert_allclose(bank[m], expected * 2 / (right - left), atol=1e-15)
    # equal area: every band sums (as a function of Hz) to about 1
    areas = bank.sum(axis=1) * (RATE / 64)
    np.testing.assert_allclose(areas, 1.0, rtol=0.25)


def test_power_spectrogram_peaks_at_the_tone_and_parseval_holds():
    t = np.arange(4096) / RATE
    y = np.sin(2 * np.pi * 1000 * t)
    power = F.power_spectrogram(y, 512, 128)
    assert np.argmax(power[:, 10]) == 1000 * 512 // RATE  # bin 64
    frame = np.pad(y, 256)[10 * 128:10 * 128 + 512] * F.hann_window(512)
    full = np.abs(np.fft.fft(frame)) ** 2
    assert full.sum() / 512 == pytest.approx(np.sum(frame ** 2))  # Parseval, for the one frame
    np.testing.assert_allclose(power[:, 10], full[:257], rtol=1e-9, atol=1e-9 * full.max())


def test_dct_is_orthonormal_and_log_mel_is_floored_at_top_db():
    basis = F.dct_ortho(np.eye(13), axis=0)
    np.testing.assert_allclose(basis @ basis.T, np.eye(13), atol=1e-12)
    from scipy.fft import dct
    x = np.random.default_rng(1).normal(size=(13, 5))
    np.testing.assert_allclose(F.dct_ortho(x, axis=0), dct(x, type=2, norm="ortho", axis=0), atol=1e-12)
    db = F.power_to_db(np.array([1.0, 1e-3, 1e-12, 0.0]))
    np.testing.assert_allclose(db, [0.0, -30.0, -80.0, -80.0])


def test_clip_features_and_views_put_the_tone_in_its_band():
    t = np.arange(8000) / RATE
    y = 0.5 * np.sin(2 * np.pi * 1250 * t)
    frames = clips.clip_features(y, RATE, "mel")
    assert frames.shape == (1 + 8000 // 128, clips.MEL_BANDS)
    mel_view, mfcc_view = clips.feature_views(y, RATE, "tone", step=3)
    assert (mel_view.name, mfcc_view.name, mel_view.step) == ("mel_spectrogram", "mfcc", 3)
    grid = mel_view.value
    hz = [float(v) for v in grid.row_labels]
    assert hz == sorted(hz, reverse=True)  # high bands on top
    loudest = hz[int(grid.values.mean(axis=1).argmax())]
    assert abs(loudest - 1250) < 100
    assert mfcc_view.value.values.shape[0] == clips.MFCC_COEFFS and mfcc_view.value.row_labels[-1] == "c0"


def test_bad_settings_get_a_sentence():
    with pytest.raises(WorkbenchError, match="shorter than one frame"):
        F.stft(np.zeros(10), 2048, 512, center=False)
    with pytest.raises(WorkbenchError, match="n_mfcc=50 must be between 1 and n_mels=40"):
        F.mfcc(_signal(), RATE, 50, 512, 128, 40)
    with pytest.raises(WorkbenchError, match="hop_length=0"):
        F.stft(_signal(), 512, 0)


@pytest.mark.parametrize("kind,bands", [("mel", clips.MEL_BANDS), ("mfcc", clips.MFCC_COEFFS)])
def test_audio_sources_give_mel_or_mfcc_frames(kind, bands):
    from workbench import data

    waves = data.load("audio_tones", {"samples": "12"}, seed=2, val_fraction=0)
    frames = data.load("audio_tones", {"samples": "12", "features": kind}, seed=2, val_fraction=0)
    assert frames.info.input_shape == (1 + 4000 // 128, bands, 1) and frames.features == kind
    by_id = dict(zip(waves.ids_train, waves.x_train[..., 0]))
    for sample_id, x in zip(frames.ids_train[:3], frames.x_train[:3, ..., 0]):
        np.testing.assert_allclose(x, clips.clip_features(by_id[sample_id], 8000, kind), rtol=1e-5, atol=1e-4)
