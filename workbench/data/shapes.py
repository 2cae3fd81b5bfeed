"""The embedded synthetic "shapes" set for detection and segmentation, and ``DetectionData``.

Each image shows one to ``max_objects`` non-overlapping circles, squares and triangles
in random colours on a noisy dark background, with their exact instance masks, tight
boxes and class labels. It is generated from a seed in milliseconds, so every detector
and segmenter can be trained and evaluated without any download (in the spirit of the
"shapes" toy set of the Matterport Mask R-CNN tutorials).

``DetectionData`` is what every detection source returns (``shapes``, ``voc``,
``coco``); the registry's ``load("shapes")`` returns one too, not a classification
``Dataset``: its ``info`` has task ``"detection"`` and ``train_val()`` gives the split
chosen by the loader's ``seed`` and ``val_fraction``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from workbench.data.base import DataInfo
from workbench.data.registry import DatasetSpec, flag_option, register, whole_option
from workbench.errors import WorkbenchError

CLASSES = ("circle", "square", "triangle")

register(DatasetSpec(
    "shapes", "image", "detection",
    "Synthetic circles, squares and triangles with boxes, labels and instance masks "
    "(embedded; options: count, image_size, max_objects, seed, keypoints = corner keypoints).",
    "workbench.data.shapes:load_shapes",
    options=("count", "image_size", "max_objects", "seed", "keypoints"),
))

register(DatasetSpec(
    "shape_keypoints", "image", "detection",
    "The shapes set with corner keypoints (squares 4, triangles 3, circles none), for keypoint "
    "detection (embedded; options: count, image_size, max_objects, seed).",
    "workbench.data.shapes:load_shape_keypoints",
    options=("count", "image_size", "max_objects", "seed"),
))

#: The shapes' keypoints: a fixed K = 4 per object, as COCO gives every person 17. Squares
#: label all four corners clockwise from the top left; triangles their apex, bottom-right and
#: bottom-left vertices (the fourth is "not labelled", v = 0); circles have no corner (all 0).
SHAPE_KEYPOINTS = ("corner 1", "corner 2", "corner 3", "corner 4")
#: Per class (circle, square, triangle): the edges drawn between keypoints (0-based pairs).
SHAPE_SKELETONS = ((), ((0, 1), (1, 2), (2, 3), (3, 0)), ((0, 1), (1, 2), (2, 0)))


@dataclass(frozen=True)
class KeypointInfo(DataInfo):
    """``DataInfo`` of a set with keypoints: their names, each class's skeleton and, per
    class, the keypoints it has (labelled on at least one of its objects: none for a circle)."""

    keypoint_names: tuple = ()
    skeletons: tuple = ()
    class_keypoints: tuple = ()


@dataclass
class DetectionData:
    """Images with per-image boxes, labels and (optionally) instance masks.

    ``images``: ``float32 (N, H, W, 3)`` in [0, 1], or a list of ``(H_i, W_i, 3)`` arrays
    when a folder's images differ in size (``resized`` makes them one array).
    ``boxes[i]``: ``float32 (k_i, 4)`` absolute xyxy; ``labels[i]``: ``int64 (k_i,)``
    indices into ``class_names``; ``masks[i]``: ``bool (k_i, H_i, W_i)``, or ``masks`` is
    ``None`` when the source has no masks. ``image_ids`` are the COCO image ids.
    """

    images: np.ndarray | list
    boxes: list
    labels: list
    masks: list | None
    class_names: tuple
    image_ids: tuple = ()
    file_names: tuple = ()
    name: str = "detection"
    #: One line per annotation or image that could not be used, for the user.
    problems: list = field(default_factory=list)
    #: Per image, ``bool (k_i,)``: VOC "difficult" objects and COCO crowd regions, which
    #: evaluation neither requires nor penalises. ``None`` when there are none.
    difficult: list | None = None
    #: The split ``train_val`` uses (set by the registry loader).
    val_fraction: float = 0.2
    split_seed: int = 0
    #: Per image, ``float32 (k_i, K, 3)``: each object's ``K`` keypoints as COCO's
    #: ``(x, y, v)`` in pixels (v = 0 not labelled, 1 labelled but hidden, 2 visible), or
    #: ``None`` when the source has none. ``keypoint_names`` (K) and ``skeletons`` (per
    #: class, 0-based keypoint pairs to draw lines between) describe them.
    keypoints: list | None = None
    keypoint_names: tuple = ()
    skeletons: tuple = ()

    def __post_init__(self):
        count = len(self.images)
        if not len(self.boxes) == len(self.labels) == count:
            raise WorkbenchError(f"detection data has {count} images but {len(self.boxes)} box "
                                 f"lists and {len(self.labels)} label lists")
        if self.masks is not None and len(self.masks) != count:
            raise WorkbenchError(f"detection data has {count} images but {len(self.masks)} "
                                 "mask lists")
        if self.keypoints is not None and len(self.keypoints) != count:
            raise WorkbenchError(f"detection data has {count} images but {len(self.keypoints)} "
                                 "keypoint lists")
        if not self.image_ids:
            self.image_ids = tuple(range(1, count + 1))
        self.image_ids = tuple(int(i) for i in self.image_ids)
        self.class_names = tuple(self.class_names)
        self.file_names = tuple(self.file_names)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def image_size(self, index: int) -> tuple[int, int]:
        """``(H, W)`` of image ``index``."""
        if hasattr(self.images, "shape_of"):  # streamed (detection_stream.ImageFiles): from headers
            return self.images.shape_of(index)[:2]
        return tuple(int(v) for v in np.shape(self.images[index])[:2])

    @property
    def info(self) -> DataInfo:
        """Metadata for builders: task ``"detection"``, the (first) image shape, classes."""
        shape = ((*self.image_size(0), 3) if hasattr(self.images, "shape_of")
                 else tuple(np.shape(self.images[0])) if len(self) else (0, 0, 3))
        if self.keypoints is not None:
            return KeypointInfo(self.name, "image", "detection", shape, self.class_names,
                                keypoint_names=tuple(self.keypoint_names),
                                skeletons=tuple(tuple(map(tuple, s)) for s in self.skeletons),
                                class_keypoints=self.class_keypoints())
        return DataInfo(self.name, "image", "detection", shape, self.class_names)

    def class_keypoints(self) -> tuple:
        """Per class, the indices of the keypoints labelled (v > 0) on any of its objects."""
        count = len(self.keypoint_names)
        seen = np.zeros((self.num_classes, count), bool)
        for points, labels in zip(self.keypoints or (), self.labels):
            points = np.asarray(points, np.float32).reshape(-1, count, 3)
            for p, label in zip(points, np.asarray(labels).reshape(-1)):
                seen[int(label)] |= p[:, 2] > 0
        return tuple(tuple(int(k) for k in np.flatnonzero(row)) for row in seen)

    def subset(self, indices) -> "DetectionData":
        """The images at ``indices`` with their annotations."""
        indices = [int(i) for i in indices]
        images = (self.images[indices] if isinstance(self.images, np.ndarray)
                  else self.images.subset(indices) if hasattr(self.images, "subset")  # streamed
                  else [self.images[i] for i in indices])
        return replace(
            self, images=images, boxes=[self.boxes[i] for i in indices],
            labels=[self.labels[i] for i in indices],
            masks=None if self.masks is None else self.masks.subset(indices) if hasattr(self.masks, "subset")
            else [self.masks[i] for i in indices],
            difficult=None if self.difficult is None else [self.difficult[i] for i in indices],
            keypoints=None if self.keypoints is None else [self.keypoints[i] for i in indices],
            image_ids=tuple(self.image_ids[i] for i in indices),
            file_names=tuple(self.file_names[i] for i in indices) if self.file_names else (),
            problems=list(self.problems))

    def split(self, val_fraction: float = 0.2, seed: int = 0):
        """Shuffle and split into ``(train, val)`` by image."""
        if not 0.0 <= val_fraction < 1.0:
            raise WorkbenchError(f"validation fraction {val_fraction} must be in [0, 1)")
        if len(self) < 2:
            raise WorkbenchError(f"only {len(self)} usable image(s): at least 2 are needed")
        order = np.random.default_rng(seed).permutation(len(self))
        n_val = int(round(len(self) * val_fraction))
        if val_fraction > 0:
            n_val = min(max(n_val, 1), len(self) - 1)
        return self.subset(np.sort(order[n_val:])), self.subset(np.sort(order[:n_val]))

    def train_val(self):
        """The split chosen when the data was loaded (``val_fraction``, ``split_seed``)."""
        return self.split(self.val_fraction, self.split_seed)

    def semantic_masks(self) -> np.ndarray:
        """``int32 (N, H, W)`` class maps: 0 = background, ``label + 1`` for each class."""
        if self.masks is None:
            raise WorkbenchError(f"data set {self.name!r} has no instance masks")
        if not isinstance(self.images, np.ndarray):
            raise WorkbenchError("semantic masks need images of one size: call resized() first")
        out = np.zeros(self.images.shape[:3], np.int32)
        for i, (masks, labels) in enumerate(zip(self.masks, self.labels)):
            for mask, label in zip(masks, labels):  # later instances paint over earlier ones
                out[i][mask] = int(label) + 1
        return out

    def resized(self, image_size) -> "DetectionData":
        """All images resized to ``(H, W)`` (an int for square), boxes and masks scaled too."""
        import cv2

        height, width = ((int(image_size),) * 2 if np.isscalar(image_size)
                         else tuple(int(v) for v in image_size))
        if height <= 0 or width <= 0:
            raise WorkbenchError(f"image size {image_size} must be positive")
        streamed = hasattr(self.images, "resized")  # detection_stream: resized as decoded
        images, boxes, masks, keypoints = [], [], [], []
        for i in range(len(self)):
            h, w = self.image_size(i)
            if not streamed:
                images.append(resize_image(np.asarray(self.images[i], np.float32), height, width))
            scale = np.array([width / w, height / h, width / w, height / h], np.float32)
            boxes.append((np.asarray(self.boxes[i], np.float32).reshape(-1, 4) * scale))
            if self.keypoints is not None:  # (x, y) scale like the boxes; v stays
                keypoints.append(np.asarray(self.keypoints[i], np.float32)
                                 * np.array([width / w, height / h, 1.0], np.float32))
            if self.masks is not None and not streamed:
                masks.append(np.stack([cv2.resize(m.astype(np.uint8), (width, height),
                                                  interpolation=cv2.INTER_NEAREST).astype(bool)
                                       for m in self.masks[i]]) if len(self.masks[i])
                             else np.zeros((0, height, width), bool))
        keypoints = keypoints if self.keypoints is not None else None
        if streamed:
            return replace(self, images=self.images.resized(height, width), boxes=boxes,
                           keypoints=keypoints,
                           masks=None if self.masks is None else self.masks.resized(height, width),
                           problems=list(self.problems))
        return replace(self, images=np.stack(images).astype(np.float32), boxes=boxes,
                       masks=masks if self.masks is not None else None, keypoints=keypoints,
                       problems=list(self.problems))

    def to_coco(self) -> dict:
        """COCO ground-truth dict: category ids start at 1, bbox ``[x, y, w, h]``.

        Category ids are ``label + 1`` (a loaded COCO file's own ids are renumbered), image
        ids are ``image_ids``. ``area`` is the mask's pixel count when masks exist (as in
        COCO), otherwise the box area; ``segmentation`` is an uncompressed RLE of the mask;
        difficult objects are written as crowd regions (``iscrowd=1``), which COCOeval
        ignores.
        """
        from workbench.detection.cocoeval_json import mask_to_rle

        images, annotations = [], []
        for i in range(len(self)):
            height, width = self.image_size(i)
            images.append({"id": self.image_ids[i], "width": width, "height": height,
                           "file_name": self.file_names[i] if self.file_names
                           else f"{self.image_ids[i]:06d}.png"})
            boxes = np.asarray(self.boxes[i], np.float64).reshape(-1, 4)
            for k, box in enumerate(boxes):
                entry = {"id": len(annotations) + 1, "image_id": self.image_ids[i],
                         "category_id": int(self.labels[i][k]) + 1,
                         "bbox": [float(box[0]), float(box[1]), float(box[2] - box[0]),
                                  float(box[3] - box[1])],
                         "area": float((box[2] - box[0]) * (box[3] - box[1])),
                         "iscrowd": int(self.difficult is not None
                                        and bool(self.difficult[i][k]))}
                if self.masks is not None:
                    entry["segmentation"] = mask_to_rle(self.masks[i][k])
                    entry["area"] = float(np.count_nonzero(self.masks[i][k]))
                annotations.append(entry)
        categories = [{"id": c + 1, "name": name, "supercategory": "object"}
                      for c, name in enumerate(self.class_names)]
        return {"images": images, "annotations": annotations, "categories": categories}


# --- helpers shared by the file loaders (voc, coco) ------------------------------------

def resize_image(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` at ``height x width`` as ``DetectionData.resized`` makes it (area when shrinking)."""
    import cv2

    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA
                      if image.shape[0] > height else cv2.INTER_LINEAR)


