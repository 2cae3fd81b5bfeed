"""Audio clips: generated tones to classify, generated "words" to transcribe (CTC), and
the user's own folder of WAV files, one sub-folder per class.

Clips are ``(N, T, 1)`` float32 waveforms in ``[-1, 1]`` at one sample rate, or, with
``features=spectrogram``, ``(N, frames, bins, 1)`` log-power spectrograms (scipy's STFT:
librosa is not a dependency, and a log spectrogram is what the classic audio CNNs read), or,
with ``features=mel`` / ``features=mfcc``, ``(N, frames, 40, 1)`` log-mel spectrograms in dB /
``(N, frames, 13, 1)`` MFCCs (``workbench.audio``: HTK mel scale, librosa's conventions).

- ``audio_tones``: one class per musical note (``NOTES``); each clip is that note played
  with a random timbre (sine, square or triangle), phase, loudness, a detune of up to
  ``DETUNE`` and an attack/decay envelope, in white noise. The fundamental, the strongest
  peak of the spectrum, stays within ``DETUNE`` of the class's frequency.
- ``audio_words``: 1..``max_symbols`` tone bursts ("phonemes", ``PHONEMES``) with random
  lengths and silent gaps; the label is the symbol sequence, for CTC: ids ``1..S`` padded
  with ``0``, the blank, and ``label_lengths`` giving each sequence's true length.
- ``audiofolder`` (``--data FOLDER`` whose class sub-folders hold ``.wav`` files): each file
  is read with ``scipy.io.wavfile``, mixed to mono, resampled to ``sample_rate`` with
  ``scipy.signal.resample_poly`` and padded or cut to ``duration`` seconds. A file that
  cannot be read as audio is listed in ``skipped`` with the reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from math import gcd

import numpy as np

from workbench.audio.clips import clip_features, feature_views
from workbench.data.base import DataInfo, Dataset, split
from workbench.data.images import IMAGE_SUFFIXES
from workbench.data.registry import DatasetSpec, register
from workbench.data.synthetic import _float_option, _int_option
from workbench.errors import WorkbenchError

#: Class name -> frequency in Hz (equal temperament, A4 = 440 Hz): a semitone apart or more,
#: so a detune of DETUNE never makes one note another's.
NOTES = {"C4": 261.63, "E4": 329.63, "G4": 392.00, "A4": 440.00, "C5": 523.25, "E5": 659.26}
DETUNE = 0.01
TIMBRES = ("sine", "square", "triangle")
#: CTC symbols: name -> frequency (Hz); index 0 is the CTC blank.
PHONEMES = {"a": 300.0, "e": 450.0, "i": 650.0, "o": 900.0, "u": 1250.0}
BLANK = "<blank>"
BURST_SECONDS = (0.06, 0.14)
GAP_SECONDS = (0.03, 0.08)
FEATURES = ("waveform", "spectrogram", "mel", "mfcc")
STFT_WINDOW_SECONDS = 0.032  # 512 samples at 16 kHz, 256 at 8 kHz: the usual speech frame
MAX_VALUES = 200_000_000
PREVIEW_BANDS, PREVIEW_FRAMES = 32, 20

_AUDIO_OPTIONS = ("samples", "sample_rate", "duration", "features", "noise")
register(DatasetSpec(
    "audio_tones", "audio", "classification",
    f"Generated notes ({', '.join(NOTES)}) with random timbre, phase, loudness and noise, to "
    "classify (options: samples, sample_rate, duration, features=waveform|spectrogram|mel|mfcc, noise).",
    "workbench.data.audio:load_tones", options=_AUDIO_OPTIONS,
))
register(DatasetSpec(
    "audio_words", "audio", "sequence",
    f"Generated 'words': sequences of tone-burst phonemes ({', '.join(PHONEMES)}) to transcribe "
    "with CTC (options: samples, max_symbols, sample_rate, duration, features, noise).",
    "workbench.data.audio:load_words", options=(*_AUDIO_OPTIONS, "max_symbols"),
))
register(DatasetSpec(
    "audiofolder", "audio", "classification",
    "Your own sounds: a folder with one sub-folder per class holding .wav files (options: "
    "sample_rate, duration, features).",
    "workbench.data.audio:load_folder", needs_path=True,
    options=("sample_rate", "duration", "features"),
))


@dataclass
class AudioDataset(Dataset):
    """Clips with their sample rate; ``waveforms`` keeps one raw clip per class for listening
    (the arrays may be spectrograms)."""

    sample_rate: int = 16000
    duration: float = 1.0
    features: str = "waveform"
    waveforms: dict[str, np.ndarray] = field(default_factory=dict)
    #: CTC only: each label sequence's length (labels are padded with the blank, 0).
    label_lengths_train: np.ndarray | None = None
    label_lengths_val: np.ndarray | None = None

    def preview(self) -> list:
        from workbench.views import Audio, HeatGrid, View

        views = [View(f"clip_{_slug(name)}", Audio(wave, self.sample_rate, name), f"{name}")
                 for name, wave in self.waveforms.items()]
        if self.waveforms:
            name, wave = next(iter(self.waveforms.items()))
            spec = log_spectrogram(wave, self.sample_rate)  # (frames, bins)
            # Pooled to at most PREVIEW_BANDS x PREVIEW_FRAMES cells, so every row and column
            # can carry a readable label (the Audio views above show the full resolution).
            grid = _pool(_pool(spec.T, PREVIEW_BANDS, axis=0), PREVIEW_FRAMES, axis=1)
            bin_hz = np.linspace(0, self.sample_rate / 2, spec.shape[1])
            hz = [f"{f:.0f}" for f in _pool(bin_hz, PREVIEW_BANDS, axis=0)][::-1]  # high on top
            start_s = _pool(np.arange(len(spec)) * STFT_WINDOW_SECONDS / 2, PREVIEW_FRAMES, axis=0)
            seconds = [f"{t:.2f}" for t in start_s]
            views.append(View("spectrogram", HeatGrid(
                grid[::-1], hz, seconds, x_label="time (s)", y_label="frequency (Hz)", colormap="magma"),
                f"{name}: log10 power spectrogram"))
            views += feature_views(wave, self.sample_rate, name)  # log-mel and MFCC
        return views

    def describe(self) -> dict:
        facts = {"clips": len(self.x_train) + len(self.x_val), "train": len(self.x_train),
                 "validation": len(self.x_val), "sample_rate": self.sample_rate,
                 "duration_s": self.duration, "features": self.features}
        if self.info.task == "classification":
            facts["per_class"] = self.class_counts()
        elif self.label_lengths_train is not None:
            lengths = np.concatenate([self.label_lengths_train, self.label_lengths_val])
            facts["mean_symbols"] = round(float(lengths.mean()), 3)
        return facts


# ----------------------------------------------------------------------------- tones

def load_tones(options: dict, seed: int, val_fraction: float) -> AudioDataset:
    samples = _int_option(options, "samples", 600, 2, 1_000_000)
    rate, duration, features, noise = _clip_options(options, 8000, 0.5, max(NOTES.values()))
    rng = np.random.default_rng(seed)
    labels = np.arange(samples) % len(NOTES)  # balanced classes, then shuffled by split
    rng.shuffle(labels)
    waves = np.stack([tone(list(NOTES.values())[k], rate, duration, rng, noise) for k in labels])
    names = tuple(NOTES)
    keep = {names[k]: waves[np.flatnonzero(labels == k)[0]] for k in range(len(names))
            if (labels == k).any()}
    return _finish("audio_tones", "classification", waves, labels.astype(np.int64), names,
                   rate, duration, features, seed, val_fraction, keep)


def tone(freq: float, rate: int, duration: float, rng: np.random.Generator,
         noise: float = 0.05) -> np.ndarray:
    """One note: a random timbre at ``freq`` (detuned up to ``DETUNE``), enveloped, in noise."""
    t = np.arange(int(round(rate * duration))) / rate
    f = freq * (1.0 + rng.uniform(-DETUNE, DETUNE))
    phase = 2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)
    timbre = TIMBRES[rng.integers(len(TIMBRES))]
    if timbre == "sine":
        wave = np.sin(phase)
    elif timbre == "square":
        wave = np.sign(np.sin(phase)) * 0.6  # quieter: its harmonics carry energy too
    else:
        wave = 2 / np.pi * np.arcsin(np.sin(phase))
    return _mix(wave * _envelope(len(t), rate, rng) * rng.uniform(0.3, 0.9), noise, rng)


def _envelope(n: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """A linear attack of 5-30 ms and an exponential decay: a plucked or sung note, not a click."""
    attack = max(1, int(rate * rng.uniform(0.005, 0.03)))
    env = np.exp(-np.arange(n) / (n * rng.uniform(0.4, 2.0)))
    env[:attack] *= np.linspace(0.0, 1.0, attack)
    return env


# ----------------------------------------------------------------------------- words (CTC)

def load_words(options: dict, seed: int, val_fraction: float) -> AudioDataset:
    samples = _int_option(options, "samples", 600, 2, 1_000_000)
    max_symbols = _int_option(options, "max_symbols", 4, 1, 50)
    rate, duration, features, noise = _clip_options(options, 8000, 1.0, max(PHONEMES.values()))
    longest = max_symbols * (BURST_SECONDS[1] + GAP_SECONDS[1]) + GAP_SECONDS[1]
    if longest > duration:
        raise WorkbenchError(f"max_symbols={max_symbols} bursts can take {longest:.2f} s, longer "
                             f"than duration={duration:g} s; raise duration or lower max_symbols")
    rng = np.random.default_rng(seed)
    waves, labels, lengths = [], np.zeros((samples, max_symbols), np.int64), np.zeros(samples, np.int64)
    for i in range(samples):
        wave, symbols = word(max_symbols, rate, duration, rng, noise)
        waves.append(wave)
        labels[i, : len(symbols)] = symbols
        lengths[i] = len(symbols)
    waves = np.stack(waves)
    names = (BLANK, *PHONEMES)
    keep = {"".join(names[s] for s in labels[i, : lengths[i]]): waves[i] for i in range(min(3, samples))}
    return _finish("audio_words", "sequence", waves, labels, names, rate, duration, features,
                   seed, val_fraction, keep, lengths)


def word(max_symbols: int, rate: int, duration: float, rng: np.random.Generator,
         noise: float = 0.05) -> tuple[np.ndarray, list[int]]:
    """A clip of 1..``max_symbols`` phoneme bursts separated by silences, and their ids (1-based)."""
    count = int(rng.integers(1, max_symbols + 1))
    symbols = [int(s) + 1 for s in rng.integers(0, len(PHONEMES), size=count)]
    freqs = list(PHONEMES.values())
    wave = np.zeros(int(round(rate * duration)))
    start = int(rate * rng.uniform(*GAP_SECONDS))
    for s in symbols:
        n = int(rate * rng.uniform(*BURST_SECONDS))
        t = np.arange(n) / rate
        burst = np.sin(2 * np.pi * freqs[s - 1] * t + rng.uniform(0, 2 * np.pi))
        wave[start:start + n] = burst * np.hanning(n) * rng.uniform(0.4, 0.9)  # no clicks at the edges
        start += n + int(rate * rng.uniform(*GAP_SECONDS))
    return _mix(wave, noise, rng), symbols


# ----------------------------------------------------------------------------- WAV folder

def is_audio_folder(root: str) -> bool:
    """Whether ``root``'s class sub-folders hold more ``.wav`` files than images."""
    wav = images = 0
    for sub in os.scandir(root):
        if sub.is_dir() and not sub.name.startswith("."):
            for f in os.scandir(sub.path):
                name = f.name.lower()
                wav += name.endswith(".wav")
                images += name.endswith(IMAGE_SUFFIXES)
    return wav > images


