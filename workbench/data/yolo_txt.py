"""YOLO-txt annotations: ``images/`` and ``labels/`` with one ``NAME.txt`` per image.

Each line of a label file is ``class cx cy w h``: a class index into the names and the
box's centre, width and height as fractions of the image's width and height (the format
of Darknet and Ultralytics, Redmon et al. 2016 / Jocher et al.). The names come from the
``names`` option, ``classes.txt`` (LabelImg, CVAT), ``obj.names`` (Darknet) or a
``data.yaml`` (Ultralytics: a ``names:`` list or ``{index: name}`` mapping). The
Ultralytics layout ``images/train`` + ``labels/train`` is chosen with ``split``.

A segment label's line (``class x1 y1 x2 y2 x3 y3 ...``, Ultralytics) gives its outline's
box. Every problem names its file and line: a class index beyond the names, a line
without five numbers (nor a polygon), coordinates outside [0, 1] (clipped), a box with no area
(dropped), a label file without its image. Images without a label file are images with
no objects (what Ultralytics does for background images): one summary line says how
many. Only when nothing loads is it an error.
"""

from __future__ import annotations

import ast
import os

import numpy as np

from workbench.data.registry import DatasetSpec, register
from workbench.data.shapes import DetectionData, clean_box, read_rgb
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "yolo", "image", "detection",
    "YOLO-txt annotations of your own images (options: path = a folder with images/ and "
    "labels/, split = train|val for the Ultralytics layout, names = a,b,c, image_size, stream).",
    "workbench.data.yolo_txt:load_yolo_dataset", needs_path=True,
    options=("split", "names", "image_size", "stream"),
))

#: Files that hold the class names, in the order they are looked for.
NAME_FILES = ("classes.txt", "obj.names", "data.yaml", "dataset.yaml")


def is_yolo_folder(path: str) -> bool:
    """A folder with ``images/`` and ``labels/`` side by side."""
    return os.path.isdir(os.path.join(path, "images")) and os.path.isdir(os.path.join(path, "labels"))


def _image_files(folder: str) -> list[str]:
    from workbench.data.images import IMAGE_SUFFIXES

    return sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_SUFFIXES)
                  and os.path.isfile(os.path.join(folder, n)))


def layout(path: str, split: str | None = None) -> tuple[str, str]:
    """``(image folder, label folder)`` of a YOLO set: ``images/`` + ``labels/``, or their
    ``split`` sub-folders (Ultralytics; ``train`` when the top folders hold no images)."""
    path = str(path)
    if not os.path.isdir(path):
        raise WorkbenchError(f"YOLO folder not found: {path}")
    if not is_yolo_folder(path):
        raise WorkbenchError(f"{path} is not a YOLO-txt folder: it needs images/ and labels/ "
                             "sub-folders")
    images, labels = os.path.join(path, "images"), os.path.join(path, "labels")
    if split is None and not _image_files(images) and os.path.isdir(os.path.join(images, "train")):
        split = "train"
    if split is not None:
        if split not in ("train", "val", "test"):
            raise WorkbenchError(f"data option split={split!r} must be train, val or test")
        images, labels = os.path.join(images, split), os.path.join(labels, split)
        if not os.path.isdir(images):
            raise WorkbenchError(f"split={split}: {images} does not exist")
    return images, labels


# ----------------------------------------------------------------------------- class names