def read_rgb(path: str) -> np.ndarray:
    """An image file as ``float32 (H, W, 3)`` in [0, 1] (grey images get three channels)."""
    from workbench.data.images import read_image

    image = read_image(path)
    return np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image


def clean_box(box, height: int, width: int, where: str, problems: list):
    """Clip an xyxy box to the image; ``None`` (and a problem line) if nothing is left."""
    box = np.asarray(box, np.float64)
    if not np.isfinite(box).all():
        problems.append(f"{where}: box {box.tolist()} is not numeric; dropped")
        return None
    clipped = np.array([np.clip(box[0], 0, width), np.clip(box[1], 0, height),
                        np.clip(box[2], 0, width), np.clip(box[3], 0, height)])
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        problems.append(f"{where}: box {_fmt(box)} has zero area inside the {width}x{height} "
                        "image; dropped")
        return None
    if not np.array_equal(clipped, box):
        problems.append(f"{where}: box {_fmt(box)} extends outside the {width}x{height} "
                        f"image; clipped to {_fmt(clipped)}")
    return clipped.astype(np.float32)


def _fmt(box) -> str:
    return "[" + ", ".join(f"{v:g}" for v in np.asarray(box, np.float64)) + "]"


def assemble(name: str, records: list[dict], class_names, problems: list,
             image_size=None, with_masks: bool = False) -> DetectionData:
    """Loader records (``image``, ``boxes``, ``labels``, ``difficult``, ``masks``, ``id``,
    ``file``) -> ``DetectionData``; images are stacked when they share one size.

    ``image_size`` resizes every image (and its boxes and masks) on load, which keeps a
    large folder in memory at a fraction of the cost.
    """
    check_records(name, records, problems)
    data = DetectionData(
        [r["image"] for r in records],
        [np.asarray(r["boxes"], np.float32).reshape(-1, 4) for r in records],
        [np.asarray(r["labels"], np.int64).reshape(-1) for r in records],
        [np.asarray(r["masks"], bool).reshape(-1, *r["image"].shape[:2]) for r in records]
        if with_masks else None,
        tuple(class_names), tuple(r["id"] for r in records), tuple(r["file"] for r in records),
        name=name, problems=problems,
        difficult=[np.asarray(r["difficult"], bool).reshape(-1) for r in records])
    if records and "keypoints" in records[0]:  # (k_i, K, 3) each; resized below with the boxes
        data.keypoints = [np.asarray(r["keypoints"], np.float32) for r in records]
    if image_size is not None:
        return data.resized(image_size)
    if len({img.shape for img in data.images}) == 1:
        data.images = np.stack(data.images).astype(np.float32)
    return data


