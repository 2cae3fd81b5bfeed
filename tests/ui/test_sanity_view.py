"""The sanity-check window: curves, bound, maps and verdict; started from the Compare tab."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QEventLoop, QTimer


def spin_until(condition, timeout: float) -> None:
    """Run the Qt event loop until ``condition()`` holds (module fixtures have no qtbot)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _result():
    """A hand-made result: Grad-CAM falls apart, Guided Backpropagation does not."""
    from workbench.xai.sanity import METRICS, SanityResult, _finish

    result = SanityResult(["predictions", "conv2", "conv1"], 1, ["gradcam", "guided_backprop"])
    curves = {"gradcam": [1.0, 0.1, 0.05, -0.02], "guided_backprop": [1.0, 0.9, 0.8, 0.7]}
    for method, values in curves.items():
        result.similarity[method] = {metric: list(values) for metric in METRICS}
        result.maps[method] = [np.full((8, 8), v, np.float32) for v in np.linspace(0, 1, 4)]
    return _finish(result, 3)


def test_view_draws_one_curve_per_method_the_bound_and_names_the_failure(qtbot):
    from ui.widgets.sanity_view import SanityView
    from workbench.xai.sanity import PASS_BOUND

    view = SanityView()
    qtbot.addWidget(view)
    view.show_result(_result(), np.zeros((32, 32, 3), np.uint8))
    assert set(view.curves) == {"gradcam", "guided_backprop"}
    x, y = view.curves["guided_backprop"].getData()
    assert list(x) == [0, 1, 2, 3] and list(y) == [1.0, 0.9, 0.8, 0.7]
    legend = [label.text for _sample, label in view.legend.items]
    assert legend == ["Grad-CAM", "Guided Backpropagation (fails)"]
    ticks = view.plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [name for _x, name in ticks] == ["original", "predictions", "conv2", "conv1"]
    assert view.bound_line.isVisible() and view.bound_line.value() == PASS_BOUND
    assert "Fail: Guided Backpropagation" in view.verdict.text() and "Grad-CAM" in view.verdict.text()
    assert view.maps_grid.count() == 4 + 2 * (1 + 4)  # column titles, then name + 4 maps per method
    view.metric_box.setCurrentIndex(view.metric_box.findData("ssim"))
    assert not view.bound_line.isVisible()  # the bound belongs to the verdict's metric


@pytest.fixture(scope="module")
def digits_panel(qapp, tmp_path_factory):
    from ui.panels.compare_panel import ComparePanel
    from ui.session import Session
    from workbench.training.config import TrainConfig
    from workbench.training.job import run_training

    trained = run_training(TrainConfig(model="gap_cnn", data="digits", out=str(tmp_path_factory.mktemp("gap")),
                                       epochs=1, steps_per_epoch=10, hparams={"filters": 4}))
    session = Session()
    panel = ComparePanel(session)
    session.set_dataset(trained.dataset, "digits", {}, 0.2)
    session.set_model(trained.model, "", trained.dataset.info.class_names, "trained", trained.run_dir)
    spin_until(lambda: panel.mode() != "" and panel.klass.count() > 0, timeout=120)
    for name, check in panel.checks.items():
        check.setChecked(name in ("gradcam", "saliency"))
    yield panel
    panel.shutdown()
    if panel.sanity_view is not None:
        panel.sanity_view.close()
    panel.deleteLater()
    session.deleteLater()


def test_sanity_button_runs_the_check_in_the_background(digits_panel, qtbot):
    panel = digits_panel
    assert panel.sanity_button.isEnabled()
    panel.sanity_button.click()
    view = panel.sanity_view
    assert view.running and view.isVisible() and not view.again_button.isEnabled()
    qtbot.waitUntil(lambda: not view.running, timeout=120_000)
    result = view.result
    assert result is not None and not result.cancelled
    assert result.methods == ["gradcam", "saliency"] and result.layers[0] == "predictions"
    assert set(view.curves) == {"gradcam", "saliency"}
    assert view.bar.value() == view.bar.maximum()
    assert view.again_button.isEnabled()


def test_cancel_leaves_no_verdict_and_the_window_usable(digits_panel, qtbot):
    view = digits_panel.sanity_view
    view.rerun()
    assert view.running and view.cancel_button.isEnabled()
    view.cancel()
    qtbot.waitUntil(lambda: not view.running, timeout=120_000)
    assert view.result.cancelled and set(view.result.passes.values()) == {None}
    assert "Cancelled" in view.verdict.text()


def test_shuffled_labels_copy_adds_its_maps(digits_panel, qtbot):
    view = digits_panel.sanity_view
    assert view.shuffled.isEnabled()  # the digits training images are loaded
    view.shuffled.setChecked(True)
    view.epochs.setValue(1)
    view.rerun()
    qtbot.waitUntil(lambda: not view.running, timeout=120_000)
    data = view.result.data_randomization
    assert data["epochs"] == 1 and set(data["methods"]) == {"gradcam", "saliency"}
    assert "Shuffled labels (1 epochs" in view.verdict.text()
    columns = len(view.result.steps) + 1  # the shuffled-label copy's maps come last
    assert view.maps_grid.count() == columns + 2 * (1 + columns)
