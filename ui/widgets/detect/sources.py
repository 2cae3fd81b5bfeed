"""Where the Detect tab's images come from: annotated sets, folders, files (no widgets)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from workbench.errors import WorkbenchError

#: The shapes set the panel falls back on, as the Data tab loads it by default.
SHAPES_OPTIONS = {"count": 200, "image_size": 64, "max_objects": 3}
SHAPES_VAL_FRACTION = 0.2


@dataclass
class Item:
    """One image to look at: an index into an annotated set, or a file."""

    key: str
    caption: str
    path: str = ""
    index: int = -1


def folder_images(folder: str) -> list[str]:
    from workbench.data.images import IMAGE_SUFFIXES

    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise WorkbenchError(f"cannot list {folder}: {error.strerror or error}") from None
    paths = [os.path.join(folder, n) for n in names if n.lower().endswith(IMAGE_SUFFIXES)]
    if not paths:
        raise WorkbenchError(f"no images (.png, .jpg, .jpeg, .bmp) in {folder}")
    return paths


def is_voc_folder(folder: str) -> bool:
    """A VOC layout (``Annotations/``) or a folder holding ``.xml`` annotation files."""
    if os.path.isdir(os.path.join(folder, "Annotations")):
        return True
    try:
        return any(n.lower().endswith(".xml") for n in os.listdir(folder))
    except OSError:
        return False


def read_annotations(path: str):
    """A VOC folder / .xml, a COCO .json, a YOLO-txt or KITTI folder -> ``DetectionData`` (worker)."""
    from workbench.detection.annotations import read_annotations as read_any

    return read_any(path)


def shapes_validation():
    """The shapes validation images the Data tab's default ``shapes`` set holds out."""
    from workbench.data.shapes import load_shapes

    return load_shapes(dict(SHAPES_OPTIONS), 0, SHAPES_VAL_FRACTION).train_val()[1]
