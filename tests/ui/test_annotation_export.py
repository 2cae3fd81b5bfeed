"""The Detect tab reads a dropped YOLO-txt folder and exports the set, or a detector's boxes,
through the "Export annotations…" dialog (the writing runs on a worker)."""

import json
import os

import cv2
import numpy as np
import pytest

TIMEOUT_MS = 120_000


@pytest.fixture
def panel(qtbot):
    from ui.panels.detect_panel import DetectPanel
    from ui.session import Session

    session = Session()
    widget = DetectPanel(session)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def _yolo_folder(root):
    os.makedirs(root / "images")
    os.makedirs(root / "labels")
    for name in ("a", "b"):
        cv2.imwrite(str(root / "images" / f"{name}.png"), np.full((40, 60, 3), 90, np.uint8))
    (root / "labels" / "a.txt").write_text("1 0.5 0.5 0.5 0.5\n3 0.5 0.5 0.1 0.1\n")
    (root / "labels" / "b.txt").write_text("0 0.25 0.25 0.5 0.5\n")
    (root / "classes.txt").write_text("cat\ndog\n")
    return root


def test_dropped_yolo_folder_loads_and_exports_as_voc(panel, qtbot, tmp_path, monkeypatch):
    from ui.widgets import annotation_export
    from ui.widgets.annotation_export import ExportChoice

    root = _yolo_folder(tmp_path / "set")
    panel.open_paths([str(root)])
    qtbot.waitUntil(lambda: panel.annotated is not None and panel.annotated.name == "yolo",
                    timeout=TIMEOUT_MS)
    assert len(panel.items) == 2
    assert "line 2: class index 3 is beyond the 2 names" in panel.problems.text()
    np.testing.assert_allclose(panel.annotated.boxes[0], [[15, 10, 45, 30]])

    out = tmp_path / "voc"

    class Accepting(annotation_export.ExportDialog):
        def exec(self):
            assert self.annotated.isChecked() and not self.predicted.isEnabled()  # no model yet
            self.format.setCurrentIndex(self.format.findData("voc"))
            self.out.setText(str(out))
            return self.DialogCode.Accepted

    monkeypatch.setattr(annotation_export, "ExportDialog", Accepting)
    panel.export_annotations_dialog()
    qtbot.waitUntil(lambda: "Exported 2 image(s)" in panel.message.text(), timeout=TIMEOUT_MS)
    xml = (out / "Annotations" / "a.xml").read_text()
    assert "<name>dog</name>" in xml and "<xmin>16</xmin>" in xml and "<xmax>45</xmax>" in xml
    assert (out / "JPEGImages" / "b.png").read_bytes() == (root / "images" / "b.png").read_bytes()
    # predictions of a detector on the same images, as COCO with scores
    import keras

    from workbench.data.base import DataInfo
    from workbench.models.detection.yolo_v1 import build_yolo_v1

    keras.utils.set_random_seed(0)
    info = DataInfo("yolo", "image", "detection", (64, 64, 3), ("cat", "dog"))
    model = build_yolo_v1({"width": 4, "hidden": 16, "levels": 4, "grid": 4}, info)
    text = annotation_export.export_work(ExportChoice(True, "coco", str(tmp_path / "pre"), 0.0, False),
                                         panel.annotated, model)
    payload = json.loads((tmp_path / "pre" / "annotations.json").read_text())
    assert text.startswith(f"Exported 2 image(s), {len(payload['annotations'])} predicted box(es)")
    assert payload["annotations"] and all("score" in a for a in payload["annotations"])
    assert [c["name"] for c in payload["categories"]] == ["cat", "dog"]
