"""The Export tab: write the model in a chosen format, reload it, compare predictions."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label

#: Samples fed to the model and to its reloaded export for the comparison.
CHECK_SAMPLES = 16
FORMAT_TITLES = {"keras": "Keras model file (.keras)", "savedmodel": "TensorFlow SavedModel (folder)"}


def check_inputs(model, dataset) -> np.ndarray:
    """Validation samples when they fit the model's input, else seeded random inputs."""
    from workbench.inference import input_shape

    shape = input_shape(model)
    if getattr(dataset, "x_val", None) is not None and tuple(dataset.x_val.shape[1:]) == shape \
            and len(dataset.x_val):
        return np.asarray(dataset.x_val[:CHECK_SAMPLES], np.float32)
    return np.random.default_rng(0).random((CHECK_SAMPLES, *shape), dtype=np.float32)


def export_and_verify(model, fmt: str, path: str, x: np.ndarray, force: bool = False) -> float:
    """Worker thread: export, reload, and return the largest prediction difference."""
    from workbench.export import export_model, verify_export

    export_model(model, fmt, path, force=force)
    return verify_export(model, fmt, path, x)


class ExportPanel(Panel):
    title = "Export"
    order = 50
    help = "Save the model for other programs and check the saved copy predicts the same"

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        from workbench.export import FORMATS

        self.formats = FORMATS
        self.last_diff: float | None = None
        self.last_path = ""
        self._build()
        session.model_changed.connect(lambda _m: self._model_changed())
        self._model_changed()

    def _build(self) -> None:
        self.model_label = QLabel("none")
        self.model_label.setWordWrap(True)
        self.format = QComboBox()
        for fmt in self.formats:
            self.format.addItem(FORMAT_TITLES.get(fmt, fmt), fmt)
        self.format.currentIndexChanged.connect(lambda _i: self._fix_suffix())
        self.path = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.export_button = QPushButton("Export and verify")
        self.export_button.clicked.connect(self.export)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.state = hint_label("")
        form = QFormLayout()
        form.addRow("Model", self.model_label)
        form.addRow("Format", self.format)
        form.addRow("Save to", path_row)
        form.addRow("", self.export_button)
        box = QGroupBox("Export")
        column = QVBoxLayout(box)
        column.addLayout(form)
        column.addWidget(self.state)
        column.addWidget(self.result)
        explain = hint_label("After writing, the export is loaded back the way its users will load "
                             f"it and compared with the model in memory on {CHECK_SAMPLES} validation "
                             "samples: the largest absolute difference of the outputs is shown.")
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(explain)
        layout.addStretch(1)

    def _default_path(self) -> str:
        name = self.session.entry.name if self.session.entry is not None else "model"
        if self.session.run_dir:
            folder = os.path.join(self.session.run_dir, "export")
        else:
            folder = os.path.join(os.path.expanduser("~"), "keras-workbench", "exports")
        return os.path.join(folder, name)

    def _fix_suffix(self) -> None:
        path = self.path.text().strip() or self._default_path()
        stem = path[:-len(".keras")] if path.endswith(".keras") else path
        self.path.setText(stem + ".keras" if self.format.currentData() == "keras" else stem)

    def _model_changed(self) -> None:
        model = self.session.model
        self.result.setText("")
        if model is None:
            self.model_label.setText("none")
            self.state.setText("No model yet: train one in the Train tab or open a .keras file "
                               "(File ▸ Open model…).")
        else:
            self.model_label.setText(f"{model.name} · {self.session.model_path or 'in memory'}")
            self.state.setText("")
            self.path.setText("")
            self._fix_suffix()
        self.state.setVisible(bool(self.state.text()))
        self.export_button.setEnabled(model is not None)

    def choose_path(self) -> None:
        if self.format.currentData() == "keras":
            path, _ = QFileDialog.getSaveFileName(self, "Export the model", self.path.text(),
                                                  "Keras models (*.keras)")
        else:
            path = QFileDialog.getExistingDirectory(self, "Folder that will hold the SavedModel")
            path = os.path.join(path, "saved_model") if path else ""
        if path:
            self.path.setText(path)
            self._fix_suffix()

    def export(self) -> None:
        model, path, fmt = self.session.model, self.path.text().strip(), self.format.currentData()
        if model is None:
            self.session.fail("There is no model to export yet: train one or open a .keras file.")
            return
        if not path:
            self.session.fail("Choose where to save the export first.")
            return
        force = self.confirm_replace(path, fmt)
        if force is None:
            return
        x = check_inputs(model, self.session.dataset)
        self.export_button.setEnabled(False)
        self.result.setText(f"Exporting to {path}…")
        self.background(lambda: export_and_verify(model, fmt, path, x, force),
                        lambda diff: self._exported(path, diff), key="export",
                        busy=f"Exporting to {path}…", lane=self.TF_LANE)

    def confirm_replace(self, path: str, fmt: str) -> bool | None:
        """False: nothing is there; True: the user agreed to replace an earlier export;
        None: refused (a folder that is not an export, a run's own files) or cancelled."""
        from workbench.errors import WorkbenchError
        from workbench.runs.outputs import OutputExists, check_output_path

        kind, marker = ("file", "") if fmt == "keras" else ("directory", "saved_model.pb")
        try:
            check_output_path(path, kind, marker=marker, example="model.keras")
        except OutputExists:
            answer = QMessageBox.question(self, "Replace the export?",
                                          f"{path} already exists.\nReplace it with this export?")
            return True if answer == QMessageBox.StandardButton.Yes else None
        except WorkbenchError as error:
            self.session.fail(str(error))
            return None
        return False

    def _exported(self, path: str, diff: float) -> None:
        self.export_button.setEnabled(True)
        self.last_diff, self.last_path = diff, path
        verdict = "predicts the same" if diff < 1e-4 else "DIFFERS"
        colour = "#207020" if diff < 1e-4 else "#b03000"
        self.result.setText(f"Saved {path}<br><span style='color:{colour}'>Reloaded model {verdict}: "
                            f"max |diff| = {diff:.3g}</span>")
        self.session.report(f"Exported {path}: reloaded model max |diff| = {diff:.3g}")

    def on_background_failed(self, key, message) -> None:
        self.export_button.setEnabled(True)
        self.result.setText(f"<span style='color:#b03000'>Export failed: {message}</span>")
