"""Running a trained detector or segmenter on images, and drawing what it found.

Every workbench detector returns all its candidate boxes (``predict_candidates``);
``select`` applies the score threshold and per-class NMS afterwards, so the GUI's
score and IoU sliders can re-select instantly without running the network again.
``detect`` does both for one image of any size and times it; ``draw_detections`` and
``draw_segmentation`` paint the results with OpenCV.
"""

from __future__ import annotations

import time

import numpy as np

from workbench.detection import boxes as box_ops
from workbench.errors import WorkbenchError

#: Distinct, saturated RGB colours, one per class (cycled when there are more classes).
PALETTE = np.array([
    (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
    (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212),
    (0, 128, 128), (220, 190, 255), (170, 110, 40), (255, 250, 200), (128, 0, 0),
    (170, 255, 195), (128, 128, 0), (255, 215, 180), (0, 0, 128), (128, 128, 128),
], np.uint8)


def class_colour(label: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in PALETTE[int(label) % len(PALETTE)])


def select(candidates: dict, score_threshold: float = 0.3, iou_threshold: float = 0.5,
           max_detections: int = 100) -> dict:
    """Candidates above ``score_threshold`` after per-class NMS, best first.

    Returns ``boxes`` ``(K, 4)``, ``scores`` ``(K,)``, ``labels`` ``(K,)`` and, when the
    candidates carry them, ``masks`` ``(K, H, W)``.
    """
    if not 0.0 <= iou_threshold <= 1.0:
        raise WorkbenchError(f"IoU threshold {iou_threshold} must be in [0, 1]")
    if max_detections < 0:
        raise WorkbenchError(f"max_detections {max_detections} must be 0 or more")
    boxes = box_ops.as_boxes(candidates["boxes"])
    scores = np.asarray(candidates["scores"], np.float32).reshape(-1)
    labels = np.asarray(candidates["labels"], np.int64).reshape(-1)
    # A score exactly at the threshold stays (the slider's value is "at least").
    keep = box_ops.batched_nms(boxes, scores, labels, iou_threshold,
                               score_threshold=np.nextafter(np.float32(score_threshold),
                                                            np.float32(-np.inf)),
                               max_output=max_detections)
    selected = {"boxes": boxes[keep], "scores": scores[keep], "labels": labels[keep]}
    if candidates.get("masks") is not None:
        selected["masks"] = np.asarray(candidates["masks"])[keep]
    if candidates.get("keypoints") is not None:  # Keypoint R-CNN: (K, P, 3) x, y, score
        selected["keypoints"] = np.asarray(candidates["keypoints"], np.float32)[keep]
        selected["skeletons"] = candidates.get("skeletons", ())  # per class, for drawing
    if candidates.get("indices") is not None:  # the raw prediction behind each box
        selected["indices"] = np.asarray(candidates["indices"], np.int64)[keep]
    return selected


def prepare_image(image, size) -> tuple[np.ndarray, tuple[int, int]]:
    """Any RGB/gray image (uint8 or float in [0, 1]) -> float32 ``(H, W, 3)`` at ``size``."""
    import cv2

    image = np.asarray(image)
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4):
        raise WorkbenchError(f"an image must be (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), "
                             f"got shape {image.shape}")
    original = image.shape[:2]
    image = image[..., :3].astype(np.float32)
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    if np.asarray(image).max(initial=0.0) > 1.0:  # uint8-range values
        image = image / 255.0
    height, width = (int(v) for v in size)
    if original != (height, width):
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA
                           if original[0] > height else cv2.INTER_LINEAR)
    return image.astype(np.float32), original


def input_size(model) -> tuple[int, int]:
    """``(H, W)`` a detector or segmenter takes: its ``image_size``, else its input's shape."""
    size = getattr(model, "image_size", None)
    if size is None:
        shape = model.inputs[0].shape if getattr(model, "inputs", None) else model.input_shape
        size = shape[1:3]
    if size is None or None in tuple(size):
        raise WorkbenchError(f"cannot tell the input image size of {getattr(model, 'name', model)}")
    return tuple(int(v) for v in size)


