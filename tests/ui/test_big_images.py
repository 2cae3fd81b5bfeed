"""A 4000 x 3000 photo in the Explain and Compare tabs: the window draws and blends a
display-sized copy made on a worker, the model still sees the whole photo fitted."""

import cv2
import keras
import numpy as np
import pytest

from ui.panels.compare_panel import ComparePanel
from ui.panels.xai_panel import XaiPanel
from ui.session import Session
from workbench import xai
from workbench.data.images import DISPLAY_SIDE, display_copy, fit_image, read_image

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    path = tmp_path_factory.mktemp("big") / "photo.jpg"
    cv2.imwrite(str(path), cv2.resize(small, (4000, 3000), interpolation=cv2.INTER_CUBIC))
    return str(path)


def tiny_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3, activation="relu"),
                             keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation="softmax")])


@pytest.fixture
def session(qtbot):
    return Session()


def test_explain_blends_a_display_copy_and_explains_the_whole_photo(session, photo, qtbot):
    panel = XaiPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    session.set_model(tiny_model())
    qtbot.waitUntil(lambda: panel.model_facts is not None, timeout=TIMEOUT_MS)
    panel.open_image(photo)
    qtbot.waitUntil(lambda: panel.explanation is not None, timeout=TIMEOUT_MS)
    full = read_image(photo)
    assert panel.file_image.shape == (3000, 4000, 3)
    np.testing.assert_array_equal(panel.input_view.pixels, display_copy(full))
    assert max(panel.overlay_view.pixels.shape[:2]) == DISPLAY_SIDE
    expected = xai.explain(session.model, fit_image(full, (16, 16, 3)), method="gradcam")
    np.testing.assert_allclose(panel.explanation.heatmap, expected.heatmap, atol=1e-6)
    panel.opacity.setValue(20)  # re-blends the display copy, not the photo
    assert panel.overlay_view.pixels.shape == panel.input_view.pixels.shape


def test_compare_keeps_the_display_copy_it_read_on_the_worker(session, photo, qtbot):
    panel = ComparePanel(session)
    qtbot.addWidget(panel)
    panel.open_image(photo)
    qtbot.waitUntil(lambda: panel.file_display is not None, timeout=TIMEOUT_MS)
    np.testing.assert_array_equal(panel.file_display, display_copy(read_image(photo)))
    assert panel.file_image.shape == (3000, 4000, 3)


def test_detect_reads_the_photo_and_makes_its_picture_on_a_worker(session, photo, qtbot):
    import cv2

    from ui.panels.detect_panel import DISPLAY_MAX_SIDE, DetectPanel
    from workbench import catalog
    from workbench.data.base import DataInfo
    from workbench.data.images import to_uint8_rgb

    panel = DetectPanel(session)
    qtbot.addWidget(panel)
    entry = catalog.get("yolo_v1")
    info = DataInfo("shapes", "image", "detection", (64, 64, 3), ("circle", "square", "triangle"))
    session.set_model(entry.build(entry.resolve({}), info), source="built")
    panel.open_images([photo])
    qtbot.waitUntil(lambda: panel.display_rgb is not None, timeout=TIMEOUT_MS)
    full = read_image(photo)
    assert panel.image.shape == (3000, 4000, 3) and max(panel.display_rgb.shape[:2]) == DISPLAY_MAX_SIDE
    expected = to_uint8_rgb(cv2.resize(full, (1024, 768), interpolation=cv2.INTER_AREA))
    np.testing.assert_array_equal(panel.display_rgb, expected)
