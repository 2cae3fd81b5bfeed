"""Evaluating a classifier on a class folder streamed from disk (``data.streaming``).

The validation files are decoded batch by batch in parallel, exactly as training
streamed them, and only each batch's class probabilities are kept: memory holds one
batch of images whatever the folder's size (the per-sample figures, a few numbers per
sample, are what the confusion cells and the worst-k list are made of). A file that
does not decode is left out of the scores and named in the dataset's notes.

``ValidationFiles`` gives the evaluated samples to code written for an ``x_val`` array
(the Evaluate tab's strips, the CLI's mistakes list): indexing decodes those files only.
"""

from __future__ import annotations

import numpy as np

from workbench.evaluation import classification
from workbench.evaluation.classification import as_probabilities, evaluate_predictions


class ValidationFiles:
    """The evaluated validation files as a read-only array of images, decoded when indexed
    (as the in-memory loader decodes them: ``read_image`` then ``fit_image``)."""

    def __init__(self, files, image_size: int, channels: int):
        self.files = np.asarray(files, dtype=str)
        self.shape = (len(self.files), image_size, image_size, channels)
        self.ndim = 4
        self.dtype = np.dtype(np.float32)

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            return self._decode(str(self.files[int(key)]))
        indices = range(len(self))[key] if isinstance(key, slice) else np.asarray(key).reshape(-1)
        return np.stack([self._decode(str(self.files[int(i)])) for i in indices]).astype(np.float32) \
            if len(indices) else np.zeros((0, *self.shape[1:]), np.float32)

    def _decode(self, path: str) -> np.ndarray:
        from workbench.data.images import fit_image, read_image

        return fit_image(read_image(path), self.shape[1:]).astype(np.float32)


class StreamedSplit:
    """A ``StreamingImages`` as the evaluation saw it: ``x_val`` / ``y_val`` / ``ids_val`` of
    the samples scored (in file order, those that decoded); anything else is the dataset's."""

    def __init__(self, dataset, kept: np.ndarray):
        self.dataset = dataset
        self.x_val = ValidationFiles(dataset.files_val[kept], dataset.image_size, dataset.channels)
        self.y_val = np.asarray(dataset.labels_val)[kept]
        self.ids_val = np.asarray(dataset.ids_val)[kept]

    def __getattr__(self, name):
        return getattr(self.dataset, name)


def predict_streamed(model, dataset, classes: int, progress=None, batch_size: int | None = None):
    """``(probabilities, kept)``: the validation files' class probabilities, batch by batch,
    and the positions in ``files_val`` of the files that decoded (in order)."""
    from workbench.data import streaming

    batch_size = batch_size or classification.BATCH  # images held at once
    total = len(dataset.files_val)
    order = np.arange(total, dtype=np.int64)
    batches = streaming._decoded_batches(order, dataset.files_val, order, dataset.image_size, dataset.channels,
                                         batch_size, dataset.failures_val)
    rows, kept = [], []
    for images, positions in batches.as_numpy_iterator():
        out = np.asarray(model(images, training=False), np.float64)
        rows.append(as_probabilities(out.reshape(len(out), -1), classes))
        kept.append(positions)
        if progress:
            progress(int(positions[-1]) + 1, total)
    probs = np.concatenate(rows) if rows else np.zeros((0, classes))
    return probs, (np.concatenate(kept) if kept else np.zeros(0, np.int64))


def evaluate_streamed(model, dataset, labels: list[str], progress=None):
    """``evaluate_run``'s ``(Evaluation, dataset)`` for a streamed folder."""
    probs, kept = predict_streamed(model, dataset, len(labels), progress)
    failed = dataset.failures_val.new()
    dataset.skipped.extend(f"did not decode: {path}" for path in failed)
    split = StreamedSplit(dataset, kept)
    return evaluate_predictions(split.y_val, probs, labels, split.ids_val), split
