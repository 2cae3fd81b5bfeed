"""``keras-workbench audio-features FILE.wav --feature stft|mel|mfcc --out F.npy``.

The features of ``workbench.audio.features`` (librosa's conventions: centred frames, a
periodic Hann window, power 2, the HTK mel scale with Slaney-normalised triangles) for one
WAV file at its own sample rate, saved as a ``.npy`` array of shape ``(features, frames)``:
``stft`` is the complex STFT (``1 + n_fft // 2`` rows; ``abs(x) ** 2`` is the power
spectrogram), ``mel`` the power mel spectrogram (``n_mels`` rows), ``mfcc`` the MFCCs
(``n_mfcc`` rows).
"""

from __future__ import annotations

from workbench.errors import WorkbenchError

FEATURES = ("stft", "mel", "mfcc")


def register(sub) -> None:
    p = sub.add_parser("audio-features", help="STFT, mel spectrogram or MFCC of a WAV file, saved as .npy")
    p.add_argument("wav", metavar="FILE.wav", help="the WAV file (mixed to mono, at its own sample rate)")
    p.add_argument("--feature", required=True, choices=FEATURES, help="stft (complex), mel (power) or mfcc")
    p.add_argument("--n-fft", type=int, default=2048, help="samples per frame (default 2048)")
    p.add_argument("--hop-length", type=int, default=None,
                   help="samples between frame starts (default n_fft // 4)")
    p.add_argument("--n-mels", type=int, default=128, help="mel bands (mel, mfcc; default 128)")
    p.add_argument("--n-mfcc", type=int, default=20, help="cepstral coefficients (mfcc; default 20)")
    p.add_argument("--out", required=True, metavar="F.npy", help="the .npy file to write")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    import os

    from workbench.runs.outputs import check_output_path

    if not args.out.lower().endswith(".npy"):
        raise WorkbenchError(f"--out {args.out} must be a .npy file")
    if not os.path.isfile(args.wav):
        raise WorkbenchError(f"{args.wav} is not a file")
    out = check_output_path(args.out, "file", force=args.force, example="features.npy")
    rate, values = compute(args.wav, args.feature, args.n_fft, args.hop_length, args.n_mels, args.n_mfcc)
    save_npy(out, values)
    facts = {"out": out, "feature": args.feature, "shape": list(values.shape), "dtype": str(values.dtype),
             "sample_rate": rate}
    if args.json:
        from workbench.cli import emit_json

        emit_json(facts)
    else:
        print(f"wrote {out}: {args.feature} {values.shape[0]} x {values.shape[1]} frames ({rate} Hz)")
    return 0


def compute(path: str, feature: str, n_fft: int = 2048, hop_length: int | None = None,
            n_mels: int = 128, n_mfcc: int = 20):
    """``(sample_rate, array)`` for one WAV file."""
    import numpy as np

    from workbench.audio import features as F
    from workbench.data.audio import read_wav_native

    if feature not in FEATURES:
        raise WorkbenchError(f"--feature {feature!r} is not one of {', '.join(FEATURES)}")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    if n_fft < 2 or hop_length < 1:
        raise WorkbenchError(f"--n-fft {n_fft} must be 2 or more and --hop-length {hop_length} 1 or more")
    rate, y = read_wav_native(path)
    if not np.all(np.isfinite(y)):
        raise WorkbenchError(f"{path}: the WAV file holds non-finite samples (NaN or infinity)")
    if feature == "stft":
        return rate, F.stft(y, n_fft, hop_length).astype(np.complex64)
    if feature == "mel":
        return rate, F.melspectrogram(y, rate, n_fft, hop_length, n_mels).astype(np.float32)
    return rate, F.mfcc(y, rate, n_mfcc, n_fft, hop_length, n_mels).astype(np.float32)


def save_npy(path: str, values) -> None:
    """``np.save`` through a temporary beside ``path``: a reader never sees half an array."""
    import numpy as np

    from workbench.runs.atomic import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.save(handle, values)
