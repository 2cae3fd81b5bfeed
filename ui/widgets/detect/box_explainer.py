"""The Detect tab's per-box explanation: click a drawn box, see what made it.

The panel owns the picture, the prediction and the thresholds; this widget reads them
when a box is clicked (``BoxPicker`` on the panel's picture), runs Grad-CAM or D-RISE
(``workbench.xai.box_explain``) through ``Panel.background`` on the TensorFlow lane and
shows the heatmap with the box. D-RISE reports its masks done through a counter the GUI
polls (worker threads never touch widgets) and stops when another box or method is asked.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.panels.base import hint_label
from ui.widgets.detect.box_picker import BoxPicker, box_at
from ui.widgets.image_view import ImageView

#: (label, method, which map, weighting); labels translated when shown
CHOICES = ((QT_TRANSLATE_NOOP("BoxExplainer", "Grad-CAM · class score"), "gradcam", "class", "gradcam"),
           (QT_TRANSLATE_NOOP("BoxExplainer", "Grad-CAM · box regression"), "gradcam", "box", "gradcam"),
           (QT_TRANSLATE_NOOP("BoxExplainer", "ODAM · class score (this box only)"), "gradcam", "class", "odam"),
           (QT_TRANSLATE_NOOP("BoxExplainer", "ODAM · box regression"), "gradcam", "box", "odam"),
           (QT_TRANSLATE_NOOP("BoxExplainer", "D-RISE (random masks)"), "drise", "class", ""))
#: shown under a Grad-CAM map: why other objects may light up (translated when shown)
GRADCAM_NOTE = QT_TRANSLATE_NOOP("BoxExplainer", " Grad-CAM gives each channel one weight for the whole map, so "
                                 "other objects with the same features light up too; ODAM weighs each location "
                                 "and keeps to this box.")


def explain_work(model, image, prediction, selected, number, method, weighting, seed, n_masks,
                 progress, should_stop):
    """What the worker runs: the box explanation from the panel's cached prediction."""
    from workbench.detection import inference
    from workbench.xai import box_explain

    resized, original = inference.prepare_image(image, prediction.model_size)
    found = {"resized": resized, "candidates": prediction.candidates, "model_boxes": selected,
             "selected": inference.rescale(selected, prediction.model_size, original),
             "original": original}
    options = {"n_masks": n_masks} if method == "drise" else {"weighting": weighting}
    return box_explain.explain_box(model, image, number, method, found=found, seed=seed,
                                   progress=progress, should_stop=should_stop, **options)


