"""Selective Search region proposals.

Uijlings, van de Sande, Gevers & Smeulders, "Selective Search for Object Recognition",
IJCV 2013 — the proposal stage of R-CNN and Fast R-CNN.

1. Over-segment the image with the graph-based method of Felzenszwalb & Huttenlocher
   (IJCV 2004; ``skimage.segmentation.felzenszwalb``): pixels are graph nodes, edges are
   colour differences, and two components merge when their connecting edge is weaker
   than both internal variations plus ``k / |C|``.
2. Group hierarchically: repeatedly merge the two most similar neighbouring regions,
   where similarity is the sum of colour (histogram intersection, 25 bins per channel),
   texture (histograms of oriented derivatives, 8 orientations x 10 bins per channel),
   size (small regions merge first) and fill (regions whose union fills its box merge
   first). Every region ever formed is a proposal box.
3. Diversify: repeat with several colour spaces and thresholds ``k`` and merge the
   hierarchies, ranking each box by its level times a random number (the paper's
   pseudo-random ordering), then drop duplicates.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError

COLOUR_BINS = 25
TEXTURE_BINS = 10
ORIENTATIONS = 8
COLOUR_SPACES = ("rgb", "hsv", "lab")
#: (colour space, k) pairs run by default: two colour spaces x two thresholds.
DEFAULT_STRATEGIES = (("rgb", 50.0), ("rgb", 150.0), ("hsv", 50.0), ("hsv", 150.0))
#: Named diversification levels (the paper's "single", "fast" and "quality" modes, scaled
#: down to the workbench's small images).
PRESETS = {
    "single": (("rgb", 100.0),),
    "fast": (("hsv", 50.0), ("rgb", 150.0)),
    "quality": DEFAULT_STRATEGIES,
}
_CACHE: dict = {}
_CACHE_LIMIT = 4096


def selective_search(image, strategies=DEFAULT_STRATEGIES, max_proposals: int = 300,
                     min_size: int = 10, sigma: float = 0.8, min_box: float = 2.0,
                     seed: int = 0) -> np.ndarray:
    """Up to ``max_proposals`` proposal boxes ``float32 (K, 4)`` xyxy pixels, best first.

    ``image`` is ``(H, W, 3)`` (float in [0, 1] or uint8). ``strategies`` is a sequence of
    ``(colour_space, k)``; ``min_size`` is Felzenszwalb's smallest component in pixels;
    boxes narrower or lower than ``min_box`` pixels are dropped.
    """
    image = _as_float_image(image)
    if max_proposals < 1:
        raise WorkbenchError(f"max_proposals {max_proposals} must be at least 1")
    if not strategies:
        raise WorkbenchError("selective search needs at least one (colour space, k) strategy")
    rng = np.random.default_rng(seed)
    ranked = []
    for space, k in strategies:
        if space not in COLOUR_SPACES:
            raise WorkbenchError(f"colour space {space!r} is not one of {', '.join(COLOUR_SPACES)}")
        boxes = hierarchical_grouping(convert_colour(image, space), float(k), min_size, sigma)
        # Level 1 is the last merge (the whole image); the paper multiplies the level by a
        # random number so that each hierarchy contributes large and small boxes early.
        levels = np.arange(len(boxes), 0, -1, dtype=np.float64)
        ranked.append((levels * rng.uniform(0, 1, len(boxes)), boxes))
    keys = np.concatenate([r[0] for r in ranked])
    boxes = np.concatenate([r[1] for r in ranked]).astype(np.float32)
    boxes = boxes[np.argsort(keys, kind="stable")]
    keep = ((boxes[:, 2] - boxes[:, 0]) >= min_box) & ((boxes[:, 3] - boxes[:, 1]) >= min_box)
    boxes = boxes[keep]
    _, first = np.unique(boxes, axis=0, return_index=True)
    return boxes[np.sort(first)][:max_proposals]


def proposals_for_images(images, preset: str = "quality", max_proposals: int = 300) -> list:
    """Selective Search boxes for each image, remembered by image content.

    Training reads the proposals of every image once per run and the validation mAP
    after every epoch; the cache makes the later passes free.
    """
    if preset not in PRESETS:
        raise WorkbenchError(f"selective search mode {preset!r} is not one of "
                             f"{', '.join(PRESETS)}")
    results = []
    for image in images:
        image = np.ascontiguousarray(image)
        key = (hash(image.tobytes()), image.shape, preset, int(max_proposals))
        if key not in _CACHE:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = selective_search(image, PRESETS[preset], max_proposals)
        results.append(_CACHE[key])
    return results


def pad_proposals(proposals_list, count: int) -> np.ndarray:
    """``(N, count, 4)`` with each image's first ``count`` boxes; zero boxes pad (area 0 = none)."""
    out = np.zeros((len(proposals_list), count, 4), np.float32)
    for i, boxes in enumerate(proposals_list):
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)[:count]
        out[i, :len(boxes)] = boxes
    return out


