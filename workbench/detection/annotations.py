"""Writing a detection set as annotations: COCO JSON, Pascal VOC XML or YOLO-txt.

What is written is a ``DetectionData``: a loaded set (converting between formats) or a
detector's predictions over a folder of images (pre-labelling: the boxes are saved as
annotations for a person to correct in LabelImg, CVAT or Label Studio). Each export is
a folder that the matching loader reads back, images included:

* ``coco``: ``annotations.json`` + ``images/`` (category ids ``label + 1``; a prediction's
  confidence as an extra ``score`` field; difficult objects as ``iscrowd``; instance masks,
  where the set has them, as RLE ``segmentation``).
* ``voc``: ``Annotations/NAME.xml`` (one per image, 1-based inclusive pixel corners
  ``xmin = x1 + 1``, as the VOC devkit counts them) + ``JPEGImages/``.
* ``yolo``: ``labels/NAME.txt`` (``class cx cy w h`` as fractions of the image with six
  decimals: a box comes back within 0.5e-6 of the image side, far below a pixel) +
  ``images/`` + ``classes.txt``; difficult objects are left out (the format has no flag).

Images are copied when their files are known and unchanged (a streamed set, a folder of
predictions, a YOLO-txt or KITTI set loaded at its own size); otherwise (a resized or generated set) their pixels are written as PNG, so
the boxes always match the pictures. The folder is built beside its target and moved
into place in one step (``workbench.runs.atomic``); an existing folder is replaced only
with ``force`` and only when it is an earlier export of that format.
"""

from __future__ import annotations

import os
import shutil
from xml.etree import ElementTree

import numpy as np

from workbench.errors import WorkbenchError

FORMATS = ("coco", "voc", "yolo")
#: The entry that marks a folder as an earlier export of each format (replaceable with force).
MARKERS = {"coco": "annotations.json", "voc": "Annotations", "yolo": "labels"}
IMAGE_FOLDERS = {"coco": "images", "voc": "JPEGImages", "yolo": "images"}


def _number(value: float) -> str:
    """Pixels with at most two decimals, whole numbers without any (``12``, ``12.5``)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _image_files(data) -> list[tuple[str | None, str]]:
    """Per image: the source file to copy (``None``: write pixels) and the name to give it."""
    paths = getattr(data.images, "paths", None)
    unchanged = paths is not None and not getattr(data.images, "steps", ())
    if paths is None and len(getattr(data, "source_paths", ())) == len(data):
        paths, unchanged = data.source_paths, True  # loaded in memory at the files' own size
    out = []
    for i in range(len(data)):
        name = data.file_names[i] if data.file_names else f"{data.image_ids[i]:06d}.png"
        if unchanged:
            out.append((str(paths[i]), os.path.basename(name)))
        else:  # pixels only (resized, generated): lossless PNG of the same stem
            out.append((None, os.path.splitext(os.path.basename(name))[0] + ".png"))
    names = [n for _, n in out]
    if len(set(names)) != len(names):  # two folders' a.jpg: keep both, numbered
        out = [(src, f"{i + 1:06d}_{n}") for i, (src, n) in enumerate(out)]
    return out


def _write_images(data, files, folder: str) -> None:
    from workbench.data.images import to_uint8_rgb, write_png

    os.makedirs(folder, exist_ok=True)
    for i, (source, name) in enumerate(files):
        target = os.path.join(folder, name)
        if source is not None:
            shutil.copyfile(source, target)
        else:
            write_png(target, to_uint8_rgb(np.asarray(data.images[i], np.float32)))


def _boxes(data, i: int) -> np.ndarray:
    return np.asarray(data.boxes[i], np.float64).reshape(-1, 4)


def _difficult(data, i: int, k: int) -> bool:
    return data.difficult is not None and bool(data.difficult[i][k])


def coco_payload(data, files, scores=None) -> dict:
    """The COCO dict of ``data`` with ``files``' names (``scores``: per image, per box)."""
    from workbench.detection.cocoeval_json import mask_to_rle

    images, annotations = [], []
    keypoints = getattr(data, "keypoints", None) if getattr(data, "keypoint_names", ()) else None
    for i in range(len(data)):
        height, width = data.image_size(i)
        images.append({"id": int(data.image_ids[i]), "file_name": files[i][1],
                       "width": int(width), "height": int(height)})
        masks = None if data.masks is None else data.masks[i]
        for k, (x1, y1, x2, y2) in enumerate(_boxes(data, i)):
            entry = {"id": len(annotations) + 1, "image_id": int(data.image_ids[i]),
                     "category_id": int(data.labels[i][k]) + 1,
                     "bbox": [float(x1), float(y1), float(x2 - x1), float(y2 - y1)],
                     "area": float((x2 - x1) * (y2 - y1)), "iscrowd": int(_difficult(data, i, k))}
            if masks is not None:  # instance masks travel as uncompressed RLE, as to_coco writes them
                entry["segmentation"] = mask_to_rle(np.asarray(masks[k], bool))
                entry["area"] = float(np.count_nonzero(masks[k]))
            if scores is not None:
                entry["score"] = float(scores[i][k])
            if keypoints is not None:
                entry.update(_coco_keypoints(keypoints[i][k]))
            annotations.append(entry)
    categories = [{"id": c + 1, "name": name, "supercategory": "object"}
                  for c, name in enumerate(data.class_names)]
    if keypoints is not None:  # COCO's person-keypoints schema: names, and 1-based skeleton pairs
        skeletons = tuple(getattr(data, "skeletons", ()) or ())
        for c, category in enumerate(categories):
            category["keypoints"] = list(data.keypoint_names)
            category["skeleton"] = [[a + 1, b + 1] for a, b in (skeletons[c] if c < len(skeletons) else ())]
    return {"images": images, "annotations": annotations, "categories": categories}


