"""The Predict tab through the real window: a folder dropped on it gives one row per image,
least confident first, the same answers as calling the model, and the CSV as shown."""

import csv
import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

TIMEOUT_MS = 120_000
DIGIT_NAMES = [str(i) for i in range(10)]


@pytest.fixture
def classifier(window, qtbot, tmp_path_factory):
    """A LeNet for digits (random weights suffice: the test compares with the model itself),
    saved with its run's info.json and opened as File ▸ Open model would."""
    from workbench import catalog
    from workbench.runs.atomic import write_json

    session = window.session
    if session.model_source != "file":
        folder = tmp_path_factory.mktemp("model")
        entry = catalog.get("lenet")
        model = entry.build(entry.resolve({}), session.dataset.info)
        path = str(folder / "model.keras")
        model.save(path)
        write_json(str(folder / "info.json"), {"class_names": DIGIT_NAMES})
        window.open_path(path)
        qtbot.waitUntil(lambda: session.model is not None and session.model_path == path, timeout=TIMEOUT_MS)
    return session.model


def _image_folder(window, tmp_path) -> tuple[str, list[str], str]:
    """Five validation digits as PNGs (one in a sub-folder) and one file that is not an image."""
    import cv2

    folder = tmp_path / "mine"
    (folder / "more").mkdir(parents=True)
    x = window.session.dataset.x_val
    paths = []
    for i in range(5):
        path = folder / ("more" if i == 4 else "") / f"digit{i}.png"
        cv2.imwrite(str(path), np.round(x[i * 7, ..., 0] * 255).astype(np.uint8))
        paths.append(str(path))
    broken = folder / "broken.png"
    broken.write_text("not a picture")
    return str(folder), paths, str(broken)


def test_no_model_is_a_sentence(window, qtbot):
    panel = window.show_panel("PredictPanel")
    if window.session.model is None:
        assert panel.state.text().startswith("No model yet")
        window.session.last_error = ""
        panel.predict_paths(["/nowhere"])
        assert window.session.last_error.startswith("No model yet")
        window.error_box.close()


def test_a_dropped_folder_is_predicted_sorted_and_saved(window, classifier, qtbot, tmp_path):
    from workbench.data.images import load_image_for

    folder, paths, broken = _image_folder(window, tmp_path)
    panel = window.show_panel("PredictPanel")
    panel.top.setValue(3)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(folder)])
    drop = QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.tabs.currentWidget() is panel  # the folder went to Predict, not to the Data tab
    qtbot.waitUntil(lambda: len(panel.rows) == 6, timeout=TIMEOUT_MS)
    assert panel.table.rowCount() == 6
    assert panel.progress.value() == panel.progress.maximum() == 6

    # the reference: the model called directly on each image, as Keras sees it
    shape = tuple(classifier.inputs[0].shape[1:])
    batch = np.stack([load_image_for(p, shape) for p in paths])
    probs = np.asarray(classifier(batch, training=False), np.float64)
    expected = {p: probs[i] for i, p in enumerate(paths)}

    shown = panel.shown_paths()
    assert shown[0] == broken  # unreadable first, then least confident first
    assert panel.table.item(0, 2).text().startswith("unreadable")
    assert sorted(shown[1:]) == sorted(paths)
    best = [expected[p].max() for p in shown[1:]]
    assert np.all(np.diff(best) >= 0)
    for row, path in enumerate(shown[1:], start=1):
        p = expected[path]
        assert panel.table.item(row, 2).text() == DIGIT_NAMES[int(p.argmax())]
        assert panel.table.item(row, 3).text() == f"{p.max():.1%}"
        assert len(panel.table.item(row, 4).text().split(" · ")) == 3
        assert not panel.table.item(row, 0).icon().isNull()

    panel.table.sortItems(3, Qt.SortOrder.DescendingOrder)  # the user sorts: the CSV follows
    out = str(tmp_path / "predictions.csv")
    panel.save_csv(out)
    with open(out, newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["path", "label", "probability", "label_1", "probability_1", "label_2",
                        "probability_2", "label_3", "probability_3", "error"]
    assert [line[0] for line in lines[1:]] == panel.shown_paths()
    for line in lines[1:]:
        if line[0] == broken:
            assert line[1] == "" and line[-1]
            continue
        p = expected[line[0]]
        order = np.argsort(-p)[:3]
        assert line[1] == DIGIT_NAMES[order[0]] and abs(float(line[2]) - p[order[0]]) < 1e-5
        assert line[3::2][:3] == [DIGIT_NAMES[i] for i in order]
        assert np.allclose([float(v) for v in line[4:10:2]], p[order], atol=1e-5)


def test_a_new_request_supersedes_the_one_under_way(window, classifier, qtbot, tmp_path):
    folder, paths, _ = _image_folder(window, tmp_path)
    panel = window.show_panel("PredictPanel")
    panel.predict_paths([folder])
    first_stop = panel._stop
    panel.predict_paths(paths[:2])  # dropped again before the first answer
    assert first_stop.is_set() and not panel._stop.is_set()
    qtbot.waitUntil(lambda: len(panel.rows) == 2 and panel.shown_paths() != [], timeout=TIMEOUT_MS)
    qtbot.wait(300)  # the first request, if it finished, must not overwrite the second
    assert sorted(panel.shown_paths()) == sorted(paths[:2])
    assert os.path.isfile(paths[0])