def _as_float_image(image) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise WorkbenchError(f"selective search needs an (H, W, 3) colour image, got {image.shape}")
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    return np.clip(image.astype(np.float32), 0.0, 1.0)


def convert_colour(image: np.ndarray, space: str) -> np.ndarray:
    """The image in ``space``, every channel rescaled to [0, 1]."""
    from skimage import color

    if space == "rgb":
        return image
    if space == "hsv":
        return color.rgb2hsv(image).astype(np.float32)
    lab = color.rgb2lab(image)
    return ((lab - [0.0, -128.0, -128.0]) / [100.0, 255.0, 255.0]).astype(np.float32)


def hierarchical_grouping(image: np.ndarray, k: float, min_size: int = 10,
                          sigma: float = 0.8) -> np.ndarray:
    """Boxes of every region of one grouping hierarchy, in the order they were formed."""
    from skimage.segmentation import felzenszwalb

    labels = felzenszwalb(image, scale=k, sigma=sigma, min_size=min_size, channel_axis=-1)
    regions = _initial_regions(image, labels)
    neighbours = _adjacent_pairs(labels)
    total = float(labels.size)
    similarity = {pair: _similarity(regions[pair[0]], regions[pair[1]], total)
                  for pair in neighbours}
    boxes = [r["box"] for r in regions.values()]
    next_id = max(regions) + 1
    while similarity:
        a, b = max(similarity, key=similarity.get)
        merged = _merge(regions[a], regions[b])
        regions[next_id] = merged
        boxes.append(merged["box"])
        touching = {x for pair in similarity if a in pair or b in pair for x in pair} - {a, b}
        similarity = {pair: s for pair, s in similarity.items() if a not in pair and b not in pair}
        for other in touching:
            similarity[(other, next_id)] = _similarity(regions[other], merged, total)
        del regions[a], regions[b]
        next_id += 1
    return np.asarray(boxes, np.float32).reshape(-1, 4)


def _initial_regions(image: np.ndarray, labels: np.ndarray) -> dict:
    """Per Felzenszwalb segment: box, size and L1-normalised colour and texture histograms."""
    count = int(labels.max()) + 1
    flat = labels.reshape(-1)
    colour = _histograms(flat, _colour_bins(image), COLOUR_BINS, count)
    texture = _histograms(flat, _texture_bins(image), TEXTURE_BINS, count)
    sizes = np.bincount(flat, minlength=count)
    ys, xs = np.mgrid[0:labels.shape[0], 0:labels.shape[1]]
    regions = {}
    for r in range(count):
        if sizes[r] == 0:
            continue
        mask = labels == r
        box = np.array([xs[mask].min(), ys[mask].min(), xs[mask].max() + 1, ys[mask].max() + 1],
                       np.float64)
        regions[r] = {"box": box, "size": float(sizes[r]), "colour": colour[r], "texture": texture[r]}
    return regions


