"""The Evaluate tab driven through the real window: the mislabel loop
cell -> samples -> Explain with its heatmap -> mark -> CSV -> excluded from the next run.

The tests share one window (digits + LeNet trained for one epoch) and run in order.
"""

import csv

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, top_k_accuracy_score

TIMEOUT_MS = 120_000


_done: dict = {}


@pytest.fixture
def evaluated(window, qtbot):
    """Train one epoch in the Train tab, then press Evaluate (once for the module)."""
    if "panel" not in _done:
        train = window.show_panel("TrainPanel")
        train.epochs.setValue(1)
        with qtbot.waitSignal(train.bridge.result, timeout=TIMEOUT_MS):
            train.start()
        qtbot.waitUntil(lambda: not train.bridge.running, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: window.session.model is not None, timeout=TIMEOUT_MS)  # loaded from the run
        panel = window.show_panel("EvaluatePanel")
        assert panel.source.currentData() == "run" and panel.evaluate_button.isEnabled()
        qtbot.mouseClick(panel.evaluate_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.evaluation is not None, timeout=TIMEOUT_MS)
        _done["panel"] = panel
    return _done["panel"]


def _model_probabilities(window):
    """The reference: the run's saved model, loaded afresh (the session's model may be busy
    on the model lane with an explanation), on the Data tab's validation samples."""
    import os

    from workbench.models.io import load_model

    model = load_model(os.path.join(window.session.run_dir, "model.keras"))
    return np.asarray(model(window.session.dataset.x_val, training=False), np.float64)


def test_evaluation_equals_scikit_learn_on_the_runs_own_split(window, evaluated):
    panel, session = evaluated, window.session
    evaluation = panel.evaluation
    # the run split its data with seed 0, as the Data tab did: the very same validation samples
    assert list(evaluation.ids) == [str(i) for i in session.dataset.ids_val]
    y, probs = session.dataset.y_val, _model_probabilities(window)
    assert np.allclose(evaluation.probs, probs, atol=1e-5)
    expected = confusion_matrix(y, probs.argmax(1), labels=range(10))
    assert np.array_equal(evaluation.confusion, expected)
    assert np.array_equal(panel.matrix.confusion, expected)
    precision, recall, f1, support = precision_recall_fscore_support(y, probs.argmax(1), labels=range(10),
                                                                     zero_division=0)
    table = panel.per_class
    table.sortItems(0, Qt.SortOrder.AscendingOrder)  # class names "0".."9" in order
    assert table.column_values(1) == [f"{v:.3f}" for v in precision]
    assert table.column_values(2) == [f"{v:.3f}" for v in recall]
    assert table.column_values(3) == [f"{v:.3f}" for v in f1]
    assert table.column_values(4) == [str(int(v)) for v in support]
    table.sortItems(3, Qt.SortOrder.AscendingOrder)  # sorted by the numbers, worst F1 first
    assert table.column_values(3) == [f"{v:.3f}" for v in np.sort(f1)]
    top5 = top_k_accuracy_score(y, probs, k=5, labels=range(10))
    assert f"top-5 {top5:.1%}" in panel.summary.text()
    assert f"accuracy {np.mean(probs.argmax(1) == y):.1%}" in panel.summary.text()


def test_row_colouring_is_the_row_normalised_confusion():
    from ui.widgets.confusion_matrix import colour_fractions

    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    y[y == 3] = 2  # a class with no true samples: its row stays 0, not NaN
    counts = confusion_matrix(y, p, labels=range(4))
    assert np.allclose(colour_fractions(counts, True), np.nan_to_num(
        confusion_matrix(y, p, labels=range(4), normalize="true")))
    assert np.allclose(colour_fractions(counts, False), counts / counts.max())


def _busiest_confusion(evaluation) -> tuple[int, int]:
    off = evaluation.confusion - np.diag(np.diag(evaluation.confusion))
    return divmod(int(np.argmax(off)), len(evaluation.labels)) if off.max() else (0, 0)


def test_clicking_a_cell_shows_its_samples_most_confident_first(window, evaluated, qtbot):
    panel = evaluated
    evaluation = panel.evaluation
    true_index, predicted_index = _busiest_confusion(evaluation)
    other = (1, 1) if (true_index, predicted_index) != (1, 1) else (2, 2)
    panel.show_cell(*other)  # start elsewhere so the click must change it
    centre = panel.matrix.cell_rect(true_index, predicted_index).center()
    qtbot.mouseClick(panel.matrix, Qt.MouseButton.LeftButton, pos=QPoint(int(centre.x()), int(centre.y())))
    assert panel.cell == (true_index, predicted_index)
    expected = evaluation.cell(true_index, predicted_index)
    assert len(expected) == evaluation.confusion[true_index, predicted_index] > 0
    assert panel.strip.indices == expected.tolist()
    confidences = evaluation.confidence()[expected]
    assert np.all(np.diff(confidences) <= 0)
    assert panel.strip.thumbs.item(0).text() == f"{confidences[0]:.1%}"


