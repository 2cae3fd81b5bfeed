"""What a detection set holds: classes, images, boxes per class and per image, box sizes.

The notes (001 物体検出) compare data sets by three numbers, classes / images / boxes
per image: Pascal VOC 2012 20 / 11,540 / 2.4 and MS COCO 80 / 123,287 / 7.3
(``NOTES_TABLE``). ``detection_statistics`` gives those for a loaded set, with the
distributions behind them: boxes per class, objects per image, images without a box,
box areas (COCO's small < 32² ≤ medium < 96² ≤ large, and a histogram of the side
sqrt(area)) and aspect ratios width / height.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError

#: The notes' table: classes, images, boxes per image.
NOTES_TABLE = {"Pascal VOC 2012": (20, 11540, 2.4), "MS COCO": (80, 123287, 7.3)}
#: Aspect-ratio (width / height) bins: edges and labels; the middle one is "about square".
ASPECT_EDGES = (0.0, 1 / 3, 1 / 2, 4 / 5, 5 / 4, 2.0, 3.0, np.inf)
ASPECT_LABELS = ("<1/3", "1/3-1/2", "1/2-4/5", "4/5-5/4", "5/4-2", "2-3", ">3")
#: COCO's area groups, in pixels².
SMALL, LARGE = 32.0 ** 2, 96.0 ** 2
SIDE_BINS = 10


def _all_boxes(data):
    boxes = [np.asarray(b, np.float64).reshape(-1, 4) for b in data.boxes]
    labels = [np.asarray(lab, np.int64).reshape(-1) for lab in data.labels]
    flat = np.concatenate(boxes) if boxes else np.zeros((0, 4))
    return flat, (np.concatenate(labels) if labels else np.zeros(0, np.int64)), boxes


def detection_statistics(data) -> dict:
    """The statistics of a ``DetectionData`` as plain numbers (JSON-ready).

    ``boxes_per_class`` and ``images_per_class`` (images holding at least one) by class
    name; ``objects_per_image``: ``{count: images}``; ``area``: COCO groups and a
    histogram of sqrt(area) in pixels (``edges``, ``counts``); ``aspect``: counts per
    ``ASPECT_LABELS`` bin. Boxes of zero width or height count in ``degenerate_boxes``
    and not in the size histograms.
    """
    if not hasattr(data, "boxes") or not hasattr(data, "labels"):
        raise WorkbenchError("statistics need a detection set with boxes and labels")
    names = tuple(data.class_names)
    flat, labels, per_image = _all_boxes(data)
    if len(labels) and (labels.min() < 0 or labels.max() >= len(names)):
        raise WorkbenchError(f"a box's label lies outside the {len(names)} classes of {data.name}")
    counts = np.asarray([len(b) for b in per_image], np.int64)
    images = len(per_image)
    holding = [set(np.asarray(lab, np.int64).reshape(-1).tolist()) for lab in data.labels]
    width, height = flat[:, 2] - flat[:, 0], flat[:, 3] - flat[:, 1]
    proper = (width > 0) & (height > 0)
    area, aspect = (width * height)[proper], (width / np.where(height > 0, height, 1))[proper]
    side = np.sqrt(area)
    edges = (np.linspace(0.0, float(side.max()), SIDE_BINS + 1) if side.size
             else np.linspace(0.0, 1.0, SIDE_BINS + 1))
    per_count = np.bincount(counts, minlength=1) if images else np.zeros(1, np.int64)
    return {
        "name": data.name,
        "classes": len(names),
        "images": images,
        "boxes": int(len(labels)),
        "boxes_per_image": float(counts.mean()) if images else 0.0,
        "max_boxes_per_image": int(counts.max()) if images else 0,
        "images_without_boxes": int(np.count_nonzero(counts == 0)),
        "boxes_per_class": {n: int(c) for n, c in
                            zip(names, np.bincount(labels, minlength=len(names)))},
        "images_per_class": {n: sum(k in h for h in holding) for k, n in enumerate(names)},
        "objects_per_image": {int(k): int(v) for k, v in enumerate(per_count) if v},
        "degenerate_boxes": int(np.count_nonzero(~proper)),
        "area": {"small": int(np.count_nonzero(area < SMALL)),
                 "medium": int(np.count_nonzero((area >= SMALL) & (area < LARGE))),
                 "large": int(np.count_nonzero(area >= LARGE)),
                 "mean": float(area.mean()) if area.size else 0.0,
                 "side_edges": [float(e) for e in edges],
                 "side_counts": [int(c) for c in np.histogram(side, edges)[0]]},
        "aspect": {label: int(c) for label, c in
                   zip(ASPECT_LABELS, np.histogram(aspect, ASPECT_EDGES)[0])},
    }


def report(stats: dict) -> str:
    """The statistics as plain text, beside the notes' table."""
    lines = [f"{stats['name']}: {stats['classes']} classes, {stats['images']} images, "
             f"{stats['boxes']} boxes, {stats['boxes_per_image']:.2f} boxes per image "
             f"(at most {stats['max_boxes_per_image']}), {stats['images_without_boxes']} "
             "image(s) without boxes", "",
             "the notes' table             classes    images  boxes/image"]
    for name, (classes, images, per_image) in NOTES_TABLE.items():
        lines.append(f"  {name:<26} {classes:>7} {images:>9,} {per_image:>12.1f}")
    lines.append(f"  {'this set':<26} {stats['classes']:>7} {stats['images']:>9,} "
                 f"{stats['boxes_per_image']:>12.2f}")
    width = max([5] + [len(n) for n in stats["boxes_per_class"]])
    lines += ["", f"{'class':<{width}}  boxes  images"]
    for name, count in stats["boxes_per_class"].items():
        lines.append(f"{name:<{width}}  {count:>5}  {stats['images_per_class'][name]:>6}")
    lines += ["", "objects per image: " + ", ".join(
        f"{k}: {v}" for k, v in stats["objects_per_image"].items())]
    area = stats["area"]
    lines.append(f"box area (COCO groups): small {area['small']}, medium {area['medium']}, "
                 f"large {area['large']}; mean {area['mean']:.1f} px²")
    edges = area["side_edges"]
    lines.append("sqrt(area) px: " + ", ".join(
        f"{edges[i]:.0f}-{edges[i + 1]:.0f}: {c}" for i, c in enumerate(area["side_counts"])))
    lines.append("aspect w/h: " + ", ".join(f"{k}: {v}" for k, v in stats["aspect"].items()))
    if stats["degenerate_boxes"]:
        lines.append(f"{stats['degenerate_boxes']} box(es) of zero width or height")
    return "\n".join(lines)


def load_for_statistics(source: str, options: dict | None = None):
    """Every image of a registered detection source or a path (COCO .json, VOC/YOLO/KITTI
    folder); other data is refused with a sentence before anything heavy loads."""
    from workbench import data as data_sources
    from workbench.data.registry import resolve

    spec, _ = resolve(source)
    if spec.task != "detection":
        raise WorkbenchError(f"{source} is {spec.task} data without boxes; statistics are for "
                             "detection sets (shapes, a COCO .json, or a VOC, YOLO-txt or KITTI "
                             "folder)")
    data = data_sources.load(source, dict(options or {}), seed=0, val_fraction=0.0)
    if not hasattr(data, "boxes"):
        raise WorkbenchError(f"{source} has no boxes")
    return data
