"""The classifier's loss and the label encoding it takes (note 001 4_3).

Categorical cross-entropy compares the softmax with a one-hot label vector; the sparse
version takes the class number and indexes the softmax with it. Both are -log p(true
class), so on the same weights they give the same loss. MSE on one-hot vectors also
trains a classifier (more slowly: its gradient vanishes as a wrong softmax saturates).

A combination that does not fit (a sparse loss fed one-hot vectors, a one-hot loss fed
class numbers, MSE on class numbers, which would call class 3 closer to 2 than to 9) is
refused with a sentence before anything is built or trained.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError

#: The encoding each loss takes.
ENCODING = {
    "sparse_categorical_crossentropy": "integer",
    "categorical_crossentropy": "one_hot",
    "mse": "one_hot",
}
_LABELS = {"integer": "integer class labels (0, 1, 2, ...)", "one_hot": "one-hot label vectors"}


def classifier_loss(hp: dict) -> tuple[str, str]:
    """``(loss, encoding)`` for ``hp``'s ``loss`` and ``label_encoding``, or a WorkbenchError."""
    loss = hp.get("loss", "sparse_categorical_crossentropy")
    if loss not in ENCODING:
        raise WorkbenchError(f"loss={loss!r} is not one of {', '.join(ENCODING)}")
    wanted = ENCODING[loss]
    encoding = hp.get("label_encoding", "auto")
    if encoding == "auto":
        return loss, wanted
    if encoding not in _LABELS:
        raise WorkbenchError(f"label_encoding={encoding!r} is not one of auto, integer, one_hot")
    if encoding != wanted:
        fix = next(name for name, enc in ENCODING.items() if enc == encoding)
        raise WorkbenchError(
            f"loss={loss} takes {_LABELS[wanted]}, but label_encoding={encoding} gives "
            f"{_LABELS[encoding]}: use loss={fix} or label_encoding={wanted} (or auto)")
    return loss, encoding


def encode(y, encoding: str, num_classes: int):
    """Integer labels as they are (``integer``) or as one-hot float32 rows (``one_hot``)."""
    y = np.asarray(y)
    if encoding == "integer":
        return y
    labels = y.astype(np.int64).reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise WorkbenchError(f"labels must lie in 0..{num_classes - 1} to be one-hot encoded")
    return np.eye(num_classes, dtype=np.float32)[labels]


def encoded_labels(hp: dict, data) -> tuple:
    """``(y_train, y_val)`` of ``data`` encoded as ``hp``'s loss takes them (classifiers only)."""
    if data.info.task != "classification":
        return data.y_train, data.y_val
    _, encoding = classifier_loss(hp)
    if encoding == "integer":
        return data.y_train, data.y_val
    if hasattr(data, "train_stream"):
        raise WorkbenchError("an image folder streamed from disk yields integer labels: use "
                             "loss=sparse_categorical_crossentropy with it")
    num = data.info.num_classes
    y_val = data.y_val if data.y_val is None else encode(data.y_val, encoding, num)
    return encode(data.y_train, encoding, num), y_val
