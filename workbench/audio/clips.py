"""Features of whole clips, as models read them and as views show them.

A clip's frames are ``STFT_WINDOW_SECONDS`` long (512 samples at 16 kHz, 256 at 8 kHz, the
usual speech frame) with half overlap; ``clip_features`` gives ``(frames, features)``, time
first, the layout a recurrent or convolutional model reads. ``feature_views`` draws one
clip's log-mel spectrogram and MFCCs as heat grids (high frequencies / coefficients on top).
"""

from __future__ import annotations

import numpy as np

from workbench.audio import features as F

STFT_WINDOW_SECONDS = 0.032
MEL_BANDS = 40
MFCC_COEFFS = 13
KINDS = ("mel", "mfcc")
#: Columns of a feature view: frames are averaged in groups so each column can carry a label.
VIEW_FRAMES = 24


def frame_settings(rate: int) -> tuple[int, int]:
    """``(n_fft, hop_length)`` for clips at ``rate`` Hz."""
    n_fft = max(16, int(rate * STFT_WINDOW_SECONDS))
    return n_fft, n_fft // 2


def clip_features(wave: np.ndarray, rate: int, kind: str = "mel", n_mels: int = MEL_BANDS,
                  n_mfcc: int = MFCC_COEFFS) -> np.ndarray:
    """``(frames, n_mels)`` log-mel in dB or ``(frames, n_mfcc)`` MFCCs, float32."""
    n_fft, hop = frame_settings(rate)
    if kind == "mel":
        values = F.log_mel(wave, rate, n_fft, hop, n_mels)
    elif kind == "mfcc":
        values = F.mfcc(wave, rate, n_mfcc, n_fft, hop, n_mels)
    else:
        raise ValueError(f"feature kind {kind!r} is not one of {', '.join(KINDS)}")
    return values.T.astype(np.float32)


def feature_views(wave: np.ndarray, rate: int, caption: str, step: int = 0,
                  prefix: str = "") -> list:
    """The log-mel spectrogram and the MFCCs of one clip, as ``HeatGrid`` views."""
    from workbench.views.types import HeatGrid, View

    n_fft, hop = frame_settings(rate)
    seconds = np.arange(F.frame_count(len(wave), n_fft, hop)) * hop / rate  # frame centres
    groups = np.array_split(np.arange(len(seconds)), min(len(seconds), VIEW_FRAMES))
    times = [f"{seconds[g].mean():.2f}" for g in groups]

    def pooled(values):  # (rows, frames) -> (rows, groups)
        return np.stack([values[:, g].mean(axis=1) for g in groups], axis=1)

    mel = F.log_mel(wave, rate, n_fft, hop, MEL_BANDS)
    centres = F.mel_to_hz(np.linspace(F.hz_to_mel(0.0), F.hz_to_mel(rate / 2), MEL_BANDS + 2))[1:-1]
    coefficients = F.dct_ortho(mel, axis=0)[:MFCC_COEFFS]
    return [
        View(f"{prefix}mel_spectrogram", HeatGrid(
            pooled(mel)[::-1], [f"{hz:.0f}" for hz in centres[::-1]], times, x_label="time (s)",
            y_label="mel band centre (Hz)", colormap="magma"),
            f"{caption}: log-mel spectrogram, {MEL_BANDS} HTK mel bands (dB)", step=step),
        View(f"{prefix}mfcc", HeatGrid(
            pooled(coefficients)[::-1], [f"c{k}" for k in range(MFCC_COEFFS)][::-1], times,
            x_label="time (s)", y_label="coefficient", colormap="coolwarm"),
            f"{caption}: MFCC (DCT-II of the log-mel), {MFCC_COEFFS} coefficients", step=step),
    ]