def parse_yaml_names(text: str, where: str) -> list[str]:
    """The ``names:`` of an Ultralytics data.yaml: a list, a flow list, or ``{i: name}``.

    PyYAML reads it when it is installed; otherwise this reader of the one key (block
    or flow style) does, so the workbench needs no YAML dependency for it."""
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        try:
            names = (yaml.safe_load(text) or {}).get("names")
        except (yaml.YAMLError, AttributeError) as exc:
            raise WorkbenchError(f"{where}: not readable YAML ({exc})") from None
        return _names_from_value(names, where)
    lines = text.splitlines()
    for number, line in enumerate(lines):
        stripped = line.split(" #", 1)[0].rstrip()
        if not stripped.startswith("names:"):
            continue
        rest = stripped[len("names:"):].strip()
        if rest:  # flow style: [a, b] or {0: a, 1: b}
            return _names_from_value(_flow(rest, f"{where}: line {number + 1}"), where)
        items = []
        for item in lines[number + 1:]:
            body = item.split(" #", 1)[0].rstrip()
            if not body.strip():
                continue
            if not item[:1].isspace():
                break
            body = body.strip()
            if body.startswith("- "):
                items.append(_scalar(body[2:]))
            elif ":" in body:
                key, value = body.split(":", 1)
                items.append((_scalar(key), _scalar(value)))
        if items and all(isinstance(i, tuple) for i in items):
            return _names_from_value({int(k): v for k, v in items}, where)
        return _names_from_value(items, where)
    raise WorkbenchError(f"{where} has no 'names:' key")


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _flow(text: str, where: str):
    """``[a, 'b c']`` or ``{0: a, 1: b}`` (bare words allowed, as YAML allows them)."""
    inner = text.strip()
    if not (inner[:1], inner[-1:]) in (("[", "]"), ("{", "}")):
        raise WorkbenchError(f"{where}: names must be a list [a, b] or a mapping {{0: a}}")
    parts = [p for p in inner[1:-1].split(",") if p.strip()]
    if inner[0] == "[":
        return [_scalar(p) for p in parts]
    pairs = [p.split(":", 1) for p in parts]
    try:
        return {int(ast.literal_eval(k.strip())): _scalar(v) for k, v in pairs}
    except (ValueError, SyntaxError):
        raise WorkbenchError(f"{where}: the names mapping needs whole-number keys") from None


def _names_from_value(names, where: str) -> list[str]:
    if isinstance(names, dict):
        try:
            keys = sorted(int(k) for k in names)
        except (TypeError, ValueError):
            raise WorkbenchError(f"{where}: the names mapping needs whole-number keys") from None
        if keys != list(range(len(keys))):
            raise WorkbenchError(f"{where}: the names mapping must number classes 0..{len(keys) - 1}")
        return [str(names.get(k, names.get(str(k)))) for k in keys]
    if isinstance(names, list) and names:
        return [str(n) for n in names]
    raise WorkbenchError(f"{where} has no class names under 'names:'")