def check_records(name: str, records: list[dict], problems: list) -> None:
    """Refuse a set from which no image, or no annotation, could be used."""
    detail = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    if not records:
        raise WorkbenchError(f"no image of {name} could be loaded" +
                             (f": {detail}" if detail else ""))
    if not any(len(r["boxes"]) for r in records):
        # Images without a single object train nothing and evaluate to mAP = nan: refuse.
        raise WorkbenchError(f"no annotation of {name} could be used, so there is nothing to "
                             "train or evaluate on" + (f": {detail}" if detail else
                                                       " (the file lists no objects)"))


def _shape_mask(kind: str, top: int, left: int, size: int, grid) -> np.ndarray:
    """The mask of one shape of side ``size`` whose square starts at ``(top, left)``."""
    ys, xs = grid
    cy, cx = top + size / 2.0, left + size / 2.0
    if kind == "circle":
        return (xs - cx) ** 2 + (ys - cy) ** 2 <= (size / 2.0) ** 2
    if kind == "square":
        return (xs >= left) & (xs < left + size) & (ys >= top) & (ys < top + size)
    # Upright isosceles triangle: apex at the top centre, base along the bottom edge.
    bottom = top + size
    slope = size / (size / 2.0)
    return ((ys < bottom) & (ys >= top)
            & (ys - top >= slope * np.abs(xs - cx)))


