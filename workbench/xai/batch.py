"""Explaining every image of a folder, writing one overlay per image.

Shaped like Orange's concurrent tasks: a plain function with a ``progress(done,
total)`` callback and a ``should_stop()`` flag checked between images, so the CLI and
a GUI worker thread can both drive it. Unreadable files are skipped and counted;
every overlay is written atomically, so a cancelled run leaves only whole files.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError


def image_files(folder: str, exclude: str | None = None) -> list[str]:
    """Image files under ``folder`` (recursively, sorted), leaving out ``exclude``."""
    from workbench.data.images import IMAGE_SUFFIXES

    if not os.path.isdir(folder):
        raise WorkbenchError(f"folder not found: {folder}")
    exclude = os.path.abspath(exclude) if exclude else None
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not exclude or os.path.abspath(os.path.join(root, d)) != exclude)
        found += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(IMAGE_SUFFIXES)]
    return found


def output_path(folder: str, path: str, out_dir: str, method: str) -> str:
    stem = os.path.splitext(os.path.relpath(path, folder))[0]
    return os.path.join(out_dir, f"{stem}_{method}.png")


def explain_folder(model, folder: str, method: str, out_dir: str, input_shape, progress=None,
                   should_stop=None, value_range: float = 1.0, alpha: float = 0.5, colormap: str = "jet",
                   **options) -> dict:
    """Explain each image of ``folder`` with ``method``; overlays go to ``out_dir``.

    ``options`` go to ``explain`` (``layer``, ``class_index``, ``seed``, method options).
    Returns ``dict(total, written, skipped, skipped_files, cancelled, outputs, classes,
    out_dir, elapsed_s)``; the same summary is saved as ``out_dir/summary.json``.
    """
    from workbench.data.images import fit_image, read_image, write_png
    from workbench.runs.atomic import write_json
    from workbench.xai import explain, method_info, overlay
    from workbench.xai.common import Stopwatch

    method_info(method)  # unknown method: fail before touching any file
    watch = Stopwatch()
    files = image_files(folder, exclude=out_dir)
    summary = {"total": len(files), "written": 0, "skipped": 0, "skipped_files": [], "cancelled": False,
               "outputs": [], "classes": {}, "out_dir": os.path.abspath(out_dir), "method": method}
    for done, path in enumerate(files):
        if should_stop is not None and should_stop():
            summary["cancelled"] = True
            break
        try:
            picture = fit_image(read_image(path), tuple(input_shape))
        except WorkbenchError as error:
            summary["skipped"] += 1
            summary["skipped_files"].append(f"{path}: {error}")
        else:
            explanation = explain(model, picture * np.float32(value_range), method, **options)
            target = output_path(folder, path, out_dir, method)
            write_png(target, overlay(picture, explanation.heatmap, alpha, colormap))
            summary["written"] += 1
            summary["outputs"].append(target)
            summary["classes"][os.path.relpath(path, folder)] = explanation.class_index
        if progress is not None:
            progress(done + 1, len(files))
    summary["elapsed_s"] = watch.elapsed
    write_json(os.path.join(out_dir, "summary.json"), summary)
    return summary