def test_a_chosen_sample_opens_in_explain_with_its_heatmap(window, evaluated, qtbot):
    from ui.panels.xai_panel import display_picture
    from workbench.data.images import to_uint8_rgb

    panel, xai = evaluated, window.panel("XaiPanel")
    qtbot.waitUntil(lambda: xai.model_facts is not None, timeout=TIMEOUT_MS)
    panel.strip.choose_row(0)
    sample = panel.strip.indices[0]
    assert panel.chosen == sample
    xai.explanation = None
    qtbot.mouseClick(panel.card.explain_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is xai
    qtbot.waitUntil(lambda: xai.explanation is not None, timeout=TIMEOUT_MS)
    assert xai.from_sample.isChecked() and xai.index.value() == sample
    assert xai.input_view.caption.startswith(f"validation #{sample} ")
    picture = display_picture(to_uint8_rgb(window.session.dataset.x_val[sample]))
    assert np.array_equal(xai.input_view.pixels, picture)
    heat = xai.explanation.heatmap
    assert heat.shape == (8, 8) and heat.max() > heat.min()
    assert xai.overlay_view.pixels is not None


def test_mark_save_and_train_again_without_it(window, evaluated, qtbot, tmp_path):
    panel, session = evaluated, window.session
    window.show_panel("EvaluatePanel")
    evaluation, sample = panel.evaluation, panel.chosen
    sample_id = evaluation.ids[sample]
    qtbot.mouseClick(panel.card.mislabelled_button, Qt.MouseButton.LeftButton)
    assert panel.marks.mark_of(sample_id) == "mislabelled"
    assert panel.marks.counts.text().startswith("1 mislabelled · 0 to drop")
    assert panel.strip.thumbs.item(panel.strip.indices.index(sample)).text().endswith("⚑ mislabelled")
    path = str(tmp_path / "marks.csv")
    assert panel.save_marks(path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"path": sample_id, "given_label": evaluation.labels[evaluation.y_true[sample]],
                     "predicted_label": evaluation.labels[evaluation.predicted()[sample]],
                     "confidence": f"{evaluation.confidence()[sample]:.6g}", "mark": "mislabelled"}]
    assert sample_id.startswith("digits:")

    before_val = [str(i) for i in session.dataset.ids_val]
    before_train = len(session.dataset.ids_train)
    with qtbot.waitSignal(session.dataset_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(panel.marks.retrain_button, Qt.MouseButton.LeftButton)
    assert session.data_options["exclude"] == path
    assert window.tabs.currentWidget() is window.panel("TrainPanel")
    ids_val = [str(i) for i in session.dataset.ids_val]
    assert sample_id not in ids_val and sample_id not in set(session.dataset.ids_train.tolist())
    assert ids_val == [i for i in before_val if i != sample_id]  # every other sample stays on its side
    assert len(session.dataset.ids_train) == before_train
    assert any(line.startswith("excluded 1 sample") for line in session.dataset.skipped)
    # the next run is configured with the exclusion, so its config.json repeats it
    assert window.panel("TrainPanel").make_config().data_options["exclude"] == path


def test_predictions_browser_is_least_confident_first(window, evaluated):
    panel = evaluated
    shown = panel.browser.shown_samples()
    confidence = panel.evaluation.confidence()
    assert sorted(shown) == list(range(len(confidence)))
    assert np.all(np.diff(confidence[shown]) >= 0)
    model = panel.browser.predictions
    first = shown[0]
    assert model.data(model.index(0, 0)) == panel.evaluation.ids[first]
    assert model.data(model.index(0, 3)) == f"{confidence[first]:.1%}"
    panel.browser.selectRow(0)
    assert panel.chosen == first


def test_a_tabular_classifier_on_the_loaded_data_shows_rows_in_their_own_units(window, qtbot):
    """iris + an (untrained) MLP opened as a file: no run directory, so the loaded data's split."""
    from sklearn.datasets import load_iris

    from workbench import catalog, data

    session = window.session
    iris = data.load("iris", {}, seed=0, val_fraction=0.3)
    with qtbot.waitSignal(session.dataset_changed, timeout=TIMEOUT_MS):
        session.set_dataset(iris, "iris", {}, 0.3)
    entry = catalog.get("mlp")
    model = entry.build(entry.resolve({}), iris.info)
    session.set_model(model, "", iris.info.class_names, source="file")
    panel = window.show_panel("EvaluatePanel")
    assert panel.source.currentData() == "loaded" and panel.evaluate_button.isEnabled()
    before = panel.evaluation
    qtbot.mouseClick(panel.evaluate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.evaluation is not before and panel.evaluation is not None,
                    timeout=TIMEOUT_MS)
    evaluation = panel.evaluation
    probs = np.asarray(model(iris.x_val, training=False), np.float64)
    expected = confusion_matrix(iris.y_val, probs.argmax(1), labels=range(3))
    assert np.array_equal(evaluation.confusion, expected)
    true_index = int(iris.y_val[0])
    predicted_index = int(probs[0].argmax())
    panel.show_cell(true_index, predicted_index)
    assert panel.strip.currentWidget() is panel.strip.rows
    shown = panel.strip.indices
    assert shown == evaluation.cell(true_index, predicted_index).tolist()
    # the first row's measurements are the flower's own, in centimetres (not standardised)
    flower = int(evaluation.ids[shown[0]].split(":")[1])
    cells = [float(panel.strip.rows.item(0, c).text()) for c in range(1, 5)]
    assert np.allclose(cells, load_iris().data[flower], atol=1e-3)
    # the Predict tab says in a sentence why a table's classifier cannot answer for images
    assert "rows of a table" in window.panel("PredictPanel").model_problem()
