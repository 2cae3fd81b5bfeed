"""Sample quality of the adversarial entries over training (gan, dcgan, wgan, wgan-gp), on digits.

After each epoch, 500 samples from one fixed noise batch are scored by a small digits
classifier trained here (scikit-learn's MLPClassifier on the real training digits):

* ``conf``: its mean top-class probability on the samples (real validation digits: the
  ceiling, printed first); noise-like samples score low.
* ``covered``: the fraction of the 10 classes that at least 2% of the samples are
  confidently (p > 0.5) assigned to: a generator that collapses onto a few modes covers few.
* ``FD``: the Frechet distance to the real validation digits in a 20-dimensional PCA space
  (``generative_quality.frechet_distance``; lower is better).

Also printed: the 1-D theory table of the WGAN paper's Example 1 (JS stuck at log 2 while
W1 = |theta|), from ``gan_theory.disjoint_supports_table``.

    .venv/bin/python benchmarks/gan_quality.py --quick
    .venv/bin/python benchmarks/gan_quality.py --epochs 40 --models dcgan,wgan-gp
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

#: name -> (catalog entry, hyperparameter overrides)
MODELS = {
    "gan": ("gan", {"latent_dim": 16, "hidden_units": "128,128"}),
    "dcgan": ("dcgan", {"latent_dim": 16, "filters": 32}),
    "wgan": ("wgan", {"latent_dim": 16, "filters": 32, "learning_rate": 5e-4}),
    "wgan-gp": ("wgan", {"latent_dim": 16, "filters": 32, "gradient_penalty": True, "learning_rate": 5e-4}),
}
SAMPLES = 500
CONFIDENT = 0.5
COVERAGE_SHARE = 0.02


def reference(seed: int):
    from sklearn.decomposition import PCA
    from sklearn.neural_network import MLPClassifier

    from workbench import data

    digits = data.load("digits", {}, seed=seed, val_fraction=0.2)
    x_train = digits.x_train.reshape(len(digits.x_train), -1)
    x_val = digits.x_val.reshape(len(digits.x_val), -1)
    classifier = MLPClassifier((64,), max_iter=500, random_state=seed).fit(x_train, digits.y_train)
    pca = PCA(20, random_state=seed).fit(x_train)
    return digits, classifier, pca, x_val


def scores(images: np.ndarray, classifier, pca, x_val) -> dict:
    from generative_quality import frechet_distance

    flat = images.reshape(len(images), -1)
    probs = classifier.predict_proba(flat)
    top = probs.max(axis=1)
    confident = probs.argmax(axis=1)[top > CONFIDENT]
    shares = np.bincount(confident, minlength=10) / len(images)
    return {"conf": float(top.mean()), "covered": float((shares >= COVERAGE_SHARE).mean()),
            "fd": frechet_distance(pca.transform(flat), pca.transform(x_val))}


def train_and_score(label: str, epochs: int, batch_size: int, seed: int, ref) -> list[dict]:
    import keras

    from workbench import catalog
    from workbench.models.generative.gan import adversarial_optimizer, noise_batch, to_pixels
    from workbench.training.data_order import epoch_stream, steps_per_epoch

    digits, classifier, pca, x_val = ref
    name, overrides = MODELS[label]
    keras.utils.set_random_seed(seed)
    entry = catalog.get(name)
    hp = {**entry.resolve(overrides), "seed": seed}
    model = entry.build(hp, digits.info)
    model.compile(*(model.make_optimizers(hp) if hasattr(model, "make_optimizers")
                    else (adversarial_optimizer(hp), adversarial_optimizer(hp))))
    noise = noise_batch(seed + 1, SAMPLES, model.latent_dim)
    rows = []

    class Score(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            images = to_pixels(model.generator(noise, training=False))
            rows.append({"epoch": epoch + 1, **scores(images, classifier, pca, x_val),
                         **{k: float(logs[k]) for k in ("d_loss", "g_loss", "wasserstein") if k in logs}})

    steps = steps_per_epoch(len(digits.x_train), batch_size)
    started = time.perf_counter()
    model.fit(epoch_stream(digits.x_train, digits.y_train, batch_size, seed, 0, epochs, steps),
              epochs=epochs, steps_per_epoch=steps, shuffle=False, verbose=0, callbacks=[Score()])
    rows[-1]["seconds"] = time.perf_counter() - started
    return rows


def print_theory() -> None:
    from workbench.models.generative.gan_theory import disjoint_supports_table

    table = disjoint_supports_table([-1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0])
    print("WGAN Example 1: p_data = point at 0, p_g = point at theta")
    print(f"{'theta':>7} {'JS':>8} {'W1':>6} {'V(D*,G)':>9}")
    for theta, js, w1, v in zip(table["theta"], table["js"], table["w1"], table["value_at_optimum"]):
        print(f"{theta:7.2f} {js:8.4f} {w1:6.2f} {v:9.4f}")
    print(f"(log 2 = {np.log(2):.4f}; V(D*, G) = 2 JS - log 4)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 epochs, gan/dcgan/wgan only")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    epochs = 4 if args.quick else args.epochs
    labels = ["gan", "dcgan", "wgan"] if args.quick else [m.strip() for m in args.models.split(",")]
    print_theory()
    ref = reference(args.seed)
    real = scores(ref[3], ref[1], ref[2], ref[3])
    print(f"real validation digits: conf {real['conf']:.3f}, covered {real['covered']:.2f}, "
          f"FD {real['fd']:.3f}\n")
    for label in labels:
        rows = train_and_score(label, epochs, args.batch_size, args.seed, ref)
        print(f"{label} ({rows[-1]['seconds']:.0f} s for {epochs} epochs)")
        print(f"{'epoch':>5} {'conf':>6} {'covered':>8} {'FD':>7} {'d_loss':>8} {'g_loss':>8} {'W est.':>8}")
        for row in rows:
            w = f"{row['wasserstein']:8.4f}" if "wasserstein" in row else f"{'':>8}"
            print(f"{row['epoch']:5d} {row['conf']:6.3f} {row['covered']:8.2f} {row['fd']:7.3f} "
                  f"{row['d_loss']:8.4f} {row['g_loss']:8.4f} {w}")
        print()


if __name__ == "__main__":
    main()
