"""The Compare explanations tab, driven like a user on real (tiny) trained models.

A GAP CNN trained a few steps on digits and an MLP trained on iris, both through the
real training job; the tests of this module share one panel per model and run in order.
"""

import os
import time

import numpy as np
import pytest

from PySide6.QtCore import QEventLoop, QTimer

TIMEOUT_MS = 120_000
THREE = ("cam", "gradcam", "scorecam")


def spin_until(condition, timeout: float) -> None:
    """Run the Qt event loop until ``condition()`` holds (module fixtures have no qtbot)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _train(model: str, data: str, out: str, **config):
    from workbench.training.config import TrainConfig
    from workbench.training.job import run_training

    return run_training(TrainConfig(model=model, data=data, out=out, **config))


def _panel_with(result, source: str):
    from ui.panels.compare_panel import ComparePanel
    from ui.session import Session

    session = Session()
    panel = ComparePanel(session)
    session.set_dataset(result.dataset, source, {}, 0.2)
    session.set_model(result.model, "", result.dataset.info.class_names, "trained", result.run_dir)
    spin_until(lambda: panel.mode() != "" and panel.klass.count() > 0, timeout=120)
    return session, panel


@pytest.fixture(scope="module")
def digits_panel(qapp, tmp_path_factory):
    result = _train("gap_cnn", "digits", str(tmp_path_factory.mktemp("gap")), epochs=1, steps_per_epoch=15,
                    hparams={"filters": 4})
    session, panel = _panel_with(result, "digits")
    panel.resize(1100, 760)
    yield panel
    panel.shutdown()
    panel.deleteLater()
    session.deleteLater()


@pytest.fixture(scope="module")
def iris_panel(qapp, tmp_path_factory):
    result = _train("mlp", "iris", str(tmp_path_factory.mktemp("mlp")), epochs=15, batch_size=16,
                    hparams={"hidden_units": "16"})
    session, panel = _panel_with(result, "iris")
    yield panel
    panel.shutdown()
    panel.deleteLater()
    session.deleteLater()


@pytest.fixture
def explain_calls(monkeypatch):
    """Every call of ``workbench.xai.explain`` (method names), the real function still running."""
    import workbench.xai as xai

    calls, real = [], xai.explain

    def counting(model, image, method="gradcam", *args, **kwargs):
        calls.append(method)
        return real(model, image, method, *args, **kwargs)

    monkeypatch.setattr(xai, "explain", counting)
    return calls


def _check_only(panel, methods):
    for name, check in panel.checks.items():
        check.setChecked(name in methods)


def _run(panel, qtbot):
    panel.explain()
    assert panel.running()
    qtbot.waitUntil(lambda: not panel.running(), timeout=TIMEOUT_MS)


def test_gap_cnn_offers_every_method_with_cam_enabled(digits_panel):
    import workbench.xai as xai

    panel = digits_panel
    assert panel.mode() == "image" and panel.pages.currentIndex() == 0
    assert list(panel.checks) == list(xai.METHODS)
    assert panel.checks["cam"].isEnabled() and panel.checks["cam"].text() == "CAM"
    assert panel.layer.currentText() == xai.default_layer(panel.session.model) == "last_conv"
    # the class combo lists the five most likely classes, most likely first, with probabilities
    assert panel.klass.count() == 5
    shown = [float(panel.klass.itemText(i).rsplit("(", 1)[1].rstrip("%)")) for i in range(5)]
    assert shown == sorted(shown, reverse=True) and 0 < sum(shown) <= 100.5


def test_three_methods_fill_three_cells_with_scores(digits_panel, qtbot, explain_calls):
    panel = digits_panel
    _check_only(panel, THREE)
    _run(panel, qtbot)
    qtbot.waitUntil(lambda: len(panel.scores) == 3, timeout=TIMEOUT_MS)
    assert explain_calls == list(THREE)  # one after another, in the list's order
    assert list(panel.grid.cells) == list(THREE)
    for method in THREE:
        heat = panel.results[method].heatmap
        assert heat.shape == (8, 8) and heat.min() >= 0.0 and heat.max() <= 1.0 and heat.max() > heat.min()
        cell = panel.grid.cell(method)
        assert cell.state == "done" and cell.view.pixels.shape == (256, 256, 3)
        scores = panel.scores[method]
        assert 0.0 <= scores["deletion_auc"] <= 1.0 and 0.0 <= scores["insertion_auc"] <= 1.0
        assert len(scores["deletion_curve"]) == 21
        assert f"del↓ {scores['deletion_auc']:.3f}" in cell.detail.text()
    assert panel.progress.value() == panel.progress.maximum() == 6
    assert panel.progress.text() == "6 / 6 steps"  # "No comparison yet" only before the first run
    # the table shows the same numbers; the plot shows the selected method's curves
    assert panel.table.rowCount() == 3
    for row, method in enumerate(THREE):
        assert float(panel.table.item(row, 2).text()) == pytest.approx(panel.scores[method]["deletion_auc"], abs=1e-3)
        assert float(panel.table.item(row, 3).text()) == pytest.approx(panel.scores[method]["insertion_auc"], abs=1e-3)
    panel._table_clicked(2)
    assert panel.grid.current == "scorecam"
    x, y = panel.insertion_curve.getData()
    assert np.allclose(y, panel.scores["scorecam"]["insertion_curve"]) and x[-1] == 1.0
    assert "Insertion" in panel.table.horizontalHeaderItem(3).text()


def test_opacity_and_colormap_reblend_without_explaining_again(digits_panel, explain_calls):
    panel = digits_panel
    assert len(panel.results) == 3
    cell = panel.grid.cell("gradcam")
    panel.opacity.setValue(0)
    assert np.array_equal(cell.view.pixels, panel.display_rgb)  # opacity 0: the plain picture
    panel.opacity.setValue(80)
    jet = cell.view.pixels.copy()
    assert np.abs(jet.astype(int) - panel.display_rgb.astype(int)).mean() > 5.0
    panel.colormap.setCurrentText("viridis")
    assert not np.array_equal(jet, cell.view.pixels)
    assert explain_calls == []  # nothing was recomputed


def test_save_writes_each_overlay_and_the_sheet(digits_panel, qtbot, tmp_path):
    import cv2

    panel = digits_panel
    panel.saved_paths = []
    panel.save_overlays(str(tmp_path))
    qtbot.waitUntil(lambda: len(panel.saved_paths) == 4, timeout=TIMEOUT_MS)
    stem = panel.input_stem
    expected = sorted([f"{stem}_cam.png", f"{stem}_gradcam.png", f"{stem}_scorecam.png",
                       f"{stem}_comparison.png"])
    assert sorted(os.listdir(tmp_path)) == expected  # no temporary files left behind
    written = cv2.imread(str(tmp_path / f"{stem}_gradcam.png"))[..., ::-1]
    assert np.array_equal(written, panel.grid.cell("gradcam").view.pixels)
    sheet = cv2.imread(str(tmp_path / f"{stem}_comparison.png"))
    assert sheet.shape == (192 + 40, 4 * 192, 3)  # the input and three methods in one row


def test_cancel_stops_between_methods(digits_panel, qtbot, explain_calls, monkeypatch):
    import workbench.xai as xai

    panel = digits_panel
    counting = xai.explain

    def slow(*args, **kwargs):
        time.sleep(0.5)  # the first method is still running when Cancel is pressed
        return counting(*args, **kwargs)

    monkeypatch.setattr(xai, "explain", slow)
    _check_only(panel, ("gradcam", "saliency", "integrated_gradients"))
    panel.explain()
    panel.cancel()
    assert not panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.running(), timeout=TIMEOUT_MS)
    assert explain_calls == ["gradcam"]
    states = {m: c.state for m, c in panel.grid.cells.items()}
    assert states == {"gradcam": "done", "saliency": "cancelled", "integrated_gradients": "cancelled"}
    assert set(panel.results) == {"gradcam"} and set(panel.scores) == {"gradcam"}
    assert panel.explain_button.isEnabled()


def test_folder_run_skips_a_corrupt_file(digits_panel, qtbot, tmp_path):
    from workbench.data.images import to_uint8_rgb, write_png

    panel = digits_panel
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(2):
        write_png(str(folder / f"digit{i}.png"), to_uint8_rgb(panel.session.dataset.x_val[i]))
    (folder / "broken.png").write_bytes(b"not a png at all")
    out = tmp_path / "out"
    panel.folder_method.setCurrentIndex(panel.folder_method.findData("gradcam"))
    panel.run_folder(str(folder), str(out))
    assert not panel.folder_button.isEnabled() and panel.folder_cancel.isEnabled()
    qtbot.waitUntil(lambda: panel.folder_summary is not None, timeout=TIMEOUT_MS)
    summary = panel.folder_summary
    assert (summary["total"], summary["written"], summary["skipped"]) == (3, 2, 1)
    assert sorted(os.listdir(out)) == ["digit0_gradcam.png", "digit1_gradcam.png", "summary.json"]
    assert "2 written, 1 skipped" in panel.folder_result.text() and "broken.png" in panel.folder_result.text()
    assert panel.folder_bar.value() == panel.folder_bar.maximum() == 3
    assert panel.folder_button.isEnabled()


def test_dropped_image_file_becomes_the_input(digits_panel, qtbot, tmp_path):
    import cv2
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    panel = digits_panel
    path = str(tmp_path / "seven.png")
    picture = np.zeros((40, 30, 3), np.uint8)
    cv2.putText(picture, "7", (5, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 3)
    cv2.imwrite(path, picture)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(path)])
    panel.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                               Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: panel.from_file.isChecked() and panel.klass.count() == 5, timeout=TIMEOUT_MS)
    assert panel.input_view.pixels.shape == (240, 180, 3)  # 40x30 shown six times larger
    assert panel.grid.cells == {}  # the previous image's results are gone
    _check_only(panel, ("gradcam", "saliency"))
    _run(panel, qtbot)
    assert panel.input_stem == "seven"
    assert panel.results["gradcam"].heatmap.shape == (8, 8)  # computed at the model's input size
    assert panel.grid.cell("saliency").view.pixels.shape == (240, 180, 3)
    # the class explained is the one the combo showed when Explain was pressed
    assert panel.results["gradcam"].class_index == panel.klass.currentData()


def test_flatten_head_disables_cam_with_the_reason(qapp):
    import keras
    from keras import layers

    from ui.panels.compare_panel import ComparePanel
    from ui.session import Session

    inputs = keras.Input((8, 8, 1))
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    x = layers.Flatten()(x)
    model = keras.Model(inputs, layers.Dense(3, activation="softmax", name="predictions")(x))
    session = Session()
    panel = ComparePanel(session)
    session.set_model(model, "", (), "file")
    spin_until(lambda: panel.facts is not None, timeout=60)
    cam = panel.checks["cam"]
    assert panel.mode() == "image" and not cam.isEnabled()
    assert "not for this model" in cam.text() and panel.facts["cam_why"] in cam.toolTip()
    assert panel.cam_note.text().startswith("CAM is off:")
    assert panel.checks["gradcam"].isEnabled()
    # no image data and no file yet: Explain waits for an image and says so
    assert not panel.explain_button.isEnabled() and "drop an image file" in panel.state.text()
    panel.deleteLater()


def test_tabular_mode_shows_additive_shap_and_lime_bars(iris_panel, qtbot):
    from workbench.xai.common import predict

    panel = iris_panel
    assert panel.mode() == "tabular" and panel.pages.currentIndex() == 1
    assert panel.methods_box.isHidden() and panel.folder_box.isHidden()
    assert panel.klass.count() == 3  # iris has three classes (top-5 of three)
    panel.index.setValue(7)
    qtbot.waitUntil(lambda: panel.klass.count() == 3 and not panel.running(), timeout=TIMEOUT_MS)
    names = list(panel.session.dataset.info.feature_names)
    assert [panel.row_table.item(r, 0).text() for r in range(4)] == names
    _run(panel, qtbot)
    assert set(panel.results) == {"shap", "shapley_exact", "lime"}
    # Kernel SHAP enumerates all 2^4 coalitions of iris: it equals the exact Shapley values
    exact = panel.results["shapley_exact"].contributions
    assert list(exact.values()) == pytest.approx(list(panel.results["shap"].contributions.values()), abs=1e-4)
    shap = panel.results["shap"]
    values = panel.charts["shap"].values
    assert list(values) == names
    row = panel.session.dataset.x_val[7]
    output = float(predict(panel.session.model, row[None])[0][shap.class_index])
    assert sum(values.values()) == pytest.approx(output - shap.base_value, abs=1e-4)
    assert panel.charts["lime"].values == pytest.approx(panel.results["lime"].contributions)
    # bars are drawn from zero: negative ones to the left, in the negative colour
    opts = panel.charts["shap"].bars.opts
    widths, starts = np.asarray(opts["width"]), np.asarray(opts["x0"])
    assert np.allclose(starts + widths, np.maximum(list(values.values()), 0.0))
    colours = [brush.color().getRgb()[:3] for brush in opts["brushes"]]
    for value, colour in zip(values.values(), colours):
        assert colour == ((215, 50, 40) if value >= 0 else (30, 110, 210))
    assert "model output" in panel.chart_notes["shap"].text()
