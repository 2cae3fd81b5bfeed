"""word2vec on a corpus with planted synonym pairs: how close each pair ends up (cosine),
against pairs of words that never share a context, for skip-gram and CBOW.

The corpus is generated: each of several pairs (cat/dog, car/truck, ...) appears in the same
sentence frames, drawn at random; every other word in frames of its own. A model that learns
from contexts puts each planted pair closer than unrelated words; the nearest neighbour of
each planted word should be its partner. The same run on Genesis lists a few neighbours and
the man : woman :: father : ? analogy.

    nice -n 10 .venv/bin/python benchmarks/word2vec_pairs.py
    .venv/bin/python benchmarks/word2vec_pairs.py --quick
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PAIRS = (("cat", "dog"), ("car", "truck"), ("apple", "pear"), ("river", "lake"), ("red", "blue"))
FRAMES = ("the {} sleeps here now", "a {} was seen today", "my old {} looks fine", "every {} needs care")


def planted_corpus(lines: int, seed: int) -> str:
    """Each pair shares its own frames (frame words tagged by the pair: 'sleeps1'), so the
    partners' contexts are identical and differ from every other pair's."""
    rng = np.random.default_rng(seed)
    text = []
    for _ in range(lines):
        k = int(rng.integers(len(PAIRS)))
        word = PAIRS[k][int(rng.integers(2))]
        frame = FRAMES[int(rng.integers(len(FRAMES)))]
        tagged = " ".join(w if w == "{}" else f"{w}{k}" for w in frame.split())
        text.append(tagged.format(word))
    return "\n".join(text)


def train(mode: str, path: str, epochs: int, quick: bool, dim: int):
    from workbench.models.sequence.word2vec import load_word_vectors
    from workbench.training import TrainConfig, job

    out = os.path.join(tempfile.mkdtemp(), mode)
    config = TrainConfig("word2vec", path, epochs=epochs, batch_size=256, seed=0, val_split=0.0,
                         hparams={"mode": mode, "embedding_dim": dim, "window": 2, "min_count": 1}, out=out,
                         steps_per_epoch=60 if quick else 0)
    job.run_training(config, force=True)
    return load_word_vectors(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "planted.txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(planted_corpus(1500 if args.quick else 4000, 0))
    started = time.perf_counter()
    print(f"word2vec, planted synonym pairs (load {os.getloadavg()[0]:.1f})")
    print(f"{'mode':<9} {'pair':<14} {'cosine':>7} {'nearest of 1st':>15} {'mean unrelated':>15}")
    ok = True
    for mode in ("skipgram", "cbow"):
        vectors = train(mode, path, 2 if args.quick else 5, args.quick, 16)
        words = [w for pair in PAIRS for w in pair]
        unrelated = np.mean([vectors.similarity(a, b) for i, a in enumerate(words) for b in words[i + 1:]
                             if (a, b) not in PAIRS])
        for a, b in PAIRS:
            nearest = vectors.neighbours(a, 1)[0][0]
            ok &= nearest == b
            print(f"{mode:<9} {a + '/' + b:<14} {vectors.similarity(a, b):>7.3f} {nearest:>15} {unrelated:>15.3f}")
    print(f"planted partners are each other's nearest neighbour: {'yes' if ok else 'NO'} "
          f"({time.perf_counter() - started:.0f} s)")
    if not args.quick:
        vectors = train("skipgram", "genesis", 5, False, 64)
        for word in ("god", "day", "water"):
            print(f"genesis {word}: " + ", ".join(f"{w} {s:.2f}" for w, s in vectors.neighbours(word, 5)))
        print("genesis man : woman :: father : ? " +
              ", ".join(f"{w} {s:.2f}" for w, s in vectors.analogy("man", "woman", "father", 3)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
