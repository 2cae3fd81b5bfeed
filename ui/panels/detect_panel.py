"""The Detect tab: a detector or segmenter on your own images, and how good it is.

Images come from an annotated set (the shapes validation images, the current data
set, or VOC / COCO annotations), a folder stepped through with Previous / Next, one
file, or files dropped on the tab. The network runs once per image on the model
lane and its candidates are cached (``predict_candidates``: every box before the
score threshold and NMS), so the score and NMS-IoU sliders only re-run
``inference.select`` (numpy) and redraw at once. Segmenters (U-Net, FCN) give a class
map drawn over the image with an opacity slider. The evaluation sub-tab runs the
model over the annotated set in the background (progress, Cancel) and shows the
per-class precision-recall curves with the VOC and COCO scores of
``workbench.detection.evaluation.evaluate`` (mean IoU for segmenters), the same tables
``keras-workbench evaluate RUN`` prints.
"""

from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSlider,
                               QTabWidget, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.detect.drawing import (DISPLAY_MAX_SIDE, DISPLAY_MIN_SIDE, display_size,  # noqa: F401
                                       draw_truth, legend_html, paint_masks, picture_of, read_picture,
                                       resize_for_display, resize_map)
from ui.widgets.detect.evaluation_page import EvaluationPage
from ui.widgets.detect.image_page import ImagePage
from ui.widgets.detect.image_sources import ImageSources
from ui.widgets.detect.navigator import ImageNavigator
from ui.widgets.detect.prediction import Prediction, predict, warm_up
from ui.widgets.detect.sources import (SHAPES_OPTIONS, SHAPES_VAL_FRACTION, Item,  # noqa: F401
                                       folder_images, is_voc_folder, read_annotations, shapes_validation)
from workbench.detection.evaluation import DETECTION, SEGMENTATION, model_kind
from workbench.errors import WorkbenchError


def catalog_names(task: str) -> str:
    """The catalog's entries of ``task`` ("a, b or c"), for the messages: from the registry,
    so a new detector is named without editing this tab."""
    from workbench import catalog

    names = [entry.name for entry in catalog.all_entries() if entry.task == task]
    if len(names) > 1:
        return QCoreApplication.translate("DetectPanel", "{0} or {1}").format(", ".join(names[:-1]), names[-1])
    return "".join(names)


def needs_detector() -> str:
    return QCoreApplication.translate(
        "DetectPanel", "This tab needs a detection model: train a detector ({0}) or a segmenter ({1}) "
        "on the shapes data in the Train tab, or open a .keras detector (File ▸ Open model…)."
    ).format(catalog_names(DETECTION), catalog_names(SEGMENTATION))
#: Predictions kept per image in memory (each is a few thousand numbers).
CACHE_SIZE = 256
#: Lines of annotation problems shown in the panel (all of them in the tooltip).
PROBLEM_LINES = 4



class DetectPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Detect")
    order = 45
    help = QT_TRANSLATE_NOOP("Panel", "Object detection and segmentation on your own images, with PR curves and mAP")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.kind: str | None = None
        self.annotated = None  # the DetectionData evaluated and browsed as "annotated set"
        self.annotated_label = ""
        self.items: list[Item] = []
        self.source_label_text = ""
        self.item: Item | None = None
        self.image: np.ndarray | None = None  # the current image, float RGB in [0, 1]
        self.display_rgb: np.ndarray | None = None
        self.prediction: Prediction | None = None
        self.shown: dict | None = None  # the detections drawn now (after threshold and NMS)
        self.cache: OrderedDict[str, Prediction] = OrderedDict()
        self._build()
        self.setAcceptDrops(True)
        session.model_changed.connect(self._model_changed)
        session.dataset_changed.connect(self._dataset_changed)
        self._update_state()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model_label = QLabel(self.tr("none"))
        self.model_label.setWordWrap(True)

        self.source_label = QLabel("")
        self.source_label.setWordWrap(True)
        self.sources = ImageSources(self)
        self.annotated_button = self.sources.annotated_button
        self.export_button = self.sources.export_button
        self.navigator = ImageNavigator()
        self.navigator.stepped.connect(self.step)
        self.navigator.jumped.connect(self.go_to)
        self.index, self.count_label = self.navigator.index, self.navigator.count_label

        self.score = QSlider(Qt.Orientation.Horizontal)
        self.score.setRange(0, 100)
        self.score.setValue(30)
        self.score.setToolTip(self.tr("Boxes scoring below this are hidden (no new network run)"))
        self.score.valueChanged.connect(lambda _v: self.redraw())
        self.score_value = QLabel()
        self.iou = QSlider(Qt.Orientation.Horizontal)
        self.iou.setRange(0, 100)
        self.iou.setValue(50)
        self.iou.setToolTip(self.tr("Non-maximum suppression: of two boxes of one class overlapping more "
                                    "than this (IoU), only the better one stays"))
        self.iou.valueChanged.connect(lambda _v: self.redraw())
        self.iou_value = QLabel()
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip(self.tr("How strongly the class colours of masks and class maps cover "
                                        "the image"))
        self.opacity.valueChanged.connect(lambda _v: self.redraw())
        self.opacity_value = QLabel()
        for label in (self.score_value, self.iou_value, self.opacity_value):
            label.setMinimumWidth(34)
        self.show_masks = QCheckBox(self.tr("Show masks"))
        self.show_masks.setChecked(True)
        self.show_masks.setToolTip(self.tr("Instance masks as translucent fills (Mask R-CNN, ground truth)"))
        self.show_masks.toggled.connect(lambda _c: self.redraw())
        self.show_truth = QCheckBox(self.tr("Ground truth beside the predictions"))
        self.show_truth.setToolTip(self.tr("Only images of an annotated set (shapes, VOC, COCO) have one"))
        self.show_truth.toggled.connect(lambda _c: self.redraw())

        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_label)
        form.addRow(self.tr("Images"), self.sources)
        form.addRow("", self.source_label)
        form.addRow("", self.navigator)
        form.addRow("", self.export_button)
        self._slider_rows = {slider: self._slider_row(slider, value) for slider, value in (
            (self.score, self.score_value), (self.iou, self.iou_value),
            (self.opacity, self.opacity_value))}
        form.addRow(self.tr("Score ≥"), self._slider_rows[self.score])
        form.addRow(self.tr("NMS IoU"), self._slider_rows[self.iou])
        form.addRow(self.tr("Opacity"), self._slider_rows[self.opacity])
        form.addRow("", self.show_masks)
        form.addRow("", self.show_truth)
        self._form = form
        self.state = hint_label("")
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #905000;")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        controls = QGroupBox(self.tr("Detect"))
        column = QVBoxLayout(controls)
        column.addLayout(form)
        column.addWidget(self.state)
        column.addWidget(self.problems)
        column.addStretch(1)
        self.how = hint_label("")
        column.addWidget(self.how)
        controls.setMaximumWidth(470)

        self.views = QTabWidget()
        self.image_page = ImagePage(self)
        page = self.image_page
        self.truth_view, self.predicted_view, self.legend = page.truth_view, page.predicted_view, page.legend
        self.message, self.table = page.message, page.table
        from ui.widgets.detect.box_explainer import BoxExplainer

        self.box_explainer = BoxExplainer(self)  # click a box: its Grad-CAM / D-RISE
        page.images.addWidget(self.box_explainer, 1)
        self.views.addTab(page, self.tr("Image"))
        self.evaluation_page = EvaluationPage(self)
        self.views.addTab(self.evaluation_page, self.tr("Evaluation"))
        from ui.widgets.detect.statistics_view import StatisticsView
        from ui.widgets.detect.threshold_view import ThresholdView
        self.threshold_view = ThresholdView(lambda: self.evaluation_page.evaluation)
        self.views.addTab(self.threshold_view, self.tr("Thresholds"))  # TP/FP/FN, the notes' AP
        self.statistics_view = StatisticsView(self)  # of the loaded annotated set
        self.views.addTab(self.statistics_view, self.tr("Statistics"))
        from ui.widgets.detect.video_view import VideoView
        self.video_view = VideoView(self)  # a video's frames through this tab's model and sliders
        self.views.addTab(self.video_view, self.tr("Video"))
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.views, 1)

    @staticmethod
    def _slider_row(slider: QSlider, value: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(slider, 1)
        row.addWidget(value)
        return row

    # the evaluation page's parts, where tests and other widgets look for them
    evaluation = property(lambda self: self.evaluation_page.evaluation)
    eval_button = property(lambda self: self.evaluation_page.eval_button)
    cancel_button = property(lambda self: self.evaluation_page.cancel_button)
    eval_progress = property(lambda self: self.evaluation_page.eval_progress)
    eval_text = property(lambda self: self.evaluation_page.eval_text)
    summary = property(lambda self: self.evaluation_page.summary)
    per_class = property(lambda self: self.evaluation_page.per_class)
    pr_plot = property(lambda self: self.evaluation_page.pr_plot)
    iou_chart = property(lambda self: self.evaluation_page.iou_chart)

    def start_evaluation(self) -> None:
        self.evaluation_page.start()

    def cancel_evaluation(self) -> None:
        self.evaluation_page.cancel()

    def table_values(self, table) -> dict:
        return self.evaluation_page.table_values(table)

    # -- state -------------------------------------------------------------------------------
    def ready(self) -> bool:
        return self.session.model is not None and self.kind is not None

    def class_names(self) -> tuple[str, ...]:
        names = tuple(getattr(self.session.model, "class_names", ()) or ())
        if not names:
            names = tuple(self.session.class_names)
        if not names and self.annotated is not None:
            names = tuple(self.annotated.class_names)
        return names

    def _update_state(self) -> None:
        model = self.session.model
        if model is None:
            text = self.tr("No model yet: train a detector ({0}) or a segmenter ({1}) on the shapes data "
                           "in the Train tab, or open a .keras detector (File ▸ Open model…).").format(
                catalog_names(DETECTION), catalog_names(SEGMENTATION))
        elif self.kind is None:
            text = self.tr("{0} The current model, {1}, is not one.").format(needs_detector(), model.name)
        else:
            text = ""
        self.state.setText(text)
        self.state.setVisible(bool(text))
        segmenting = self.kind == SEGMENTATION
        detecting = self.kind == DETECTION
        for slider, visible in ((self.score, not segmenting), (self.iou, not segmenting)):
            self._form.setRowVisible(self._slider_rows[slider], visible)
        self.show_masks.setVisible(not segmenting)
        self.table.setVisible(not segmenting)
        self.how.setText(self.tr("The network runs once per image; the opacity slider only re-blends its "
                                 "stored class map. Drop images, a folder, a VOC, YOLO-txt or KITTI folder "
                                 "or a COCO .json on this tab.") if segmenting else
                         self.tr("The network runs once per image; the score and NMS sliders only "
                                 "re-filter its stored candidates, so they act at once. Drop images, a "
                                 "folder, a VOC, YOLO-txt or KITTI folder or a COCO .json on this tab."))
        self.score_value.setText(f"{self.score.value() / 100:.2f}")
        self.iou_value.setText(f"{self.iou.value() / 100:.2f}")
        self.opacity_value.setText(f"{self.opacity.value()}%")
        self.evaluation_page.update_state()
        self.annotated_button.setEnabled(self.annotated is not None)
        annotated = self.item is not None and self.item.index >= 0
        self.show_truth.setEnabled(annotated)
        self.show_masks.setEnabled(detecting or annotated)

    def _model_changed(self, model) -> None:
        self.cache.clear()
        self.prediction, self.shown = None, None
        self.kind = model_kind(model)
        self.message.setText("")
        self.evaluation_page.reset()
        if model is None:
            self.model_label.setText(self.tr("none"))
        else:
            session = self.session
            where = os.path.basename(session.run_dir) if session.run_dir else \
                os.path.basename(session.model_path)
            kind = {DETECTION: self.tr("detector"), SEGMENTATION: self.tr("segmenter")}.get(
                self.kind, self.tr("not a detector"))
            self.model_label.setText(f"{model.name} — {kind}" + (f" ({where})" if where else ""))
        self.legend.setText(legend_html(self.class_names()) if self.kind else "")
        self._update_state()
        if self.kind is not None:
            kind = self.kind
            self.background(lambda: warm_up(model, kind), None, key="detect-warmup", quiet=True,
                            lane=self.TF_LANE)
            if self.annotated is None:
                self._load_shapes()
            elif not self.items:
                self.use_annotated()
        self.redraw()  # the picture without the previous model's boxes
        self.show_current()

    def _dataset_changed(self, dataset) -> None:
        """A detection data set loaded in the Data tab: its validation images become the set."""
        if not (hasattr(dataset, "boxes") and hasattr(dataset, "labels")):
            return
        try:
            val = dataset.train_val()[1]
        except WorkbenchError:
            val = dataset
        if len(val):
            self.set_annotated(val, self.tr("{0} validation ({1} images)").format(dataset.name, len(val)),
                               browse=True)
        else:  # no validation split: all its images
            self.set_annotated(dataset, self.tr("{0} ({1} images)").format(dataset.name, len(dataset)),
                               browse=True)

    def on_tf_ready(self) -> None:
        if self.annotated is None:
            self._load_shapes()

    def _load_shapes(self) -> None:
        def loaded(data) -> None:
            if self.annotated is None:
                self.set_annotated(data, self.tr("shapes validation ({0} images)").format(len(data)),
                                   browse=not self.items)

        self.background(shapes_validation, loaded, key="detect-shapes", quiet=True)

    def on_background_failed(self, key, message) -> None:
        if key == "detect-read":
            self._show_message(message, error=True)
        elif key == "detect-infer":
            self._show_message(self.tr("The model failed on this image: {0}").format(message), error=True)
        elif key == "detect-eval":
            self.evaluation_page.ended(self.tr("Evaluation failed: {0}").format(message))
        elif key == "detect-notes":
            self._show_message(message, error=True)
        elif key == "detect-folder":
            self._show_message(message, error=True)

    def _show_message(self, text: str, error: bool = False) -> None:
        colour = "#b03000" if error else "#202020"
        self.message.setText(f"<span style='color:{colour}'>{text}</span>")
        if error:
            self.session.report(text)

    # -- sources -----------------------------------------------------------------------------
    def set_annotated(self, data, label: str, browse: bool = True) -> None:
        self.annotated, self.annotated_label = data, label
        problems = list(getattr(data, "problems", []) or [])
        if problems:
            shown = "<br>".join(p.replace("<", "&lt;") for p in problems[:PROBLEM_LINES])
            more = self.tr("<br>… and {0} more (hover)").format(len(problems) - PROBLEM_LINES) \
                if len(problems) > PROBLEM_LINES else ""
            self.problems.setText(self.tr("<b>{0} annotation problem(s)</b> in {1} (the rest loaded):<br>{2}")
                                  .format(len(problems), label, shown) + more)
            self.problems.setToolTip("\n".join(problems[:200]))
        else:
            self.problems.setText("")
            self.problems.setToolTip("")
        self.problems.setVisible(bool(problems))
        if browse:
            self.use_annotated()
        else:
            self._update_state()

    def use_annotated(self) -> None:
        data = self.annotated
        if data is None:
            return
        names = data.file_names
        items = [Item(f"set:{id(data)}:{i}",
                      f"{self.annotated_label.split(' (')[0]} #{i + 1}"
                      + (f" · {names[i]}" if names else ""), index=i) for i in range(len(data))]
        self.set_items(items, self.annotated_label)

    def set_items(self, items: list[Item], label: str) -> None:
        self.items, self.source_label_text = items, label
        self.source_label.setText(label)
        self.navigator.set_count(len(items))
        self.go_to(0)

    def open_image_dialog(self) -> None:  # Ctrl+O of the window
        self.sources.open_image_dialog()

    def open_images(self, paths: list[str]) -> None:
        self.sources.open_images(paths)

    def open_folder(self, folder: str) -> None:
        self.sources.open_folder(folder)

    def open_annotations(self, path: str) -> None:
        self.sources.open_annotations(path)

    def export_annotations_dialog(self) -> None:
        self.sources.export_annotations_dialog()

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event):  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        self.sources.open_paths(paths)

    # -- stepping ------------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        if self.items:
            self.go_to((self.items.index(self.item) + delta) % len(self.items)
                       if self.item in self.items else 0)

    def go_to(self, position: int) -> None:
        if not self.items:
            return
        position = max(0, min(position, len(self.items) - 1))
        self.navigator.set_position(position)
        self.item = self.items[position]
        self.image, self.display_rgb, self.prediction, self.shown = None, None, None, None
        self._update_state()
        self.show_current()

    def show_current(self) -> None:
        """Get the current item's pixels (a worker reads files), then its prediction."""
        item = self.item
        if item is None:
            return
        if self.image is not None:
            self._request_prediction()
            return
        if item.index >= 0:  # a small image of the loaded set: its picture is made at once
            self._image_ready(item, picture_of(np.asarray(self.annotated.images[item.index], np.float32)))
            return
        path = item.path
        self.background(lambda: read_picture(path), lambda picture: self._image_ready(item, picture),
                        key="detect-read", quiet=True)

    def _image_ready(self, item: Item, picture: tuple[np.ndarray, np.ndarray, str]) -> None:
        if item is not self.item:
            return
        self.image, self.display_rgb, note = picture
        if note:
            self.session.report(note)
        self.message.setText("")
        self.redraw()
        self._request_prediction()

    def _request_prediction(self) -> None:
        item, model, kind = self.item, self.session.model, self.kind
        if item is None or self.image is None or not self.ready():
            return
        cached = self.cache.get(item.key)
        if cached is not None:
            self.cache.move_to_end(item.key)
            self._predicted(item, model, cached)
            return
        image = self.image
        self._show_message(self.tr("Running the model…"))
        self.background(lambda: predict(model, kind, image),
                        lambda prediction: self._predicted(item, model, prediction),
                        key="detect-infer", quiet=True, lane=self.TF_LANE)

    def _predicted(self, item: Item, model, prediction: Prediction) -> None:
        if model is not self.session.model:
            return
        self.cache[item.key] = prediction
        self.cache.move_to_end(item.key)
        while len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        if item is self.item:
            self.prediction = prediction
            self.redraw()

    # -- drawing -------------------------------------------------------------------------------
    def thresholds(self) -> tuple[float, float]:
        return self.score.value() / 100.0, self.iou.value() / 100.0

    def redraw(self) -> None:
        """Re-select (numpy) and draw the cached prediction: the sliders call this."""
        self._update_state()
        rgb, item = self.display_rgb, self.item
        if rgb is None or item is None:
            return
        names = self.class_names()
        prediction = self.prediction
        caption = item.caption
        if prediction is None:
            self.predicted_view.set_image(rgb, caption)
            self.shown = None
            self.table.setRowCount(0)
        elif prediction.kind == SEGMENTATION:
            self.shown = None
            self.image_page.draw_segmentation(rgb, prediction, names, caption)
        else:
            self.shown = self.image_page.draw_detections(rgb, prediction, names, caption)
        self.image_page.draw_truth(rgb, item, names)
        self.box_explainer.refresh()

    def shutdown(self) -> None:
        self.evaluation_page.shutdown()
        self.box_explainer.shutdown()
        self.video_view.shutdown()

