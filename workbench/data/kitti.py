"""KITTI object labels: ``image_2/`` with the images and ``label_2/`` with one ``.txt`` each.

Each line describes one object (Geiger et al., "Are we ready for autonomous driving? The
KITTI vision benchmark suite", 2012; the devkit's readme):
``type truncated occluded alpha x1 y1 x2 y2 h w l x y z ry [score]`` — the 2-D box is
``x1 y1 x2 y2`` in pixels (0-based, the values used as box edges), the rest is 3-D
geometry this workbench does not use. ``DontCare`` regions hold objects nobody
labelled: they become ``difficult`` boxes, one per class, so evaluation counts no
detection there as a false positive (the devkit ignores them the same way).

Classes are the types in order of first appearance, or the ``classes`` option
(``classes=Car,Pedestrian,Cyclist``; objects of other types are counted in one line and
left out). Every problem names its file and line.
"""

from __future__ import annotations

import os
from collections import Counter

from workbench.data.registry import DatasetSpec, register
from workbench.data.shapes import DetectionData, clean_box, read_rgb
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "kitti", "image", "detection",
    "KITTI object labels of your own images (options: path = a folder with image_2/ and "
    "label_2/, classes = Car,Pedestrian,..., dontcare = difficult|drop, image_size, stream).",
    "workbench.data.kitti:load_kitti_dataset", needs_path=True,
    options=("classes", "dontcare", "image_size", "stream"),
))

DONT_CARE = "DontCare"


def layout(path: str) -> tuple[str, str]:
    """``(image_2, label_2)`` of a KITTI folder (or of its ``training/`` sub-folder)."""
    path = str(path)
    for root in (path, os.path.join(path, "training")):
        images, labels = os.path.join(root, "image_2"), os.path.join(root, "label_2")
        if os.path.isdir(images) and os.path.isdir(labels):
            return images, labels
    if not os.path.isdir(path):
        raise WorkbenchError(f"KITTI folder not found: {path}")
    raise WorkbenchError(f"{path} is not a KITTI folder: it needs image_2/ and label_2/ sub-folders")


def is_kitti_folder(path: str) -> bool:
    try:
        layout(path)
        return True
    except WorkbenchError:
        return False


def parse_line(line: str, where: str) -> tuple[str, list[float]]:
    """One KITTI label line -> ``(type, [x1, y1, x2, y2])``; ``ValueError`` says what is wrong."""
    fields = line.split()
    if len(fields) not in (15, 16):
        raise ValueError(f"{where}: {len(fields)} fields, expected 15 (type truncated occluded "
                         "alpha x1 y1 x2 y2 h w l x y z ry) or 16 (with score)")
    try:
        numbers = [float(v) for v in fields[1:]]
    except ValueError:
        raise ValueError(f"{where}: fields after the type must be numbers") from None
    return fields[0], numbers[3:7]


def parse_label_file(label_path: str, problems: list) -> list[tuple[int, str, list[float]]]:
    """``(line number, type, box)`` of each well-formed line of one label file."""
    rows = []
    with open(label_path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append((number, *parse_line(line, f"{label_path}: line {number}")))
            except ValueError as exc:
                problems.append(f"{exc}; dropped")
    return rows


def load_kitti(path: str, classes=None, dontcare: str = "difficult", image_size=None,
               stream: bool = False) -> tuple[DetectionData, list[str]]:
    """Load a KITTI folder and its images -> ``(DetectionData, problems)``."""
    from workbench.data import detection_stream
    from workbench.data.yolo_txt import _image_files

    if dontcare not in ("difficult", "drop"):
        raise WorkbenchError(f"data option dontcare={dontcare!r} must be difficult or drop")
    image_dir, label_dir = layout(path)
    images = _image_files(image_dir)
    if not images:
        raise WorkbenchError(f"no images (.png, .jpg, .jpeg, .bmp) in {image_dir}")
    problems: list[str] = []
    stems = {os.path.splitext(n)[0] for n in images}
    for orphan in sorted(n for n in os.listdir(label_dir) if n.endswith(".txt")
                         and os.path.splitext(n)[0] not in stems):
        problems.append(f"{os.path.join(label_dir, orphan)}: no image of that name in {image_dir}; skipped")
    parsed = {}
    for file in images:
        label_path = os.path.join(label_dir, os.path.splitext(file)[0] + ".txt")
        if os.path.isfile(label_path):
            parsed[file] = (label_path, parse_label_file(label_path, problems))
    if classes:
        names = [c.strip() for c in (classes.split(",") if isinstance(classes, str) else classes)]
        if not all(names) or DONT_CARE in names:
            raise WorkbenchError(f"data option classes={classes!r}: names must be non-empty and "
                                 f"not {DONT_CARE}")
    else:  # in order of first appearance
        names = list(dict.fromkeys(t for f in images for _, t, _ in parsed.get(f, ("", []))[1]
                                   if t != DONT_CARE))
    left_out: Counter = Counter()
    records = []
    for file in images:
        image_path = os.path.join(image_dir, file)
        try:
            image = detection_stream.unread(image_path) if stream else read_rgb(image_path)
        except WorkbenchError as exc:
            problems.append(f"{exc}; skipped")
            continue
        height, width = image.shape[:2]
        boxes, labels, difficult = [], [], []
        label_path, rows = parsed.get(file, ("", []))
        for number, kind, raw in rows:
            if kind != DONT_CARE and kind not in names:
                left_out[kind] += 1
                continue
            if kind == DONT_CARE and dontcare == "drop":
                continue
            box = clean_box(raw, height, width, f"{label_path}: line {number} ({kind})", problems)
            if box is None:
                continue
            if kind == DONT_CARE:  # ignored for every class: one difficult box per class
                boxes.extend([box] * len(names))
                labels.extend(range(len(names)))
                difficult.extend([True] * len(names))
            else:
                boxes.append(box)
                labels.append(names.index(kind))
                difficult.append(False)
        records.append({"image": image, "boxes": boxes, "labels": labels, "difficult": difficult,
                        "id": len(records) + 1, "file": file})
    if left_out:
        problems.append(f"{sum(left_out.values())} object(s) of types not in classes={','.join(names)} "
                        f"left out: " + ", ".join(f"{k} ({v})" for k, v in sorted(left_out.items())))
    unlabelled = [f for f in images if f not in parsed]
    data = detection_stream.label_folder_data("kitti", records, names, problems, image_dir, label_dir,
                                              unlabelled, image_size, stream)
    return data, problems


def load_kitti_dataset(options: dict, seed: int, val_fraction: float) -> DetectionData:
    """Registry loader: options ``path``, ``classes``, ``dontcare``, ``image_size``, ``stream``."""
    from workbench.data import detection_stream
    from workbench.data.shapes import side_option

    size = side_option(options.get("image_size"))
    return detection_stream.load_registered(
        lambda stream: load_kitti(options["path"], options.get("classes"),
                                  str(options.get("dontcare", "difficult")), size, stream=stream),
        options, seed, val_fraction)
