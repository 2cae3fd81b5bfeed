"""The Compare tab's saved files: each overlay, and one sheet of titled tiles (worker thread)."""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError

#: Side of one tile of the saved comparison sheet, and tiles per row.
SHEET_TILE = 192
SHEET_COLUMNS = 4


def compose_sheet(tiles: list[tuple[np.ndarray, str, str]], size: int = SHEET_TILE,
                  columns: int = SHEET_COLUMNS) -> np.ndarray:
    """``[(rgb, title, line), ...]`` -> one uint8 RGB sheet of titled tiles, ``columns`` per row."""
    import cv2

    header = 40
    columns = max(1, min(columns, len(tiles)))
    rows = -(-len(tiles) // columns)
    sheet = np.full((rows * (size + header), columns * size, 3), 255, np.uint8)
    for index, (rgb, title, line) in enumerate(tiles):
        small = max(rgb.shape[:2]) < size
        body = cv2.resize(rgb, (size, size), interpolation=cv2.INTER_NEAREST if small else cv2.INTER_AREA)
        top, left = (index // columns) * (size + header), (index % columns) * size
        sheet[top + header:top + header + size, left:left + size] = body
        for text, y, scale, colour in ((title, 16, 0.5, (0, 0, 0)), (line, 34, 0.4, (70, 70, 70))):
            (width, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
            scale = scale if width <= size - 8 else scale * (size - 8) / width
            cv2.putText(sheet, text, (left + 4, top + y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1,
                        cv2.LINE_AA)
    return sheet


def sheet_tiles(picture: np.ndarray, overlays: dict[str, np.ndarray], results: dict, scores: dict,
                class_names) -> list[tuple[np.ndarray, str, str]]:
    """The input (with the class and its probability) and each method's overlay with its AUCs
    (its time while the scores are still missing)."""
    from workbench import xai

    first = results[next(iter(overlays))]
    tiles = [(picture, "input",
              f"{class_names[first.class_index]}  p={first.probabilities[first.class_index]:.2f}")]
    for method, rgb in overlays.items():
        score = scores.get(method)
        line = (f"del {score['deletion_auc']:.3f}  ins {score['insertion_auc']:.3f}" if score
                else f"{results[method].elapsed_s:.2f} s")
        tiles.append((rgb, xai.METHODS[method].title, line))
    return tiles


def write_overlays(folder: str, stem: str, overlays: dict[str, np.ndarray], sheet: np.ndarray) -> list[str]:
    """Worker thread: each overlay and the sheet as PNGs (atomically); returns the paths written."""
    from workbench.data.images import write_png

    if not os.path.isdir(folder):
        raise WorkbenchError(f"folder not found: {folder}")
    written = []
    for method, rgb in overlays.items():
        path = os.path.join(folder, f"{stem}_{method.replace('+', 'p')}.png")
        write_png(path, rgb)
        written.append(path)
    path = os.path.join(folder, f"{stem}_comparison.png")
    write_png(path, sheet)
    return written + [path]
