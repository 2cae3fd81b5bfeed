"""The Detect tab's Image page: the picture with the model's boxes (or class map), the
ground truth beside it, the legend, the message line and the table of boxes.

It draws what the panel holds (the picture, the cached prediction, the annotated set)
with the panel's sliders; the network never runs here, so redrawing is instant.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ui.widgets.detect.drawing import draw_truth, paint_masks, resize_map
from ui.widgets.detect.prediction import Prediction
from ui.widgets.detect.sources import Item
from ui.widgets.image_view import ImageView
from workbench.detection.evaluation import SEGMENTATION


class ImagePage(QWidget):
    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = panel
        self.truth_view = ImageView(self.tr("Ground truth"))
        self.predicted_view = ImageView(self.tr("Open an image, a folder, or press “Annotated set”. "
                                                "Image files dropped here work too."))
        self.truth_view.setVisible(False)
        self.legend = QLabel("")
        self.legend.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Score"),
                                              self.tr("Box (x1, y1, x2, y2) in image pixels")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(170)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.images = QHBoxLayout()  # the panel adds its box explainer on the right
        self.images.addWidget(self.truth_view, 1)
        self.images.addWidget(self.predicted_view, 1)
        column = QVBoxLayout(self)
        column.addLayout(self.images, 1)
        column.addWidget(self.legend)
        column.addWidget(self.message)
        column.addWidget(self.table)

    def draw_detections(self, rgb, prediction: Prediction, names, caption: str) -> dict:
        """The boxes over the score threshold after NMS, drawn and listed; returns them."""
        from workbench.detection import inference

        panel = self.panel
        score, iou = panel.thresholds()
        selected = inference.select(prediction.candidates, score, iou)
        boxes_only = {k: v for k, v in selected.items() if k != "masks"}
        drawn = inference.rescale(boxes_only, prediction.model_size, rgb.shape[:2])
        if panel.show_masks.isChecked() and selected.get("masks") is not None:
            rgb = paint_masks(rgb, selected["masks"], selected["labels"], selected["scores"],
                              panel.opacity.value() / 100.0)
        picture = inference.draw_detections(rgb, drawn, names, show_masks=False)
        count = len(selected["scores"])
        self.predicted_view.set_image(picture, self.tr("{0} · {1} detection(s)").format(caption, count))
        total = len(prediction.candidates["scores"])
        fps = 1000.0 / prediction.ms if prediction.ms > 0 else float("inf")
        hint = ""
        if count == 0 and total:
            best = float(np.max(prediction.candidates["scores"]))
            hint = self.tr("<br>Nothing scores ≥ {0:.2f}; the best candidate scores {1:.2f}: "
                           "lower the score slider (or train the model longer).").format(score, best)
        panel._show_message(self.tr("<b>{0}</b> of {1} candidates shown (score ≥ {2:.2f}, NMS IoU {3:.2f}) "
                                    "· inference <b>{4:.1f} ms</b> ({5:.1f} FPS) at {6}×{7}").format(
            count, total, score, iou, prediction.ms, fps, prediction.model_size[1], prediction.model_size[0])
            + hint)
        original = inference.rescale(boxes_only, prediction.model_size, prediction.image_size)
        self.table.setRowCount(count)
        for row in range(count):
            label = int(selected["labels"][row])
            name = names[label] if 0 <= label < len(names) else str(label)
            box = ", ".join(f"{v:.0f}" for v in original["boxes"][row])
            for column, text in enumerate((name, f"{selected['scores'][row]:.3f}", box)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        return selected

    def draw_segmentation(self, rgb, prediction: Prediction, names, caption: str) -> None:
        from workbench.detection import inference

        panel = self.panel
        class_map = resize_map(prediction.class_map, rgb.shape[:2])
        alpha = panel.opacity.value() / 100.0
        picture = inference.draw_segmentation(rgb, class_map, names, alpha=alpha)
        self.predicted_view.set_image(picture, self.tr("{0} · class map").format(caption))
        fps = 1000.0 / prediction.ms if prediction.ms > 0 else float("inf")
        values, counts = np.unique(prediction.class_map, return_counts=True)
        share = {int(v): c / prediction.class_map.size for v, c in zip(values, counts)}
        background = self.tr("background")
        panel._show_message(self.tr("inference <b>{0:.1f} ms</b> ({1:.1f} FPS)").format(prediction.ms, fps)
                            + " · " + " · ".join(f"{names[v - 1] if 0 < v <= len(names) else background} "
                                                 f"{share[v]:.0%}" for v in sorted(share)))
        self.table.setRowCount(0)

    def draw_truth(self, rgb, item: Item, names) -> None:
        from workbench.detection import inference

        panel = self.panel
        visible = panel.show_truth.isChecked() and item.index >= 0 and panel.annotated is not None
        self.truth_view.setVisible(visible)
        if not visible:
            return
        data, i = panel.annotated, item.index
        height, width = np.shape(data.images[i])[:2]
        scale = np.array([rgb.shape[1] / width, rgb.shape[0] / height] * 2, np.float32)
        boxes = np.asarray(data.boxes[i], np.float32).reshape(-1, 4) * scale
        labels = [int(v) for v in data.labels[i]]
        if panel.kind == SEGMENTATION and data.masks is not None:
            truth = np.zeros((height, width), np.int32)
            for mask, label in zip(data.masks[i], labels):
                truth[np.asarray(mask, bool)] = label + 1
            picture = inference.draw_segmentation(rgb, resize_map(truth, rgb.shape[:2]), names,
                                                  alpha=panel.opacity.value() / 100.0)
        else:
            masks = data.masks[i] if data.masks is not None else None
            keypoints = None
            if getattr(data, "keypoints", None) is not None and getattr(data, "keypoint_names", ()):
                keypoints = np.asarray(data.keypoints[i], np.float32).reshape(len(labels), -1, 3).copy()
                keypoints[..., :2] *= scale[:2]  # image pixels -> the shown copy's
            picture = draw_truth(rgb, boxes, labels, masks, names, panel.show_masks.isChecked(),
                                 panel.opacity.value() / 100.0, keypoints, getattr(data, "skeletons", ()))
        self.truth_view.set_image(picture, self.tr("ground truth · {0} object(s)").format(len(labels)))
