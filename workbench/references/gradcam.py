"""Grad-CAM against tf-keras-vis (Kubota's reference implementation) on a fixed model and image.

The model is the ``gap_cnn`` entry, small, with weights drawn from a fixed seed; the image
is a bright square on fixed noise. Both maps are compared before upsampling (tf-keras-vis
zooms corner-aligned, the workbench resizes pixel-centred), by Pearson correlation.
"""

from __future__ import annotations

import numpy as np

SIZE = 16
LAYER = "last_conv"


def fixed_image() -> np.ndarray:
    rng = np.random.default_rng(0)
    image = rng.uniform(0.0, 0.3, (SIZE, SIZE, 3)).astype(np.float32)
    image[3:8, 8:13] = 0.9
    return image


def fixed_model(name: str):
    """The entry built small, its weights drawn from its own generator (He-normal kernels,
    zero biases): the same model on every machine, and Keras' global seed left alone (the
    GUI runs this beside other work)."""
    from workbench import catalog
    from workbench.data.base import DataInfo

    entry = catalog.get(name)
    info = DataInfo("square", "image", "classification", (SIZE, SIZE, 3), ("noise", "square"))
    model = entry.build(entry.resolve({"filters": 4, "blocks": 2, "dropout": 0.0, "normalization": "none"}), info)
    rng = np.random.default_rng(0)
    for weight in model.weights:
        shape = tuple(weight.shape)
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape) if len(shape) > 1 else np.zeros(shape)
        weight.assign(value.astype(np.float32))
    return model


def correlation(a, b) -> float:
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    if a.std() == 0 or b.std() == 0:  # a flat map correlates with nothing: say so, not nan
        return 1.0 if np.allclose(a, b) else 0.0
    return float(np.corrcoef(a, b)[0, 1])


def check(name: str, reference) -> dict:
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.model_modifiers import ReplaceToLinear
    from tf_keras_vis.utils.scores import CategoricalScore

    import workbench.xai as xai

    model, image = fixed_model(name), fixed_image()
    mine = xai.explain(model, image, "gradcam", layer=LAYER).info["cam"]
    target = int(np.argmax(np.asarray(model(image[None]))[0]))
    visualizer = Gradcam(model, model_modifier=ReplaceToLinear(), clone=True)
    theirs = np.asarray(visualizer(CategoricalScore(target), image[None], penultimate_layer=LAYER,
                                   expand_cam=False)[0])
    # tf-keras-vis keeps the positive part (ReLU) and scales to [0, 1]: compare shapes, not scales.
    measured = round(correlation(np.maximum(mine, 0.0), theirs), 6)
    ok = measured >= reference.expected
    detail = (f"Grad-CAM of {name} on layer {LAYER} correlates {measured:.4f} with tf-keras-vis's "
              f"({'at least' if ok else 'below'} {reference.expected})")
    return {"expected": reference.expected, "measured": measured, "ok": ok, "detail": detail}
