"""COCO JSON annotations: one ``instances.json`` file and a folder of images.

The file lists ``images`` (id, file_name, width, height), ``categories`` (id, name) and
``annotations`` (image_id, category_id, bbox ``[x, y, w, h]`` in pixels, optional
``segmentation`` as polygons or RLE, ``iscrowd``) (Lin et al., "Microsoft COCO", 2014).
Categories become classes in order of their ids; crowd regions are kept and flagged in
``difficult`` so evaluation ignores them, as COCOeval does. A person-keypoints file's
annotations carry ``keypoints`` (``[x1, y1, v1, x2, y2, v2, ...]``, v = 0 not labelled,
1 hidden, 2 visible) and ``num_keypoints``, and its categories ``keypoints`` (names) and
``skeleton`` (1-based pairs): they load as ``DetectionData.keypoints`` ``(k_i, K, 3)``
with K the longest category list, ``keypoint_names`` and per-class 0-based ``skeletons``
(read in memory; a streamed set leaves them out).

An entry that lacks a field or points at an unknown image or category, an image file
that is missing or unreadable, a box reaching outside its image (clipped) or one with no
area (dropped) each give one problem line naming the file and the entry; the rest loads.
Only a file that is not COCO JSON at all, or one from which nothing loads, is an error.
"""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np

from workbench.data.registry import DatasetSpec, register
from workbench.data.shapes import DetectionData, assemble, clean_box, read_rgb
from workbench.detection.cocoeval_json import read_json, segmentation_to_mask
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "coco", "image", "detection",
    "COCO JSON annotations of your own images (options: path = the .json file, "
    "image_dir, image_size, stream).",
    "workbench.data.coco:load_coco_dataset", needs_path=True,
    options=("image_dir", "image_size", "stream"),
))


def _image_path(json_path: str, file_name: str, image_dir: str | None) -> str:
    """``image_dir`` (default: the JSON's folder) joined with the entry's file name."""
    folder = image_dir or os.path.dirname(os.path.abspath(json_path))
    candidates = [os.path.join(folder, file_name),
                  os.path.join(folder, os.path.basename(file_name)),
                  os.path.join(folder, "images", os.path.basename(file_name))]
    return next((c for c in candidates if os.path.isfile(c)), candidates[0])


def _categories(json_path: str, payload: dict, problems: list) -> dict[int, int]:
    """COCO category id -> class index, in order of ids."""
    valid = {}
    for index, cat in enumerate(payload.get("categories") or []):
        if not isinstance(cat, dict) or "id" not in cat or "name" not in cat:
            problems.append(f"{json_path}: category {index + 1} lacks 'id' or 'name'; skipped")
        elif not _is_id(cat["id"]):
            problems.append(f"{json_path}: category {index + 1} has id {cat['id']!r}, not a "
                            "whole number; skipped")
        else:
            valid[cat["id"]] = str(cat["name"])
    return valid


