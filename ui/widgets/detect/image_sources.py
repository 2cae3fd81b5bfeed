"""Where the Detect tab's images come from: the buttons, file dialogs and drops, and the
annotations export.

Images (one or several files), a folder stepped through, or annotations (VOC, COCO,
YOLO-txt, KITTI; read on a worker) whose images become the annotated set. The panel
owns the list of images and the annotated set: this widget hands it what was chosen
(``panel.set_items`` / ``panel.set_annotated``) and reports failures through it.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from ui.widgets.detect.sources import Item, folder_images, is_voc_folder, read_annotations
from workbench.detection.evaluation import DETECTION
from workbench.errors import WorkbenchError


class ImageSources(QWidget):
    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel = panel
        self.annotated_button = QPushButton(self.tr("Annotated set"))
        self.annotated_button.setToolTip(self.tr("Step through the validation images of the shapes data "
                                                 "(or of the data set loaded in the Data tab, or of the "
                                                 "VOC/COCO annotations you opened), with their ground truth"))
        self.annotated_button.clicked.connect(panel.use_annotated)
        open_image = QPushButton(self.tr("Image…"))
        open_image.setToolTip(self.tr("Open one image file (or drop image files on this tab)"))
        open_image.clicked.connect(self.open_image_dialog)
        open_folder = QPushButton(self.tr("Folder…"))
        open_folder.setToolTip(self.tr("Open a folder of images and step through them (or drop it here)"))
        open_folder.clicked.connect(self.open_folder_dialog)
        open_notes = QPushButton(self.tr("Annotations…"))
        open_notes.setToolTip(self.tr("Open annotations: a COCO .json file, a VOC .xml file (its folder), or "
                                      "the classes.txt / data.yaml of a YOLO-txt folder (images/ + labels/); "
                                      "drop a KITTI folder (image_2/ + label_2/). Their images become the "
                                      "annotated set"))
        open_notes.clicked.connect(self.open_annotations_dialog)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.annotated_button, open_image, open_folder, open_notes):
            row.addWidget(button)
        self.export_button = QPushButton(self.tr("Export annotations…"))
        self.export_button.setToolTip(self.tr("Write the annotated set, or the model's boxes on the images "
                                              "shown, as COCO JSON, VOC XML or YOLO-txt"))
        self.export_button.clicked.connect(self.export_annotations_dialog)

    def open_image_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Open images to detect objects in"), "",
            self.tr("Images ({0})").format("*.png *.jpg *.jpeg *.bmp") + ";;" + self.tr("All files ({0})").format("*"))
        if paths:
            self.open_images(paths)

    def open_images(self, paths: list[str]) -> None:
        items = [Item(f"file:{os.path.abspath(p)}", os.path.basename(p), path=p) for p in paths]
        label = os.path.basename(paths[0]) if len(paths) == 1 else self.tr("{0} images").format(len(paths))
        self.panel.set_items(items, label)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of images"))
        if path:
            self.open_folder(path)

    def open_folder(self, folder: str) -> None:
        try:
            paths = folder_images(folder)
        except WorkbenchError as error:
            self.panel._show_message(str(error), error=True)
            self.panel.session.fail(str(error))
            return
        items = [Item(f"file:{os.path.abspath(p)}", os.path.basename(p), path=p) for p in paths]
        self.panel.set_items(items, self.tr("folder {0} ({1} images)").format(folder, len(paths)))

    def open_annotations_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open COCO (.json), VOC (.xml) or YOLO-txt (classes.txt, data.yaml) annotations"), "",
            self.tr("Annotations ({0})").format("*.json *.xml *.txt *.yaml *.names") + ";;"
            + self.tr("All files ({0})").format("*"))
        if path:
            if path.lower().endswith((".xml", ".txt", ".yaml", ".names")):
                path = os.path.dirname(path)  # the whole folder: VOC files, or the YOLO-txt set
            self.open_annotations(path)

    def open_annotations(self, path: str) -> None:
        """Load VOC or COCO annotations on a worker; their images become the annotated set."""
        panel = self.panel
        name = os.path.basename(path.rstrip(os.sep)) or path

        def loaded(data) -> None:
            panel.set_annotated(data, self.tr("{0} ({1} images)").format(name, len(data)), browse=True)
            panel.session.report(
                self.tr("Loaded {0} annotated images from {1}; {2} annotation problem(s)").format(
                    len(data), path, len(data.problems)) if data.problems else
                self.tr("Loaded {0} annotated images from {1}").format(len(data), path))

        panel.background(lambda: read_annotations(path), loaded, key="detect-notes",
                         busy=self.tr("Reading annotations {0}…").format(name))

    def export_annotations_dialog(self) -> None:
        """Ask what to export (ui/widgets/annotation_export.py), then write it on a worker."""
        from ui.widgets.annotation_export import ExportDialog, export_work

        panel = self.panel
        files = [i.path for i in panel.items if i.index < 0 and i.path]
        can_predict = panel.kind == DETECTION and bool(files or panel.annotated is not None)
        shown = self.tr("{0} image file(s)").format(len(files)) if files else (
            panel.annotated_label or self.tr("the images"))
        dialog = ExportDialog(panel.annotated_label if panel.annotated is not None else "", shown,
                              can_predict, panel.score.value() / 100.0, panel)
        if dialog.exec() != dialog.DialogCode.Accepted:
            return
        choice, annotated, model, iou = dialog.choice(), panel.annotated, panel.session.model, panel.thresholds()[1]
        panel.background(lambda: export_work(choice, annotated, model, files, iou),
                         lambda text: panel._show_message(text) or panel.session.report(text),
                         key="detect-export", busy=self.tr("Exporting annotations to {0}…").format(choice.out),
                         lane=panel.TF_LANE if choice.predictions else None)

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
            text = self.tr("Cannot use {0} here: drop images (.png, .jpg, .bmp), "
                           "a folder of images, a VOC folder or a COCO .json file.").format(os.path.basename(paths[0]))
            self.panel._show_message(text, error=True)
            self.panel.session.fail(text)
