"""Short-time Fourier transform, power spectrogram, mel filterbank, log-mel and MFCC.

The conventions are librosa's defaults (checked against librosa 0.11 in the tests), so
``melspectrogram(y, rate, htk=True)`` here and ``librosa.feature.melspectrogram(y=y, sr=rate,
htk=True)`` give the same numbers:

- frames are *centred*: the signal is padded with ``n_fft // 2`` zeros on each side
  (``pad_mode='constant'``, librosa's default since 0.10), so frame ``k`` is centred on
  sample ``k * hop_length``;
- the window is a periodic Hann window of ``n_fft`` samples (the DFT-even one that sums to
  a constant at 75 % overlap);
- the power spectrogram is ``|STFT|^2``;
- the mel scale is HTK's ``m = 2595 log10(1 + f / 700)``; the filterbank has ``n_mels``
  triangles whose corners are ``n_mels + 2`` points spaced evenly in mel from ``fmin`` to
  ``fmax``, each scaled by ``2 / (f_right - f_left)`` (Slaney's area normalisation: every
  band holds the same energy for white noise);
- log-mel is ``10 log10(max(S, 1e-10))`` with the floor ``max - top_db`` (``power_to_db``);
- MFCC is the orthonormal DCT-II of the log-mel along the mel axis, first ``n_mfcc`` rows.

Arrays are ``(features, frames)`` like librosa's.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError

AMIN = 1e-10  # the power floor before the logarithm (librosa's amin)
TOP_DB = 80.0  # log-mel values are clipped to (max - TOP_DB): silence does not dominate


def hann_window(n: int) -> np.ndarray:
    """The periodic Hann window ``0.5 - 0.5 cos(2 pi k / n)``, ``k = 0 .. n-1``."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def frame_count(samples: int, n_fft: int, hop_length: int, center: bool = True) -> int:
    padded = samples + 2 * (n_fft // 2) if center else samples
    return 1 + (padded - n_fft) // hop_length if padded >= n_fft else 0


def stft(y: np.ndarray, n_fft: int = 2048, hop_length: int | None = None,
         center: bool = True) -> np.ndarray:
    """``(1 + n_fft // 2, frames)`` complex STFT: each frame windowed, then its real FFT."""
    y = np.asarray(y, np.float64).ravel()
    hop_length = n_fft // 4 if hop_length is None else hop_length
    _check_settings(n_fft, hop_length)
    if center:  # frame k is centred on sample k * hop_length
        y = np.pad(y, n_fft // 2, mode="constant")
    frames = frame_count(len(y), n_fft, hop_length, center=False)
    if frames < 1:
        raise WorkbenchError(f"a clip of {len(y)} samples is shorter than one frame of n_fft={n_fft}; "
                             "use a smaller --n-fft")
    starts = np.arange(frames) * hop_length
    windows = y[starts[:, None] + np.arange(n_fft)] * hann_window(n_fft)
    return np.fft.rfft(windows, axis=1).T


def power_spectrogram(y: np.ndarray, n_fft: int = 2048, hop_length: int | None = None) -> np.ndarray:
    """``|STFT|^2``: energy per frequency bin and frame."""
    return np.abs(stft(y, n_fft, hop_length)) ** 2


def hz_to_mel(hz):
    """HTK mel scale: ``m = 2595 log10(1 + f / 700)`` (1000 Hz is about 1000 mel)."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, np.float64) / 700.0)


def mel_to_hz(mel):
    """The inverse: ``f = 700 (10^(m / 2595) - 1)``."""
    return 700.0 * (10.0 ** (np.asarray(mel, np.float64) / 2595.0) - 1.0)


def mel_filterbank(rate: int, n_fft: int, n_mels: int = 128, fmin: float = 0.0,
                   fmax: float | None = None) -> np.ndarray:
    """``(n_mels, 1 + n_fft // 2)`` triangular filters on the HTK mel scale, area-normalised."""
    fmax = rate / 2.0 if fmax is None else float(fmax)
    if not 0.0 <= fmin < fmax <= rate / 2.0:
        raise WorkbenchError(f"the mel range {fmin:g}-{fmax:g} Hz must lie within 0-{rate / 2:g} Hz "
                             "(half the sample rate)")
    if n_mels < 1:
        raise WorkbenchError(f"n_mels={n_mels} must be 1 or more")
    bin_hz = np.fft.rfftfreq(n_fft, 1.0 / rate)  # the centre frequency of each FFT bin
    corners = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    left, centre, right = corners[:-2, None], corners[1:-1, None], corners[2:, None]
    rising = (bin_hz - left) / (centre - left)
    falling = (right - bin_hz) / (right - centre)
    triangles = np.maximum(0.0, np.minimum(rising, falling))
    return triangles * (2.0 / (right - left))  # Slaney: equal area, so equal energy for white noise


def melspectrogram(y: np.ndarray, rate: int, n_fft: int = 2048, hop_length: int = 512,
                   n_mels: int = 128) -> np.ndarray:
    """``(n_mels, frames)`` power mel spectrogram: the filterbank applied to ``|STFT|^2``."""
    return mel_filterbank(rate, n_fft, n_mels) @ power_spectrogram(y, n_fft, hop_length)


def power_to_db(power: np.ndarray, top_db: float | None = TOP_DB) -> np.ndarray:
    """``10 log10(max(S, 1e-10))``, floored at ``max - top_db`` decibels."""
    db = 10.0 * np.log10(np.maximum(AMIN, power))
    return np.maximum(db, db.max() - top_db) if top_db is not None and db.size else db


def log_mel(y: np.ndarray, rate: int, n_fft: int = 2048, hop_length: int = 512,
            n_mels: int = 128) -> np.ndarray:
    """``(n_mels, frames)`` log-mel spectrogram in dB."""
    return power_to_db(melspectrogram(y, rate, n_fft, hop_length, n_mels))


def dct_ortho(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """The orthonormal DCT-II along ``axis``:
    ``X_k = s_k sum_n x_n cos(pi k (2n + 1) / 2N)``, ``s_0 = sqrt(1/N)``, ``s_k = sqrt(2/N)``."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, 0)
    n = x.shape[0]
    k = np.arange(n)
    basis = np.cos(np.pi * k[:, None] * (2 * k[None, :] + 1) / (2 * n))
    basis *= np.where(k == 0, np.sqrt(1.0 / n), np.sqrt(2.0 / n))[:, None]
    return np.moveaxis(np.tensordot(basis, x, axes=1), 0, axis)


def mfcc(y: np.ndarray, rate: int, n_mfcc: int = 20, n_fft: int = 2048, hop_length: int = 512,
         n_mels: int = 128) -> np.ndarray:
    """``(n_mfcc, frames)`` mel-frequency cepstral coefficients: the DCT of the log-mel
    decorrelates the bands; the first coefficients keep the spectral envelope."""
    if not 1 <= n_mfcc <= n_mels:
        raise WorkbenchError(f"n_mfcc={n_mfcc} must be between 1 and n_mels={n_mels}")
    return dct_ortho(log_mel(y, rate, n_fft, hop_length, n_mels), axis=0)[:n_mfcc]


def _check_settings(n_fft: int, hop_length: int) -> None:
    if n_fft < 2:
        raise WorkbenchError(f"n_fft={n_fft} must be 2 or more")
    if hop_length < 1:
        raise WorkbenchError(f"hop_length={hop_length} must be 1 or more")
