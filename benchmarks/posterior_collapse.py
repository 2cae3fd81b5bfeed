"""Posterior collapse: the KL term of a VAE with a PixelCNN decoder vs a factorised decoder,
and a VQ-VAE's code usage, each trained for the same budget on the embedded digits.

The two VAEs share their encoder and their ELBO (reconstruction = -log p(x|z) in nats per
image over binarised digits, KL in closed form). Printed per epoch, on the validation split:
KL (nats per image) of each VAE, and the VQ-VAE's code usage H(codes) / log K (its KL is the
constant log K per code position: it cannot collapse, only leave codes unused).

    .venv/bin/python benchmarks/posterior_collapse.py --quick
    .venv/bin/python benchmarks/posterior_collapse.py --epochs 40 --filters 32 --blocks 3   # a weaker decoder
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def vq_vae_usage(epochs: int, batch_size: int, seed: int, codebook_size: int) -> dict:
    """A ``vq_vae`` run on digits: its per-epoch validation code usage and the final code statistics."""
    from workbench import data
    from workbench.models.generative import pixelcnn_prior
    from workbench.models.generative.posterior_collapse import code_usage
    from workbench.training import TrainConfig, job

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "vq_vae")
        result = job.run_training(TrainConfig("vq_vae", "digits", epochs=epochs, batch_size=batch_size, seed=seed,
                                              val_split=0.15, hparams={"codebook_size": codebook_size}, out=out))
        nets = pixelcnn_prior.vq_networks(out)
        digits = data.load("digits", {}, seed=seed, val_fraction=0.15)
        codes = pixelcnn_prior.codes_of(nets, digits.x_val)
    perplexity = np.asarray(result.history["val_perplexity"])
    return {"usage": np.log(perplexity) / math.log(codebook_size), "final": code_usage(codes, codebook_size),
            "positions": int(np.prod(codes.shape[1:])), "reconstruction": result.history["val_reconstruction"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 epochs (about two minutes on 2 cores)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--latent", type=int, default=8)
    parser.add_argument("--filters", type=int, default=64, help="channels of the PixelCNN decoder")
    parser.add_argument("--blocks", type=int, default=5, help="type-B residual blocks of the PixelCNN decoder")
    parser.add_argument("--codebook", type=int, default=32, help="K of the VQ-VAE")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = 12 if args.quick else args.epochs

    from workbench import data
    from workbench.models.generative.posterior_collapse import kl_curve

    digits = data.load("digits", {}, seed=args.seed, val_fraction=0.15)
    curves, seconds = {}, {}
    for decoder in ("factorised", "pixelcnn"):
        start = time.perf_counter()
        sizes = {"filters": args.filters, "residual_blocks": args.blocks} if decoder == "pixelcnn" else {}
        curves[decoder] = kl_curve(decoder, digits.x_train, digits.x_val, epochs, levels=2, latent=args.latent,
                                   batch_size=args.batch, seed=args.seed, **sizes)
        seconds[decoder] = time.perf_counter() - start
    start = time.perf_counter()
    vq = vq_vae_usage(epochs, args.batch, args.seed, args.codebook)
    seconds["vq_vae"] = time.perf_counter() - start

    print(f"digits binarised, {len(digits.x_train)} train / {len(digits.x_val)} val images, latent {args.latent}, "
          f"{epochs} epochs of batch {args.batch}; PixelCNN decoder {args.filters} filters, {args.blocks} blocks")
    print(f"{'epoch':>5}  {'KL factorised':>13}  {'KL PixelCNN':>11}  {'VQ usage H/logK':>15}")
    for e in range(epochs):
        print(f"{e + 1:>5}  {curves['factorised']['kl'][e]:>13.3f}  {curves['pixelcnn']['kl'][e]:>11.3f}  "
              f"{vq['usage'][e]:>15.3f}")
    f, p = curves["factorised"], curves["pixelcnn"]
    print(f"final KL (nats/image): factorised {f['kl'][-1]:.3f}, PixelCNN {p['kl'][-1]:.3f} "
          f"(lowest {min(p['kl']):.3f}); ratio {p['kl'][-1] / max(f['kl'][-1], 1e-9):.3f}")
    print(f"final reconstruction -log p(x|z) (nats/image): factorised {f['reconstruction'][-1]:.2f}, "
          f"PixelCNN {p['reconstruction'][-1]:.2f}; ELBO bound factorised "
          f"{f['reconstruction'][-1] + f['kl'][-1]:.2f}, PixelCNN {p['reconstruction'][-1] + p['kl'][-1]:.2f}")
    final = vq["final"]
    print(f"VQ-VAE: KL = log K = {final['kl_per_position']:.3f} nats per position x {vq['positions']} positions "
          f"= {final['kl_per_position'] * vq['positions']:.2f} nats/image (fixed); codes used {final['codes_used']} "
          f"of {args.codebook}, perplexity {final['perplexity']:.1f}, usage H/log K {final['usage']:.3f}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
