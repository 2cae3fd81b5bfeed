"""Task-level views computed from a model and its data, the same for every entry of a task.

Pure functions: a model and arrays in, a ``View`` out; ``callback.EpochViews`` calls them
while ``fit`` runs. Which apply is decided by the data (``applicable``), not per entry.
"""

from __future__ import annotations

import numpy as np

from workbench.views.types import HeatGrid, Scatter, View

#: Grid points per side of a decision-boundary picture (64 x 64 = 4096 predictions).
BOUNDARY_RESOLUTION = 64
#: Training points drawn over the regions; more only hide each other.
MAX_POINTS = 500


def applicable(info) -> list[str]:
    """Names of the standard views that fit data described by ``info``."""
    names = []
    if info.task == "classification" and info.kind == "tabular" and tuple(info.input_shape) == (2,):
        names.append("decision_boundary")
    return names


#: Classes up to which a confusion matrix writes its counts in the cells.
ANNOTATE_CLASSES = 20


def final_views(model, dataset, step: int = 0) -> list[View]:
    """Views made once, when training ends: the validation confusion matrix of a classifier
    (and, for sounds, what the network heard: one clip's mel spectrogram and MFCCs)."""
    info = dataset.info
    return _confusion_views(model, dataset, info, step) + _audio_views(dataset, step)


def _audio_views(dataset, step: int) -> list[View]:
    waveforms = getattr(dataset, "waveforms", None)
    if dataset.info.kind != "audio" or not waveforms or not getattr(dataset, "sample_rate", 0):
        return []
    from workbench.audio.clips import feature_views

    name, wave = next(iter(waveforms.items()))
    return feature_views(np.asarray(wave, np.float32).ravel(), int(dataset.sample_rate), name, step=step)


def _confusion_views(model, dataset, info, step: int) -> list[View]:
    if hasattr(dataset, "val_stream"):  # a class folder streamed from disk: no arrays to hold
        if info.task != "classification" or not len(dataset.files_val) or not info.class_names:
            return []
        return [streamed_confusion_view(model, dataset.val_stream(BATCH_STREAMED), info.class_names, step)]
    x_val, y_val = getattr(dataset, "x_val", None), getattr(dataset, "y_val", None)
    if info.task != "classification" or x_val is None or y_val is None or not len(x_val) \
            or not info.class_names or np.asarray(y_val).ndim != 1:
        return []
    return [confusion_view(model, x_val, y_val, info.class_names, step)]


def confusion_view(model, x, y, class_names, step: int = 0) -> View:
    """Rows = true class, columns = predicted (scikit-learn's convention), as counts."""
    from workbench.evaluation.classification import predict_probabilities

    probs = predict_probabilities(model, x, len(class_names))
    return _confusion_view(np.asarray(y).astype(np.int64), probs.argmax(axis=1), class_names, step)


#: Images per batch when a streamed validation split is predicted.
BATCH_STREAMED = 64


def streamed_confusion_view(model, stream, class_names, step: int = 0) -> View:
    """``confusion_view`` over a ``tf.data`` stream of ``(x, y)`` batches, one batch in memory at a time."""
    from workbench.evaluation.classification import as_probabilities

    truth, predicted = [], []
    for x, y in stream:
        out = np.asarray(model(x, training=False), np.float64)
        predicted.append(as_probabilities(out.reshape(len(out), -1), len(class_names)).argmax(axis=1))
        truth.append(np.asarray(y, np.int64))
    return _confusion_view(np.concatenate(truth), np.concatenate(predicted), class_names, step)


def _confusion_view(y, predicted, class_names, step: int) -> View:
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(y, predicted, labels=np.arange(len(class_names)))
    accuracy = float(np.trace(matrix) / max(matrix.sum(), 1))
    return View("confusion_matrix", HeatGrid(matrix, list(class_names), list(class_names), "predicted",
                                             "true", annotate=len(class_names) <= ANNOTATE_CLASSES,
                                             colormap="Blues"),
                f"Confusion matrix on the validation split (accuracy {accuracy:.3f})", step=step)


def standard_views(model, dataset, step: int = 0) -> list[View]:
    """Every applicable standard view of ``model`` on ``dataset`` (its training points)."""
    info = dataset.info
    views = []
    if "decision_boundary" in applicable(info):
        views.append(decision_boundary(model, dataset.x_train, dataset.y_train, info.class_names,
                                       info.feature_names, step=step))
    return views


def decision_boundary(model, x, y, class_names=(), feature_names=(), step: int = 0,
                      resolution: int = BOUNDARY_RESOLUTION, margin: float = 0.15) -> View:
    """The class the model predicts over a grid spanning the data (plus ``margin`` of its
    range on each side), behind the data's points coloured by their true class."""
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    if x.shape[1] != 2:
        raise ValueError(f"a decision boundary needs 2 input features, got {x.shape[1]}")
    extent = _extent(x, margin)
    grid = boundary_grid(extent, resolution)
    regions = predicted_classes(model, grid).reshape(resolution, resolution)
    shown = np.linspace(0, len(x) - 1, min(len(x), MAX_POINTS)).astype(int)  # the same points each epoch
    names = list(feature_names) if len(feature_names) == 2 else ["x1", "x2"]
    value = Scatter(x[shown], np.asarray(y).astype(np.int64).ravel()[shown], list(class_names),
                    x_label=names[0], y_label=names[1], background=regions, extent=extent)
    return View("decision_boundary", value, "Decision boundary (predicted class behind the training points)",
                step)


def boundary_grid(extent, resolution: int) -> np.ndarray:
    """``(resolution**2, 2)`` points, row by row from the bottom (``y = y_min``) up, as the
    scatter's background expects (its row 0 is the bottom)."""
    x0, x1, y0, y1 = extent
    xs, ys = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def predicted_classes(model, points: np.ndarray) -> np.ndarray:
    """Class index per point: the arg-max of the outputs, or ``p > 0.5`` for one sigmoid unit."""
    outputs = np.asarray(model.predict_on_batch(points.astype(np.float32)), np.float64)
    outputs = outputs.reshape(len(points), -1)
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.int64)
    return outputs.argmax(axis=1).astype(np.int64)


def _extent(x: np.ndarray, margin: float) -> tuple[float, float, float, float]:
    low, high = x.min(axis=0), x.max(axis=0)
    pad = np.maximum((high - low) * margin, 0.5 * (high == low))  # a constant feature still gets a width
    return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1])
