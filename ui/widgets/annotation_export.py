"""The Detect tab's "Export annotations…" dialog: the annotated set, or the model's boxes on
the images shown (pre-labelling), written as COCO JSON, VOC XML or YOLO-txt.

The dialog only gathers the choice (``ExportChoice``); ``export_work`` is what the panel's
worker runs (the model, then ``workbench.detection.annotations.export``), so the GUI
thread never waits on the network or the disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.panels.base import hint_label

#: format key -> its label (translated when shown, context "ExportDialog")
FORMAT_LABELS = {"coco": QT_TRANSLATE_NOOP("ExportDialog", "COCO JSON (annotations.json + images/)"),
                 "voc": QT_TRANSLATE_NOOP("ExportDialog", "Pascal VOC XML (Annotations/ + JPEGImages/)"),
                 "yolo": QT_TRANSLATE_NOOP("ExportDialog", "YOLO-txt (labels/ + images/ + classes.txt)")}


@dataclass
class ExportChoice:
    predictions: bool
    fmt: str
    out: str
    score: float
    force: bool


class ExportDialog(QDialog):
    """What to write, in which format, where."""

    def __init__(self, annotated_label: str, images_label: str, can_predict: bool,
                 score: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export annotations"))
        self.annotated = QRadioButton(self.tr("The annotated set: {0}").format(annotated_label) if annotated_label
                                      else self.tr("The annotated set (none loaded)"))
        self.annotated.setEnabled(bool(annotated_label))
        self.predicted = QRadioButton(self.tr("The model's boxes on {0} (to correct by hand)").format(images_label))
        self.predicted.setEnabled(can_predict)
        (self.annotated if annotated_label else self.predicted).setChecked(True)
        self.format = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(QCoreApplication.translate("ExportDialog", label), key)
        self.score = QDoubleSpinBox()
        self.score.setRange(0.0, 1.0)
        self.score.setSingleStep(0.05)
        self.score.setValue(score)
        self.score.setToolTip(self.tr("Predicted boxes scoring below this are not written"))
        self.out = QLineEdit()
        self.out.setPlaceholderText(self.tr("a new folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(browse)
        self.force = QCheckBox(self.tr("Replace an earlier export of this format in that folder"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Score ≥"), self.score)
        form.addRow(self.tr("Folder"), where)
        column = QVBoxLayout(self)
        column.addWidget(self.annotated)
        column.addWidget(self.predicted)
        column.addLayout(form)
        column.addWidget(self.force)
        column.addWidget(hint_label(self.tr("The images are copied beside the annotations, so the folder "
                                            "opens again here, in LabelImg, CVAT or Label Studio.")))
        column.addWidget(buttons)
        self.predicted.toggled.connect(self._update)
        self.out.textChanged.connect(self._update)
        self._update()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder to hold the export"))
        if folder:
            self.out.setText(folder)

    def _update(self) -> None:
        self.score.setEnabled(self.predicted.isChecked())
        self.ok.setEnabled(bool(self.out.text().strip())
                           and (self.annotated.isChecked() or self.predicted.isChecked()))

    def choice(self) -> ExportChoice:
        return ExportChoice(self.predicted.isChecked(), self.format.currentData(),
                            self.out.text().strip(), float(self.score.value()), self.force.isChecked())


def export_work(choice: ExportChoice, annotated, model=None, paths=None, iou: float = 0.5) -> str:
    """Worker: write the annotated set, or predict (``paths``: files, else ``annotated``'s
    images) and write the boxes; returns the sentence for the status line."""
    from workbench.detection.annotations import export, predict_folder

    scores = None
    data = annotated
    if choice.predictions:
        data, scores = predict_folder(model, list(paths) if paths else annotated, choice.score, iou)
    notes = export(data, choice.fmt, choice.out, force=choice.force, scores=scores)
    boxes = sum(len(b) for b in data.boxes)
    # QCoreApplication.translate is thread-safe: this sentence is made on the worker
    template = (QCoreApplication.translate("ExportDialog", "Exported {0} image(s), {1} predicted box(es) as {2} to {3}")
                if choice.predictions else
                QCoreApplication.translate("ExportDialog", "Exported {0} image(s), {1} box(es) as {2} to {3}"))
    return template.format(len(data), boxes, choice.fmt, choice.out) + ("; " + "; ".join(notes) if notes else "")
