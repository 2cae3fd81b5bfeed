"""How good a trained classifier is, class by class: the confusion matrix, precision,
recall, F1 and support per class, and top-k accuracy, as scikit-learn defines them.

``evaluate_predictions`` is pure (labels and probabilities in, numbers out);
``evaluate_run`` loads a run's model and data and predicts its validation split.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError

#: Samples per forward pass when predicting a whole split.
BATCH = 256


@dataclass
class Evaluation:
    labels: list[str]
    y_true: np.ndarray  # (N,) int class indices
    probs: np.ndarray  # (N, C) class probabilities
    ids: list[str]  # one sample id per row (see workbench.data.base.Dataset)
    confusion: np.ndarray  # (C, C) int: rows = true class, columns = predicted, as scikit-learn
    accuracy: float
    per_class: dict[str, dict]  # label -> precision, recall, f1, support
    top_k: dict[int, float]

    def predicted(self) -> np.ndarray:
        return np.argmax(self.probs, axis=1)

    def confidence(self) -> np.ndarray:
        """The probability the model gave the class it predicted."""
        return np.max(self.probs, axis=1)

    def cell(self, true_index: int, predicted_index: int) -> np.ndarray:
        """Indices of the samples in one confusion cell, most confident first."""
        members = np.flatnonzero((self.y_true == true_index) & (self.predicted() == predicted_index))
        return members[np.argsort(-self.confidence()[members], kind="stable")]

    def least_confident(self) -> np.ndarray:
        """Every sample index, least confident first (where a model is most often wrong)."""
        return np.argsort(self.confidence(), kind="stable")

    def misclassified(self) -> np.ndarray:
        """Wrongly predicted samples, most confident first (likely label errors lead)."""
        wrong = np.flatnonzero(self.predicted() != self.y_true)
        return wrong[np.argsort(-self.confidence()[wrong], kind="stable")]

    def as_dict(self) -> dict:
        return {
            "accuracy": self.accuracy,
            "labels": list(self.labels),
            "confusion": self.confusion.tolist(),
            "per_class": self.per_class,
            "top_k": {str(k): v for k, v in self.top_k.items()},
            "samples": int(len(self.y_true)),
        }


def evaluate_predictions(y_true, probs, labels, ids=None, ks=(1, 5)) -> Evaluation:
    """Scores of ``probs`` (N, C) against ``y_true`` (N,), every class counted even when it is
    never predicted or absent from ``y_true`` (its precision or recall is then 0, as
    scikit-learn's default). Top-k is given for ``k = 1`` and every ``k`` below C."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, top_k_accuracy_score

    labels = [str(name) for name in labels]
    probs = np.asarray(probs, np.float64)
    y_true = np.asarray(y_true).astype(np.int64).reshape(-1)
    classes = np.arange(len(labels))
    if probs.ndim != 2 or probs.shape[1] != len(labels) or len(probs) != len(y_true):
        raise WorkbenchError(f"{len(y_true)} labels and probabilities of shape {probs.shape} do not "
                             f"match {len(labels)} classes")
    if len(y_true) == 0:
        raise WorkbenchError("there are no samples to evaluate (is the validation split empty?)")
    if y_true.min() < 0 or y_true.max() >= len(labels):
        raise WorkbenchError(f"a true label is outside the {len(labels)} classes")
    predicted = np.argmax(probs, axis=1)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, predicted, labels=classes, zero_division=0)
    per_class = {name: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                 for name, p, r, f, s in zip(labels, precision, recall, f1, support)}
    accuracy = float(np.mean(predicted == y_true))
    top_k = {}
    for k in sorted(set(ks)):
        if k == 1:
            top_k[1] = accuracy
        elif 1 < k < len(labels):  # k >= C is always 1.0: not worth a number
            top_k[k] = float(top_k_accuracy_score(y_true, probs, k=k, labels=classes))
    ids = [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(y_true))]
    return Evaluation(labels, y_true, probs, ids, confusion_matrix(y_true, predicted, labels=classes),
                      accuracy, per_class, top_k)