class BoxExplainer(QGroupBox):
    """Method chooser, heatmap view, progress and what the map means, for the clicked box."""

    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Box explanation"))
        self.panel = panel
        self.method = QComboBox()
        for label, *_rest in CHOICES:
            self.method.addItem(QCoreApplication.translate("BoxExplainer", label))
        self.method.setToolTip(self.tr("Grad-CAM: gradients of this box's own raw output (its class score, or "
                                       "the sum of its box offsets), one weight per channel. ODAM: the same "
                                       "gradients kept per location, so the map stays on this box's evidence. "
                                       "D-RISE: the image under random masks, each weighted by how well the "
                                       "detections still match this box."))
        self.masks = QSpinBox()
        self.masks.setRange(16, 5000)
        self.masks.setSingleStep(100)
        self.masks.setValue(300)
        self.masks.setSuffix(self.tr(" masks"))
        self.masks.setToolTip(self.tr("D-RISE: how many masked images to run (more: less noise, longer)"))
        self.view = ImageView(self.tr("Click a box in the picture to see what made it."))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.meaning = hint_label("")
        row = QHBoxLayout()
        row.addWidget(self.method, 1)
        row.addWidget(self.masks)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.view, 1)
        column.addWidget(self.progress)
        column.addWidget(self.meaning)
        self.picker = BoxPicker(panel.predicted_view)
        self.picker.picked.connect(self.pick)
        panel.table.cellClicked.connect(lambda row, _column: self.explain_box(row))  # a row: its box
        self.method.currentIndexChanged.connect(lambda _i: self.explain())
        self._done = [0, 0]
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.target = None  # (prediction, raw index, box number) explained
        self.result = None
        self._results = {}  # (raw index, method, weighting, masks) -> BoxExplanation, this prediction
        self._update_masks()
        self.setVisible(False)

    # -- the panel's state -------------------------------------------------------------------
    def pick(self, fx: float, fy: float) -> None:
        """A click at fraction ``(fx, fy)`` of the picture: explain the box there."""
        panel = self.panel
        prediction, selected = panel.prediction, panel.shown
        if prediction is None or selected is None or not len(selected.get("scores", ())):
            return
        height, width = prediction.model_size
        number = box_at(selected["boxes"], fx * width, fy * height)
        if number is None:
            return
        self.explain_box(number)

    def explain_box(self, number: int) -> None:
        panel = self.panel
        if panel.shown is None or "indices" not in panel.shown or number >= len(panel.shown["indices"]):
            return
        index = int(panel.shown["indices"][number])
        if self.target is None or self.target[0] is not panel.prediction:
            self._results = {}
        self.target = (panel.prediction, index, number)
        self.setVisible(True)
        self.explain()

    def refresh(self) -> None:
        """After the panel redrew: forget the box when the prediction or its numbering changed."""
        if self.target is None:
            return
        prediction, index, number = self.target
        shown = self.panel.shown
        same = (prediction is self.panel.prediction and shown is not None and "indices" in shown
                and number < len(shown["indices"]) and int(shown["indices"][number]) == index)
        if not same:
            self.clear()

    def clear(self) -> None:
        self._stop.set()
        self._timer.stop()
        self.target, self.result, self._results = None, None, {}
        self.progress.setVisible(False)
        self.view.set_image(None)
        self.meaning.setText("")
        self.setVisible(False)

    # -- running -----------------------------------------------------------------------------
    def choice(self) -> tuple[str, str, str]:
        _label, method, which, weighting = CHOICES[self.method.currentIndex()]
        return method, which, weighting

    def _update_masks(self) -> None:
        self.masks.setEnabled(self.choice()[0] == "drise")

    def explain(self) -> None:
        self._update_masks()
        if self.target is None:
            return
        prediction, index, number = self.target
        method, _which, weighting = self.choice()
        n_masks = self.masks.value()
        kind = (method, weighting, n_masks if method == "drise" else 0)
        cached = self._results.get((index, *kind))
        self._stop.set()  # a D-RISE run for another box or method ends at its next batch
        if cached is not None:
            self._show(cached)
            return
        panel = self.panel
        model, image, selected = panel.session.model, panel.image, panel.shown
        stop = self._stop = threading.Event()
        done = self._done = [0, 0]

        def progress(count, total):
            done[:] = [count, total]

        self.meaning.setText(self.tr("Computing {0} for box {1}…").format(self.method.currentText(), number))
        self.progress.setVisible(method == "drise")
        self.progress.setValue(0)
        if method == "drise":
            self._timer.start()
        panel.background(
            lambda: explain_work(model, image, prediction, selected, number, method, weighting, 0,
                                 n_masks, progress, stop.is_set),
            lambda result: self._finished(prediction, index, kind, result),
            key="detect-box-explain", quiet=True, lane=panel.TF_LANE)

    def _show_progress(self) -> None:
        done, total = self._done
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def _finished(self, prediction, index, kind, result) -> None:
        self._timer.stop()
        self.progress.setVisible(False)
        if result is None or self.target is None or self.target[0] is not prediction:
            return
        self._results[(index, *kind)] = result
        method, _which, weighting = self.choice()
        if self.target[1] == index and (method, weighting) == kind[:2]:
            self._show(result)

    def _show(self, result) -> None:
        from dataclasses import replace

        from ui.widgets.detect.drawing import display_size, resize_for_display
        from workbench.data.images import to_uint8_rgb
        from workbench.xai import box_explain
        from workbench.xai.common import resize_map

        self.result = result
        method, which, weighting = self.choice()
        heatmap = result.box_heatmap if which == "box" and result.box_heatmap is not None else result.heatmap
        # drawn at the panel's display size, so the box label is as legible as the picture's
        rgb = to_uint8_rgb(self.panel.image)
        height, width = display_size(*rgb.shape[:2])
        scale = np.array([width / rgb.shape[1], height / rgb.shape[0]] * 2, np.float32)
        shown = replace(result, heatmap=resize_map(heatmap, (height, width)), box=result.box * scale)
        names = self.panel.class_names()
        picture = box_explain.draw_explanation(resize_for_display(rgb, (height, width)), shown, names)
        name = names[result.label] if 0 <= result.label < len(names) else str(result.label)
        self.view.set_image(picture, self.tr("box {0}: {1} {2:.2f}").format(result.box_number, name, result.score))
        layer = self.tr(" Layer {0}.").format(result.layer) if result.layer else ""
        empty = self.tr(" The map is empty: nothing at this layer speaks for the box.") \
            if not np.any(heatmap > 0) else ""
        note = QCoreApplication.translate("BoxExplainer", GRADCAM_NOTE) \
            if method == "gradcam" and weighting == "gradcam" else ""
        self.meaning.setText(self.tr("{0}.{1} {2:.2f} s.{3}{4}").format(result.meaning, layer, result.elapsed_s,
                                                                       empty, note))

    def shutdown(self) -> None:
        self._stop.set()
        self._timer.stop()
