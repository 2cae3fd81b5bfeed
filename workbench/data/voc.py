"""Pascal VOC XML annotations: a folder (or list) of ``.xml`` files and their images.

Each XML file names its image (``<filename>``) and lists ``<object>``s with a class
``<name>``, an optional ``<difficult>`` flag and a ``<bndbox>`` of 1-based inclusive
pixel indices ``xmin, ymin, xmax, ymax`` (Everingham et al., "The PASCAL Visual Object
Classes Challenge", 2010). They become edge coordinates ``[xmin - 1, ymin - 1, xmax,
ymax]`` as in Detectron2. Files that LabelImg and CVAT export load the same way.

A file that cannot be parsed, an image that is missing or unreadable, a box reaching
outside its image (clipped) or one with no area (dropped) each give one problem line
naming the file and the object; the rest loads. Only when nothing loads is it an error.
"""

from __future__ import annotations

import glob
import os
import xml.etree.ElementTree as ElementTree

from workbench.data.registry import DatasetSpec, register
from workbench.data.shapes import DetectionData, assemble, clean_box, read_rgb
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "voc", "image", "detection",
    "Pascal VOC XML annotations of your own images (options: path = a VOC folder or a "
    "folder of .xml files, image_dir, image_size, stream).",
    "workbench.data.voc:load_voc_dataset", needs_path=True,
    options=("image_dir", "image_size", "stream"),
))


def _xml_files(folder_or_xml_files) -> tuple[list[str], str | None]:
    """The annotation files and the image folder a VOC layout implies."""
    if isinstance(folder_or_xml_files, (list, tuple)):
        return sorted(str(p) for p in folder_or_xml_files), None
    path = str(folder_or_xml_files)
    if os.path.isfile(path):
        return [path], None
    if not os.path.isdir(path):
        raise WorkbenchError(f"VOC annotations not found: {path}")
    annotations = os.path.join(path, "Annotations")
    if os.path.isdir(annotations):  # the VOCdevkit layout
        return sorted(glob.glob(os.path.join(annotations, "*.xml"))), os.path.join(path,
                                                                                   "JPEGImages")
    return sorted(glob.glob(os.path.join(path, "*.xml"))), None


def _image_path(xml_path: str, filename: str, image_dir: str | None) -> str:
    """Where the image of ``xml_path`` is: ``image_dir``, ``../JPEGImages`` or beside it."""
    folder = os.path.dirname(os.path.abspath(xml_path))
    candidates = [os.path.join(d, filename) for d in
                  (image_dir, os.path.join(os.path.dirname(folder), "JPEGImages"), folder) if d]
    return next((c for c in candidates if os.path.isfile(c)), candidates[0])


def _number(node, tag: str) -> float:
    text = node.findtext(tag)
    if text is None:
        raise ValueError(f"no <{tag}>")
    return float(text)


def _parse(xml_path: str) -> tuple[str, list[dict]]:
    """One XML file -> image file name and its objects (raises ValueError if malformed)."""
    try:
        root = ElementTree.parse(xml_path).getroot()
    except (ElementTree.ParseError, OSError) as exc:
        raise ValueError(f"not valid XML ({exc})") from None
    filename = (root.findtext("filename") or "").strip()
    if not filename:
        raise ValueError("no <filename>")
    objects = []
    for index, node in enumerate(root.findall("object")):
        name = (node.findtext("name") or "").strip()
        box = node.find("bndbox")
        try:
            if not name or box is None:
                raise ValueError("no <name>" if not name else "no <bndbox>")
            coords = [_number(box, t) for t in ("xmin", "ymin", "xmax", "ymax")]
            objects.append({"index": index, "name": name,
                            "difficult": (node.findtext("difficult") or "0").strip() == "1",
                            "box": [coords[0] - 1.0, coords[1] - 1.0, coords[2], coords[3]]})
        except ValueError as exc:
            objects.append({"index": index, "name": name, "error": str(exc)})
    return filename, objects


def load_voc(folder_or_xml_files, image_dir: str | None = None, class_names=None,
             image_size=None, stream: bool = False) -> tuple[DetectionData, list[str]]:
    """Load VOC annotations and their images -> ``(DetectionData, problems)``.

    ``class_names`` fixes the classes and their order (objects of other classes are
    reported and skipped); by default the sorted names found. ``image_size`` resizes
    every image on load. Difficult objects are kept and flagged in ``difficult``.
    ``stream`` reads only each image's header (``detection_stream``): the pixels are
    decoded when training asks for them.
    """
    from workbench.data import detection_stream

    files, layout_images = _xml_files(folder_or_xml_files)
    if not files:
        raise WorkbenchError(f"no .xml annotation files in {folder_or_xml_files}")
    image_dir = image_dir or layout_images
    problems: list[str] = []
    parsed = []
    for xml_path in files:
        try:
            parsed.append((xml_path, *_parse(xml_path)))
        except ValueError as exc:
            problems.append(f"{xml_path}: {exc}; file skipped")
    if class_names is None:
        class_names = sorted({o["name"] for _, _, objs in parsed for o in objs if "box" in o})
    class_names = tuple(class_names)
    records = []
    for xml_path, filename, objects in parsed:
        image_path = _image_path(xml_path, filename, image_dir)
        try:
            image = detection_stream.unread(image_path) if stream else read_rgb(image_path)
        except WorkbenchError as exc:
            problems.append(f"{xml_path}: {exc}; file skipped")
            continue
        height, width = image.shape[:2]
        boxes, labels, difficult = [], [], []
        for obj in objects:
            where = f"{xml_path}: object {obj['index'] + 1} ({obj['name'] or 'unnamed'})"
            if "error" in obj:
                problems.append(f"{where}: {obj['error']}; dropped")
                continue
            if obj["name"] not in class_names:
                problems.append(f"{where}: class not in {list(class_names)}; dropped")
                continue
            box = clean_box(obj["box"], height, width, where, problems)
            if box is not None:
                boxes.append(box)
                labels.append(class_names.index(obj["name"]))
                difficult.append(obj["difficult"])
        records.append({"image": image, "boxes": boxes, "labels": labels,
                        "difficult": difficult, "id": len(records) + 1,
                        "file": os.path.basename(image_path)})
    data = (detection_stream.streamed_detection if stream else assemble)(
        "voc", records, class_names, problems, image_size)
    return data, problems


def load_voc_dataset(options: dict, seed: int, val_fraction: float) -> DetectionData:
    """Registry loader: options ``path``, ``image_dir``, ``image_size``, ``stream`` (auto|yes|no)."""
    from workbench.data import detection_stream
    from workbench.data.shapes import side_option

    size = side_option(options.get("image_size"))
    data = detection_stream.load(lambda stream: load_voc(options["path"], options.get("image_dir"),
                                                         image_size=size, stream=stream), options)
    data.val_fraction, data.split_seed = float(val_fraction), int(seed)
    return data