def shape_corners(kind: str, top: int, left: int, size: int) -> np.ndarray:
    """``float32 (4, 3)`` keypoints ``(x, y, v)`` of one shape: the vertices of the polygon
    ``_shape_mask`` fills, in pixel-edge coordinates (see ``SHAPE_KEYPOINTS``)."""
    right, bottom = left + size, top + size
    if kind == "square":
        points = [(left, top, 2), (right, top, 2), (right, bottom, 2), (left, bottom, 2)]
    elif kind == "triangle":
        points = [(left + size / 2.0, top, 2), (right, bottom, 2), (left, bottom, 2), (0, 0, 0)]
    else:  # a circle has no corner
        points = [(0, 0, 0)] * 4
    return np.asarray(points, np.float32)


def _mask_box(mask: np.ndarray) -> np.ndarray:
    """Tight ``[x1, y1, x2, y2]`` (pixel edges) around a mask."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], np.float32)


def _overlaps(box, taken, margin: float) -> bool:
    return any(box[0] < t[2] + margin and t[0] < box[2] + margin and box[1] < t[3] + margin
               and t[1] < box[3] + margin for t in taken)


def make_shapes(count: int, image_size=64, max_objects: int = 3, seed: int = 0,
                min_size: int | None = None, max_size: int | None = None,
                classes=CLASSES, keypoints: bool = False) -> DetectionData:
    """``count`` synthetic images of ``image_size`` (int or ``(H, W)``) pixels.

    Every image has between 1 and ``max_objects`` non-overlapping shapes whose side is
    drawn uniformly from ``[min_size, max_size]`` pixels (defaults: a tenth and a half of
    the smaller image side). The same arguments always give the same images;
    ``keypoints`` adds each shape's corners (``shape_corners``) without changing them.
    """
    height, width = ((int(image_size),) * 2 if np.isscalar(image_size)
                     else tuple(int(v) for v in image_size))
    side = min(height, width)
    min_size = max(4, side // 10) if min_size is None else int(min_size)
    max_size = max(min_size, side // 2) if max_size is None else int(max_size)
    if count < 1:
        raise WorkbenchError(f"shapes count {count} must be at least 1")
    if side < 8:
        raise WorkbenchError(f"shapes image size {image_size} must be at least 8 pixels")
    if max_objects < 1:
        raise WorkbenchError(f"max_objects {max_objects} must be at least 1")
    if not 3 <= min_size <= max_size <= side:
        raise WorkbenchError(f"shape sizes min_size={min_size}, max_size={max_size} must "
                             f"satisfy 3 <= min_size <= max_size <= {side}")
    unknown = [c for c in classes if c not in CLASSES]
    if unknown or not classes:
        raise WorkbenchError(f"unknown shape classes {unknown}; known: {', '.join(CLASSES)}")
    rng = np.random.default_rng(seed)
    grid = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5  # pixel centres
    images = np.empty((count, height, width, 3), np.float32)
    all_boxes, all_labels, all_masks, all_points = [], [], [], []
    for i in range(count):
        background = rng.uniform(0.0, 0.35, 3)
        image = background + rng.normal(0.0, 0.04, (height, width, 3))
        boxes, labels, masks, points = [], [], [], []
        for _ in range(int(rng.integers(1, max_objects + 1))):
            for _attempt in range(30):  # reject placements that touch an earlier shape
                size = int(rng.integers(min_size, max_size + 1))
                top = int(rng.integers(0, height - size + 1))
                left = int(rng.integers(0, width - size + 1))
                if not _overlaps((left, top, left + size, top + size), boxes, 1.0):
                    break
            else:
                continue
            label = int(rng.integers(len(classes)))
            mask = _shape_mask(classes[label], top, left, size, grid)
            if not mask.any():
                continue
            colour = rng.uniform(0.0, 1.0, 3)
            colour[rng.integers(3)] = rng.uniform(0.75, 1.0)  # always bright against the background
            image[mask] = colour
            boxes.append(_mask_box(mask))
            labels.append(CLASSES.index(classes[label]))
            masks.append(mask)
            points.append(shape_corners(classes[label], top, left, size))
        images[i] = np.clip(image, 0.0, 1.0)
        all_boxes.append(np.asarray(boxes, np.float32).reshape(-1, 4))
        all_labels.append(np.asarray(labels, np.int64))
        all_masks.append(np.asarray(masks, bool).reshape(-1, height, width))
        all_points.append(np.asarray(points, np.float32).reshape(-1, 4, 3))
    if not keypoints:
        return DetectionData(images, all_boxes, all_labels, all_masks, CLASSES, name="shapes")
    return DetectionData(images, all_boxes, all_labels, all_masks, CLASSES, name="shapes",
                         keypoints=all_points, keypoint_names=SHAPE_KEYPOINTS,
                         skeletons=SHAPE_SKELETONS)


def side_option(value):
    """An image-size option from the command line ("64") or code (64 or (H, W))."""
    if value is None or isinstance(value, (tuple, list)):
        return value
    try:
        side = int(value)
    except (TypeError, ValueError):
        raise WorkbenchError(f"image_size={value!r} must be a whole number of pixels") from None
    if not 8 <= side <= 4096:
        raise WorkbenchError(f"image_size={side} must be between 8 and 4096")
    return side


def load_shapes(options: dict, seed: int, val_fraction: float) -> DetectionData:
    """Registry loader: options ``count`` (200), ``image_size`` (64), ``max_objects`` (3),
    ``seed`` (the images' own seed, the run's seed by default: another seed is a held-out set;
    the split still follows the run's seed) and ``keypoints`` (false: corner keypoints)."""
    data = make_shapes(whole_option(options, "count", 200, 2, 100_000),
                       side_option(options.get("image_size", 64)),
                       whole_option(options, "max_objects", 3, 1, 50),
                       seed=whole_option(options, "seed", seed, 0, 2 ** 32 - 1),
                       keypoints=flag_option(options, "keypoints"))
    data.val_fraction, data.split_seed = float(val_fraction), int(seed)
    data.split(val_fraction, seed)  # checks the fraction now, where the user set it
    return data


def load_shape_keypoints(options: dict, seed: int, val_fraction: float) -> DetectionData:
    """Registry loader of ``shape_keypoints``: the shapes with their corner keypoints."""
    return load_shapes({**options, "keypoints": True}, seed, val_fraction)
