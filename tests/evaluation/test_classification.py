"""Scores of a classifier's predictions, against scikit-learn's own functions."""

import json

import numpy as np
import pytest
from sklearn.metrics import (accuracy_score, confusion_matrix, precision_recall_fscore_support,
                             top_k_accuracy_score)

from workbench.errors import WorkbenchError
from workbench.evaluation.classification import as_probabilities, evaluate_predictions

LABELS = ["cat", "dog", "fox", "owl", "yak"]


def random_predictions(seed, n=120):
    """Five classes: 'yak' (4) never in y_true, 'owl' (3) never predicted."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 4, n)
    probs = rng.dirichlet(np.ones(5), n)
    others = np.delete(probs, 3, axis=1)
    probs[:, 3] = others.max(axis=1) * rng.uniform(0.2, 0.95, n)  # owl: never first, often second
    probs /= probs.sum(axis=1, keepdims=True)
    return y_true, probs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_scikit_learn_with_a_class_never_predicted_and_one_never_true(seed):
    y_true, probs = random_predictions(seed)
    result = evaluate_predictions(y_true, probs, LABELS, ks=(1, 2, 3, 5))
    predicted = probs.argmax(axis=1)
    assert 3 not in predicted and 4 not in y_true
    np.testing.assert_array_equal(result.confusion, confusion_matrix(y_true, predicted, labels=range(5)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, predicted, labels=range(5), zero_division=0)
    for i, name in enumerate(LABELS):
        row = result.per_class[name]
        assert row["precision"] == pytest.approx(precision[i])
        assert row["recall"] == pytest.approx(recall[i])
        assert row["f1"] == pytest.approx(f1[i])
        assert row["support"] == support[i]
    assert result.per_class["owl"]["precision"] == 0.0 and result.per_class["yak"]["recall"] == 0.0
    assert result.accuracy == pytest.approx(accuracy_score(y_true, predicted))
    for k in (2, 3):
        assert result.top_k[k] == pytest.approx(top_k_accuracy_score(y_true, probs, k=k, labels=range(5)))
    assert result.top_k[1] == result.accuracy and 5 not in result.top_k  # k >= C says nothing


def test_rows_are_true_classes_and_scores_by_hand():
    # true:      0  0  0  1  1  2 ; predicted: 0  1  1  1  2  2
    y_true = np.array([0, 0, 0, 1, 1, 2])
    probs = np.eye(3)[[0, 1, 1, 1, 2, 2]] * 0.8 + 0.2 / 3
    result = evaluate_predictions(y_true, probs, ["a", "b", "c"])
    np.testing.assert_array_equal(result.confusion, [[1, 2, 0], [0, 1, 1], [0, 0, 1]])
    assert result.per_class["a"] == {"precision": 1.0, "recall": pytest.approx(1 / 3),
                                     "f1": pytest.approx(0.5), "support": 3}
    assert result.per_class["b"]["precision"] == pytest.approx(1 / 3)
    assert result.per_class["c"]["recall"] == 1.0 and result.per_class["c"]["precision"] == 0.5
    assert result.accuracy == pytest.approx(0.5)


def test_cells_most_confident_first_and_browser_least_confident_first():
    y_true = np.array([0, 0, 0, 0, 1])
    # the three (true 0, predicted 1) samples have confidence 0.6, 0.9, 0.7
    probs = np.array([[0.4, 0.6], [0.1, 0.9], [0.3, 0.7], [0.55, 0.45], [0.2, 0.8]])
    result = evaluate_predictions(y_true, probs, ["no", "yes"], ids=["s0", "s1", "s2", "s3", "s4"])
    np.testing.assert_array_equal(result.cell(0, 1), [1, 2, 0])
    np.testing.assert_array_equal(result.cell(0, 0), [3])
    assert result.cell(1, 0).size == 0
    np.testing.assert_array_equal(result.least_confident(), [3, 0, 2, 4, 1])
    np.testing.assert_array_equal(result.misclassified(), [1, 2, 0])
    np.testing.assert_allclose(result.confidence(), [0.6, 0.9, 0.7, 0.55, 0.8])
    assert result.ids[1] == "s1"


def test_as_dict_is_the_json_contract():
    y_true, probs = random_predictions(5)
    result = evaluate_predictions(y_true, probs, LABELS)
    data = json.loads(json.dumps(result.as_dict()))
    assert {"accuracy", "labels", "confusion", "per_class", "top_k"} <= set(data)
    assert data["labels"] == LABELS and np.sum(data["confusion"]) == len(y_true)
    assert set(data["per_class"]["dog"]) == {"precision", "recall", "f1", "support"}
    assert data["top_k"]["1"] == pytest.approx(result.accuracy)


def test_outputs_become_probabilities():
    sigmoid = np.array([[0.9], [0.2]])
    np.testing.assert_allclose(as_probabilities(sigmoid, 2), [[0.1, 0.9], [0.8, 0.2]])
    logits = np.array([[2.0, -1.0, 0.0]])
    expected = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(as_probabilities(logits, 3), expected)
    softmax = np.array([[0.2, 0.3, 0.5]])
    np.testing.assert_array_equal(as_probabilities(softmax, 3), softmax)


def test_mismatched_inputs_are_a_sentence():
    with pytest.raises(WorkbenchError, match="do not match 3 classes"):
        evaluate_predictions([0, 1], np.ones((2, 4)) / 4, ["a", "b", "c"])
    with pytest.raises(WorkbenchError, match="no samples"):
        evaluate_predictions([], np.zeros((0, 2)), ["a", "b"])