def _is_id(value) -> bool:
    """COCO ids are whole numbers; a list, text or a float would not match anything (or,
    unhashable, would crash the lookup)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _annotation_box(ann) -> list[float]:
    x, y, w, h = (float(v) for v in ann["bbox"])
    return [x, y, x + w, y + h]


def load_coco(json_path: str, image_dir: str | None = None,
              image_size=None, stream: bool = False) -> tuple[DetectionData, list[str]]:
    """Load a COCO annotation file and its images -> ``(DetectionData, problems)``.

    Masks are decoded from polygons or RLE when any annotation has a segmentation (an
    annotation without one gets its filled box); otherwise ``masks`` is ``None``.
    ``image_size`` resizes every image on load. Image ids are kept; category ids become
    class indices ``0..K-1`` in order of id. ``stream`` reads only each image's header
    (``detection_stream``): pixels and masks are made when training asks for them.
    """
    from workbench.data import detection_stream

    payload = read_json(json_path, "COCO annotation")
    if not isinstance(payload, dict) or not isinstance(payload.get("images"), list) \
            or not isinstance(payload.get("annotations", []), list):
        raise WorkbenchError(f"{json_path} is not a COCO annotation file (needs an 'images' "
                             "list and an 'annotations' list)")
    problems: list[str] = []
    categories = _categories(json_path, payload, problems)
    cat_ids = sorted(categories)
    class_names = tuple(categories[c] for c in cat_ids)
    images, by_image = {}, defaultdict(list)
    for index, img in enumerate(payload["images"]):
        if not isinstance(img, dict) or "id" not in img or "file_name" not in img:
            problems.append(f"{json_path}: image entry {index + 1} lacks 'id' or 'file_name'; "
                            "skipped")
        elif not _is_id(img["id"]):
            problems.append(f"{json_path}: image entry {index + 1} has id {img['id']!r}, not a "
                            "whole number; skipped")
        else:
            images[img["id"]] = img
    for index, ann in enumerate(payload.get("annotations", [])):
        number = ann.get("id", index + 1) if isinstance(ann, dict) else index + 1
        where = f"{json_path}: annotation {number}"
        if not isinstance(ann, dict) or "image_id" not in ann or "category_id" not in ann:
            problems.append(f"{where} lacks 'image_id' or 'category_id'; dropped")
        elif not _is_id(ann["image_id"]) or not _is_id(ann["category_id"]):
            problems.append(f"{where} has image_id {ann['image_id']!r} and category_id "
                            f"{ann['category_id']!r}: both must be whole numbers; dropped")
        elif ann["image_id"] not in images:
            problems.append(f"{where} refers to unknown image id {ann['image_id']}; dropped")
        elif ann["category_id"] not in categories:
            problems.append(f"{where} has unknown category id {ann['category_id']}; dropped")
        else:
            by_image[ann["image_id"]].append((where, ann))
    with_masks = any("segmentation" in ann and ann["segmentation"]
                     for anns in by_image.values() for _, ann in anns)
    names, skeletons = keypoint_schema(payload, cat_ids)
    if not names and any("keypoints" in ann for anns in by_image.values() for _, ann in anns):
        longest = max(len(ann["keypoints"]) // 3 if isinstance(ann.get("keypoints"), list) else 0
                      for anns in by_image.values() for _, ann in anns)
        names = tuple(f"keypoint {k + 1}" for k in range(longest))
    if names and stream:
        problems.append(f"{json_path}: keypoints are read only when the set is loaded in memory "
                        "(stream=no); left out")
    keypoint_count = 0 if stream else len(names)
    records = []
    for image_id, img in images.items():
        path = _image_path(json_path, str(img["file_name"]), image_dir)
        try:
            image = detection_stream.unread(path) if stream else read_rgb(path)
        except WorkbenchError as exc:
            problems.append(f"{json_path}: image {image_id}: {exc}; skipped")
            continue
        records.append(_record(image_id, path, image, by_image[image_id], cat_ids, problems,
                               with_masks, lazy=stream, keypoint_count=keypoint_count))
    data = (detection_stream.streamed_detection if stream else assemble)(
        "coco", records, class_names, problems, image_size, with_masks)
    if keypoint_count:
        data.keypoint_names, data.skeletons = names, skeletons
    return data, problems


def keypoint_schema(payload: dict, cat_ids) -> tuple[tuple, tuple]:
    """``(keypoint_names, skeletons)`` from the categories: the names of the category with
    the most keypoints, and each class's skeleton as 0-based pairs (COCO's are 1-based)."""
    by_id = {c.get("id"): c for c in payload.get("categories") or [] if isinstance(c, dict)}
    names, skeletons = (), []
    for cat_id in cat_ids:
        cat = by_id.get(cat_id, {})
        listed = cat.get("keypoints") if isinstance(cat.get("keypoints"), list) else []
        if len(listed) > len(names):
            names = tuple(str(n) for n in listed)
        pairs = cat.get("skeleton") if isinstance(cat.get("skeleton"), list) else []
        # Only pairs of whole numbers naming two of the category's keypoints are drawn.
        skeletons.append(tuple((a - 1, b - 1) for a, b in
                               (p for p in pairs if isinstance(p, list) and len(p) == 2
                                and all(_is_id(v) for v in p))
                               if 1 <= a <= len(listed) and 1 <= b <= len(listed)))
    return names, tuple(skeletons)


def _keypoints(ann: dict, count: int, height: int, width: int, where: str,
               problems: list) -> np.ndarray:
    """One annotation's ``(count, 3)`` keypoints; a point outside the image counts as not labelled."""
    out = np.zeros((count, 3), np.float32)
    raw = ann.get("keypoints")
    if raw is None:
        return out
    try:
        values = np.asarray(raw, np.float64).reshape(-1, 3)[:count]
    except (TypeError, ValueError):
        problems.append(f"{where}: 'keypoints' must be a list of x, y, v triples; ignored")
        return out
    out[:len(values)] = values
    inside = (out[:, 0] >= 0) & (out[:, 0] <= width) & (out[:, 1] >= 0) & (out[:, 1] <= height)
    out[~inside | ~np.isfinite(out).all(axis=1), 2] = 0
    out[out[:, 2] <= 0] = 0  # COCO writes unlabelled points as (0, 0, 0)
    stated = ann.get("num_keypoints")
    if _is_id(stated) and stated != int(np.count_nonzero(values[:, 2] > 0)):
        problems.append(f"{where}: num_keypoints is {stated} but {np.count_nonzero(values[:, 2] > 0)} "
                        "keypoints are labelled; the labelled ones are used")
    return out


