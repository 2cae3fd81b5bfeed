"""How much of a box's heatmap lies inside the box: Grad-CAM, ODAM and D-RISE per detection.

    python benchmarks/box_explanations.py RUN_DIR [--images 8] [--masks 300] [--quick]

Runs a trained detector on held-out shapes images (``seed`` 99, not the training set's),
explains every detection scoring at least 0.5, and prints per method the mean share of
heatmap mass inside the box, the share of boxes whose map is mostly (> 50 %) inside, and
the seconds per box. The box covers on average a tenth of the image, so a map that ignores
the box would put ~0.1 inside.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

METHODS = (("Grad-CAM", "gradcam", {}), ("ODAM", "gradcam", {"weighting": "odam"}),
           ("D-RISE", "drise", None))


def inside_share(heatmap, box) -> float:
    x1, y1, x2, y2 = (int(round(float(v))) for v in box)
    total = float(heatmap.sum())
    return float(heatmap[max(y1, 0):y2, max(x1, 0):x2].sum() / total) if total > 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--masks", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="3 images, 100 masks")
    args = parser.parse_args()
    if args.quick:
        args.images, args.masks = 3, 100

    from workbench.data.shapes import make_shapes
    from workbench.models.io import load_model, network_path
    from workbench.xai import box_explain

    model = load_model(network_path(args.run, None))
    data = make_shapes(args.images, 64, max_objects=3, seed=99)
    shares = {name: [] for name, _m, _o in METHODS}
    seconds = {name: 0.0 for name, _m, _o in METHODS}
    areas = []
    for image in data.images:
        found = box_explain.detections(model, image, 0.5, 0.5)
        for k in range(len(found["selected"]["scores"])):
            box = found["selected"]["boxes"][k]
            areas.append(float((box[2] - box[0]) * (box[3] - box[1])) / (64 * 64))
            for name, method, options in METHODS:
                options = options if options is not None else {"n_masks": args.masks}
                start = time.perf_counter()
                result = box_explain.explain_box(model, image, k, method, found=found, **options)
                seconds[name] += time.perf_counter() - start
                shares[name].append(inside_share(result.heatmap, result.box))
    count = len(areas)
    print(f"{type(model).__name__}: {count} boxes on {args.images} held-out shapes images; "
          f"mean box area {np.mean(areas):.3f} of the image")
    print(f"{'method':<10} {'mass inside':>12} {'mostly inside':>14} {'s / box':>8}")
    for name, _m, _o in METHODS:
        values = np.asarray(shares[name])
        print(f"{name:<10} {values.mean():>12.3f} {np.mean(values > 0.5):>14.2f} "
              f"{seconds[name] / max(count, 1):>8.2f}")


if __name__ == "__main__":
    main()
