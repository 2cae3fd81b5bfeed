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
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QProgressBar, QPushButton, QSlider, QSpinBox,
                               QStackedWidget, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.image_view import ImageView
from workbench.detection.evaluation import (DETECTION, SEGMENTATION, evaluate, headline,
                                            model_kind, number, per_class_table, summary_rows)
from workbench.errors import WorkbenchError


def catalog_names(task: str) -> str:
    """The catalog's entries of ``task`` ("a, b or c"), for the messages: from the registry,
    so a new detector is named without editing this tab."""
    from workbench import catalog

    names = [entry.name for entry in catalog.all_entries() if entry.task == task]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


def needs_detector() -> str:
    return (f"This tab needs a detection model: train a detector ({catalog_names(DETECTION)}) or a "
            f"segmenter ({catalog_names(SEGMENTATION)}) on the shapes data in the Train tab, or open a "
            ".keras detector (File ▸ Open model…).")
#: Small pictures are enlarged (whole factor, crisp pixels) to about this side before
#: boxes and labels are drawn, large ones reduced to at most ``DISPLAY_MAX_SIDE``.
DISPLAY_MIN_SIDE = 512
DISPLAY_MAX_SIDE = 1024
#: Predictions kept per image in memory (each is a few thousand numbers).
CACHE_SIZE = 256
#: Lines of annotation problems shown in the panel (all of them in the tooltip).
PROBLEM_LINES = 4
#: The shapes set the panel falls back on, as the Data tab loads it by default.
SHAPES_OPTIONS = {"count": 200, "image_size": 64, "max_objects": 3}
SHAPES_VAL_FRACTION = 0.2


# --- what the worker threads run ---------------------------------------------------------

@dataclass
class Prediction:
    """One image's network output: detection candidates or a segmentation class map."""

    kind: str
    candidates: dict | None  # at the model's input size
    class_map: np.ndarray | None  # at the image's own size
    ms: float
    model_size: tuple
    image_size: tuple


def warm_up(model, kind: str) -> None:
    """One call on a blank image, so that tracing the model's graphs (two-stage detectors
    have several) is not counted in the first real image's time."""
    from workbench.detection import inference

    height, width = inference.input_size(model)
    blank = np.zeros((1, height, width, 3), np.float32)
    if kind == SEGMENTATION:
        model.predict_on_batch(blank)
    else:
        model.predict_candidates(blank)


def predict(model, kind: str, image: np.ndarray) -> Prediction:
    """Run the network once on ``image`` (any size): candidates or class map, and the time."""
    from workbench.detection import inference

    size = inference.input_size(model)
    start = time.perf_counter()
    if kind == SEGMENTATION:
        class_map = inference.segment(model, image)
        return Prediction(kind, None, class_map, (time.perf_counter() - start) * 1000.0, size,
                          tuple(image.shape[:2]))
    resized, original = inference.prepare_image(image, size)
    candidates = model.predict_candidates(resized[None])[0]
    return Prediction(kind, candidates, None, (time.perf_counter() - start) * 1000.0, size,
                      tuple(original))


# --- drawing ---------------------------------------------------------------------------------

def display_size(height: int, width: int) -> tuple[int, int]:
    """The size a picture is drawn at: enlarged by a whole factor, or reduced to fit."""
    side = max(height, width)
    if side > DISPLAY_MAX_SIDE:
        scale = DISPLAY_MAX_SIDE / side
        return max(1, round(height * scale)), max(1, round(width * scale))
    factor = max(1, DISPLAY_MIN_SIDE // side)
    return height * factor, width * factor


def picture_of(image: np.ndarray, note: str = "") -> tuple[np.ndarray, np.ndarray, str]:
    """``(image with 3 channels, its display picture, note)``: the resize happens before the
    conversion to 8 bits, on a worker for a file (a photo's is ~0.3 s at full size)."""
    from workbench.data.images import to_uint8_rgb

    if image.ndim == 3 and image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    height, width = display_size(*image.shape[:2])
    if max(height, width) < max(image.shape[:2]):  # reduced: area-resize the floats first
        return image, to_uint8_rgb(resize_for_display(image, (height, width))), note
    return image, resize_for_display(to_uint8_rgb(image), (height, width)), note


def read_picture(path: str) -> tuple[np.ndarray, np.ndarray, str]:
    """``path`` read (capped, with its sentence) and its display picture (worker thread)."""
    from workbench.data.images import read_image_capped

    return picture_of(*read_image_capped(path))


def resize_for_display(rgb: np.ndarray, size) -> np.ndarray:
    import cv2

    height, width = size
    if rgb.shape[:2] == (height, width):
        return rgb
    if height >= rgb.shape[0] and height % rgb.shape[0] == 0 and width % rgb.shape[1] == 0:
        factor = height // rgb.shape[0]  # crisp pixel blocks for tiny images
        return np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1)
    return cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)


