"""A trained classifier's top-k answers for many images (a file list or a whole folder).

Unreadable files do not stop the batch: each gets a row with ``error``, as the data
loaders skip and count them.
"""

from __future__ import annotations

import csv
import os

import numpy as np

from workbench.errors import WorkbenchError

#: Images per forward pass.
BATCH = 64


def predict_paths(model_file_or_run: str, paths: list[str], top: int = 5, model_name=None,
                  progress=None) -> list[dict]:
    """Per image ``{"path", "class_index", "class_name", "top": [{"label", "probability"}, ...]}``,
    or ``{"path", "error"}`` for a file that is not a readable image; ``progress(done, total)``."""
    from workbench.data.images import load_image_for
    from workbench.inference import image_input_shape

    if top < 1:
        raise WorkbenchError(f"--top {top} must be 1 or more")
    model, names = _load(model_file_or_run, model_name)
    shape = image_input_shape(model)
    rows: list[dict] = []
    pending: list[tuple[int, np.ndarray]] = []
    for number, path in enumerate(paths, start=1):
        try:
            pending.append((len(rows), load_image_for(path, shape)))
            rows.append({"path": path})
        except WorkbenchError as error:
            rows.append({"path": path, "error": str(error)})
        if len(pending) == BATCH or number == len(paths):
            _answer(model, pending, rows, names, top)
            pending = []
        if progress:
            progress(number, len(paths))
    return rows


def _load(model_file_or_run: str, model_name):
    from workbench.inference import class_names_for, model_metadata
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    path = model_file_or_run
    if model_name:
        if not os.path.isdir(path):
            raise WorkbenchError(f"--model {model_name} needs a run directory, not {path}")
        path = os.path.join(path, f"{model_name}.keras")
    import_tensorflow()
    model = load_model(path)
    return model, class_names_for(model, model_metadata(path))


def _answer(model, pending, rows, names, top) -> None:
    """Predict the readable images gathered so far and fill in their rows."""
    from workbench.evaluation.classification import as_probabilities

    if not pending:
        return
    batch = np.stack([image for _, image in pending])
    out = np.asarray(model(batch, training=False), np.float64).reshape(len(batch), -1)
    probs = as_probabilities(out, len(names))
    for (row_index, _), p in zip(pending, probs):
        order = np.argsort(-p, kind="stable")[:top]
        rows[row_index].update({
            "class_index": int(order[0]), "class_name": names[order[0]],
            "top": [{"label": names[i], "probability": float(p[i])} for i in order]})


def write_predictions_csv(path: str, rows: list[dict], top: int) -> None:
    """One line per image: path, top-1 label and probability, then the top-k pairs
    (``label_1, probability_1, ...``); an unreadable file has only its path and ``error``."""
    from workbench.runs.atomic import atomic_path

    header = ["path", "label", "probability"]
    for k in range(1, top + 1):
        header += [f"label_{k}", f"probability_{k}"]
    header.append("error")
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(_csv_line(row, top))


def _csv_line(row: dict, top: int) -> list:
    if "error" in row:
        return [row["path"], *[""] * (2 + 2 * top), row["error"]]
    pairs = row["top"][:top]
    line = [row["path"], pairs[0]["label"], f"{pairs[0]['probability']:.6f}"]
    for k in range(top):
        line += [pairs[k]["label"], f"{pairs[k]['probability']:.6f}"] if k < len(pairs) else ["", ""]
    return line + [""]
