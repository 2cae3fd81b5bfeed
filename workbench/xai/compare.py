"""Several explanations of one image side by side, each with its faithfulness scores."""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.overlay import as_rgb_uint8, overlay

HEADER = 40  # pixels of title band above each tile


def compare(model, image, methods, layer=None, class_index=None, steps: int = 20, seed: int = 0) -> list[dict]:
    """For each method: ``dict(method, explanation or None, scores or None, error)``.

    A method that does not apply to this model (CAM on a Flatten head) is reported
    with its reason instead of stopping the whole comparison.
    """
    from workbench.xai import METHODS, explain
    from workbench.xai.faithfulness import deletion_insertion

    methods = [m.strip() for m in methods] if not isinstance(methods, str) else [m.strip() for m in methods.split(",")]
    if not methods:
        raise WorkbenchError("choose at least one method to compare")
    for method in methods:
        if method not in METHODS:
            raise WorkbenchError(f"unknown explanation method {method!r}; choose from {', '.join(METHODS)}")
    rows = []
    for method in methods:
        try:
            explanation = explain(model, image, method, layer=layer if METHODS[method].needs_layer else None,
                                  class_index=class_index, seed=seed)
        except WorkbenchError as error:
            rows.append({"method": method, "explanation": None, "scores": None, "error": str(error)})
            continue
        scores = deletion_insertion(model, image, explanation.heatmap, explanation.class_index, steps, seed=seed)
        rows.append({"method": method, "explanation": explanation, "scores": scores, "error": ""})
    return rows


def compare_sheet(model, image, methods, layer=None, class_index=None, alpha=0.5, colormap="jet",
                  steps: int = 20, seed: int = 0, tile: int = 192, columns: int = 4) -> np.ndarray:
    """The input image and one titled overlay per method, in a grid (uint8 RGB)."""
    from workbench.xai import METHODS

    rows = compare(model, image, methods, layer, class_index, steps, seed)
    picture = as_rgb_uint8(np.asarray(image))
    tiles = [_tile(picture, "input", _class_line(rows), tile)]
    for row in rows:
        title = METHODS[row["method"]].title
        if row["explanation"] is None:
            tiles.append(_tile(np.full_like(picture, 40), title, "unavailable", tile, note=row["error"]))
            continue
        scores = row["scores"]
        shown = overlay(picture, row["explanation"].heatmap, alpha, colormap)
        line = f"del {scores['deletion_auc']:.3f}  ins {scores['insertion_auc']:.3f}"
        tiles.append(_tile(shown, title, line, tile))
    return _grid(tiles, max(1, min(int(columns), len(tiles))))


def _class_line(rows) -> str:
    for row in rows:
        if row["explanation"] is not None:
            explanation = row["explanation"]
            return f"class {explanation.class_index}  p={explanation.probabilities[explanation.class_index]:.2f}"
    return ""


def _tile(picture: np.ndarray, title: str, line: str, size: int, note: str = "") -> np.ndarray:
    import cv2

    small = max(picture.shape[:2]) < size
    body = cv2.resize(picture, (size, size), interpolation=cv2.INTER_NEAREST if small else cv2.INTER_AREA)
    if note:  # wrap the reason over the dark tile
        words, lines, current = note.split(), [], ""
        for word in words:
            if len(current) + len(word) + 1 > size // 7:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        lines.append(current)
        for i, text in enumerate(lines[: size // 14]):
            cv2.putText(body, text, (4, 14 + 14 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (230, 230, 230), 1, cv2.LINE_AA)
    header = np.full((HEADER, size, 3), 255, np.uint8)
    cv2.putText(header, title, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, _fitting_scale(title, 0.5, size - 8),
                (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(header, line, (4, 34), cv2.FONT_HERSHEY_SIMPLEX, _fitting_scale(line, 0.4, size - 8),
                (60, 60, 60), 1, cv2.LINE_AA)
    return np.concatenate([header, body], axis=0)


def _fitting_scale(text: str, scale: float, width: int) -> float:
    """The font scale, shrunk so ``text`` fits ``width`` pixels (long titles on small tiles)."""
    import cv2

    (text_width, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    return scale if text_width <= width else scale * width / text_width


def _grid(tiles: list[np.ndarray], columns: int) -> np.ndarray:
    height, width = tiles[0].shape[:2]
    rows = -(-len(tiles) // columns)
    sheet = np.full((rows * height, columns * width, 3), 255, np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        sheet[r * height:(r + 1) * height, c * width:(c + 1) * width] = tile
    return sheet