def _record(image_id, path: str, image: np.ndarray, annotations, cat_ids, problems,
            with_masks: bool, lazy: bool = False, keypoint_count: int = 0) -> dict:
    """One image's usable annotations; ``lazy`` keeps each mask as ``(annotation, box)``,
    rasterised when a streamed batch needs it."""
    height, width = image.shape[:2]
    boxes, labels, difficult, masks, keypoints = [], [], [], [], []
    for where, ann in annotations:
        try:
            raw = _annotation_box(ann)
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: 'bbox' must be [x, y, width, height]; dropped")
            continue
        box = clean_box(raw, height, width, where, problems)
        if box is None:
            continue
        mask = None
        if with_masks and lazy:
            mask = (ann, box)
        elif with_masks:
            try:
                mask = _mask(ann, box, height, width)
            except (WorkbenchError, TypeError, ValueError, OverflowError, IndexError,
                    KeyError) as exc:
                problems.append(f"{where}: unreadable segmentation ({exc}); dropped")
                continue
        boxes.append(box)
        labels.append(cat_ids.index(ann["category_id"]))
        difficult.append(bool(ann.get("iscrowd", 0)))
        if mask is not None:
            masks.append(mask)
        if keypoint_count:
            keypoints.append(_keypoints(ann, keypoint_count, height, width, where, problems))
    extra = {"keypoints": np.asarray(keypoints, np.float32).reshape(-1, keypoint_count, 3)} \
        if keypoint_count else {}
    return {**extra, "image": image, "boxes": boxes, "labels": labels, "difficult": difficult,
            "masks": masks if lazy else np.asarray(masks, bool).reshape(-1, height, width), "id": image_id,
            "file": os.path.basename(path)}


def _mask(ann: dict, box: np.ndarray, height: int, width: int) -> np.ndarray:
    """The annotation's mask, or its filled box when it has no segmentation."""
    if ann.get("segmentation"):
        return segmentation_to_mask(ann["segmentation"], height, width)
    mask = np.zeros((height, width), bool)
    x1, y1, x2, y2 = np.round(box).astype(int)
    mask[y1:y2, x1:x2] = True
    return mask


def load_coco_dataset(options: dict, seed: int, val_fraction: float) -> DetectionData:
    """Registry loader: options ``path``, ``image_dir``, ``image_size``, ``stream`` (auto|yes|no)."""
    from workbench.data import detection_stream
    from workbench.data.shapes import side_option

    size = side_option(options.get("image_size"))
    data = detection_stream.load(lambda stream: load_coco(options["path"], options.get("image_dir"), size,
                                                          stream=stream), options)
    data.val_fraction, data.split_seed = float(val_fraction), int(seed)
    return data