def class_names(path: str, label_dir: str, names=None) -> tuple[list[str] | None, str]:
    """The class names and where they came from (``None`` when nothing names them)."""
    if names:
        listed = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
        if not all(listed):
            raise WorkbenchError(f"data option names={names!r} has an empty name")
        return listed, "the names option"
    for folder in dict.fromkeys((path, label_dir, os.path.dirname(label_dir))):
        for file in NAME_FILES:
            candidate = os.path.join(folder, file)
            if not os.path.isfile(candidate):
                continue
            with open(candidate, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            if file.endswith(".yaml"):
                return parse_yaml_names(text, candidate), candidate
            listed = [line.strip() for line in text.splitlines() if line.strip()]
            if not listed:
                raise WorkbenchError(f"{candidate} lists no class names")
            return listed, candidate
    return None, ""


# ----------------------------------------------------------------------------- labels

def parse_label_file(label_path: str, problems: list, names=None,
                     names_from: str = "") -> list[tuple[int, int, np.ndarray]]:
    """``(line number, class index, [cx, cy, w, h])`` of each well-formed line whose class
    is one of ``names`` (any index when ``names`` is ``None``)."""
    rows = []
    with open(label_path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            where = f"{label_path}: line {number}"
            polygon = len(fields) >= 7 and len(fields) % 2 == 1  # Ultralytics segment labels
            if len(fields) != 5 and not polygon:
                problems.append(f"{where}: {len(fields)} numbers, expected 5 (class cx cy w h); dropped")
                continue
            try:
                values = [float(v) for v in fields]
            except ValueError:
                problems.append(f"{where}: {line.strip()!r} is not {len(fields)} numbers; dropped")
                continue
            if values[0] != int(values[0]) or values[0] < 0:
                problems.append(f"{where}: class {fields[0]} is not a class index (0, 1, 2, ...); dropped")
                continue
            if names is not None and int(values[0]) >= len(names):
                problems.append(f"{where}: class index {int(values[0])} is beyond the {len(names)} "
                                f"names ({names_from}); dropped")
                continue
            rows.append((number, int(values[0]), _polygon_box(values[1:]) if polygon
                         else np.array(values[1:], np.float64)))
    return rows


def _polygon_box(xy: list[float]) -> np.ndarray:
    """``x1 y1 x2 y2 ...`` (a segment label's outline, normalised) -> its box as ``cx cy w h``."""
    xs, ys = np.asarray(xy[0::2]), np.asarray(xy[1::2])
    return np.array([(xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2,
                     xs.max() - xs.min(), ys.max() - ys.min()], np.float64)


def to_pixels(cxcywh, height: int, width: int, where: str, problems: list):
    """A normalised ``cx cy w h`` -> pixel xyxy; clipped to [0, 1] (one line), or ``None``
    (and a line) when it has no area."""
    cx, cy, w, h = cxcywh
    edges = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    if not np.isfinite(edges).all() or w <= 0 or h <= 0:
        problems.append(f"{where}: box cx={cx:g} cy={cy:g} w={w:g} h={h:g} has no area; dropped")
        return None
    clipped = np.clip(edges, 0.0, 1.0)
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        problems.append(f"{where}: box cx={cx:g} cy={cy:g} w={w:g} h={h:g} lies outside the "
                        "image (coordinates must be in [0, 1]); dropped")
        return None
    if np.abs(clipped - edges).max() > 1e-6:  # not the last digit of a written 1.0
        problems.append(f"{where}: coordinates outside [0, 1] (box edges "
                        f"{', '.join(f'{v:g}' for v in edges)}); clipped to the image")
    # four decimals of a pixel: what six written decimals carry, without float noise
    box = np.round(clipped * np.array([width, height, width, height]), 4)
    return clean_box(box, height, width, where, problems)


def load_yolo(path: str, split: str | None = None, names=None, image_size=None,
              stream: bool = False) -> tuple[DetectionData, list[str]]:
    """Load a YOLO-txt folder and its images -> ``(DetectionData, problems)``."""
    from workbench.data import detection_stream

    image_dir, label_dir = layout(path, split)
    images = _image_files(image_dir)
    if not images:
        raise WorkbenchError(f"no images (.png, .jpg, .jpeg, .bmp) in {image_dir}")
    names, names_from = class_names(str(path), label_dir, names)
    problems: list[str] = []
    stems = {os.path.splitext(n)[0] for n in images}
    label_files = sorted(n for n in os.listdir(label_dir) if n.endswith(".txt")
                         and n not in NAME_FILES) if os.path.isdir(label_dir) else []
    for orphan in (n for n in label_files if os.path.splitext(n)[0] not in stems):
        problems.append(f"{os.path.join(label_dir, orphan)}: no image of that name in {image_dir}; skipped")
    parsed = {}
    for file in images:
        label_path = os.path.join(label_dir, os.path.splitext(file)[0] + ".txt")
        if os.path.isfile(label_path):
            parsed[file] = (label_path, parse_label_file(label_path, problems, names, names_from))
    if names is None:  # nothing names the classes: their indices do
        most = max((c for _, rows in parsed.values() for _, c, _ in rows), default=0)
        names = [str(i) for i in range(most + 1)]
        problems.append(f"{path}: no classes.txt, obj.names or data.yaml; classes are named by "
                        "their index (give names=a,b,c)")
    unlabelled = [f for f in images if f not in parsed]
    records = []
    for file in images:
        image_path = os.path.join(image_dir, file)
        try:
            image = detection_stream.unread(image_path) if stream else read_rgb(image_path)
        except WorkbenchError as exc:
            problems.append(f"{exc}; skipped")
            continue
        height, width = image.shape[:2]
        boxes, labels = [], []
        label_path, rows = parsed.get(file, ("", []))
        for number, label, cxcywh in rows:
            where = f"{label_path}: line {number}"
            box = to_pixels(cxcywh, height, width, where, problems)
            if box is not None:
                boxes.append(box)
                labels.append(label)
        records.append({"image": image, "boxes": boxes, "labels": labels,
                        "difficult": [False] * len(boxes), "id": len(records) + 1, "file": file})
    data = detection_stream.label_folder_data("yolo", records, names, problems, image_dir, label_dir,
                                              unlabelled, image_size, stream)
    return data, problems


def load_yolo_dataset(options: dict, seed: int, val_fraction: float) -> DetectionData:
    """Registry loader: options ``path``, ``split``, ``names``, ``image_size``, ``stream``."""
    from workbench.data import detection_stream
    from workbench.data.shapes import side_option

    size = side_option(options.get("image_size"))
    return detection_stream.load_registered(
        lambda stream: load_yolo(options["path"], options.get("split"), options.get("names"), size,
                                 stream=stream),
        options, seed, val_fraction)