def load_folder(options: dict, seed: int, val_fraction: float) -> AudioDataset:
    root = options["path"]
    rate, duration, features, _ = _clip_options(options, 16000, 1.0, 0.0)
    files, labels, classes = _list_wavs(root)
    waves, kept, ids, skipped = [], [], [], []
    for path, label in zip(files, labels):
        try:
            waves.append(fit_length(read_wav(path, rate), int(round(rate * duration))))
        except WorkbenchError as error:
            skipped.append(str(error))
            continue
        kept.append(label)
        ids.append(os.path.relpath(path, root).replace(os.sep, "/"))
    if not waves:
        raise WorkbenchError(f"no usable audio in {root}: {len(skipped)} .wav file(s), none readable"
                             + (f" (first: {skipped[0]})" if skipped else ""))
    waves, y = np.stack(waves), np.asarray(kept, np.int64)
    keep = {classes[k]: waves[kept.index(k)] for k in range(len(classes)) if k in kept}
    name = os.path.basename(os.path.normpath(root))
    dataset = _finish(name, "classification", waves, y, tuple(classes), rate, duration, features,
                      seed, val_fraction, keep, ids=ids)
    dataset.skipped, dataset.root = skipped, root
    return dataset


def read_wav(path: str, rate: int) -> np.ndarray:
    """A WAV file as mono float32 in [-1, 1] at ``rate`` Hz; a sentence when it is not audio."""
    from scipy.signal import resample_poly

    file_rate, data = read_wav_native(path)
    if file_rate != rate:
        g = gcd(int(file_rate), int(rate))
        data = resample_poly(data, rate // g, file_rate // g)
    return np.clip(data, -1.0, 1.0).astype(np.float32)


def read_wav_native(path: str) -> tuple[int, np.ndarray]:
    """A WAV file at its own sample rate: ``(rate, mono float64 samples in [-1, 1])``."""
    from scipy.io import wavfile

    name = os.path.basename(path)
    try:
        file_rate, data = wavfile.read(path)
    except (ValueError, EOFError, OSError, IndexError) as error:  # scipy's messages for a non-RIFF / cut file
        raise WorkbenchError(f"{name}: not a readable WAV file ({error or type(error).__name__})") from None
    if data.size == 0:
        raise WorkbenchError(f"{name}: the WAV file holds no samples")
    if int(file_rate) <= 0:
        raise WorkbenchError(f"{name}: the WAV header gives a sample rate of {file_rate} Hz")
    data = _to_float(data)
    if data.ndim == 2:
        data = data.mean(axis=1)  # mono mix
    return int(file_rate), data


def _to_float(data: np.ndarray) -> np.ndarray:
    """PCM integers to [-1, 1] (8-bit WAV is unsigned, centred on 128); floats as they are."""
    if data.dtype == np.uint8:
        return (data.astype(np.float64) - 128.0) / 128.0
    if np.issubdtype(data.dtype, np.integer):
        return data.astype(np.float64) / float(2 ** (8 * data.dtype.itemsize - 1))
    return data.astype(np.float64)


def fit_length(wave: np.ndarray, n: int) -> np.ndarray:
    """Pad with silence at the end or cut to ``n`` samples."""
    return np.pad(wave, (0, n - len(wave))) if len(wave) < n else wave[:n]


def _list_wavs(root: str) -> tuple[list[str], list[int], list[str]]:
    if not os.path.isdir(root):
        raise WorkbenchError(f"folder not found: {root}")
    classes = sorted(d for d in os.listdir(root)
                     if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))
    files, labels = [], []
    for index, name in enumerate(classes):
        for file in sorted(os.listdir(os.path.join(root, name))):
            if file.lower().endswith(".wav"):
                files.append(os.path.join(root, name, file))
                labels.append(index)
    if not files:
        raise WorkbenchError(f"{root} has no .wav files in class sub-folders "
                             f"(expected {root}/<class>/<sound>.wav)")
    return files, labels, classes


