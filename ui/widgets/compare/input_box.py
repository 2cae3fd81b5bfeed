"""The Compare tab's "Input" box: the model, the shared input chooser, the layer and the class.

It knows what the chosen input is (``current``): a validation sample or table row of
the session's data set, when that fits the model, or the chooser's file. The class
combo lists the model's most likely classes for the chosen input (``show_top``), so the
class explained is the one the user saw when pressing Explain.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from ui.panels.xai_panel import display_picture
from ui.widgets.input_chooser import InputChooser

TOP_K = 5


def _mode(facts: dict | None) -> str:
    return facts["mode"] if facts is not None and "error" not in facts else ""


class InputBox(QGroupBox):
    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Input"))
        self.session = panel.session
        self.model_label = QLabel(self.tr("none"))
        self.model_label.setWordWrap(True)
        self.chooser = InputChooser(panel, "compare",
                                    index_tip=self.tr("Which validation sample (or table row) to explain"))
        self.layer = QComboBox()
        self.layer.setToolTip(self.tr("The feature map the Grad-CAM family and Score-CAM look at "
                                      "(default: the last convolution)"))
        self.klass = QComboBox()
        self.klass.setToolTip(self.tr("Whose evidence to show: the model's five most likely classes"))
        form = QFormLayout(self)
        form.addRow(self.tr("Model"), self.model_label)
        self.chooser.add_to(form)
        self.layer_label = QLabel(self.tr("Layer"))
        form.addRow(self.layer_label, self.layer)
        form.addRow(self.tr("Class"), self.klass)

    def set_layers(self, layers: list[str], default: str) -> None:
        self.layer.clear()
        self.layer.addItems(layers)
        if default:
            self.layer.setCurrentText(default)

    def chosen_layer(self) -> str:
        return self.layer.currentText() if self.layer.count() else ""

    def show_top(self, names, probabilities: np.ndarray) -> int:
        """The ``TOP_K`` most likely classes, most likely first, with their probability; returns the best."""
        probabilities = np.asarray(probabilities, float)
        order = np.argsort(probabilities)[::-1][:TOP_K]
        self.klass.clear()
        for index in order:
            self.klass.addItem(f"{names[index]}  ({probabilities[index]:.1%})", int(index))
        return int(order[0])

    def has_input(self, facts: dict | None) -> bool:
        mode = _mode(facts)
        if mode == "tabular":
            return self.dataset_fits(facts)
        if mode == "image":
            use_file = self.chooser.uses_file() or not self.dataset_fits(facts)
            return self.chooser.file_input() is not None if use_file else True
        return False

    def dataset_fits(self, facts: dict | None) -> bool:
        """Whether the loaded data set's validation samples can be fed to the model."""
        dataset = self.session.dataset
        if getattr(dataset, "x_val", None) is None or facts is None or "error" in facts \
                or not len(dataset.x_val):
            return False  # no data, or images annotated with boxes rather than labels
        if facts["mode"] == "tabular":
            return dataset.x_val.ndim == 2 and dataset.x_val.shape[1] == facts["features"]
        return dataset.info.kind == "image" and dataset.x_val.ndim == 4

    def current(self, facts: dict | None):
        """``(model input, picture to draw on or None, caption, file stem)`` for the chosen source."""
        from workbench.data.images import fit_image, to_uint8_rgb

        mode, dataset = _mode(facts), self.session.dataset
        if mode == "tabular":
            if not self.dataset_fits(facts):
                return None
            i = min(self.chooser.index.value(), len(dataset.x_val) - 1)
            return np.asarray(dataset.x_val[i], np.float32), None, self.truth(i), f"row{i}"
        if mode != "image":
            return None
        shape = facts["shape"]
        if self.chooser.uses_file() or not self.dataset_fits(facts):
            chosen = self.chooser.file_input()
            if chosen is None:
                return None
            image, display, caption, stem = chosen
            return fit_image(image, shape), display, caption, stem
        i = min(self.chooser.index.value(), len(dataset.x_val) - 1)
        x = dataset.x_val[i]
        return fit_image(x, shape), display_picture(to_uint8_rgb(x)), self.truth(i), f"sample{i}"

    def truth(self, i: int) -> str:
        dataset = self.session.dataset
        names = dataset.info.class_names
        label = int(dataset.y_val[i]) if dataset.info.task == "classification" else None
        shown = names[label] if label is not None and label < len(names) else label
        return self.tr("validation #{0} · true: {1}").format(i, shown)
