"""The Explain tab: why did the model answer what it answered?

Any method of ``workbench.xai.METHODS`` on a data-set sample or on an image file
(File ▸ Open image…, or dropped on the window). The explanation runs on a worker
thread; opacity and colormap only re-blend the stored heatmap, instantly.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QSlider,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.image_view import ImageView
from workbench.errors import WorkbenchError

TOP_K = 5
PREDICTED = -1  # the class combo's "predicted class" entry
#: Pictures smaller than this are enlarged (nearest neighbour) before the heatmap is
#: blended in, so the heatmap is drawn smoothly over crisp pixels instead of 8x8 blocks.
DISPLAY_MIN_SIDE = 256


def display_picture(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` enlarged by a whole factor (pixel blocks) until its longer side nears ``DISPLAY_MIN_SIDE``."""
    factor = max(1, DISPLAY_MIN_SIDE // max(rgb.shape[:2]))
    if factor == 1:
        return rgb
    return np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1)


def read_picture(path: str) -> tuple[np.ndarray, np.ndarray, str]:
    """``path`` read (capped, with the sentence saying so) and its display picture (worker thread)."""
    from workbench.data.images import read_image_capped

    image, note = read_image_capped(path)
    return image, picture_of(image), note


def picture_of(image: np.ndarray) -> np.ndarray:
    """The picture the tab draws and blends heatmaps on: a display-sized copy (worker thread)."""
    from workbench.data.images import display_copy

    return display_picture(display_copy(image))


def inspect_model(model) -> dict:
    """What the controls need to know about a model (worker thread)."""
    from workbench import xai
    from workbench.inference import image_input_shape

    shape = image_input_shape(model)  # raises for models that do not take images
    cam_ok, cam_why = xai.cam_available(model)
    return {"shape": shape, "layers": xai.conv_layers(model), "cam": cam_ok, "cam_why": cam_why}


class XaiPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Explain")
    order = 40
    help = QT_TRANSLATE_NOOP("Panel", "Grad-CAM and other explanations of the model's prediction for one image")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.model_facts: dict | None = None
        self.display_rgb: np.ndarray | None = None  # what the heatmap is drawn over
        self.explanation = None
        self._build()
        session.model_changed.connect(self._model_changed)
        session.dataset_changed.connect(lambda _d: self._dataset_changed())
        session.image_requested.connect(self.open_image)
        session.explain_requested.connect(self.explain_request)
        self._update_state()

    # the chooser's parts under their former names (tests, the benchmark, other tabs)
    from_sample = property(lambda self: self.chooser.from_sample)
    from_file = property(lambda self: self.chooser.from_file)
    index = property(lambda self: self.chooser.index)
    open_button = property(lambda self: self.chooser.open_button)
    file_label = property(lambda self: self.chooser.file_label)
    file_path = property(lambda self: self.chooser.file_path)
    file_image = property(lambda self: self.chooser.file_image)
    file_display = property(lambda self: self.chooser.file_display)
    file_caption = property(lambda self: self.chooser.file_caption)

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        from workbench import xai

        self.model_label = QLabel(self.tr("none"))
        self.model_label.setWordWrap(True)
        self.method = QComboBox()
        for name, info in xai.METHODS.items():
            self.method.addItem(info.title, name)
            self.method.setItemData(self.method.count() - 1, info.help, Qt.ItemDataRole.ToolTipRole)
        self.method.setCurrentIndex(self.method.findData("gradcam"))
        self.method.currentIndexChanged.connect(lambda _i: self._method_changed())
        from ui.widgets.input_chooser import InputChooser

        self.chooser = InputChooser(self, "xai", open_text=self.tr("Open image…"), wide=False, announce=True,
                                    label_apart=True, open_tip=self.tr("Or drop an image file anywhere on the window"))
        self.chooser.changed.connect(self.explain)
        self.chooser.picked.connect(lambda _image, display, caption: self.input_view.set_image(display, caption))
        self.layer = QComboBox()
        self.layer.setToolTip(self.tr("The feature map the method looks at (default: the last one)"))
        self.layer.activated.connect(lambda _i: self.explain())
        self.klass = QComboBox()
        self.klass.setToolTip(self.tr("The class whose evidence is shown"))
        self.klass.activated.connect(lambda _i: self.explain())
        self.kernel_width = QDoubleSpinBox()  # LIME's σ in π_x(z) = exp(−D²/σ²)
        self.kernel_width.setRange(0.01, 10.0)
        self.kernel_width.setSingleStep(0.05)
        self.kernel_width.setDecimals(2)
        self.kernel_width.setValue(0.25)
        self.kernel_width.setToolTip(self.tr("LIME's kernel width σ: samples z weigh π(z) = "
                                             "exp(−D(x, z)²/σ²), D the cosine distance of z's "
                                             "regions to the full image. Smaller σ: a more "
                                             "local surrogate"))
        self.kernel_width.editingFinished.connect(self.explain)
        self.explain_button = QPushButton(self.tr("Explain"))
        self.explain_button.clicked.connect(self.explain)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.valueChanged.connect(lambda _v: self.reblend())
        self.colormap = QComboBox()
        self.colormap.addItems(list(xai.COLORMAPS))
        self.colormap.currentTextChanged.connect(lambda _t: self.reblend())

        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_label)
        form.addRow(self.tr("Method"), self.method)
        self.chooser.add_to(form, self.tr("Image"))
        form.addRow("", self.chooser.file_label)
        form.addRow(self.tr("Layer"), self.layer)
        form.addRow(self.tr("Class"), self.klass)
        form.addRow(self.tr("Kernel width σ"), self.kernel_width)
        self.kernel_width_label = form.labelForField(self.kernel_width)
        form.addRow("", self.explain_button)
        form.addRow(self.tr("Opacity"), self.opacity)
        form.addRow(self.tr("Colormap"), self.colormap)
        self.state = hint_label("")
        controls = QGroupBox(self.tr("Explain"))
        column = QVBoxLayout(controls)
        column.addLayout(form)
        column.addWidget(self.state)
        column.addStretch(1)
        controls.setMaximumWidth(400)

        self.input_view = ImageView(self.tr("The image to explain appears here."))
        self.overlay_view = ImageView(self.tr("The explanation appears here."))
        self.prediction = QLabel("")
        self.prediction.setWordWrap(True)
        self.top = QTableWidget(0, 2)
        self.top.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Probability")])
        self.top.verticalHeader().setVisible(False)
        self.top.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.top.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.top.setToolTip(self.tr("Double-click a class to explain it instead"))
        self.top.cellDoubleClicked.connect(self._top_clicked)
        self.top.setMaximumHeight(190)
        images = QHBoxLayout()
        images.addWidget(self.input_view, 1)
        images.addWidget(self.overlay_view, 1)
        right = QVBoxLayout()
        right.addLayout(images, 1)
        right.addWidget(self.prediction)
        right.addWidget(QLabel(self.tr("Top {0} classes").format(TOP_K)))
        right.addWidget(self.top)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addLayout(right, 1)

    # -- state ----------------------------------------------------------------------------
    def method_name(self) -> str:
        return self.method.currentData()

    def _update_state(self) -> None:
        session, facts = self.session, self.model_facts
        ready = session.model is not None and facts is not None and "error" not in facts
        for widget in (self.method, self.layer, self.klass, self.explain_button, self.index):
            widget.setEnabled(ready)
        if ready:
            from workbench import xai

            self.layer.setEnabled(xai.METHODS[self.method_name()].needs_layer and bool(facts["layers"]))
        for widget in (self.kernel_width, self.kernel_width_label):
            widget.setVisible(self.method_name() == "lime")
        self.from_sample.setEnabled(session.validation_images() is not None)
        if session.model is None:
            self.state.setText(self.tr("No model yet: train one in the Train tab, or open a "
                                       ".keras file (File ▸ Open model…). Then pick a sample, "
                                       "or drop an image on the window."))
        elif facts is None:
            self.state.setText(self.tr("Inspecting the model…"))
        elif "error" in facts:
            self.state.setText(self.tr("This model cannot be explained here: {0}").format(facts['error']))
        else:
            self.state.setText("")
        self.state.setVisible(bool(self.state.text()))

    def _model_changed(self, model) -> None:
        self.model_facts, self.explanation = None, None
        self.overlay_view.set_image(None)
        # nothing of the previous model's answer stays on screen (its prediction, its top-5,
        # its layers and classes) until the new model has been inspected and has explained
        self.prediction.setText("")
        self.top.setRowCount(0)
        self.layer.clear()
        self.klass.clear()
        session = self.session
        if model is None:
            self.model_label.setText(self.tr("none"))
            self._update_state()
            return
        where = os.path.basename(session.run_dir) if session.run_dir else session.model_path
        if session.model_source == "trained":
            self.model_label.setText(self.tr("{0} (trained: {1})").format(model.name, where))
        else:
            self.model_label.setText(self.tr("{0} (file: {1})").format(model.name, where))
        self._update_state()
        self.background(lambda: inspect_model(model), lambda facts: self._inspected(model, facts),
                        key="xai-model", quiet=True, lane=self.TF_LANE)

    def on_background_failed(self, key, message) -> None:
        if key == "xai-model":
            self.model_facts = {"error": message}
            self._update_state()
        elif key == "xai":
            self.prediction.setText(self.tr("<span style='color:#b03000'>{0}</span>").format(message))

    def _inspected(self, model, facts: dict) -> None:
        if model is not self.session.model:
            return
        self.model_facts = facts
        self.layer.clear()
        self.layer.addItems(facts["layers"])
        if facts["layers"]:
            self.layer.setCurrentIndex(len(facts["layers"]) - 1)
        self.klass.clear()
        self.klass.addItem(self.tr("predicted class"), PREDICTED)
        for index, name in enumerate(self.class_names()):
            self.klass.addItem(f"{index}: {name}", index)
        cam_index = self.method.findData("cam")
        if cam_index >= 0:
            self.method.setItemData(cam_index, facts["cam_why"] or None, Qt.ItemDataRole.ToolTipRole)
        self._update_state()
        self.explain()

    def class_names(self) -> tuple[str, ...]:
        model = self.session.model
        count = int(model.outputs[0].shape[-1])
        names = self.session.class_names
        return tuple(names) if len(names) == count else tuple(str(i) for i in range(count))

    def _dataset_changed(self) -> None:
        samples = self.session.validation_images()
        self.chooser.set_sample_count(len(samples[0]) if samples else 0)
        if samples is None:
            self.from_file.setChecked(True)
        self._update_state()
        self.explain()

    def _method_changed(self) -> None:
        self._update_state()
        self.explain()

    # -- images ------------------------------------------------------------------------------
    def open_image_dialog(self) -> None:
        self.chooser.open_image_dialog()

    def open_image(self, path: str) -> None:
        """Read ``path`` on a worker thread, show it and explain it (menu and drops)."""
        self.chooser.open_image(path)

    def explain_request(self, request: dict) -> None:
        """``session.explain_requested``: a validation sample by index, or a given image."""
        if "index" in request:
            self.explain_sample(int(request["index"]))
        else:
            self.explain_image(request["image"], request.get("caption", ""))

    def explain_sample(self, index: int) -> None:
        """Show and explain validation sample ``index`` of the session's data."""
        self.chooser.choose_sample(index)

    def explain_image(self, image: np.ndarray, caption: str) -> None:
        """Show and explain an image that is not a file (a sample of data the session has not loaded)."""
        self.chooser.set_image(image, caption)

    def current_image(self) -> tuple[np.ndarray, np.ndarray, str] | None:
        """``(image, picture to draw on, caption)`` for the chosen source, or None; the image
        is fitted to the model's input on the worker (a photo's resize is not the GUI's)."""
        from workbench.data.images import to_uint8_rgb

        dataset = self.session.dataset
        if self.chooser.uses_file():
            chosen = self.chooser.file_input()
            return None if chosen is None else chosen[:3]
        samples = self.session.validation_images()
        if samples is None:
            return None
        i = self.index.value()
        x = samples[0][i]
        label = dataset.info.class_names[int(samples[1][i])] if dataset.info.class_names else ""
        return x, display_picture(to_uint8_rgb(x)), self.tr("validation #{0} · true: {1}").format(i, label)

    # -- explaining ------------------------------------------------------------------------------
    def explain(self) -> None:
        from workbench import xai
        from workbench.data.images import fit_image

        model, facts = self.session.model, self.model_facts
        if model is None or facts is None or "error" in facts:
            return
        chosen = self.current_image()
        if chosen is None:
            return
        image, rgb, caption = chosen
        method = self.method_name()
        layer = self.layer.currentText() if xai.METHODS[method].needs_layer and self.layer.count() else None
        class_index = self.klass.currentData()
        class_index = None if class_index in (None, PREDICTED) else int(class_index)
        self.display_rgb = rgb
        self.input_view.set_image(rgb, caption)
        self.prediction.setText(self.tr("Computing {0}…").format(xai.METHODS[method].title))
        options = {"kernel_width": self.kernel_width.value()} if method == "lime" else {}
        shape = facts["shape"]
        self.background(lambda: xai.explain(model, fit_image(image, shape), method=method, layer=layer,
                                            class_index=class_index, **options),
                        lambda explanation: self._explained(model, rgb, explanation),
                        key="xai", quiet=True, lane=self.TF_LANE)

    def _explained(self, model, rgb: np.ndarray, explanation) -> None:
        from workbench import xai

        if model is not self.session.model:
            return
        self.explanation, self.display_rgb = explanation, rgb
        names = self.class_names()
        probabilities = np.asarray(explanation.probabilities, float)
        order = np.argsort(probabilities)[::-1][:TOP_K]
        self.top.setRowCount(len(order))
        for row, index in enumerate(order):
            marker = self.tr("  ◀ explained") if index == explanation.class_index else ""
            self.top.setItem(row, 0, QTableWidgetItem(f"{names[index]}{marker}"))
            item = QTableWidgetItem(f"{probabilities[index]:.1%}")
            item.setData(Qt.ItemDataRole.UserRole, int(index))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.top.setItem(row, 1, item)
        best = int(order[0])
        if explanation.layer:
            text = self.tr("Predicted <b>{0}</b> ({1:.1%}) · showing evidence for <b>{2}</b> · {3} "
                           "at layer {5} in {4:.2f} s")
        else:
            text = self.tr("Predicted <b>{0}</b> ({1:.1%}) · showing evidence for <b>{2}</b> · {3} "
                           "in {4:.2f} s")
        self.prediction.setText(text.format(names[best], probabilities[best], names[explanation.class_index],
                                            xai.METHODS[explanation.method].title, explanation.elapsed_s,
                                            explanation.layer))
        self.reblend()

    def _top_clicked(self, row: int, _column: int) -> None:
        item = self.top.item(row, 1)
        if item is not None:
            self.klass.setCurrentIndex(self.klass.findData(item.data(Qt.ItemDataRole.UserRole)))
            self.explain()

    def reblend(self) -> None:
        """Draw the stored heatmap with the current opacity and colormap (no recomputation)."""
        from workbench import xai

        if self.explanation is None or self.display_rgb is None:
            return
        try:
            blended = xai.overlay(self.display_rgb, self.explanation.heatmap,
                                  self.opacity.value() / 100.0, self.colormap.currentText())
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        self.overlay_view.set_image(blended, self.tr("{0} · opacity {1}%").format(
            xai.METHODS[self.explanation.method].title, self.opacity.value()))
