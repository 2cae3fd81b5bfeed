"""COCO JSON in and out: run-length-encoded masks, polygons and result files.

COCO stores an instance mask as a run-length encoding (RLE) over the image read in
column-major order, starting with a run of zeros: ``{"size": [H, W], "counts": [...]}``
("uncompressed") or with the counts packed into a string ("compressed", as
``pycocotools.mask.encode`` writes). Both are read here without pycocotools, and
results are written as the list of ``{"image_id", "category_id", "bbox", "score"}``
dicts that ``COCO.loadRes`` and ``metrics.coco_evaluate`` take.
Reference: Lin et al., "Microsoft COCO: Common Objects in Context" (2014), and the
format description at cocodataset.org/#format-data.
"""

from __future__ import annotations

import json
import os

import numpy as np

from workbench.errors import WorkbenchError


def mask_to_rle(mask) -> dict:
    """A 2-D boolean mask -> uncompressed COCO RLE ``{"size": [H, W], "counts": [...]}``."""
    mask = np.asarray(mask, bool)
    if mask.ndim != 2:
        raise WorkbenchError(f"a mask must be 2-D, got shape {mask.shape}")
    flat = mask.ravel(order="F")
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    counts = np.diff(np.concatenate([[0], edges, [flat.size]])).tolist()
    if flat.size and flat[0]:  # runs alternate 0s, 1s, ...: a leading 1-run follows a 0-run of 0
        counts = [0] + counts
    return {"size": [int(mask.shape[0]), int(mask.shape[1])], "counts": [int(c) for c in counts]}


def decode_counts_string(text: str) -> list[int]:
    """Unpack pycocotools' compressed RLE string (LEB128-like, 5 bits a character)."""
    counts: list[int] = []
    position = 0
    data = text.encode("ascii") if isinstance(text, str) else bytes(text)
    while position < len(data):
        value, shift, more = 0, 0, True
        while more:
            char = data[position] - 48
            value |= (char & 0x1F) << (5 * shift)
            more = bool(char & 0x20)
            position += 1
            shift += 1
            if not more and char & 0x10:  # sign bit of the last 5-bit group
                value |= -1 << (5 * shift)
        if len(counts) > 2:  # runs after the second are stored as differences
            value += counts[-2]
        counts.append(int(value))
    return counts


def encode_counts_string(counts) -> str:
    """Pack run lengths into pycocotools' compressed string (inverse of the above)."""
    out = bytearray()
    counts = [int(c) for c in counts]
    for i, count in enumerate(counts):
        value = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            char = value & 0x1F
            value >>= 5
            # Stop once the rest is pure sign extension of this group's top bit.
            more = value != -1 if char & 0x10 else value != 0
            if more:
                char |= 0x20
            out.append(char + 48)
    return out.decode("ascii")


def rle_to_mask(rle: dict) -> np.ndarray:
    """Uncompressed or compressed COCO RLE -> ``(H, W)`` bool mask."""
    try:
        height, width = (int(v) for v in rle["size"])
        counts = rle["counts"]
    except (KeyError, TypeError, ValueError) as exc:
        raise WorkbenchError(f"not a COCO RLE (needs 'size' and 'counts'): {exc}") from None
    if isinstance(counts, (str, bytes)):
        counts = decode_counts_string(counts)
    counts = np.asarray(counts, np.int64)
    if (counts < 0).any() or counts.sum() != height * width:
        raise WorkbenchError(f"RLE counts sum to {int(counts.sum())}, not H*W = {height * width}")
    values = np.arange(len(counts)) % 2 == 1
    flat = np.repeat(values, counts)
    return flat.reshape((width, height)).T.copy()


def polygons_to_mask(polygons, height: int, width: int) -> np.ndarray:
    """COCO polygons ``[[x1, y1, x2, y2, ...], ...]`` -> ``(H, W)`` bool mask.

    Rasterised exactly as pycocotools does (``coco_polygons``), so masks and segm AP are
    the ones every COCO number is computed on; not by testing pixel centres.
    """
    from workbench.detection.coco_polygons import polygons_to_mask as pycocotools_raster

    return pycocotools_raster(polygons, height, width)


def segmentation_to_mask(segmentation, height: int, width: int) -> np.ndarray:
    """A COCO ``segmentation`` field (polygons or RLE, either form) -> bool mask."""
    if isinstance(segmentation, list):
        return polygons_to_mask(segmentation, height, width)
    if isinstance(segmentation, dict):
        mask = rle_to_mask(segmentation)
        if mask.shape != (int(height), int(width)):
            raise WorkbenchError(f"RLE size {list(mask.shape)} differs from the image "
                                 f"size {[int(height), int(width)]}")
        return mask
    raise WorkbenchError(f"segmentation must be a polygon list or an RLE dict, "
                         f"got {type(segmentation).__name__}")


def rle_bbox(rle: dict) -> list[float]:
    """The ``[x, y, w, h]`` box around an RLE mask (as ``pycocotools.mask.toBbox``)."""
    mask = rle_to_mask(rle)
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return [0.0, 0.0, 0.0, 0.0]
    return [float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1),
            float(ys.max() - ys.min() + 1)]


def detections_to_coco(image_ids, boxes, scores, labels, masks=None) -> list[dict]:
    """Per-image detections -> COCO result dicts (category ids are ``label + 1``).

    ``boxes[i]`` is ``(k_i, 4)`` xyxy for image ``image_ids[i]``; ``masks[i]`` (optional)
    ``(k_i, H, W)`` bool, written as compressed RLE under ``"segmentation"``.
    """
    results = []
    for i, image_id in enumerate(image_ids):
        b = np.asarray(boxes[i], np.float64).reshape(-1, 4)
        for k in range(len(b)):
            entry = {"image_id": int(image_id), "category_id": int(labels[i][k]) + 1,
                     "bbox": [float(b[k, 0]), float(b[k, 1]), float(b[k, 2] - b[k, 0]),
                              float(b[k, 3] - b[k, 1])],
                     "score": float(scores[i][k])}
            if masks is not None:
                rle = mask_to_rle(masks[i][k])  # compressed, as COCO.loadRes requires
                entry["segmentation"] = {"size": rle["size"],
                                         "counts": encode_counts_string(rle["counts"])}
            results.append(entry)
    return results


def read_json(path: str, what: str):
    """Read a JSON file, turning every failure into a ``WorkbenchError`` naming it."""
    if not os.path.isfile(path):
        raise WorkbenchError(f"{what} file not found: {path}")
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorkbenchError(f"{what} file {path} is not valid JSON: {exc}") from None


def write_json(path: str, payload) -> None:
    """Write ``payload`` as JSON atomically (temporary file, then rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)
    os.replace(temporary, path)
