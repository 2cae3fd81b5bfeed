"""``keras-workbench sample RUN_DIR --n N --out GRID.png``: a grid of samples from a generator's run.

Every generative entry (autoencoder, VAE, VQ-VAE, GANs, PixelCNN, ...) is sampled through
``workbench.models.generative.sampling.sample_images``; the same ``--seed`` gives the same
grid, byte for byte. ``--interpolate I,J`` walks the latent space from validation image I
to J instead (for a GAN: from noise sample I to J).
"""

from __future__ import annotations

from workbench.errors import WorkbenchError


def register(sub) -> None:
    p = sub.add_parser("sample", help="draw a grid of samples from a generative model's run (PNG)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="the run directory of a generative model")
    p.add_argument("--n", type=int, default=16, help="how many images (default 16)")
    p.add_argument("--out", required=True, metavar="GRID.png", help="the PNG to write")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same grid (default 0)")
    p.add_argument("--interpolate", metavar="I,J", help="interpolate in latent space between images I and J")
    p.add_argument("--model", help="sample this network of the run (RUN_DIR/NAME.keras) with z ~ N(0, I)")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.set_defaults(run=run)


def run(args) -> int:
    import os

    from workbench.runs.outputs import check_output_path

    if not args.out.lower().endswith(".png"):
        raise WorkbenchError(f"--out {args.out} must be a .png file")
    out = check_output_path(args.out, "file", force=args.force, example="samples.png")
    pair = parse_pair(args.interpolate) if args.interpolate else None
    write_grid(os.path.abspath(args.run_dir), args.n, out, args.seed, pair, args.model)
    print(f"wrote {out}")
    return 0


def parse_pair(text: str) -> tuple[int, int]:
    parts = text.replace(" ", "").split(",")
    if len(parts) != 2 or not all(p.lstrip("-").isdigit() for p in parts):
        raise WorkbenchError(f"--interpolate expects two image indices I,J such as 0,5, got {text!r}")
    return int(parts[0]), int(parts[1])


def write_grid(run_dir: str, n: int, out: str, seed: int = 0, interpolate=None, model_name=None) -> None:
    """Sample and render the grid to ``out`` (atomically: a reader never sees half a PNG)."""
    import os

    from workbench.models.generative.sampling import sample_images
    from workbench.quiet import import_tensorflow
    from workbench.views.render import render_png
    from workbench.views.types import ImageGrid, View

    import_tensorflow()
    images, captions = sample_images(run_dir, n, seed=seed, interpolate=interpolate, model_name=model_name)
    what = f"interpolation {interpolate[0]} to {interpolate[1]}" if interpolate else f"{n} samples, seed {seed}"
    columns = len(images) if interpolate else 0
    view = View("samples", ImageGrid(images, captions, columns=columns),
                f"{os.path.basename(run_dir.rstrip(os.sep))}: {what}")
    render_png(view, out, size=(960, 240) if interpolate else (640, 660))
