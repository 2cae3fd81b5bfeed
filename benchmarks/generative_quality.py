"""Sample quality of the generative entries over training, on the embedded digits.

For each model, after each epoch budget: the validation reconstruction (BCE nats per image,
where the model reconstructs) and two scores of ``n`` fresh samples drawn the way
``keras-workbench sample`` draws them, both measured against the real validation digits:

* ``FD``: the Frechet distance between Gaussians fitted to real and generated images in a
  20-dimensional PCA space fitted on the real training images (FID's formula, with PCA
  features in place of Inception features: there is no Inception net for 8x8 digits);
  lower is better, 0 for the real validation images against themselves up to sampling noise.
* ``CS``: a classifier score, exp(E_x KL(p(y|x) || p(y))) with a scikit-learn logistic
  regression trained on the real digits (the Inception score's formula): 1 for samples
  that look like no class or all one class, up to 10 for confident and varied digits.

    .venv/bin/python benchmarks/generative_quality.py --quick
    .venv/bin/python benchmarks/generative_quality.py --epochs 5,20,60

Functions other generators can call: ``reference_scorers(seed)``, ``frechet_distance(a, b)``,
``classifier_score(images, classifier)``, ``score_samples(images, scorers)``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

PCA_DIMENSIONS = 20


def reference_scorers(seed: int = 0) -> dict:
    """The real digits' PCA (for FD) and a logistic-regression classifier (for CS)."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    from workbench import data

    digits = data.load("digits", {}, seed=seed, val_fraction=0.2)
    x_train = digits.x_train.reshape(len(digits.x_train), -1)
    x_val = digits.x_val.reshape(len(digits.x_val), -1)
    pca = PCA(PCA_DIMENSIONS, random_state=seed).fit(x_train)
    classifier = LogisticRegression(max_iter=2000).fit(x_train, digits.y_train)
    return {"pca": pca, "classifier": classifier, "real_val": x_val, "digits": digits}


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between Gaussians fitted to rows."""
    from scipy import linalg

    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = linalg.sqrtm(s_a @ s_b)
    root = root.real if np.iscomplexobj(root) else root
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2.0 * root))


def classifier_score(images: np.ndarray, classifier) -> float:
    p = classifier.predict_proba(images.reshape(len(images), -1))
    marginal = p.mean(axis=0, keepdims=True)
    kl = (p * (np.log(p + 1e-12) - np.log(marginal + 1e-12))).sum(axis=1)
    return float(np.exp(kl.mean()))


def score_samples(images: np.ndarray, scorers: dict) -> dict:
    flat = np.asarray(images, np.float64).reshape(len(images), -1)
    pca = scorers["pca"]
    return {"FD": frechet_distance(pca.transform(flat), pca.transform(scorers["real_val"])),
            "CS": classifier_score(flat, scorers["classifier"])}


def draw(name: str, model, x_val: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Samples as ``keras-workbench sample`` draws them from a finished run of ``name``."""
    if name == "autoencoder":
        from workbench.models.generative.autoencoder import draw_autoencoder
        return draw_autoencoder(model.encoder, model.decoder, x_val, n, seed)[0]
    if name == "vae":
        from workbench.models.generative.vae import draw_vae
        return draw_vae(model.decoder, n, seed)[0]
    if name == "vq_vae":
        from workbench.models.generative.vq_vae import draw_uniform_codes
        return draw_uniform_codes(model.codebook, model.decoder, n, seed)[0]
    raise ValueError(name)


def autoencoder_family(budgets: list[int], scorers: dict, n: int, seed: int, hparams: dict) -> None:
    """Each model built as the catalog builds it, trained one epoch at a time on the same
    batches, scored after each budget."""
    import keras

    from workbench import catalog
    from workbench.training.job import make_optimizer

    digits = scorers["digits"]
    for name in ("autoencoder", "vae", "vq_vae"):
        keras.utils.set_random_seed(seed)
        entry = catalog.get(name)
        hp = entry.resolve(hparams.get(name, {}))
        model = entry.build(hp, digits.info)
        model.compile(optimizer=make_optimizer(hp))
        done, started = 0, time.perf_counter()
        for budget in budgets:
            model.fit(digits.x_train, digits.y_train, batch_size=64, epochs=budget, initial_epoch=done,
                      shuffle=True, verbose=0)
            done = budget
            val = model.evaluate(digits.x_val, digits.y_val, batch_size=256, verbose=0, return_dict=True)
            scores = score_samples(draw(name, model, digits.x_val, n, seed), scorers)
            extra = f"  kl {val['kl']:6.2f}" if "kl" in val else \
                f"  perplexity {val['perplexity']:5.1f}" if "perplexity" in val else ""
            print(f"{name:12s} epoch {budget:4d}  val recon {val['reconstruction']:6.2f}{extra:18s}"
                  f"  FD {scores['FD']:7.2f}  CS {scores['CS']:5.2f}  ({time.perf_counter() - started:5.1f} s)",
                  flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about a minute)")
    parser.add_argument("--epochs", default="1,5,20,50", help="epoch budgets at which to score, comma separated")
    parser.add_argument("--n", type=int, default=500, help="samples scored per point")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    budgets = [1, 3, 10] if args.quick else sorted(int(v) for v in args.epochs.split(","))
    scorers = reference_scorers(args.seed)
    real = score_samples(scorers["digits"].x_train[:args.n], scorers)
    print(f"real training digits vs validation: FD {real['FD']:.2f}  CS {real['CS']:.2f}  "
          f"(the ceiling); uniform noise: FD "
          f"{score_samples(np.random.default_rng(0).random((args.n, 64)), scorers)['FD']:.2f}")
    autoencoder_family(budgets, scorers, args.n, args.seed, {"vae": {"latent": 4}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