def _colour_bins(image: np.ndarray) -> np.ndarray:
    """``(H*W, C)`` histogram bin of each pixel and channel."""
    bins = np.minimum((image * COLOUR_BINS).astype(np.int64), COLOUR_BINS - 1)
    return bins.reshape(-1, image.shape[2])


def _texture_bins(image: np.ndarray) -> np.ndarray:
    """``(H*W, C * 8)`` bins of Gaussian derivatives in 8 orientations (SIFT-like texture).

    The paper takes Gaussian derivatives with sigma 1 in 8 directions per channel and a
    10-bin histogram of each; a rectified directional derivative does the same.
    """
    from scipy.ndimage import gaussian_filter

    out = []
    for c in range(image.shape[2]):
        smooth = gaussian_filter(image[:, :, c].astype(np.float64), 1.0)
        gy, gx = np.gradient(smooth)
        for o in range(ORIENTATIONS):
            theta = 2.0 * np.pi * o / ORIENTATIONS
            response = np.maximum(gx * np.cos(theta) + gy * np.sin(theta), 0.0)
            scale = response.max() or 1.0
            out.append(np.minimum((response / scale * TEXTURE_BINS).astype(np.int64),
                                  TEXTURE_BINS - 1).reshape(-1))
    return np.stack(out, axis=1)


def _histograms(flat_labels, bins, bins_per_feature: int, count: int) -> np.ndarray:
    """One L1-normalised histogram per region, features concatenated."""
    features = bins.shape[1]
    offsets = np.arange(features) * bins_per_feature
    index = flat_labels[:, None] * (features * bins_per_feature) + offsets[None, :] + bins
    hist = np.bincount(index.reshape(-1), minlength=count * features * bins_per_feature)
    hist = hist.reshape(count, features * bins_per_feature).astype(np.float64)
    return hist / np.maximum(hist.sum(axis=1, keepdims=True), 1.0)


def _adjacent_pairs(labels: np.ndarray) -> set:
    """Pairs ``(a, b)``, ``a < b``, of segments that touch horizontally or vertically."""
    pairs = set()
    for a, b in ((labels[:, :-1], labels[:, 1:]), (labels[:-1, :], labels[1:, :])):
        differ = a != b
        lo = np.minimum(a[differ], b[differ])
        hi = np.maximum(a[differ], b[differ])
        pairs.update(zip(lo.tolist(), hi.tolist()))
    return pairs


def _similarity(a: dict, b: dict, total: float) -> float:
    """s_colour + s_texture + s_size + s_fill, each in [0, 1]."""
    colour = np.minimum(a["colour"], b["colour"]).sum()
    texture = np.minimum(a["texture"], b["texture"]).sum()
    size = 1.0 - (a["size"] + b["size"]) / total
    box = _union_box(a["box"], b["box"])
    fill = 1.0 - ((box[2] - box[0]) * (box[3] - box[1]) - a["size"] - b["size"]) / total
    return float(colour + texture + size + fill)


def _union_box(a, b) -> np.ndarray:
    return np.array([min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])])


def _merge(a: dict, b: dict) -> dict:
    """The union region; histograms are size-weighted averages (as in the paper)."""
    size = a["size"] + b["size"]
    return {"box": _union_box(a["box"], b["box"]), "size": size,
            "colour": (a["colour"] * a["size"] + b["colour"] * b["size"]) / size,
            "texture": (a["texture"] * a["size"] + b["texture"] * b["size"]) / size}


def proposal_recall(proposals_list, gt_boxes_list, iou_threshold: float = 0.5) -> float:
    """Fraction of ground-truth boxes covered by some proposal at ``iou_threshold``."""
    from workbench.detection.boxes import iou

    found = total = 0
    for proposals, gt in zip(proposals_list, gt_boxes_list):
        gt = np.asarray(gt, np.float32).reshape(-1, 4)
        total += len(gt)
        if len(gt) and len(proposals):
            found += int((iou(gt, proposals).max(axis=1) >= iou_threshold).sum())
    return found / total if total else 1.0
