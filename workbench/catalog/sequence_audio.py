"""Catalog section D (audio): WaveNet and CTC transcription."""

from workbench.catalog.registry import Entry, HParam, register

FAMILY = "D. Sequences, language and audio"

register(Entry(
    name="wavenet",
    display_name="WaveNet (dilated causal convolutions)",
    family=FAMILY,
    task="generation",
    summary=(
        "Generates a waveform one sample at a time: a softmax over mu-law codes of the next sample, "
        "from a stack of causal convolutions of kernel 2 whose dilations double (1, 2, 4, ...), so the "
        "receptive field grows as 2^L with depth L instead of L + 1; gated tanh x sigmoid units with "
        "residual and skip connections. Shows the generated sound each epoch and the receptive field "
        "against plain causal convolutions of the same depth."
    ),
    paper="van den Oord et al., WaveNet: A generative model for raw audio, arXiv:1609.03499, 2016",
    builder="workbench.models.audio.wavenet:build_wavenet",
    trainer="workbench.models.audio.wavenet:train_wavenet",
    hparams=(
        HParam("layers", int, 8, "Dilated layers per stack (dilations 1, 2, ..., 2^(layers-1))", low=1, high=14),
        HParam("stacks", int, 1, "Repetitions of the dilated stack", low=1, high=8),
        HParam("dilated", bool, True, "Dilate (false: plain causal convolutions, receptive field layers + 1)"),
        HParam("channels", int, 32, "Residual channels", low=1, high=512),
        HParam("skip_channels", int, 64, "Skip-connection channels", low=1, high=1024),
        HParam("levels", int, 256, "mu-law quantisation levels (the softmax size)", choices=(16, 32, 64, 128, 256)),
        HParam("window", int, 1024, "Samples per training window", low=8, high=100000),
        HParam("windows_per_clip", int, 2, "Training windows cut from each clip", low=1, high=100),
        HParam("generate_samples", int, 2000, "Samples generated for the view each epoch", low=0, high=200000),
        HParam("temperature", float, 1.0, "Sampling temperature of generation (0 = most likely code)",
               low=0.0, high=10.0),
    ),
    data_kinds=("audio",),
    default_data="audio_tones",
    smoke={"layers": 3, "channels": 4, "skip_channels": 4, "levels": 16, "window": 32,
           "windows_per_clip": 1, "generate_samples": 8},
))

register(Entry(
    name="ctc",
    display_name="CTC (BiLSTM transcription)",
    family=FAMILY,
    task="sequence",
    summary=(
        "Transcribes audio without frame alignments: a bidirectional LSTM over log-mel (or MFCC) frames "
        "scores a blank and each symbol per frame; the CTC loss sums every frame path that collapses to "
        "the transcript (repeats merged, then blanks removed). Greedy and beam-search decoding; the "
        "character error rate is logged as cer (greedy) and cer_beam, val_cer and val_cer_beam on the "
        "validation clips."
    ),
    paper="Graves et al., Connectionist temporal classification: labelling unsegmented sequence data "
          "with recurrent neural networks, ICML 2006",
    builder="workbench.models.audio.ctc:build_ctc",
    trainer="workbench.models.audio.ctc:train_ctc",
    hparams=(
        HParam("features", str, "mel", "Frame features: log-mel (40 HTK bands) or MFCC (13)", choices=("mel", "mfcc")),
        HParam("units", int, 64, "LSTM units per direction", low=1, high=1024),
        HParam("layers", int, 2, "Bidirectional LSTM layers", low=1, high=6),
        HParam("beam_width", int, 8, "Beam width of beam-search decoding (cer_beam)", low=1, high=256),
        HParam("frame_pool", int, 1, "Average this many consecutive frames (a lower frame rate, fewer "
               "LSTM steps)", low=1, high=16),
    ),
    data_kinds=("audio",),
    default_data="audio_words",
    smoke={"units": 4, "layers": 1, "beam_width": 2, "frame_pool": 4},
))
