"""One detected box explained: pick it as ``keras-workbench detect`` lists it, run Grad-CAM
(``box_gradcam``) or D-RISE (``drise``) on it, and draw the heatmap with the box.

What the CLI's ``explain --box`` and the Detect tab's click share. The detections are
``inference.detect``'s (same resizing, thresholds and order: best first), so box ``I``
here is line ``I`` of ``detect``'s listing (counted from 0).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import Stopwatch, normalize_positive, resize_map

METHODS = {"gradcam": "Grad-CAM", "drise": "D-RISE"}


@dataclass
class BoxExplanation:
    """``heatmap`` ``(H, W)`` in [0, 1] at the image's own size; ``box`` in its pixels."""

    heatmap: np.ndarray
    method: str
    box_number: int
    box: np.ndarray
    label: int
    score: float
    index: int
    layer: str | None
    meaning: str
    elapsed_s: float
    box_heatmap: np.ndarray | None = None  # Grad-CAM of the box regression
    info: dict = field(default_factory=dict)


def detections(model, image, score_threshold: float = 0.3, iou_threshold: float = 0.5) -> dict:
    """What ``inference.detect`` finds, with what an explanation needs besides: the resized
    image, the raw candidates and the boxes in the model's pixels."""
    from workbench.detection import inference

    size = inference.input_size(model)
    resized, original = inference.prepare_image(image, size)
    candidates = model.predict_candidates(resized[None])[0]
    selected = inference.select(candidates, score_threshold, iou_threshold)
    return {"resized": resized, "candidates": candidates, "model_boxes": selected,
            "selected": inference.rescale(selected, size, original), "original": original}


def check_box(box, count: int) -> int:
    """``box`` as an index into ``count`` detections, else a sentence naming how many there are."""
    if count == 0:
        raise WorkbenchError(f"--box {box}: the detector found no objects in this image at these "
                             "thresholds (try a lower --score-threshold)")
    if not isinstance(box, (int, np.integer)) or not 0 <= int(box) < count:
        raise WorkbenchError(f"--box {box} is beyond the detections: there {'is' if count == 1 else 'are'} "
                             f"{count} (boxes 0 to {count - 1}, in the order detect lists them)")
    return int(box)


def check_options(method: str, options: dict) -> None:
    from workbench.xai.drise import drise

    allowed = ([p for p in inspect.signature(drise).parameters
                if p not in ("detector", "image", "target_box", "target_probabilities", "seed",
                             "progress", "should_stop")] if method == "drise" else ["weighting"])
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise WorkbenchError(f"option(s) {', '.join(unknown)} not understood by {method}; it accepts: "
                             f"{', '.join(allowed) or 'no options'}")


def explain_box(model, image, box: int, method: str = "gradcam", score_threshold: float = 0.3,
                iou_threshold: float = 0.5, layer: str | None = None, seed: int = 0, found: dict | None = None,
                progress=None, should_stop=None, **options) -> BoxExplanation | None:
    """Explain detection ``box`` of ``image``; ``found`` reuses a ``detections`` result.

    Returns ``None`` when ``should_stop()`` cut a D-RISE run short.
    """
    if method not in METHODS:
        raise WorkbenchError(f"unknown box explanation method {method!r}; choose one of {', '.join(METHODS)}")
    check_options(method, options)
    watch = Stopwatch()
    found = found or detections(model, image, score_threshold, iou_threshold)
    selected, model_boxes = found["selected"], found["model_boxes"]
    k = check_box(box, len(selected["scores"]))
    index = int(model_boxes["indices"][k])
    size = found["original"]
    common = dict(method=method, box_number=k, box=np.asarray(selected["boxes"][k], np.float32),
                  label=int(selected["labels"][k]), score=float(selected["scores"][k]), index=index)
    if method == "gradcam":
        from workbench.xai.box_gradcam import box_grad_cam

        cams = box_grad_cam(model, found["resized"], index, layer, **options)
        heat, box_heat = (normalize_positive(resize_map(cams.maps[t].heatmap, size)) for t in ("class", "box"))
        weighting = options.get("weighting", "gradcam")
        meaning = cams.meaning if weighting == "gradcam" else \
            cams.meaning.replace("Grad-CAM", "ODAM (per-location gradients)")
        return BoxExplanation(heat, layer=cams.layer, meaning=meaning, elapsed_s=watch.elapsed,
                              box_heatmap=box_heat, info={"scores": cams.scores, "weighting": weighting},
                              **common)
    from workbench.xai.box_gradcam import family
    from workbench.xai.drise import drise, model_detections, position_vectors

    rows = position_vectors(found["candidates"], model.num_classes, background=family(model) != "yolo")
    row = int(np.flatnonzero(np.asarray(found["candidates"]["indices"]) == index)[0])
    result = drise(model_detections(model), found["resized"], model_boxes["boxes"][k],
                   rows["probabilities"][row], seed=seed, progress=progress, should_stop=should_stop,
                   **options)
    if result is None:
        return None
    info = {key: value for key, value in result.info.items() if key != "weights"}
    return BoxExplanation(normalize_positive(resize_map(result.heatmap, size)), layer=None,
                          meaning="D-RISE: random masks weighted by how well the masked image's "
                                  "detections match this box (IoU x class-vector cosine)",
                          elapsed_s=watch.elapsed, info=info, **common)


def draw_explanation(image, explanation: BoxExplanation, class_names=(), alpha: float = 0.5,
                     colormap: str = "jet") -> np.ndarray:
    """The heatmap over the image with the explained box drawn and labelled."""
    from workbench.detection.inference import draw_detections
    from workbench.xai.overlay import as_rgb_uint8, overlay

    canvas = overlay(as_rgb_uint8(image), explanation.heatmap, alpha, colormap)
    one = {"boxes": explanation.box[None], "scores": np.array([explanation.score], np.float32),
           "labels": np.array([explanation.label], np.int64)}
    return draw_detections(canvas, one, list(class_names))