def resize_map(class_map: np.ndarray, size) -> np.ndarray:
    import cv2

    height, width = size
    if class_map.shape == (height, width):
        return class_map
    return cv2.resize(class_map.astype(np.int32), (width, height), interpolation=cv2.INTER_NEAREST)


def paint_masks(rgb: np.ndarray, masks, labels, scores, alpha: float = 0.45) -> np.ndarray:
    """Translucent instance masks over ``rgb``, the best-scoring one on top.

    The masks are combined at their own (model) resolution into one map of which
    detection owns each pixel, and only that map is resized: a hundred masks cost one
    resize, so the score slider stays instant at any threshold.
    """
    from workbench.detection.inference import class_colour

    masks = np.asarray(masks)
    if not len(masks):
        return rgb
    owner = np.full(masks.shape[1:], -1, np.int32)
    for k in np.argsort(scores, kind="stable"):  # ascending: the best is painted last
        owner[masks[k] >= 0.5] = k
    owner = resize_map(owner, rgb.shape[:2])
    covered = owner >= 0
    colours = np.array([class_colour(label) for label in labels], np.float32)
    out = rgb.copy()
    out[covered] = (out[covered] * (1 - alpha) + colours[owner[covered]] * alpha).astype(np.uint8)
    return out


def draw_truth(rgb: np.ndarray, boxes, labels, masks, class_names, show_masks: bool = True,
               alpha: float = 0.45) -> np.ndarray:
    """True boxes (dashed-free, thin, labelled with the class only) and masks over ``rgb``."""
    import cv2

    from workbench.detection.inference import class_colour

    canvas = rgb.copy()
    height, width = canvas.shape[:2]
    thickness = max(1, round(max(height, width) / 300))
    scale = max(0.3, max(height, width) / 800)
    if show_masks and masks is not None:
        for mask, label in zip(masks, labels):
            region = resize_map(np.asarray(mask, np.uint8), (height, width)).astype(bool)
            colour = np.array(class_colour(label), np.float32)
            canvas[region] = (canvas[region] * (1 - alpha) + colour * alpha).astype(np.uint8)
    for box, label in zip(np.asarray(boxes, np.float32).reshape(-1, 4), labels):
        colour = class_colour(label)
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(canvas, (x1, y1), (x2 - 1, y2 - 1), colour, thickness)
        name = class_names[label] if 0 <= label < len(class_names) else str(int(label))
        (tw, th), base = cv2.getTextSize(name, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        top = max(0, y1 - th - base)
        cv2.rectangle(canvas, (x1, top), (x1 + tw, top + th + base), colour, -1)
        cv2.putText(canvas, name, (x1, top + th), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 1,
                    cv2.LINE_AA)
    return canvas


def legend_html(class_names) -> str:
    from workbench.detection.inference import class_colour

    swatches = []
    for index, name in enumerate(class_names):
        r, g, b = class_colour(index)
        swatches.append(f"<span style='background-color: rgb({r},{g},{b})'>&nbsp;&nbsp;&nbsp;"
                        f"</span>&nbsp;{name}")
    return "&nbsp;&nbsp; ".join(swatches)


# --- sources ---------------------------------------------------------------------------------

@dataclass
class Item:
    """One image to look at: an index into an annotated set, or a file."""

    key: str
    caption: str
    path: str = ""
    index: int = -1


def folder_images(folder: str) -> list[str]:
    from workbench.data.images import IMAGE_SUFFIXES

    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise WorkbenchError(f"cannot list {folder}: {error.strerror or error}") from None
    paths = [os.path.join(folder, n) for n in names if n.lower().endswith(IMAGE_SUFFIXES)]
    if not paths:
        raise WorkbenchError(f"no images (.png, .jpg, .jpeg, .bmp) in {folder}")
    return paths


def is_voc_folder(folder: str) -> bool:
    """A VOC layout (``Annotations/``) or a folder holding ``.xml`` annotation files."""
    if os.path.isdir(os.path.join(folder, "Annotations")):
        return True
    try:
        return any(n.lower().endswith(".xml") for n in os.listdir(folder))
    except OSError:
        return False


def read_annotations(path: str):
    """A VOC folder / .xml, a COCO .json, a YOLO-txt or KITTI folder -> ``DetectionData`` (worker)."""
    from workbench.detection.annotations import read_annotations as read_any

    return read_any(path)


def shapes_validation():
    """The shapes validation images the Data tab's default ``shapes`` set holds out."""
    from workbench.data.shapes import load_shapes

    return load_shapes(dict(SHAPES_OPTIONS), 0, SHAPES_VAL_FRACTION).train_val()[1]


# --- the panel -------------------------------------------------------------------------------

class DetectPanel(Panel):
    title = "Detect"
    order = 45
    help = "Object detection and segmentation on your own images, with PR curves and mAP"

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
        self.evaluation: dict | None = None
        self._cancel = threading.Event()
        self._progress = [0, 0]
        self._evaluating = False
        self._pr_plot = None
        self._iou_chart = None
        self._build()
        self.setAcceptDrops(True)
        session.model_changed.connect(self._model_changed)
        session.dataset_changed.connect(self._dataset_changed)
        self._update_state()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model_label = QLabel("none")
        self.model_label.setWordWrap(True)

        self.source_label = QLabel("")
        self.source_label.setWordWrap(True)
        self.annotated_button = QPushButton("Annotated set")
        self.annotated_button.setToolTip("Step through the validation images of the shapes data "
                                         "(or of the data set loaded in the Data tab, or of the "
                                         "VOC/COCO annotations you opened), with their ground truth")
        self.annotated_button.clicked.connect(self.use_annotated)
        open_image = QPushButton("Image…")
        open_image.setToolTip("Open one image file (or drop image files on this tab)")
        open_image.clicked.connect(self.open_image_dialog)
        open_folder = QPushButton("Folder…")
        open_folder.setToolTip("Open a folder of images and step through them (or drop it here)")
        open_folder.clicked.connect(self.open_folder_dialog)
        open_notes = QPushButton("Annotations…")
        open_notes.setToolTip("Open annotations: a COCO .json file, a VOC .xml file (its folder), or "
                              "the classes.txt / data.yaml of a YOLO-txt folder (images/ + labels/); "
                              "drop a KITTI folder (image_2/ + label_2/). Their images become the "
                              "annotated set")
        open_notes.clicked.connect(self.open_annotations_dialog)
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setShortcut("PgUp")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton("Next ▶")
        self.next_button.setShortcut("PgDown")
        self.next_button.clicked.connect(lambda: self.step(1))
        self.index = QSpinBox()
        self.index.setRange(1, 1)
        self.index.setToolTip("Which image (PgUp / PgDown step)")
        self.index.valueChanged.connect(lambda v: self.go_to(v - 1))
        self.count_label = QLabel("/ 0")

        self.score = QSlider(Qt.Orientation.Horizontal)
        self.score.setRange(0, 100)
        self.score.setValue(30)
        self.score.setToolTip("Boxes scoring below this are hidden (no new network run)")
        self.score.valueChanged.connect(lambda _v: self.redraw())
        self.score_value = QLabel()
        self.iou = QSlider(Qt.Orientation.Horizontal)
        self.iou.setRange(0, 100)
        self.iou.setValue(50)
        self.iou.setToolTip("Non-maximum suppression: of two boxes of one class overlapping more "
                            "than this (IoU), only the better one stays")
        self.iou.valueChanged.connect(lambda _v: self.redraw())
        self.iou_value = QLabel()
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip("How strongly the class colours of masks and class maps cover "
                                "the image")
        self.opacity.valueChanged.connect(lambda _v: self.redraw())
        self.opacity_value = QLabel()
        for label in (self.score_value, self.iou_value, self.opacity_value):
            label.setMinimumWidth(34)
        self.show_masks = QCheckBox("Show masks")
        self.show_masks.setChecked(True)
        self.show_masks.setToolTip("Instance masks as translucent fills (Mask R-CNN, ground truth)")
        self.show_masks.toggled.connect(lambda _c: self.redraw())
        self.show_truth = QCheckBox("Ground truth beside the predictions")
        self.show_truth.setToolTip("Only images of an annotated set (shapes, VOC, COCO) have one")
        self.show_truth.toggled.connect(lambda _c: self.redraw())

        buttons = QHBoxLayout()
        for button in (self.annotated_button, open_image, open_folder, open_notes):
            buttons.addWidget(button)
        self.export_button = QPushButton("Export annotations…")
        self.export_button.setToolTip("Write the annotated set, or the model's boxes on the images "
                                      "shown, as COCO JSON, VOC XML or YOLO-txt")
        self.export_button.clicked.connect(self.export_annotations_dialog)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.index)
        nav.addWidget(self.count_label)
        nav.addWidget(self.next_button)
        form = QFormLayout()
        form.addRow("Model", self.model_label)
        form.addRow("Images", buttons)
        form.addRow("", self.source_label)
        form.addRow("", nav)
        form.addRow("", self.export_button)
        self._slider_rows = {slider: self._slider_row(slider, value) for slider, value in (
            (self.score, self.score_value), (self.iou, self.iou_value),
            (self.opacity, self.opacity_value))}
        form.addRow("Score ≥", self._slider_rows[self.score])
        form.addRow("NMS IoU", self._slider_rows[self.iou])
        form.addRow("Opacity", self._slider_rows[self.opacity])
        form.addRow("", self.show_masks)
        form.addRow("", self.show_truth)
        self._form = form
        self.state = hint_label("")
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #905000;")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        controls = QGroupBox("Detect")
        column = QVBoxLayout(controls)
        column.addLayout(form)
        column.addWidget(self.state)
        column.addWidget(self.problems)
        column.addStretch(1)
        self.how = hint_label("")
        column.addWidget(self.how)
        controls.setMaximumWidth(470)

        self.views = QTabWidget()
        self.views.addTab(self._image_page(), "Image")
        self.views.addTab(self._evaluation_page(), "Evaluation")
        from ui.widgets.detect.video_view import VideoView
        self.video_view = VideoView(self)  # a video's frames through this tab's model and sliders
        self.views.addTab(self.video_view, "Video")
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.views, 1)

    @staticmethod
    def _slider_row(slider: QSlider, value: QLabel) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(slider, 1)
        row.addWidget(value)
        return row

    def _image_page(self) -> QWidget:
        page = QWidget()
        self.truth_view = ImageView("Ground truth")
        self.predicted_view = ImageView("Open an image, a folder, or press “Annotated set”. "
                                        "Image files dropped here work too.")
        self.truth_view.setVisible(False)
        self.legend = QLabel("")
        self.legend.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Class", "Score", "Box (x1, y1, x2, y2) in image pixels"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(170)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        images = QHBoxLayout()
        images.addWidget(self.truth_view, 1)
        images.addWidget(self.predicted_view, 1)
        from ui.widgets.detect.box_explainer import BoxExplainer

        self.box_explainer = BoxExplainer(self)  # click a box: its Grad-CAM / D-RISE
        images.addWidget(self.box_explainer, 1)
        column = QVBoxLayout(page)
        column.addLayout(images, 1)
        column.addWidget(self.legend)
        column.addWidget(self.message)
        column.addWidget(self.table)
        return page

    def _evaluation_page(self) -> QWidget:
        page = QWidget()
        self.eval_button = QPushButton("Evaluate on the annotated set")
        self.eval_button.setToolTip("Run the model over every image of the annotated set and "
                                    "score it against the ground truth")
        self.eval_button.clicked.connect(self.start_evaluation)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_evaluation)
        self.eval_progress = QProgressBar()
        self.eval_progress.setRange(0, 1)
        self.eval_progress.setValue(0)
        self.eval_text = hint_label("Scores appear here: per-class precision-recall curves, VOC "
                                    "mAP@0.5 and the COCO AP family (mean IoU for segmenters).")
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(100)
        self._progress_timer.timeout.connect(self._show_progress)
        self.summary = QTableWidget(0, 2)
        self.summary.setHorizontalHeaderLabels(["Metric", "Value"])
        self.per_class = QTableWidget(0, 3)
        for table in (self.summary, self.per_class):
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(hint_label("The curves appear after an evaluation."))
        row = QHBoxLayout()
        row.addWidget(self.eval_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.eval_progress, 1)
        tables = QHBoxLayout()
        tables.addWidget(self.summary, 1)
        tables.addWidget(self.per_class, 1)
        column = QVBoxLayout(page)
        column.addLayout(row)
        column.addWidget(self.eval_text)
        column.addWidget(self.chart_stack, 3)
        column.addLayout(tables, 2)
        return page

    @property
    def pr_plot(self):
        """The per-class precision-recall plot (pyqtgraph is imported on first use)."""
        if self._pr_plot is None:
            from ui.widgets.pr_plot import PrecisionRecallPlot

            self._pr_plot = PrecisionRecallPlot()
            self.chart_stack.addWidget(self._pr_plot)
        return self._pr_plot

    @property
    def iou_chart(self):
        """Per-class IoU bars of a segmenter's evaluation."""
        if self._iou_chart is None:
            from ui.widgets.bar_chart import BarChart

            self._iou_chart = BarChart("IoU per class (validation pixels)")
            self.chart_stack.addWidget(self._iou_chart)
        return self._iou_chart

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
            text = (f"No model yet: train a detector ({catalog_names(DETECTION)}) or a segmenter "
                    f"({catalog_names(SEGMENTATION)}) on the shapes data in the Train tab, or open a .keras "
                    "detector (File ▸ Open model…).")
        elif self.kind is None:
            text = f"{needs_detector()} The current model, {model.name}, is not one."
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
        self.how.setText(("The network runs once per image; the opacity slider only re-blends its "
                          "stored class map." if segmenting else
                          "The network runs once per image; the score and NMS sliders only "
                          "re-filter its stored candidates, so they act at once.")
                         + " Drop images, a folder, a VOC, YOLO-txt or KITTI folder or a COCO .json on this tab.")
        self.score_value.setText(f"{self.score.value() / 100:.2f}")
        self.iou_value.setText(f"{self.iou.value() / 100:.2f}")
        self.opacity_value.setText(f"{self.opacity.value()}%")
        self.eval_button.setEnabled(self.ready() and self.annotated is not None
                                    and not self._evaluating)
        self.eval_button.setText("Evaluate on " + (self.annotated_label or "the annotated set"))
        self.annotated_button.setEnabled(self.annotated is not None)
        annotated = self.item is not None and self.item.index >= 0
        self.show_truth.setEnabled(annotated)
        self.show_masks.setEnabled(detecting or annotated)
        count = len(self.items)
        self.prev_button.setEnabled(count > 1)
        self.next_button.setEnabled(count > 1)
        self.index.setEnabled(count > 1)

    def _model_changed(self, model) -> None:
        self.cache.clear()
        self.prediction, self.shown, self.evaluation = None, None, None
        self.kind = model_kind(model)
        self.message.setText("")
        for table in (self.summary, self.per_class):
            table.setRowCount(0)
        self.chart_stack.setCurrentIndex(0)
        if not self._evaluating:
            self.eval_progress.setValue(0)
            self.eval_text.setText("Press Evaluate to score this model on the annotated set.")
        if model is None:
            self.model_label.setText("none")
        else:
            session = self.session
            where = os.path.basename(session.run_dir) if session.run_dir else \
                os.path.basename(session.model_path)
            kind = {DETECTION: "detector", SEGMENTATION: "segmenter"}.get(self.kind, "not a detector")
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
            self.set_annotated(val, f"{dataset.name} validation ({len(val)} images)", browse=True)
        else:  # no validation split: all its images
            self.set_annotated(dataset, f"{dataset.name} ({len(dataset)} images)", browse=True)

    def on_tf_ready(self) -> None:
        if self.annotated is None:
            self._load_shapes()

    def _load_shapes(self) -> None:
        def loaded(data) -> None:
            if self.annotated is None:
                self.set_annotated(data, f"shapes validation ({len(data)} images)",
                                   browse=not self.items)

        self.background(shapes_validation, loaded, key="detect-shapes", quiet=True)

    def on_background_failed(self, key, message) -> None:
        if key == "detect-read":
            self._show_message(message, error=True)
        elif key == "detect-infer":
            self._show_message(f"The model failed on this image: {message}", error=True)
        elif key == "detect-eval":
            self._evaluation_ended(f"Evaluation failed: {message}")
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
            more = f"<br>… and {len(problems) - PROBLEM_LINES} more (hover)" \
                if len(problems) > PROBLEM_LINES else ""
            self.problems.setText(f"<b>{len(problems)} annotation problem(s)</b> in {label} "
                                  f"(the rest loaded):<br>{shown}{more}")
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
        self.index.blockSignals(True)
        self.index.setRange(1, max(1, len(items)))
        self.index.setValue(1)
        self.index.blockSignals(False)
        self.count_label.setText(f"/ {len(items)}")
        self.go_to(0)

    def open_image_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open images to detect objects in", "",
                                                "Images (*.png *.jpg *.jpeg *.bmp);;All files (*)")
        if paths:
            self.open_images(paths)

    def open_images(self, paths: list[str]) -> None:
        items = [Item(f"file:{os.path.abspath(p)}", os.path.basename(p), path=p) for p in paths]
        label = os.path.basename(paths[0]) if len(paths) == 1 else f"{len(paths)} images"
        self.set_items(items, label)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a folder of images")
        if path:
            self.open_folder(path)

    def open_folder(self, folder: str) -> None:
        try:
            paths = folder_images(folder)
        except WorkbenchError as error:
            self._show_message(str(error), error=True)
            self.session.fail(str(error))
            return
        items = [Item(f"file:{os.path.abspath(p)}", os.path.basename(p), path=p) for p in paths]
        self.set_items(items, f"folder {folder} ({len(paths)} images)")

    def open_annotations_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open COCO (.json), VOC (.xml) or YOLO-txt (classes.txt, data.yaml) annotations", "",
            "Annotations (*.json *.xml *.txt *.yaml *.names);;All files (*)")
        if path:
            if path.lower().endswith((".xml", ".txt", ".yaml", ".names")):
                path = os.path.dirname(path)  # the whole folder: VOC files, or the YOLO-txt set
            self.open_annotations(path)

    def open_annotations(self, path: str) -> None:
        """Load VOC or COCO annotations on a worker; their images become the annotated set."""
        name = os.path.basename(path.rstrip(os.sep)) or path

        def loaded(data) -> None:
            self.set_annotated(data, f"{name} ({len(data)} images)", browse=True)
            self.session.report(f"Loaded {len(data)} annotated images from {path}"
                                + (f"; {len(data.problems)} annotation problem(s)"
                                   if data.problems else ""))

        self.background(lambda: read_annotations(path), loaded, key="detect-notes",
                        busy=f"Reading annotations {name}…")

    def export_annotations_dialog(self) -> None:
        """Ask what to export (ui/widgets/annotation_export.py), then write it on a worker."""
        from ui.widgets.annotation_export import ExportDialog, export_work

        files = [i.path for i in self.items if i.index < 0 and i.path]
        can_predict = self.kind == DETECTION and bool(files or self.annotated is not None)
        shown = f"{len(files)} image file(s)" if files else (self.annotated_label or "the images")
        dialog = ExportDialog(self.annotated_label if self.annotated is not None else "", shown,
                              can_predict, self.score.value() / 100.0, self)
        if dialog.exec() != dialog.DialogCode.Accepted:
            return
        choice, annotated, model, iou = dialog.choice(), self.annotated, self.session.model, self.thresholds()[1]
        self.background(lambda: export_work(choice, annotated, model, files, iou),
                        lambda text: self._show_message(text) or self.session.report(text),
                        key="detect-export", busy=f"Exporting annotations to {choice.out}…",
                        lane=self.TF_LANE if choice.predictions else None)

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event):  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        """What a drop does: images are shown, a folder is stepped through (a VOC folder or a
        COCO .json is loaded as annotations)."""
        from workbench.data.images import IMAGE_SUFFIXES

        images = [p for p in paths if p.lower().endswith(IMAGE_SUFFIXES)]
        if images:
            self.open_images(images)
        elif paths and paths[0].lower().endswith(".json"):
            self.open_annotations(paths[0])
        elif paths and os.path.isdir(paths[0]):
            from workbench.detection.annotations import annotation_format

            if is_voc_folder(paths[0]) or annotation_format(paths[0]) is not None:
                self.open_annotations(paths[0])
            else:
                self.open_folder(paths[0])
        elif paths:
            text = (f"Cannot use {os.path.basename(paths[0])} here: drop images (.png, .jpg, .bmp), "
                    "a folder of images, a VOC folder or a COCO .json file.")
            self._show_message(text, error=True)
            self.session.fail(text)

    # -- stepping ------------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        if self.items:
            self.go_to((self.items.index(self.item) + delta) % len(self.items)
                       if self.item in self.items else 0)

    def go_to(self, position: int) -> None:
        if not self.items:
            return
        position = max(0, min(position, len(self.items) - 1))
        self.index.blockSignals(True)
        self.index.setValue(position + 1)
        self.index.blockSignals(False)
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
        self._show_message("Running the model…")
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
        size = rgb.shape[:2]
        prediction = self.prediction
        caption = item.caption
        if prediction is None:
            self.predicted_view.set_image(rgb, caption)
            self.shown = None
            self.table.setRowCount(0)
        elif prediction.kind == SEGMENTATION:
            self._draw_segmentation(rgb, prediction, names, caption)
        else:
            self._draw_detections(rgb, prediction, names, caption)
        self._draw_truth(rgb, item, names)
        self.box_explainer.refresh()

    def _draw_detections(self, rgb, prediction: Prediction, names, caption: str) -> None:
        from workbench.detection import inference

        score, iou = self.thresholds()
        selected = inference.select(prediction.candidates, score, iou)
        self.shown = selected
        boxes_only = {k: v for k, v in selected.items() if k != "masks"}
        drawn = inference.rescale(boxes_only, prediction.model_size, rgb.shape[:2])
        if self.show_masks.isChecked() and selected.get("masks") is not None:
            rgb = paint_masks(rgb, selected["masks"], selected["labels"], selected["scores"],
                              self.opacity.value() / 100.0)
        picture = inference.draw_detections(rgb, drawn, names, show_masks=False)
        count = len(selected["scores"])
        self.predicted_view.set_image(picture, f"{caption} · {count} detection(s)")
        total = len(prediction.candidates["scores"])
        fps = 1000.0 / prediction.ms if prediction.ms > 0 else float("inf")
        hint = ""
        if count == 0 and total:
            best = float(np.max(prediction.candidates["scores"]))
            hint = (f"<br>Nothing scores ≥ {score:.2f}; the best candidate scores {best:.2f}: "
                    "lower the score slider (or train the model longer).")
        self._show_message(f"<b>{count}</b> of {total} candidates shown (score ≥ {score:.2f}, "
                           f"NMS IoU {iou:.2f}) · inference <b>{prediction.ms:.1f} ms</b> "
                           f"({fps:.1f} FPS) at {prediction.model_size[1]}×{prediction.model_size[0]}"
                           + hint)
        original = inference.rescale(boxes_only, prediction.model_size, prediction.image_size)
        self.table.setRowCount(count)
        for row in range(count):
            label = int(selected["labels"][row])
            name = names[label] if 0 <= label < len(names) else str(label)
            box = ", ".join(f"{v:.0f}" for v in original["boxes"][row])
            for column, text in enumerate((name, f"{selected['scores'][row]:.3f}", box)):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def _draw_segmentation(self, rgb, prediction: Prediction, names, caption: str) -> None:
        from workbench.detection import inference

        class_map = resize_map(prediction.class_map, rgb.shape[:2])
        alpha = self.opacity.value() / 100.0
        picture = inference.draw_segmentation(rgb, class_map, names, alpha=alpha)
        self.shown = None
        self.predicted_view.set_image(picture, f"{caption} · class map")
        fps = 1000.0 / prediction.ms if prediction.ms > 0 else float("inf")
        values, counts = np.unique(prediction.class_map, return_counts=True)
        share = {int(v): c / prediction.class_map.size for v, c in zip(values, counts)}
        self._show_message(f"inference <b>{prediction.ms:.1f} ms</b> ({fps:.1f} FPS) · "
                           + " · ".join(f"{names[v - 1] if 0 < v <= len(names) else 'background'} "
                                        f"{share[v]:.0%}" for v in sorted(share)))
        self.table.setRowCount(0)

    def _draw_truth(self, rgb, item: Item, names) -> None:
        from workbench.detection import inference

        visible = self.show_truth.isChecked() and item.index >= 0 and self.annotated is not None
        self.truth_view.setVisible(visible)
        if not visible:
            return
        data, i = self.annotated, item.index
        height, width = np.shape(data.images[i])[:2]
        scale = np.array([rgb.shape[1] / width, rgb.shape[0] / height] * 2, np.float32)
        boxes = np.asarray(data.boxes[i], np.float32).reshape(-1, 4) * scale
        labels = [int(v) for v in data.labels[i]]
        if self.kind == SEGMENTATION and data.masks is not None:
            truth = np.zeros((height, width), np.int32)
            for mask, label in zip(data.masks[i], labels):
                truth[np.asarray(mask, bool)] = label + 1
            picture = inference.draw_segmentation(rgb, resize_map(truth, rgb.shape[:2]), names,
                                                  alpha=self.opacity.value() / 100.0)
        else:
            masks = data.masks[i] if data.masks is not None else None
            picture = draw_truth(rgb, boxes, labels, masks, names, self.show_masks.isChecked(),
                                 self.opacity.value() / 100.0)
        self.truth_view.set_image(picture, f"ground truth · {len(labels)} object(s)")

    # -- evaluation ------------------------------------------------------------------------------
    def start_evaluation(self) -> None:
        if not self.ready() or self.annotated is None or self._evaluating:
            return
        model, kind, data = self.session.model, self.kind, self.annotated
        iou = self.thresholds()[1]
        self._cancel = threading.Event()
        cancel, progress = self._cancel, [0, len(data)]
        self._progress = progress
        self._evaluating = True
        self.cancel_button.setEnabled(True)
        self.eval_progress.setRange(0, max(1, len(data)))
        self.eval_progress.setValue(0)
        self.eval_text.setText(f"Evaluating {model.name} on {self.annotated_label}…")
        self._progress_timer.start()
        self._update_state()

        def advanced(done: int, total: int) -> None:  # the worker's count, read by the timer
            progress[:] = [done, total]

        self.background(lambda: evaluate(model, kind, data, iou, advanced, cancel.is_set),
                        lambda result: self._evaluated(model, result), key="detect-eval",
                        quiet=True, lane=self.TF_LANE)

    def cancel_evaluation(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.eval_text.setText("Cancelling after the current batch…")

    def _show_progress(self) -> None:
        done, total = self._progress
        self.eval_progress.setRange(0, max(1, total))
        self.eval_progress.setValue(done)

    def _evaluation_ended(self, text: str) -> None:
        self._evaluating = False
        self._progress_timer.stop()
        self._show_progress()
        self.cancel_button.setEnabled(False)
        self.eval_text.setText(text)
        self._update_state()

    def _evaluated(self, model, result: dict | None) -> None:
        if result is None:
            self._evaluation_ended("Evaluation cancelled; the scores below are from the previous one"
                                   if self.evaluation else "Evaluation cancelled.")
            return
        if model is not self.session.model:
            self._evaluation_ended("The model changed during the evaluation; run it again.")
            return
        self.evaluation = result
        timing = f"{result['ms_per_image']:.1f} ms per image ({result['fps']:.1f} FPS)"
        if result["kind"] == SEGMENTATION:
            self._show_segmentation_scores(result)
        else:
            self._show_detection_scores(result)
        self._evaluation_ended(f"{model.name} on {self.annotated_label}: {headline(result)} · {timing}")
        self.session.report(f"Evaluation: {headline(result)}")

    def _fill(self, table: QTableWidget, rows: list[tuple]) -> None:
        """Text cells as they are; numbers right-aligned, their exact value kept as UserRole."""
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    item = QTableWidgetItem(value)
                    if c > 0:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(r, c, item)
                    continue
                whole = isinstance(value, (int, np.integer))
                item = QTableWidgetItem(str(int(value)) if whole else number(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, float(value))
                if item.text() == "—":
                    item.setToolTip("Nothing to measure: no true object of this kind or size")
                table.setItem(r, c, item)

    def _show_tables(self, evaluation: dict) -> None:
        """The summary and per-class tables, as ``keras-workbench evaluate`` prints them."""
        self.summary.setColumnCount(2)
        self.summary.setHorizontalHeaderLabels(["Metric", "Value"])
        self._fill(self.summary, summary_rows(evaluation))
        headers, rows = per_class_table(evaluation)
        self.per_class.setColumnCount(len(headers))
        self.per_class.setHorizontalHeaderLabels(headers)
        self._fill(self.per_class, rows)

    def _show_detection_scores(self, evaluation: dict) -> None:
        from workbench.detection.inference import class_colour

        self._show_tables(evaluation)
        names = evaluation["data"].class_names
        curves = {name: (c["recall"], c["precision"])
                  for name, c in evaluation["result"]["voc"]["curves"].items()}
        self.pr_plot.set_curves(curves, {name: class_colour(k) for k, name in enumerate(names)})
        self.chart_stack.setCurrentWidget(self.pr_plot)

    def _show_segmentation_scores(self, evaluation: dict) -> None:
        self._show_tables(evaluation)
        names = ("background",) + tuple(evaluation["data"].class_names)
        self.iou_chart.set_counts({name: float(0.0 if np.isnan(v) else v)
                                   for name, v in zip(names, evaluation["per_class_iou"])})
        self.chart_stack.setCurrentWidget(self.iou_chart)

    def table_values(self, table: QTableWidget) -> dict:
        """``{row label: [numbers]}`` of a score table (tests and reports read it)."""
        values = {}
        for r in range(table.rowCount()):
            cells = [table.item(r, c) for c in range(1, table.columnCount())]
            values[table.item(r, 0).text()] = [
                cell.data(Qt.ItemDataRole.UserRole) if cell is not None
                and cell.data(Qt.ItemDataRole.UserRole) is not None else
                (cell.text() if cell is not None else "") for cell in cells]
        return values

    def shutdown(self) -> None:
        self._cancel.set()
        self.box_explainer.shutdown()
        self.video_view.shutdown()
        self._progress_timer.stop()