def evaluate_run(run_dir: str, data: str | None = None, options: dict | None = None,
                 model_name: str | None = None, progress=None, split: str = "val"):
    """Evaluate a run's classifier on its own validation split, or on ``data``'s.

    The data is loaded with the run's seed and validation fraction, so the run's own
    split is exactly the samples it was validated on. ``split="all"`` scores every
    sample of the source instead (a held-out test folder too small to split): the
    returned ``Dataset`` then holds them all as its validation split.
    Returns ``(Evaluation, Dataset)``.
    """
    if split not in ("val", "all"):
        raise WorkbenchError(f"split {split!r} must be val or all")
    from workbench.runs.rundir import RunDir

    run = RunDir(run_dir)
    config = run.read_config()
    info = _run_info(run)
    if info.get("task") and info["task"] != "classification":
        raise WorkbenchError(f"{run.path} is a {info['task']} run; evaluate measures classifiers")
    source = data or config.get("data") or ""
    spec = _classification_source(source)  # wrong data fails before TensorFlow loads
    model = _load_run_model(run, model_name)
    dataset = _load_data(config, spec, source, model, data is not None, options, split == "all")
    labels = _aligned_labels(dataset, info, model, source)
    if hasattr(dataset, "val_stream"):  # a folder streamed from disk: scored batch by batch
        from workbench.evaluation.streamed import evaluate_streamed

        return evaluate_streamed(model, dataset, labels, progress)
    x = _in_run_scale(dataset.x_val, dataset.scaler, info.get("scaler"))
    probs = predict_probabilities(model, x, len(labels), progress)
    ids = dataset.ids_val if dataset.ids_val is not None else [f"val:{i}" for i in range(len(x))]
    return evaluate_predictions(dataset.y_val, probs, labels, ids), dataset


def predict_probabilities(model, x: np.ndarray, classes: int, progress=None) -> np.ndarray:
    """Class probabilities for every row of ``x``, batch by batch (``progress(done, total)``)."""
    rows = []
    for start in range(0, len(x), BATCH):
        rows.append(np.asarray(model(x[start:start + BATCH], training=False), np.float64))
        if progress:
            progress(min(start + BATCH, len(x)), len(x))
    out = np.concatenate(rows) if rows else np.zeros((0, classes))
    return as_probabilities(out.reshape(len(out), -1), classes)


