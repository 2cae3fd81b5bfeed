"""``workbench.xai.compare``'s progress and stop, as ``explain_folder`` has them.

The Compare tab runs the whole comparison in one worker call and draws what these
callbacks report; so the counts, the order and the stop are checked here directly.
"""

import numpy as np
import pytest

import workbench.xai as xai
from workbench.xai.compare import compare, compare_tabular


@pytest.fixture
def explain_calls(monkeypatch):
    calls, real = [], xai.explain

    def counting(model, image, method="gradcam", *args, **kwargs):
        calls.append(method)
        return real(model, image, method, *args, **kwargs)

    monkeypatch.setattr(xai, "explain", counting)
    return calls


def test_progress_counts_two_steps_per_method_and_rows_arrive_before_their_scores(make_cnn, square_image,
                                                                                   explain_calls):
    from workbench.xai.faithfulness import deletion_insertion

    model = make_cnn()
    steps, seen = [], []
    rows = compare(model, square_image, ["gradcam", "cam"], steps=4,
                   progress=lambda done, total: steps.append((done, total)), on_result=seen.append)
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert explain_calls == ["gradcam", "cam"]
    # each method twice: first its map alone, then the same map with its scores
    assert [(r["method"], r["scores"] is None) for r in seen] == [
        ("gradcam", True), ("gradcam", False), ("cam", True), ("cam", False)]
    assert seen[0]["explanation"] is seen[1]["explanation"] is rows[0]["explanation"]
    assert all(not row["cancelled"] and row["error"] == "" for row in rows)
    # the scores are those of the faithfulness function on the same map
    explanation = rows[1]["explanation"]
    expected = deletion_insertion(model, square_image, explanation.heatmap, explanation.class_index, 4, seed=0)
    assert rows[1]["scores"]["deletion_auc"] == pytest.approx(expected["deletion_auc"], abs=1e-6)
    assert rows[1]["scores"]["insertion_curve"] == pytest.approx(expected["insertion_curve"], abs=1e-6)
    assert len(rows[0]["scores"]["insertion_curve"]) == 5


def test_a_method_that_does_not_apply_takes_both_its_steps_at_once(make_cnn, square_image):
    steps = []
    rows = compare(make_cnn(head="flatten"), square_image, "cam,saliency", steps=4,
                   progress=lambda done, total: steps.append((done, total)))
    assert steps == [(2, 4), (3, 4), (4, 4)]
    assert rows[0]["explanation"] is None and rows[0]["scores"] is None and "Grad-CAM" in rows[0]["error"]
    assert rows[1]["scores"] is not None


def test_should_stop_after_the_first_method_leaves_the_rest_undone_and_says_so(make_cnn, square_image,
                                                                               explain_calls):
    steps, seen = [], []
    stop = []  # set once the first method is scored, as a Cancel pressed meanwhile would
    rows = compare(make_cnn(), square_image, ["gradcam", "saliency", "integrated_gradients"], steps=4,
                   progress=lambda done, total: (steps.append((done, total)), stop.append(done == 2)),
                   should_stop=lambda: any(stop), on_result=seen.append)
    assert explain_calls == ["gradcam"]
    assert steps == [(1, 6), (2, 6)]
    assert [r["method"] for r in rows] == ["gradcam", "saliency", "integrated_gradients"]
    assert rows[0]["scores"] is not None and not rows[0]["cancelled"]
    for row in rows[1:]:
        assert row["cancelled"] and row["explanation"] is None and row["error"] == "cancelled before it ran"
    assert {r["method"] for r in seen} == {"gradcam"}  # nothing reported for the undone ones


def test_tabular_comparison_counts_one_step_per_method_and_stops(square_image):
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(3, 2))

    def model(rows):  # a softmax-linear classifier of three features, as a callable
        logits = np.asarray(rows, np.float64) @ weights
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    background = rng.normal(size=(20, 3)).astype(np.float32)
    row = np.array([0.5, -1.0, 2.0], np.float32)
    steps = []
    rows = compare_tabular(model, row, background, ["a", "b", "c"], progress=lambda d, t: steps.append((d, t)))
    assert steps == [(1, 3), (2, 3), (3, 3)]
    shap, exact = rows[0]["explanation"], rows[1]["explanation"]
    # Kernel SHAP enumerates all 2^3 coalitions here: the exact values, adding up to f(row) - base
    assert list(shap.contributions.values()) == pytest.approx(list(exact.contributions.values()), abs=1e-6)
    assert sum(shap.contributions.values()) == pytest.approx(shap.output - shap.base_value, abs=1e-6)
    steps.clear()
    rows = compare_tabular(model, row, background, ["a", "b", "c"], progress=lambda d, t: steps.append((d, t)),
                           should_stop=lambda: bool(steps))
    assert steps == [(1, 3)] and [r["cancelled"] for r in rows] == [False, True, True]
