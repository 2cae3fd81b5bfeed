"""A folder of class sub-folders (ImageNet / Food-101 style): ``root/<class>/<image>``.

Unreadable files are skipped and counted, never fatal; grayscale, RGB and RGBA are
normalised to one channel count (gray only if every image is gray).
"""

from __future__ import annotations

import os

import numpy as np

from workbench.data.base import DataInfo, Dataset, split
from workbench.data.images import IMAGE_SUFFIXES, fit_image, read_image
from workbench.data.registry import DatasetSpec, register, whole_option
from workbench.errors import WorkbenchError

register(DatasetSpec(
    "folder", "image", "classification",
    "Your own images: a folder with one sub-folder per class (jpg, png, bmp).",
    "workbench.data.folders:load_folder", needs_path=True, options=("image_size", "stream", "cache"),
))

DEFAULT_SIZE = 64


def load_folder(options: dict, seed: int, val_fraction: float) -> Dataset:
    root = options["path"]
    size = whole_option(options, "image_size", DEFAULT_SIZE, 4, 1024)
    loading = ""
    if str(options.get("stream", "auto")) != "no":
        # stream=auto|yes: list (headers only) and stream when the arrays would be too big
        from workbench.data import streaming

        listing = streaming.list_images(root, options.get("_progress"))
        stream, loading = streaming.choose(str(options.get("stream", "auto")), len(listing.files), size,
                                           listing.channels)
        if stream:
            return streaming.streaming_folder(listing, size, seed, val_fraction, loading,
                                              cache=str(options.get("cache") or ""))
    files, labels, classes = _list_files(root)
    images, kept, ids, skipped = [], [], [], []
    for path, label in zip(files, labels):
        try:
            image = read_image(path)  # resized now (channels later): full-size images are not all held
            images.append(fit_image(image, (size, size, image.shape[2])))
            kept.append(label)
            ids.append(sample_id(root, path))
        except WorkbenchError as error:
            skipped.append(str(error))
    if not images:
        raise WorkbenchError(f"no readable images in {root} ({len(skipped)} file(s) skipped)")
    channels = 1 if all(im.shape[2] == 1 for im in images) else 3
    shape = (size, size, channels)
    x = np.stack([fit_image(im, shape) for im in images]).astype(np.float32)
    y = np.asarray(kept, np.int64)
    info = DataInfo(os.path.basename(os.path.normpath(root)), "image", "classification",
                    shape, tuple(classes))
    x_train, y_train, x_val, y_val, ids_train, ids_val = split(x, y, val_fraction, seed, ids=ids)
    dataset = Dataset(info, x_train, y_train, x_val, y_val, skipped=skipped, ids_train=ids_train,
                      ids_val=ids_val, root=os.path.abspath(root))
    dataset.loading = loading  # "in memory (stream=auto): ..." for the Data tab and the CLI
    return dataset


def sample_id(root: str, path: str) -> str:
    """``cat/001.png``: the path under ``root`` with ``/`` on every system (marks stay portable)."""
    return os.path.relpath(path, root).replace(os.sep, "/")


def _list_files(root: str) -> tuple[list[str], list[int], list[str]]:
    if not os.path.isdir(root):
        raise WorkbenchError(f"folder not found: {root}")
    classes = sorted(d for d in os.listdir(root)
                     if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))
    if not classes:
        raise WorkbenchError(f"{root} has no class sub-folders (expected {root}/<class>/<image>)")
    files, labels = [], []
    for index, name in enumerate(classes):
        folder = os.path.join(root, name)
        for file in sorted(os.listdir(folder)):
            if file.lower().endswith(IMAGE_SUFFIXES):
                files.append(os.path.join(folder, file))
                labels.append(index)
    if not files:
        raise WorkbenchError(f"{root} has class folders but no .jpg/.png/.bmp files in them")
    return files, labels, classes