def detect(model, image, score_threshold: float = 0.3, iou_threshold: float = 0.5,
           max_detections: int = 100) -> tuple[dict, float]:
    """Detect objects in one image of any size; returns ``(selected, milliseconds)``.

    Boxes (and masks) are given in the original image's pixels; the time covers
    resizing, the network and the selection.
    """
    start = time.perf_counter()
    size = input_size(model)
    resized, (height, width) = prepare_image(image, size)
    candidates = model.predict_candidates(resized[None])[0]
    selected = select(candidates, score_threshold, iou_threshold, max_detections)
    selected = rescale(selected, size, (height, width))
    return selected, (time.perf_counter() - start) * 1000.0


def rescale(selected: dict, from_size, to_size) -> dict:
    """Boxes and masks from the model's input size back to the image's size."""
    import cv2

    (fh, fw), (th, tw) = from_size, to_size
    if (fh, fw) == (th, tw):
        return selected
    out = dict(selected)
    scale = np.array([tw / fw, th / fh, tw / fw, th / fh], np.float32)
    out["boxes"] = box_ops.as_boxes(selected["boxes"]) * scale
    if selected.get("masks") is not None:
        out["masks"] = np.stack([cv2.resize(np.asarray(m, np.float32), (tw, th))
                                 for m in selected["masks"]]) if len(selected["masks"]) \
            else np.zeros((0, th, tw), np.float32)
    if selected.get("keypoints") is not None:
        out["keypoints"] = np.asarray(selected["keypoints"], np.float32) \
            * np.array([tw / fw, th / fh, 1.0], np.float32)
    return out


def to_coco_results(selected: dict, image_id: int, class_offset: int = 1,
                    mask_threshold: float = 0.5) -> list[dict]:
    """Selected detections of one image -> COCO result dicts (``category_id = label + offset``)."""
    from workbench.detection.cocoeval_json import mask_to_rle

    results = []
    boxes = box_ops.xyxy_to_xywh(selected["boxes"])
    for k in range(len(boxes)):
        entry = {"image_id": int(image_id), "category_id": int(selected["labels"][k]) + class_offset,
                 "bbox": [float(v) for v in boxes[k]], "score": float(selected["scores"][k])}
        if selected.get("masks") is not None:
            entry["segmentation"] = mask_to_rle(np.asarray(selected["masks"][k]) >= mask_threshold)
        if selected.get("keypoints") is not None:  # COCO's flat x, y, v (v = 1: predicted)
            entry["keypoints"] = [float(v) for x, y, p in selected["keypoints"][k]
                                  for v in (x, y, 1.0 if p > 0 else 0.0)]
        results.append(entry)
    return results


def draw_detections(image_rgb_uint8, selected: dict, class_names, show_masks: bool = True,
                    mask_alpha: float = 0.45, thickness: int = 0, show_scores: bool = True,
                    skeletons=None) -> np.ndarray:
    """Boxes labelled ``"class 0.93"`` (``"class"`` for ground truth, ``show_scores=False``)
    and translucent masks over a copy of the image; keypoints (``selected["keypoints"]``)
    as dots joined by their class's ``skeletons`` edges (default: ``selected["skeletons"]``)."""
    import cv2

    from workbench.xai.overlay import as_rgb_uint8

    canvas = as_rgb_uint8(image_rgb_uint8).copy()
    height, width = canvas.shape[:2]
    thickness = thickness or max(1, round(max(height, width) / 300))
    masks = selected.get("masks") if show_masks else None
    if masks is not None and len(masks):
        for k in np.argsort(selected["scores"]):  # best mask painted last, on top
            region = np.asarray(masks[k]) >= 0.5
            colour = np.array(class_colour(selected["labels"][k]), np.float32)
            canvas[region] = (canvas[region] * (1 - mask_alpha) + colour * mask_alpha).astype(np.uint8)
    scale = max(0.3, max(height, width) / 800)
    for box, score, label in zip(box_ops.as_boxes(selected["boxes"]), selected["scores"],
                                 selected["labels"]):
        colour = class_colour(label)
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(canvas, (x1, y1), (x2 - 1, y2 - 1), colour, thickness)
        name = class_names[label] if 0 <= label < len(class_names) else str(int(label))
        text = f"{name} {float(score):.2f}" if show_scores else str(name)
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        top = max(0, y1 - th - base)
        cv2.rectangle(canvas, (x1, top), (x1 + tw, top + th + base), colour, -1)
        cv2.putText(canvas, text, (x1, top + th), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (0, 0, 0), 1, cv2.LINE_AA)
    if selected.get("keypoints") is not None:
        if skeletons is None:
            skeletons = selected.get("skeletons", ())
        draw_keypoints(canvas, selected["keypoints"], selected["labels"], skeletons, thickness)
    return canvas


