"""Seconds per 224x224 image for every explanation method, on CPU, plus our Grad-CAM
against tf-keras-vis's ``Gradcam`` on the same model and layer (ratio > 1: ours faster).

The model is MobileNetV2 with random weights (``weights=None``: nothing downloads);
``--quick`` uses its 0.35-width variant and lighter method settings. Each method is
called once to warm up (first call: graph views, clones, numba compilation for
SHAP), then timed ``--repeats`` times; the median is printed with the first call.

    python benchmarks/xai_speed.py [--quick] [--repeats 3] [--methods gradcam,lime]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # the figures are CPU figures

SIZE = 224
FULL = {"scorecam": {"max_channels": 128}, "lime": {"num_samples": 500}, "shap": {"max_evals": 500},
        "integrated_gradients": {"steps": 64}, "smoothgrad": {"samples": 25}}
QUICK = {"scorecam": {"max_channels": 16}, "lime": {"num_samples": 100}, "shap": {"max_evals": 100},
         "integrated_gradients": {"steps": 16}, "smoothgrad": {"samples": 8}}


def build_model(quick: bool):
    import keras

    keras.utils.set_random_seed(0)
    return keras.applications.MobileNetV2(input_shape=(SIZE, SIZE, 3), alpha=0.35 if quick else 1.0,
                                          weights=None, classes=10)


def timed(function, repeats: int) -> tuple[float, float]:
    """(first call, median of the next ``repeats`` calls), in seconds."""
    start = time.perf_counter()
    function()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def method_times(model, image, methods, options, repeats):
    import workbench.xai as xai

    rows = []
    for method in methods:
        first, median = timed(lambda: xai.explain(model, image, method, **options.get(method, {})), repeats)
        rows.append((method, first, median))
        print(f"  {method:22s} first {first:7.3f} s   per image {median:7.3f} s   {options.get(method, '')}",
              flush=True)
    return rows


def gradcam_ratio(model, image, repeats):
    """Median seconds per image of tf-keras-vis ``Gradcam`` / ours (same layer, same class)."""
    import workbench.xai as xai
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore

    layer = xai.default_layer(model)
    target = int(np.argmax(model(image[None], training=False)[0]))
    _, ours = timed(lambda: xai.explain(model, image, "gradcam", layer=layer, class_index=target), repeats)
    visualizer = Gradcam(model, model_modifier=ReplaceToLinear(), clone=True)
    _, theirs = timed(lambda: visualizer(CategoricalScore(target), image[None], penultimate_layer=layer), repeats)
    return layer, ours, theirs


def main(argv=None) -> None:
    import workbench.xai as xai

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="0.35-width MobileNetV2, lighter settings")
    parser.add_argument("--repeats", type=int, default=None, help="timed calls per method (default 1 quick, 3)")
    parser.add_argument("--methods", default=",".join(xai.METHODS), help="comma-separated method names")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]

    model = build_model(args.quick)
    image = np.random.default_rng(0).random((SIZE, SIZE, 3)).astype(np.float32)
    print(f"model {model.name}: {model.count_params():,} parameters, input {SIZE}x{SIZE}, "
          f"layer {xai.default_layer(model)}, {os.cpu_count()} CPU threads visible")
    method_times(model, image, methods, QUICK if args.quick else FULL, repeats)
    layer, ours, theirs = gradcam_ratio(model, image, max(repeats, 3))
    print(f"Grad-CAM at {layer}: ours {ours * 1000:.1f} ms, tf-keras-vis {theirs * 1000:.1f} ms, "
          f"ratio tf-keras-vis / ours = {theirs / ours:.2f}")


if __name__ == "__main__":
    main()
