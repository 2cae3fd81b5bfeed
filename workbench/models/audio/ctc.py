"""A bidirectional LSTM transcribing audio with CTC (Graves et al., 2006).

The clip becomes a sequence of feature frames (log-mel or MFCC, ``workbench.audio``, each
band standardised over the clip: cepstral mean and variance normalisation); two LSTMs read
it forwards and backwards, and a dense layer gives, at every frame, scores for the blank
(index 0) and each symbol. Nobody says which frame is which letter: the CTC loss sums the
probability of every frame-level path that collapses to the transcript (forward-backward
over the blank-interleaved label, ``keras.ops.ctc_loss``) and maximises that sum.

Each epoch logs the character error rate of greedy decoding as ``cer`` and of beam search
as ``cer_beam`` (``ctc_decoding``) on up to ``CER_CLIPS`` training clips, and as ``val_cer``
and ``val_cer_beam`` on the validation clips, and shows one validation clip decoded step by
step (frame argmaxes -> repeats merged -> blanks removed -> text) with the per-frame
posteriors, the CTC "spikes".
"""

from __future__ import annotations

import os

import keras
import numpy as np

from workbench.audio.clips import clip_features, feature_views
from workbench.errors import WorkbenchError
from workbench.models.audio import ctc_decoding as D
from workbench.views.types import HeatGrid, Text, View

#: Where the run keeps what transcription needs beyond the model: the sample rate and features.
AUDIO_SETTINGS = "audio.json"
BLANK_MARK = "_"  # how a blank frame is written in the step-by-step view
#: Clips of each split decoded for the error rates each epoch (beam search is Python: keep it bounded).
CER_CLIPS = 100


def feature_count(hp: dict, info) -> int:
    """Features per frame: the data's own when it already is frames, else the chosen kind's."""
    if len(info.input_shape) == 3:  # (frames, bands, 1): spectrogram / mel / mfcc data
        return int(info.input_shape[1])
    return clip_features(np.zeros(256), 8000, hp["features"]).shape[1]


def build_ctc(hp: dict, info) -> keras.Model:
    """(batch, frames, features) -> (batch, frames, 1 + symbols) logits, blank first."""
    if info.task != "sequence" or not info.class_names or info.class_names[0] != "<blank>":
        raise WorkbenchError(f"ctc transcribes clips into symbol sequences (audio_words); {info.name} "
                             f"is {info.task} data")
    inputs = keras.Input((None, feature_count(hp, info)), name="features")
    x = inputs
    for i in range(hp["layers"]):
        x = keras.layers.Bidirectional(keras.layers.LSTM(hp["units"], return_sequences=True),
                                       name=f"bilstm_{i + 1}")(x)
    outputs = keras.layers.Dense(len(info.class_names), name="logits", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="bilstm_ctc")


@keras.saving.register_keras_serializable(package="workbench")
def ctc_loss(y_true, y_pred):
    """``y_true`` is the padded label sequence with its length appended as the last column;
    every clip uses all its frames."""
    y_true = keras.ops.cast(y_true, "int32")
    labels, label_lengths = y_true[:, :-1], y_true[:, -1]
    shape = keras.ops.shape(y_pred)
    frames = keras.ops.full((shape[0],), shape[1], dtype="int32")
    return keras.ops.ctc_loss(labels, y_pred, label_lengths, frames, mask_index=0)


def cmvn(frames: np.ndarray) -> np.ndarray:
    """Each feature standardised over the clip's frames (cepstral mean and variance normalisation)."""
    mean = frames.mean(axis=-2, keepdims=True)
    std = frames.std(axis=-2, keepdims=True)
    return ((frames - mean) / (std + 1e-5)).astype(np.float32)