def draw_keypoints(canvas, keypoints, labels, skeletons=(), thickness: int = 1) -> np.ndarray:
    """Each object's keypoints ``(x, y, v)`` as white-ringed dots in its class colour, joined by
    the lines of ``skeletons[label]`` (0-based pairs); points with ``v <= 0`` are left out."""
    import cv2

    radius = max(3, 2 * thickness + 1)
    for points, label in zip(np.asarray(keypoints, np.float32), np.asarray(labels).reshape(-1)):
        colour = class_colour(label)
        shown = points[:, 2] > 0
        edges = skeletons[int(label)] if 0 <= int(label) < len(skeletons) else ()
        for a, b in edges:
            if a < len(points) and b < len(points) and shown[a] and shown[b]:
                cv2.line(canvas, tuple(round(float(v)) for v in points[a, :2]),
                         tuple(round(float(v)) for v in points[b, :2]), colour, thickness, cv2.LINE_AA)
        for x, y, _ in points[shown]:
            centre = (round(float(x)), round(float(y)))
            cv2.circle(canvas, centre, radius + 1, (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(canvas, centre, radius, colour, -1, cv2.LINE_AA)
    return canvas


def segment_batch(model, images, batch_size: int = 32) -> np.ndarray:
    """``(N, H, W)`` class maps (0 = background) for images at the segmenter's input size."""
    images = np.asarray(images, np.float32)
    maps = []
    for start in range(0, len(images), batch_size):
        probabilities = np.asarray(model.predict_on_batch(images[start:start + batch_size]))
        maps.append(np.argmax(probabilities, axis=-1).astype(np.int32))
    return np.concatenate(maps) if maps else np.zeros((0,) + tuple(images.shape[1:3]), np.int32)


def segment(model, image) -> np.ndarray:
    """``(H, W)`` int class map of one image of any size (0 = background, class + 1)."""
    import cv2

    resized, (height, width) = prepare_image(image, input_size(model))
    class_map = segment_batch(model, resized[None])[0]
    if class_map.shape != (height, width):
        class_map = cv2.resize(class_map, (width, height), interpolation=cv2.INTER_NEAREST)
    return class_map


def draw_segmentation(image_rgb_uint8, class_map, class_names=(), alpha: float = 0.5,
                      legend: bool = True) -> np.ndarray:
    """Each non-background class painted translucently in its colour, with a legend."""
    import cv2

    from workbench.xai.overlay import as_rgb_uint8

    canvas = as_rgb_uint8(image_rgb_uint8).copy()
    class_map = np.asarray(class_map)
    if class_map.shape != canvas.shape[:2]:
        raise WorkbenchError(f"class map shape {class_map.shape} differs from the image's "
                             f"{canvas.shape[:2]}")
    for value in np.unique(class_map):
        if value == 0:
            continue
        region = class_map == value
        colour = np.array(class_colour(value - 1), np.float32)
        canvas[region] = (canvas[region] * (1 - alpha) + colour * alpha).astype(np.uint8)
    if legend and class_names:
        scale = max(0.3, max(canvas.shape[:2]) / 800)
        y = 0
        for value in np.unique(class_map):
            if value == 0 or value - 1 >= len(class_names):
                continue
            (tw, th), base = cv2.getTextSize(class_names[value - 1], cv2.FONT_HERSHEY_SIMPLEX,
                                             scale, 1)
            cv2.rectangle(canvas, (0, y), (tw + 2, y + th + base), class_colour(value - 1), -1)
            cv2.putText(canvas, class_names[value - 1], (1, y + th), cv2.FONT_HERSHEY_SIMPLEX,
                        scale, (0, 0, 0), 1, cv2.LINE_AA)
            y += th + base
    return canvas