def _coco_keypoints(points) -> dict:
    """One object's ``(K, 3)`` keypoints as COCO writes them: ``[x, y, v, ...]`` with an
    unlabelled point (v = 0) as ``0, 0, 0``, and ``num_keypoints`` the labelled ones."""
    points = np.asarray(points, np.float64).reshape(-1, 3)
    flat = []
    for x, y, v in points:
        flat += [float(x), float(y), int(v)] if v > 0 else [0.0, 0.0, 0]
    return {"keypoints": flat, "num_keypoints": int(np.count_nonzero(points[:, 2] > 0))}


def voc_xml(data, i: int, file_name: str, folder: str = "JPEGImages") -> bytes:
    """One image's VOC XML (``xmin = x1 + 1``: VOC counts pixels from 1, inclusive)."""
    height, width = data.image_size(i)
    root = ElementTree.Element("annotation")
    ElementTree.SubElement(root, "folder").text = folder
    ElementTree.SubElement(root, "filename").text = file_name
    size = ElementTree.SubElement(root, "size")
    for tag, value in (("width", width), ("height", height), ("depth", 3)):
        ElementTree.SubElement(size, tag).text = str(int(value))
    ElementTree.SubElement(root, "segmented").text = "0"
    for k, (x1, y1, x2, y2) in enumerate(_boxes(data, i)):
        node = ElementTree.SubElement(root, "object")
        ElementTree.SubElement(node, "name").text = str(data.class_names[int(data.labels[i][k])])
        ElementTree.SubElement(node, "pose").text = "Unspecified"
        ElementTree.SubElement(node, "truncated").text = "0"
        ElementTree.SubElement(node, "difficult").text = str(int(_difficult(data, i, k)))
        box = ElementTree.SubElement(node, "bndbox")
        for tag, value in (("xmin", x1 + 1), ("ymin", y1 + 1), ("xmax", x2), ("ymax", y2)):
            ElementTree.SubElement(box, tag).text = _number(value)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def yolo_lines(data, i: int) -> str:
    """One image's YOLO-txt: ``class cx cy w h`` as fractions of the width and height.

    Difficult objects are left out: YOLO-txt cannot mark them, and a crowd region or a
    KITTI DontCare written as an object would teach a detector to find it (Darknet's
    ``voc_label.py`` skips VOC's difficult objects too)."""
    height, width = data.image_size(i)
    lines = []
    for k, (x1, y1, x2, y2) in enumerate(_boxes(data, i)):
        if _difficult(data, i, k):
            continue
        cx, cy = (x1 + x2) / 2 / width, (y1 + y2) / 2 / height
        w, h = (x2 - x1) / width, (y2 - y1) / height
        lines.append(f"{int(data.labels[i][k])} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}")
    return "".join(line + "\n" for line in lines)