def as_probabilities(out: np.ndarray, classes: int) -> np.ndarray:
    """A model's outputs as class probabilities: one sigmoid unit becomes two columns, and
    outputs that are not already a distribution (logits, hard limits) go through softmax."""
    if out.shape[1] == 1 and classes == 2:
        return np.concatenate([1.0 - out, out], axis=1)
    if len(out) and (out.min() < 0 or not np.allclose(out.sum(axis=1), 1.0, atol=1e-3)):
        shifted = np.exp(out - out.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    return out


def _run_info(run) -> dict:
    from workbench.runs.atomic import read_json

    return read_json(run.info) if os.path.isfile(run.info) else {}


def _load_run_model(run, model_name: str | None):
    from workbench.inference import is_classifier
    from workbench.models.io import load_model
    from workbench.quiet import import_tensorflow

    path = os.path.join(run.path, f"{model_name}.keras") if model_name else run.model
    if not os.path.isfile(path):
        raise WorkbenchError(f"{run.path} has no {os.path.basename(path)} (has the run finished an epoch?)")
    import_tensorflow()
    model = load_model(path)
    if not is_classifier(model):
        raise WorkbenchError(f"{os.path.basename(path)} in {run.path} is not a classifier (one input, "
                             "one vector of class scores); evaluate measures classifiers")
    return model


def _classification_source(source: str):
    from workbench.data.registry import resolve

    spec, _ = resolve(source)
    if spec.task != "classification" and spec.name != "csv":  # a CSV may hold either task
        raise WorkbenchError(f"{source} is {spec.task} data; evaluate measures classifiers on "
                             "classification data")
    return spec


def _load_data(config: dict, spec, source: str, model, other_data: bool, options: dict | None,
               every_sample: bool = False):
    """The run's data with its own options (or other data with only ``options``), split as the run was."""
    from workbench import data as data_sources
    from workbench.data.base import Dataset
    from workbench.data.streaming import StreamingImages

    merged = dict(config.get("data_options") or {}) if not other_data else {}
    merged.update(options or {})
    shape = tuple(model.inputs[0].shape[1:])
    if spec.name == "folder" and "image_size" not in merged and len(shape) == 3 and shape[0]:
        merged["image_size"] = int(shape[0])  # images of another folder, sized for this model
    val_split = 0.0 if every_sample else float(config.get("val_split", 0.2))
    if not val_split and not every_sample:
        if not other_data:
            raise WorkbenchError("this run was trained without a validation split (val_split 0); "
                                 "evaluate it on other data with --data")
        val_split = 0.2
    dataset = data_sources.load(source, merged, seed=int(config.get("seed", 0)), val_fraction=val_split)
    if not isinstance(dataset, (Dataset, StreamingImages)) or dataset.info.task != "classification":
        raise WorkbenchError(f"{source} is {dataset.info.task} data; evaluate measures classifiers on "
                             "classification data")
    if every_sample and isinstance(dataset, StreamingImages):
        dataset.files_val, dataset.labels_val, dataset.ids_val = (dataset.files_train, dataset.labels_train,
                                                                  dataset.ids_train)
        dataset.__post_init__()  # its decode-failure notes index the new list
    elif every_sample:  # the whole source as the split to score
        dataset.x_val, dataset.y_val, dataset.ids_val = dataset.x_train, dataset.y_train, dataset.ids_train
    if tuple(dataset.info.input_shape) != shape:
        raise WorkbenchError(f"the model takes inputs of shape {shape} but {source} gives "
                             f"{tuple(dataset.info.input_shape)}; evaluate it on data like its training data")
    return dataset


def _aligned_labels(dataset, info: dict, model, source: str) -> list[str]:
    """The model's class names; the data's labels are renumbered to them by name when the
    data names a subset of the model's classes in another order (a test folder)."""
    outputs = int(model.outputs[0].shape[-1])
    model_names = list(info.get("class_names") or [])
    data_names = list(dataset.info.class_names)
    classes = 2 if outputs == 1 else outputs
    if len(model_names) != classes:
        model_names = data_names if len(data_names) == classes else [str(i) for i in range(classes)]
    if data_names == model_names:
        return model_names
    if set(data_names) <= set(model_names):
        index = np.array([model_names.index(name) for name in data_names])
        if hasattr(dataset, "labels_val"):  # streamed: y_val / y_train are its label lists
            dataset.labels_val = index[dataset.labels_val.astype(int)]
            dataset.labels_train = index[dataset.labels_train.astype(int)]
            return model_names
        dataset.y_val = index[dataset.y_val.astype(int)]
        dataset.y_train = index[dataset.y_train.astype(int)]
        return model_names
    raise WorkbenchError(f"the model predicts {classes} classes ({_few(model_names)}) but {source} has "
                         f"{len(data_names)} ({_few(data_names)}); evaluate it on data with its classes")


def _few(names: list[str]) -> str:
    return ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")


def _in_run_scale(x: np.ndarray, data_scaler: dict | None, run_scaler: dict | None) -> np.ndarray:
    """Tabular rows standardised as the run's training rows were (another CSV has its own scaler)."""
    if not data_scaler or not run_scaler or data_scaler == run_scaler:
        return x
    raw = x * np.asarray(data_scaler["std"]) + np.asarray(data_scaler["mean"])
    return ((raw - np.asarray(run_scaler["mean"])) / np.asarray(run_scaler["std"])).astype(np.float32)
