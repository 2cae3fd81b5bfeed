"""Detection data in the Data tab: images with their boxes, objects per class, and the
Model tab greying the classifiers that cannot train on it."""

import numpy as np
import pytest

TIMEOUT_MS = 120_000


def test_shapes_show_boxes_and_object_counts(window, qtbot):
    data_panel = window.show_panel("DataPanel")
    data_panel.choose("shapes")
    qtbot.waitUntil(lambda: window.session.dataset is not None
                    and window.session.dataset.info.name == "shapes", timeout=TIMEOUT_MS)
    data = window.session.dataset
    objects = sum(len(labels) for labels in data.labels)
    assert sum(data_panel.chart.counts.values()) == objects
    assert set(data_panel.chart.counts) == set(data.class_names)
    assert data_panel.grid.labels[:5] == [f"{len(data.labels[i])} object(s)" for i in range(5)]
    # the first box's outline is drawn in its class colour over the image
    from workbench.detection.inference import class_colour

    image = data_panel.grid.images[0]
    x1, y1 = (int(round(v)) for v in data.boxes[0][0][:2])
    pixel = image.pixelColor(x1, y1)
    assert (pixel.red(), pixel.green(), pixel.blue()) == class_colour(data.labels[0][0])

    model_panel = window.panel("ModelPanel")
    model_panel.choose("lenet")
    assert "annotated" not in model_panel.warning.text()
    assert "'shapes' is detection data" in model_panel.warning.text()
    model_panel.choose("yolo_v1")
    assert model_panel.warning.text() == ""


@pytest.fixture(autouse=True, scope="module")
def restore_defaults(window):
    yield
    window.select_defaults()