def _write_text(path: str, text: str | bytes) -> None:
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as handle:
        handle.write(text)


def _fill(data, fmt: str, folder: str, scores, with_images: bool) -> list[str]:
    """Write the export's files into ``folder`` (a fresh temporary); returns notes."""
    from workbench.runs.atomic import write_json

    files = _image_files(data)
    notes = []
    os.makedirs(folder, exist_ok=True)
    if with_images:
        _write_images(data, files, os.path.join(folder, IMAGE_FOLDERS[fmt]))
    if fmt == "coco":
        write_json(os.path.join(folder, "annotations.json"), coco_payload(data, files, scores))
    elif fmt == "voc":
        os.makedirs(os.path.join(folder, "Annotations"))
        for i, (_, name) in enumerate(files):
            _write_text(os.path.join(folder, "Annotations", os.path.splitext(name)[0] + ".xml"),
                        voc_xml(data, i, name))
    else:
        os.makedirs(os.path.join(folder, "labels"))
        for i, (_, name) in enumerate(files):
            _write_text(os.path.join(folder, "labels", os.path.splitext(name)[0] + ".txt"), yolo_lines(data, i))
        _write_text(os.path.join(folder, "classes.txt"), "".join(f"{n}\n" for n in data.class_names))
        flagged = sum(int(np.sum(d)) for d in data.difficult) if data.difficult is not None else 0
        if flagged:
            notes.append(f"YOLO-txt has no 'difficult' flag: {flagged} difficult/crowd/DontCare "
                         "box(es) left out")
        if scores is not None:
            notes.append("YOLO-txt labels keep no confidence: the scores are not written")
    return notes


def export(data, fmt: str, out: str, force: bool = False, scores=None,
           with_images: bool = True) -> list[str]:
    """Write ``data`` as ``fmt`` annotations into the folder ``out``; returns notes for the user.

    ``scores`` (per image, one per box) marks the boxes as predictions. ``out`` must be new,
    empty, or (with ``force``) an earlier export of the same format.
    """
    from workbench.runs.atomic import atomic_path
    from workbench.runs.outputs import check_output_path

    if fmt not in FORMATS:
        raise WorkbenchError(f"unknown annotation format {fmt!r}; choose {', '.join(FORMATS)}")
    if not len(data):
        raise WorkbenchError("there are no images to export")
    out = check_output_path(out, kind="directory", force=force, marker=MARKERS[fmt])
    with atomic_path(out) as tmp:
        notes = _fill(data, fmt, tmp, scores, with_images)
    return notes


# ----------------------------------------------------------------------------- predictions

