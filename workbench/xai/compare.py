"""Several explanations of one image side by side, each with its faithfulness scores."""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.overlay import as_rgb_uint8, overlay

HEADER = 40  # pixels of title band above each tile


#: The tabular methods ``compare_tabular`` runs, in this order.
TABULAR_METHODS = ("shap", "shapley_exact", "lime")


def comparable(model) -> dict:
    """What a comparison can do with ``model``: ``mode`` "image" (with its input shape, conv
    layers, default layer and whether CAM applies) or "tabular" (its feature count);
    a sentence (``WorkbenchError``) for any other model. Cheap: no forward pass."""
    from workbench import xai
    from workbench.inference import require_classifier

    require_classifier(model)
    shape = tuple(model.inputs[0].shape[1:])
    outputs = tuple(model.outputs[0].shape[1:]) if model.outputs else ()
    if len(outputs) != 1:
        raise WorkbenchError(f"this model outputs shape {outputs}, not class probabilities; "
                             "only classifiers can be explained here")
    if len(shape) == 1 and shape[0]:
        return {"mode": "tabular", "features": int(shape[0]), "classes": int(outputs[0])}
    if len(shape) != 3 or None in shape:
        raise WorkbenchError(f"this model takes inputs of shape {shape}; a comparison explains "
                             "image classifiers and classifiers of table rows")
    layers = xai.conv_layers(model)
    cam_ok, cam_why = xai.cam_available(model)
    return {"mode": "image", "shape": shape, "layers": layers, "classes": int(outputs[0]),
            "default_layer": xai.default_layer(model) if layers else "", "cam": cam_ok, "cam_why": cam_why}


def compare(model, image, methods, layer=None, class_index=None, steps: int = 20, seed: int = 0,
            progress=None, should_stop=None, on_result=None) -> list[dict]:
    """For each method: ``dict(method, explanation or None, scores or None, error, cancelled)``.

    A method that does not apply to this model (CAM on a Flatten head) is reported
    with its reason instead of stopping the whole comparison.

    Driven like ``workbench.xai.batch.explain_folder``, so the CLI and a GUI worker
    thread share it: ``progress(done, total)`` counts steps, two per method (its
    explanation, then its deletion / insertion scores; a failed method takes both at
    once); ``should_stop()`` is checked between methods (the first always runs: a
    Cancel says "stop after the method running now"), and the methods not run then are
    returned with ``cancelled`` True; ``on_result(row)`` gets each row as soon
    as its explanation is ready (scores still None) and again once it is scored, so a
    grid can show a map before its scores.
    """
    from workbench.xai import METHODS, explain
    from workbench.xai.faithfulness import deletion_insertion

    methods = _method_list(methods)
    for method in methods:
        if method not in METHODS:
            raise WorkbenchError(f"unknown explanation method {method!r}; choose from {', '.join(METHODS)}")
    rows, total, done = [], 2 * len(methods), 0
    for position, method in enumerate(methods):
        if position and should_stop is not None and should_stop():
            rows += _cancelled(methods[position:])
            break
        row = {"method": method, "explanation": None, "scores": None, "error": "", "cancelled": False}
        rows.append(row)
        try:
            row["explanation"] = explain(model, image, method, layer=layer if METHODS[method].needs_layer else None,
                                         class_index=class_index, seed=seed)
        except WorkbenchError as error:
            row["error"] = str(error)
            done += 2  # its scores will not come either
            _report(progress, on_result, row, done, total)
            continue
        done += 1
        _report(progress, on_result, row, done, total)
        explanation = row["explanation"]
        try:
            row["scores"] = deletion_insertion(model, image, explanation.heatmap, explanation.class_index, steps,
                                               seed=seed)
        except WorkbenchError as error:
            row["error"] = f"scores failed: {error}"
        done += 1
        _report(progress, on_result, row, done, total)
    return rows


def compare_tabular(model, row, background, feature_names=None, class_index=None, methods=TABULAR_METHODS,
                    seed: int = 0, progress=None, should_stop=None, on_result=None) -> list[dict]:
    """SHAP, exact Shapley values and LIME of one table row, one after another.

    ``dict(method, explanation or None, error, cancelled)`` per method (``explanation``
    a ``TabularExplanation``); ``progress`` counts one step per method, ``should_stop``
    and ``on_result`` as in ``compare``. Exact Shapley refuses more than 12 features
    with a sentence, which becomes that method's ``error``.
    """
    from workbench.xai.shapley import shapley_exact_tabular
    from workbench.xai.tabular import lime_tabular, shap_tabular

    functions = {"shap": shap_tabular, "shapley_exact": shapley_exact_tabular, "lime": lime_tabular}
    methods = _method_list(methods)
    for method in methods:
        if method not in functions:
            raise WorkbenchError(f"unknown tabular method {method!r}; choose from {', '.join(functions)}")
    rows = []
    for position, method in enumerate(methods):
        if position and should_stop is not None and should_stop():
            rows += _cancelled(methods[position:])
            break
        result = {"method": method, "explanation": None, "error": "", "cancelled": False}
        rows.append(result)
        try:
            result["explanation"] = functions[method](model, row, background, feature_names, class_index, seed=seed)
        except WorkbenchError as error:
            result["error"] = str(error)
        _report(progress, on_result, result, position + 1, len(methods))
    return rows


def _method_list(methods) -> list[str]:
    methods = [m.strip() for m in (methods.split(",") if isinstance(methods, str) else methods)]
    methods = [m for m in methods if m]
    if not methods:
        raise WorkbenchError("choose at least one method to compare")
    return methods


def _cancelled(methods) -> list[dict]:
    return [{"method": m, "explanation": None, "scores": None, "error": "cancelled before it ran",
             "cancelled": True} for m in methods]


def _report(progress, on_result, row: dict, done: int, total: int) -> None:
    if on_result is not None:
        on_result(dict(row))  # a copy: the caller may keep it while this row is scored
    if progress is not None:
        progress(done, total)


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
