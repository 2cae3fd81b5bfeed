"""Character error rate of greedy and beam-search CTC decoding after training ``ctc`` on
``audio_words`` (the synthetic transcription set), and the time each decoder takes.

Trains the catalog entry (BiLSTM over log-mel frames, CTC loss) once, then decodes the
validation clips greedily and with prefix beam search at several widths; each width's
result is also checked against ``keras.ops.ctc_decode(strategy="beam_search")`` on the same
logits (the ``agree`` column: transcripts that are the same).

    nice -n 10 .venv/bin/python benchmarks/ctc_decoding.py             # 600 clips, 30 epochs
    .venv/bin/python benchmarks/ctc_decoding.py --quick                # 200 clips, 3 epochs
    .venv/bin/python benchmarks/ctc_decoding.py --epochs 60 --set units=128
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

WIDTHS = (1, 4, 16, 64)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 clips, 3 epochs: a smoke run, no figures")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--samples", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.samples = 3, 200
    hparams = {"learning_rate": 3e-3, "frame_pool": 2}
    hparams.update(dict(item.split("=", 1) for item in args.set))

    import numpy as np

    from workbench.models.audio import ctc as C
    from workbench.models.audio import ctc_decoding as D
    from workbench.training import TrainConfig, job

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        result = job.run_training(TrainConfig("ctc", "audio_words", epochs=args.epochs, seed=args.seed,
                                              batch_size=32, data_options={"samples": str(args.samples)},
                                              hparams=hparams, out=os.path.join(out, "run")))
    trained = time.perf_counter() - started
    data = result.dataset
    kind, pool = hparams.get("features", "mel"), int(hparams["frame_pool"])
    x_val = C.clip_frames(data.x_val, data.sample_rate, kind, pool)
    logits = np.asarray(result.model.predict(x_val, verbose=0), np.float64)
    truth = [list(y[:n]) for y, n in zip(data.y_val, data.label_lengths_val)]
    cer = result.history["val_cer"]
    print(f"ctc on audio_words: {args.samples} clips ({len(truth)} validation), {args.epochs} epochs, "
          f"{trained:.0f} s of training; {x_val.shape[1]} frames of {x_val.shape[2]} log-mel bands per clip")
    print("validation cer (greedy) by epoch: " + " ".join(f"{v:.3f}" for v in cer[:: max(1, len(cer) // 10)])
          + f" ... {cer[-1]:.3f}")
    print(f"\n{'decoder':<18}{'CER':>8}{'exact':>8}{'ms/clip':>10}{'agree':>9}")
    rows = [("greedy", lambda: D.greedy_decode(logits), lambda: _keras(logits, "greedy", 1))]
    rows += [(f"beam, width {w}", lambda w=w: [t for t, _ in D.beam_search_decode(logits, beam_width=w)],
              lambda w=w: _keras(logits, "beam_search", w)) for w in WIDTHS]
    for name, decode, reference in rows:
        t0 = time.perf_counter()
        texts = decode()
        ms = (time.perf_counter() - t0) * 1000 / len(texts)
        exact = np.mean([t == r for t, r in zip(texts, truth)])
        agree = np.mean([a == b for a, b in zip(texts, reference())])
        print(f"{name:<18}{D.character_error_rate(texts, truth):>8.3f}{exact:>8.3f}{ms:>10.2f}{agree:>9.3f}")
    return 0


def _keras(logits, strategy, width):
    import keras
    import numpy as np

    decoded, _ = keras.ops.ctc_decode(logits.astype("float32"), np.full(len(logits), logits.shape[1]),
                                      strategy=strategy, beam_width=width, mask_index=0)
    return [r[r >= 0].tolist() for r in np.asarray(decoded)[0]]


if __name__ == "__main__":
    sys.exit(main())
