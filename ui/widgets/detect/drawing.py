"""Pictures of the Detect tab: display sizes, translucent masks, ground-truth boxes, the legend.

Plain numpy / OpenCV functions (no widgets): the image reading ones run on a worker.
"""

from __future__ import annotations

import numpy as np

#: Small pictures are enlarged (whole factor, crisp pixels) to about this side before
#: boxes and labels are drawn, large ones reduced to at most ``DISPLAY_MAX_SIDE``.
DISPLAY_MIN_SIDE = 512
DISPLAY_MAX_SIDE = 1024


def display_size(height: int, width: int) -> tuple[int, int]:
    """The size a picture is drawn at: enlarged by a whole factor, or reduced to fit."""
    side = max(height, width)
    if side > DISPLAY_MAX_SIDE:
        scale = DISPLAY_MAX_SIDE / side
        return max(1, round(height * scale)), max(1, round(width * scale))
    factor = max(1, DISPLAY_MIN_SIDE // side)
    return height * factor, width * factor


def picture_of(image: np.ndarray, note: str = "") -> tuple[np.ndarray, np.ndarray, str]:
    """``(image with 3 channels, its display picture, note)``: the resize happens before the
    conversion to 8 bits, on a worker for a file (a photo's is ~0.3 s at full size)."""
    from workbench.data.images import to_uint8_rgb

    if image.ndim == 3 and image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    height, width = display_size(*image.shape[:2])
    if max(height, width) < max(image.shape[:2]):  # reduced: area-resize the floats first
        return image, to_uint8_rgb(resize_for_display(image, (height, width))), note
    return image, resize_for_display(to_uint8_rgb(image), (height, width)), note


def read_picture(path: str) -> tuple[np.ndarray, np.ndarray, str]:
    """``path`` read (capped, with its sentence) and its display picture (worker thread)."""
    from workbench.data.images import read_image_capped

    return picture_of(*read_image_capped(path))


def resize_for_display(rgb: np.ndarray, size) -> np.ndarray:
    import cv2

    height, width = size
    if rgb.shape[:2] == (height, width):
        return rgb
    if height >= rgb.shape[0] and height % rgb.shape[0] == 0 and width % rgb.shape[1] == 0:
        factor = height // rgb.shape[0]  # crisp pixel blocks for tiny images
        return np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1)
    return cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)


def resize_map(class_map: np.ndarray, size) -> np.ndarray:
    import cv2

    height, width = size
    if class_map.shape == (height, width):
        return class_map
    return cv2.resize(class_map.astype(np.int32), (width, height), interpolation=cv2.INTER_NEAREST)


def paint_masks(rgb: np.ndarray, masks, labels, scores, alpha: float = 0.45) -> np.ndarray:
    """Translucent instance masks over ``rgb``, the best-scoring one on top.

    The masks are combined at their own (model) resolution into one map of which
    detection owns each pixel, and only that map is resized: a hundred masks cost one
    resize, so the score slider stays instant at any threshold.
    """
    from workbench.detection.inference import class_colour

    masks = np.asarray(masks)
    if not len(masks):
        return rgb
    owner = np.full(masks.shape[1:], -1, np.int32)
    for k in np.argsort(scores, kind="stable"):  # ascending: the best is painted last
        owner[masks[k] >= 0.5] = k
    owner = resize_map(owner, rgb.shape[:2])
    covered = owner >= 0
    colours = np.array([class_colour(label) for label in labels], np.float32)
    out = rgb.copy()
    out[covered] = (out[covered] * (1 - alpha) + colours[owner[covered]] * alpha).astype(np.uint8)
    return out


def draw_truth(rgb: np.ndarray, boxes, labels, masks, class_names, show_masks: bool = True,
               alpha: float = 0.45, keypoints=None, skeletons=()) -> np.ndarray:
    """True boxes (dashed-free, thin, labelled with the class only), masks and keypoints
    (``(k, K, 3)`` in ``rgb``'s pixels, joined by each class's ``skeletons``) over ``rgb``."""
    import cv2

    from workbench.detection.inference import class_colour

    canvas = rgb.copy()
    height, width = canvas.shape[:2]
    thickness = max(1, round(max(height, width) / 300))
    scale = max(0.3, max(height, width) / 800)
    if show_masks and masks is not None:
        for mask, label in zip(masks, labels):
            region = resize_map(np.asarray(mask, np.uint8), (height, width)).astype(bool)
            colour = np.array(class_colour(label), np.float32)
            canvas[region] = (canvas[region] * (1 - alpha) + colour * alpha).astype(np.uint8)
    for box, label in zip(np.asarray(boxes, np.float32).reshape(-1, 4), labels):
        colour = class_colour(label)
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(canvas, (x1, y1), (x2 - 1, y2 - 1), colour, thickness)
        name = class_names[label] if 0 <= label < len(class_names) else str(int(label))
        (tw, th), base = cv2.getTextSize(name, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        top = max(0, y1 - th - base)
        cv2.rectangle(canvas, (x1, top), (x1 + tw, top + th + base), colour, -1)
        cv2.putText(canvas, name, (x1, top + th), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 1,
                    cv2.LINE_AA)
    if keypoints is not None and len(keypoints):
        from workbench.detection.inference import draw_keypoints

        draw_keypoints(canvas, keypoints, labels, skeletons, thickness)
    return canvas


def legend_html(class_names) -> str:
    from workbench.detection.inference import class_colour

    swatches = []
    for index, name in enumerate(class_names):
        r, g, b = class_colour(index)
        swatches.append(f"<span style='background-color: rgb({r},{g},{b})'>&nbsp;&nbsp;&nbsp;"
                        f"</span>&nbsp;{name}")
    return "&nbsp;&nbsp; ".join(swatches)