def predict_folder(model, source, score_threshold: float = 0.5, iou_threshold: float = 0.5,
                   progress=None, cancel=None):
    """A detector's boxes on every image of ``source`` -> ``(DetectionData, scores)``.

    ``source``: a folder, a list of image files, or a ``DetectionData`` (its pixels and
    file names: the Detect tab's annotated set). Files are kept as files
    (``detection_stream.ImageFiles``), so an export copies them unchanged.
    ``progress(done, total)`` is called after each image; a set ``cancel`` event stops
    early (``WorkbenchError``).
    """
    from workbench.data import detection_stream
    from workbench.data.images import read_image
    from workbench.data.shapes import DetectionData
    from workbench.detection import inference

    if not hasattr(model, "predict_candidates"):
        raise WorkbenchError(f"{getattr(model, 'name', 'the model')} is not a detector")
    given = source if isinstance(source, DetectionData) else None
    if given is not None:
        paths = None
        count, file_names = len(given), given.file_names or tuple(f"{i:06d}.png" for i in given.image_ids)
    else:
        if isinstance(source, (list, tuple)):
            paths = [str(p) for p in source]
        elif os.path.isdir(str(source)):
            from workbench.data.yolo_txt import _image_files

            paths = [os.path.join(str(source), n) for n in _image_files(str(source))]
        else:
            raise WorkbenchError(f"image folder not found: {source}")
        if not paths:
            raise WorkbenchError(f"no images (.png, .jpg, .jpeg, .bmp) in {source}")
        count, file_names = len(paths), tuple(os.path.basename(p) for p in paths)
    boxes, labels, scores, sizes = [], [], [], []
    for i in range(count):
        if cancel is not None and cancel.is_set():
            raise WorkbenchError("prediction cancelled")
        image = np.asarray(given.images[i], np.float32) if given is not None else read_image(paths[i])
        selected, _ = inference.detect(model, image, score_threshold, iou_threshold)
        sizes.append(image.shape[:2])
        boxes.append(np.asarray(selected["boxes"], np.float32).reshape(-1, 4))
        labels.append(np.asarray(selected["labels"], np.int64).reshape(-1))
        scores.append(np.asarray(selected["scores"], np.float32).reshape(-1))
        if progress is not None:
            progress(i + 1, count)
    names = tuple(getattr(model, "class_names", ()) or ())
    most = max((int(lab.max()) + 1 for lab in labels if len(lab)), default=0)
    names = names + tuple(str(i) for i in range(len(names), most))  # unnamed classes by index
    images = given.images if given is not None else detection_stream.ImageFiles(paths, sizes)
    data = DetectionData(images, boxes, labels, None, names, file_names=file_names,
                         image_ids=given.image_ids if given is not None else (), name="predictions",
                         difficult=[np.zeros(len(b), bool) for b in boxes])
    return data, scores


# ----------------------------------------------------------------------------- reading any

def annotation_format(path: str) -> str | None:
    """Which loader reads ``path``: ``coco`` (a .json), ``yolo``, ``kitti`` or ``voc`` (folders),
    ``None`` when it is none of them."""
    from workbench.data.kitti import is_kitti_folder
    from workbench.data.yolo_txt import is_yolo_folder

    path = str(path)
    if path.lower().endswith(".json"):
        return "coco"
    if path.lower().endswith(".xml"):
        return "voc"
    if not os.path.isdir(path):
        return None
    if is_yolo_folder(path):
        return "yolo"
    if is_kitti_folder(path):
        return "kitti"
    if os.path.isdir(os.path.join(path, "Annotations")) or any(
            n.lower().endswith(".xml") for n in os.listdir(path)):
        return "voc"
    return None


def read_annotations(path: str):
    """A COCO .json, a VOC folder / .xml, a YOLO-txt folder or a KITTI folder -> ``DetectionData``
    (a file beside a YOLO-txt set's ``images/``, such as its ``classes.txt``, means that set)."""
    path = str(path)
    if os.path.isfile(path) and annotation_format(os.path.dirname(path)) in ("yolo", "kitti"):
        path = os.path.dirname(path)
    fmt = annotation_format(path)
    if fmt is None and annotation_format(os.path.dirname(os.path.abspath(path))) == "yolo":
        path, fmt = os.path.dirname(os.path.abspath(path)), "yolo"  # its labels/ (with classes.txt)
    if fmt == "coco":
        from workbench.data.coco import load_coco

        return load_coco(path)[0]
    if fmt == "yolo":
        from workbench.data.yolo_txt import load_yolo

        return load_yolo(path)[0]
    if fmt == "kitti":
        from workbench.data.kitti import load_kitti

        return load_kitti(path)[0]
    if fmt == "voc":
        from workbench.data.voc import load_voc

        return load_voc(path)[0]
    raise WorkbenchError(f"{path} is not a set of annotations this workbench reads (a COCO .json, "
                         "a VOC folder, a YOLO-txt folder with images/ and labels/, or a KITTI "
                         "folder with image_2/ and label_2/)")