# ----------------------------------------------------------------------------- shared

def log_spectrogram(wave: np.ndarray, rate: int) -> np.ndarray:
    """``(frames, bins)`` log10 power (float32) from scipy's STFT, Hann window of
    ``STFT_WINDOW_SECONDS`` with half overlap."""
    from scipy.signal import spectrogram

    nperseg = max(16, int(rate * STFT_WINDOW_SECONDS))
    _, _, power = spectrogram(np.asarray(wave, np.float64).ravel(), fs=rate, window="hann",
                              nperseg=nperseg, noverlap=nperseg // 2, mode="psd")
    return np.log10(power.T + 1e-10).astype(np.float32)


def _finish(name, task, waves, labels, class_names, rate, duration, features, seed, val_fraction,
            keep, label_lengths=None, ids=None) -> AudioDataset:
    x = waves[..., None].astype(np.float32)
    if features == "spectrogram":
        x = np.stack([log_spectrogram(w, rate) for w in waves])[..., None]
    elif features in ("mel", "mfcc"):  # (frames, bands): workbench.audio, librosa's conventions
        x = np.stack([clip_features(w, rate, features) for w in waves])[..., None]
    if ids is None:
        ids = [f"{name}:{i}" for i in range(len(x))]
    stratify = task == "classification"
    x_tr, y_tr, x_va, y_va, i_tr, i_va = split(x, labels, val_fraction, seed, stratify, ids=ids)
    info = DataInfo(name, "audio", task, tuple(x.shape[1:]), tuple(class_names))
    dataset = AudioDataset(info, x_tr, y_tr, x_va, y_va, ids_train=i_tr, ids_val=i_va,
                           sample_rate=rate, duration=duration, features=features,
                           waveforms={k: v.astype(np.float32) for k, v in keep.items()})
    if label_lengths is not None:
        # The lengths follow their clips into the splits: the ids say which clip went where.
        position = {sample_id: i for i, sample_id in enumerate(ids)}
        dataset.label_lengths_train = label_lengths[[position[i] for i in i_tr]]
        dataset.label_lengths_val = label_lengths[[position[i] for i in i_va]]
    return dataset


def _clip_options(options: dict, default_rate: int, default_duration: float, top_freq: float):
    rate = _int_option(options, "sample_rate", default_rate, 1000, 96000)
    if rate <= 2.5 * top_freq:  # Nyquist, with room for the square wave's first harmonics
        raise WorkbenchError(f"data option sample_rate={rate} is too low for tones up to "
                             f"{top_freq:g} Hz; use at least {int(2.5 * top_freq) + 1}")
    duration = _float_option(options, "duration", default_duration, 0.1, 30.0)
    features = str(options.get("features", "waveform")).lower()
    if features not in FEATURES:
        raise WorkbenchError(f"data option features={features!r} must be waveform, spectrogram, mel or mfcc")
    noise = _float_option(options, "noise", 0.05, 0.0, 1.0)
    samples = int(options.get("samples", 0) or 0)
    if samples * rate * duration > MAX_VALUES:
        raise WorkbenchError(f"{samples} clips of {duration:g} s at {rate} Hz make more than "
                             f"{MAX_VALUES:,} values; lower samples, duration or sample_rate")
    return rate, duration, features, noise


def _pool(values: np.ndarray, most: int, axis: int) -> np.ndarray:
    """Means over at most ``most`` near-equal groups along ``axis``."""
    groups = np.array_split(np.arange(values.shape[axis]), min(values.shape[axis], most))
    return np.stack([values.take(g, axis=axis).mean(axis=axis) for g in groups], axis=axis)


def _mix(wave: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Add white noise of standard deviation ``noise`` and keep the clip within [-1, 1]."""
    return np.clip(wave + noise * rng.standard_normal(len(wave)), -1.0, 1.0).astype(np.float32)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:60] or "clip"
