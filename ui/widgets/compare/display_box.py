"""The Compare tab's "Display" box: colormap and opacity of the overlays, and saving them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QPushButton, QSlider, QWidget


class DisplayBox(QGroupBox):
    """``changed`` when the colormap or the opacity moves (the cells re-blend, nothing is
    recomputed); ``save_requested`` from its button."""

    changed = Signal()
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        from workbench import xai

        super().__init__(parent)
        self.setTitle(self.tr("Display"))
        self.colormap = QComboBox()
        self.colormap.addItems(list(xai.COLORMAPS))
        self.colormap.currentTextChanged.connect(lambda _t: self.changed.emit())
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip(self.tr("How strongly the heatmap covers the image (re-blends instantly)"))
        self.opacity.valueChanged.connect(lambda _v: self.changed.emit())
        self.save_button = QPushButton(self.tr("Save overlays…"))
        self.save_button.setToolTip(self.tr("Write each cell's overlay and a comparison sheet as PNG files"))
        self.save_button.clicked.connect(self.save_requested.emit)
        form = QFormLayout(self)
        form.addRow(self.tr("Colormap"), self.colormap)
        form.addRow(self.tr("Opacity"), self.opacity)
        form.addRow(self.save_button)

    def overlay(self, picture, heatmap):
        """``heatmap`` blended over ``picture`` with the chosen opacity and colormap."""
        from workbench import xai

        return xai.overlay(picture, heatmap, self.opacity.value() / 100.0, self.colormap.currentText())