def clip_frames(x: np.ndarray, rate: int, kind: str, pool: int = 1) -> np.ndarray:
    """``(N, frames, features)`` from waveforms ``(N, T, 1)`` or ready frames ``(N, frames, F, 1)``,
    averaged over groups of ``pool`` frames (a lower frame rate: fewer LSTM steps)."""
    x = np.asarray(x)
    if x.ndim == 4:
        frames = x[..., 0]
    elif kind == "spectrogram":  # the audio sources' own log-power spectrogram (scipy)
        from workbench.data.audio import log_spectrogram

        frames = np.stack([log_spectrogram(w.ravel(), rate) for w in x])
    else:
        frames = np.stack([clip_features(w.ravel(), rate, kind) for w in x]) if len(x) else \
            np.zeros((0, 1, clip_features(np.zeros(256), rate, kind).shape[1]), np.float32)
    if pool > 1:
        kept = frames.shape[1] // pool * pool
        if kept == 0:
            raise WorkbenchError(f"frame_pool={pool} is more than the {frames.shape[1]} frames of a clip")
        frames = frames[:, :kept].reshape(len(frames), kept // pool, pool, -1).mean(axis=2)
    return cmvn(frames) if len(frames) else frames.astype(np.float32)


def targets(labels: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([np.asarray(labels, np.int32), np.asarray(lengths, np.int32)[:, None]], axis=1)


def train_ctc(ctx):
    """``fit`` with the CTC loss on feature frames; ``cer`` / ``cer_beam`` and the collapse view each epoch."""
    from workbench.runs.atomic import write_json
    from workbench.training.job import apply_l2, fit_arrays, make_optimizer

    data, hp = ctx.dataset, ctx.hp
    if getattr(data, "label_lengths_train", None) is None:
        raise WorkbenchError(f"ctc needs clips with symbol transcripts (audio_words); {data.info.name} has none")
    rate = int(data.sample_rate)
    x = clip_frames(data.x_train, rate, hp["features"], hp["frame_pool"])
    x_val = clip_frames(data.x_val, rate, hp["features"], hp["frame_pool"])
    frames = x.shape[1]
    longest = int(max(data.label_lengths_train.max(initial=0), data.label_lengths_val.max(initial=0)))
    if frames < 2 * longest:  # room for a blank between repeated symbols
        raise WorkbenchError(f"{frames} frames per clip are too few for transcripts of {longest} symbols; "
                             "use longer clips")
    model = build_ctc(hp, data.info)
    apply_l2(model, hp.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(hp), loss=ctc_loss)
    write_json(os.path.join(ctx.run_dir.path, AUDIO_SETTINGS),
               {"sample_rate": rate, "duration": float(data.duration),
                # frames made by the data source (features=mel|mfcc|spectrogram) or here
                "features": data.features if data.features != "waveform" else hp["features"],
                "frame_pool": hp["frame_pool"],
                "symbols": list(data.info.class_names)})
    report = CTCReport(ctx.emit, {
        "": (x[:CER_CLIPS], data.y_train[:CER_CLIPS], data.label_lengths_train[:CER_CLIPS]),
        "val_": (x_val[:CER_CLIPS], data.y_val[:CER_CLIPS], data.label_lengths_val[:CER_CLIPS])},
        data.info.class_names, hp["beam_width"], example_wave=_example_wave(data), rate=rate)
    return fit_arrays(ctx, model, x, targets(data.y_train, data.label_lengths_train), x_val,
                      targets(data.y_val, data.label_lengths_val), extra_callbacks=[report])


train_ctc.resumable = True  # it trains through fit_arrays


def _example_wave(data):
    if data.features == "waveform" and len(data.x_val):
        return np.asarray(data.x_val[0]).ravel()
    return None


def spell(ids, symbols) -> str:
    return "".join(BLANK_MARK if int(i) == 0 else symbols[int(i)] for i in ids)


def collapse_text(logits: np.ndarray, symbols, truth=None, beam: list | None = None) -> str:
    """One clip decoded step by step, for the ``Text`` view."""
    path = np.argmax(logits, axis=-1)
    merged, transcript = D.collapse_steps(path)
    lines = []
    if truth is not None:
        lines.append(f"truth:              {spell(truth, symbols)}")
    lines += [f"1. frame argmaxes:  {spell(path, symbols)}",
              f"2. repeats merged:  {spell(merged, symbols)}",
              f"3. blanks removed:  {spell(transcript, symbols)}",
              f"greedy text:        \"{spell(transcript, symbols)}\""]
    if beam is not None:
        lines.append(f"beam search text:   \"{spell(beam, symbols)}\"")
    lines.append(f"({len(path)} frames; {BLANK_MARK} = blank)")
    return "\n".join(lines)


class CTCReport(keras.callbacks.Callback):
    """CER (greedy, beam) per split, the step-by-step collapse of validation clip 0 and its
    posteriors. ``splits`` maps a log prefix ("" or "val_") to ``(frames, labels, lengths)``."""

    def __init__(self, emit, splits: dict, symbols, beam_width, example_wave=None, rate=8000):
        super().__init__()
        self.emit, self.symbols, self.beam_width = emit, tuple(symbols), beam_width
        self.splits = {prefix: (x, [list(y[:n]) for y, n in zip(np.asarray(labels), np.asarray(lengths))])
                       for prefix, (x, labels, lengths) in splits.items() if len(x)}
        self.example_wave, self.rate = example_wave, rate
        self.shown_features = False

    def on_epoch_end(self, epoch, logs=None):
        shown = None
        for prefix, (x, truth) in self.splits.items():
            logits = np.asarray(self.model.predict(x, batch_size=64, verbose=0), np.float64)
            greedy = D.greedy_decode(logits)
            beam = [t for t, _ in D.beam_search_decode(logits, beam_width=self.beam_width)]
            if logs is not None:
                logs[f"{prefix}cer"] = D.character_error_rate(greedy, truth)
                logs[f"{prefix}cer_beam"] = D.character_error_rate(beam, truth)
            if prefix == "val_" or shown is None:
                shown = (logits[0], truth[0], beam[0], "validation" if prefix else "training")
        if shown is None:
            return
        logits, truth, beam, split = shown
        step = epoch + 1
        self.emit(View("ctc_collapse", Text(collapse_text(logits, self.symbols, truth, beam)),
                       f"CTC decoding of {split} clip 0, epoch {step}", step=step))
        posteriors = np.exp(D.log_softmax(logits)).T  # (symbols, frames)
        self.emit(View("ctc_posteriors", HeatGrid(
            posteriors, ["blank", *self.symbols[1:]], [str(t) for t in range(posteriors.shape[1])],
            x_label="frame", y_label="symbol", colormap="viridis"),
            f"Per-frame posteriors of {split} clip 0 (truth \"{spell(truth, self.symbols)}\")",
            step=step))
        if not self.shown_features and self.example_wave is not None:
            self.shown_features = True
            for view in feature_views(self.example_wave, self.rate, "validation clip 0", step=step):
                self.emit(view)


# ----------------------------------------------------------------------------- transcription

def transcribe(run_dir: str, wav_paths: list[str], beam_width: int = 0) -> list[dict]:
    """Transcripts of WAV files with a trained ``ctc`` run: ``{"file", "text", "path"}`` each.

    A file recorded at another sample rate than the run's clips gets a sentence: its
    frames would span other lengths of time and its mel bands other frequencies."""
    from workbench.data.audio import fit_length, read_wav_native
    from workbench.models.io import load_model
    from workbench.runs.atomic import read_json

    settings_path = os.path.join(run_dir, AUDIO_SETTINGS)
    if not os.path.exists(settings_path):
        raise WorkbenchError(f"{run_dir} is not a trained ctc run (no {AUDIO_SETTINGS})")
    settings = read_json(settings_path)
    rate, kind, symbols = int(settings["sample_rate"]), settings["features"], settings["symbols"]
    waves = []
    for path in wav_paths:
        file_rate, wave = read_wav_native(path)
        check_sample_rate(os.path.basename(path), file_rate, rate)
        waves.append(fit_length(wave, round(rate * settings["duration"])))
    model = load_model(os.path.join(run_dir, "model.keras"))
    frames = clip_frames(np.stack(waves)[..., None], rate, kind, int(settings.get("frame_pool", 1)))
    logits = np.asarray(model.predict(frames, verbose=0), np.float64)
    decoded = ([t for t, _ in D.beam_search_decode(logits, beam_width=beam_width)] if beam_width
               else D.greedy_decode(logits))
    return [{"file": p, "text": spell(t, symbols), "path": spell(np.argmax(l, -1), symbols)}
            for p, t, l in zip(wav_paths, decoded, logits)]


def check_sample_rate(name: str, file_rate: int, trained_rate: int) -> None:
    if int(file_rate) != int(trained_rate):
        raise WorkbenchError(f"{name} is sampled at {file_rate} Hz but the model was trained on {trained_rate} Hz "
                             f"clips; resample it to {trained_rate} Hz first")


