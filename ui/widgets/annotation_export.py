"""The Detect tab's "Export annotations…" dialog: the annotated set, or the model's boxes on
the images shown (pre-labelling), written as COCO JSON, VOC XML or YOLO-txt.

The dialog only gathers the choice (``ExportChoice``); ``export_work`` is what the panel's
worker runs (the model, then ``workbench.detection.annotations.export``), so the GUI
thread never waits on the network or the disk.
"""

from __future__ import annotations

from dataclasses import dataclass

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

FORMAT_LABELS = {"coco": "COCO JSON (annotations.json + images/)",
                 "voc": "Pascal VOC XML (Annotations/ + JPEGImages/)",
                 "yolo": "YOLO-txt (labels/ + images/ + classes.txt)"}


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
        self.setWindowTitle("Export annotations")
        self.annotated = QRadioButton(f"The annotated set: {annotated_label}" if annotated_label
                                      else "The annotated set (none loaded)")
        self.annotated.setEnabled(bool(annotated_label))
        self.predicted = QRadioButton(f"The model's boxes on {images_label} (to correct by hand)")
        self.predicted.setEnabled(can_predict)
        (self.annotated if annotated_label else self.predicted).setChecked(True)
        self.format = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.score = QDoubleSpinBox()
        self.score.setRange(0.0, 1.0)
        self.score.setSingleStep(0.05)
        self.score.setValue(score)
        self.score.setToolTip("Predicted boxes scoring below this are not written")
        self.out = QLineEdit()
        self.out.setPlaceholderText("a new folder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(browse)
        self.force = QCheckBox("Replace an earlier export of this format in that folder")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Score ≥", self.score)
        form.addRow("Folder", where)
        column = QVBoxLayout(self)
        column.addWidget(self.annotated)
        column.addWidget(self.predicted)
        column.addLayout(form)
        column.addWidget(self.force)
        column.addWidget(hint_label("The images are copied beside the annotations, so the folder "
                                    "opens again here, in LabelImg, CVAT or Label Studio."))
        column.addWidget(buttons)
        self.predicted.toggled.connect(self._update)
        self.out.textChanged.connect(self._update)
        self._update()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to hold the export")
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
    what = "predicted box(es)" if choice.predictions else "box(es)"
    return (f"Exported {len(data)} image(s), {boxes} {what} as {choice.fmt} to {choice.out}"
            + ("; " + "; ".join(notes) if notes else ""))
