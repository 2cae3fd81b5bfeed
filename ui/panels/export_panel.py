"""The Export tab: write the model in a chosen format (Keras, SavedModel, TensorFlow Lite
with optional quantisation, ONNX), reload it in its own runtime, and show the
verification report and the run's before/after table of every variant."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.panels.base import Panel, hint_label
from ui.widgets.export.report_view import SAME, ReportView
from ui.widgets.export.variants_table import VariantsTable

#: Samples fed to the model and to its reloaded export for the comparison.
CHECK_SAMPLES = 256
#: Titles are marked for translation here and translated where they are shown.
FORMAT_TITLES = {"keras": QT_TRANSLATE_NOOP("ExportPanel", "Keras model file (.keras)"),
                 "savedmodel": QT_TRANSLATE_NOOP("ExportPanel", "TensorFlow SavedModel (folder)"),
                 "tflite": QT_TRANSLATE_NOOP("ExportPanel", "TensorFlow Lite (.tflite)"),
                 "onnx": QT_TRANSLATE_NOOP("ExportPanel", "ONNX (.onnx)")}
QUANTIZE_TITLES = {"": QT_TRANSLATE_NOOP("ExportPanel", "none (float32)"),
                   "float16": QT_TRANSLATE_NOOP("ExportPanel", "float16 weights (half the size)"),
                   "dynamic": QT_TRANSLATE_NOOP("ExportPanel", "dynamic range (int8 weights)"),
                   "int8": QT_TRANSLATE_NOOP("ExportPanel", "full int8 (calibrated on the validation data)")}


def format_title(fmt: str) -> str:
    """The format's title in the window's language."""
    return QCoreApplication.translate("ExportPanel", FORMAT_TITLES[fmt]) if fmt in FORMAT_TITLES else fmt


def check_samples(model, dataset):
    """Validation samples (and labels, for a classifier's data) when they fit the model's
    input, else seeded random inputs; a ``workbench.export.samples.CheckSamples``."""
    from workbench.export.samples import CheckSamples, random_samples
    from workbench.inference import input_shape

    shape = input_shape(model)
    x_val = getattr(dataset, "x_val", None)
    if x_val is None or not len(x_val):
        return random_samples(shape, CHECK_SAMPLES, "no validation data loaded")
    if tuple(x_val.shape[1:]) != shape:
        return random_samples(shape, CHECK_SAMPLES, "the loaded data does not fit the model's input")
    labelled = dataset.info.task == "classification" and getattr(dataset, "y_val", None) is not None
    return CheckSamples(np.asarray(x_val[:CHECK_SAMPLES], np.float32),
                        np.asarray(dataset.y_val[:CHECK_SAMPLES]) if labelled else None,
                        f"{dataset.info.name} validation split", True)


def check_inputs(model, dataset) -> np.ndarray:
    return check_samples(model, dataset).x


def export_and_verify(model, fmt: str, path: str, samples, force: bool = False, quantize: str | None = None,
                      model_path: str = "", run_dir: str = ""):
    """Worker thread: export, reload, compare; note the export in its run. Returns
    ``(report, reports of the run's before/after table)``."""
    from workbench.export.pipeline import export_and_verify as export
    from workbench.export.pipeline import record_export, recorded_exports
    from workbench.export.verify import size_on_disk

    original = model_path if model_path and os.path.isfile(model_path) else None
    report = export(model, fmt, path, samples, quantize, force,
                    size_on_disk(original) if original else None, original)
    if run_dir:
        record_export(run_dir, report)
        return report, recorded_exports(run_dir)
    return report, [report]


class ExportPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Export")
    order = 50
    help = QT_TRANSLATE_NOOP("Panel", "Save the model for other programs (Keras, SavedModel, TFLite, ONNX), "
                                      "smaller if you like, and check the saved copy")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        from workbench.export import FORMATS

        self.formats = FORMATS
        self.last_diff: float | None = None
        self.last_path = ""
        self.last_report = None
        self._build()
        session.model_changed.connect(lambda _m: self._model_changed())
        self._model_changed()

    def _build(self) -> None:
        self.model_label = QLabel(self.tr("none"))
        self.model_label.setWordWrap(True)
        self.format = QComboBox()
        for fmt in self.formats:
            self.format.addItem(format_title(fmt), fmt)
        self.format.currentIndexChanged.connect(lambda _i: self._format_changed())
        self.quantize = QComboBox()
        for key, title in QUANTIZE_TITLES.items():
            self.quantize.addItem(QCoreApplication.translate("ExportPanel", title), key)
        self.quantize.setToolTip(self.tr("TensorFlow Lite post-training quantisation: smaller "
                                         "and faster, at some cost in accuracy (shown after "
                                         "the export)"))
        self.path = QLineEdit()
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self.choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.export_button = QPushButton(self.tr("Export and verify"))
        self.export_button.clicked.connect(self.export)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.state = hint_label("")
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_label)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Quantize"), self.quantize)
        form.addRow(self.tr("Save to"), path_row)
        form.addRow("", self.export_button)
        box = QGroupBox(self.tr("Export"))
        column = QVBoxLayout(box)
        column.addLayout(form)
        column.addWidget(self.state)
        column.addWidget(self.result)
        self.report_view = ReportView()
        report_box = QGroupBox(self.tr("Verification: the export reloaded in its own runtime"))
        QVBoxLayout(report_box).addWidget(self.report_view)
        self.variants = VariantsTable()
        self.variants_hint = hint_label(self.tr("Each export of this run, and each pruned run "
                                                "made from it (keras-workbench prune), is "
                                                "checked on the same validation samples and "
                                                "listed here."))
        variants_box = QGroupBox(self.tr("Before / after: every variant of this run"))
        variants_column = QVBoxLayout(variants_box)
        variants_column.addWidget(self.variants)
        variants_column.addWidget(self.variants_hint)
        explain = hint_label(self.tr("After writing, the export is loaded back the way its "
                                     "users will load it (Keras, the TensorFlow Lite "
                                     "interpreter, onnxruntime) and compared with the model in "
                                     "memory on up to {0} validation samples: largest "
                                     "difference, same predicted class, accuracy, size and "
                                     "latency. The file replaces an earlier export only once "
                                     "it has passed this check.")
                                     .format(CHECK_SAMPLES))
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        row = QHBoxLayout()
        row.addWidget(report_box, 2)
        row.addWidget(variants_box, 3)
        layout.addLayout(row, 1)
        layout.addWidget(explain)
        self._format_changed()

    def _default_path(self) -> str:
        name = self.session.entry.name if self.session.entry is not None else "model"
        if self._run_dir():
            folder = os.path.join(self._run_dir(), "export")
        else:
            folder = os.path.join(os.path.expanduser("~"), "keras-workbench", "exports")
        return os.path.join(folder, name)

    def _run_dir(self) -> str:
        """The run the model comes from: the trained one, or the folder of an opened RUN/model.keras."""
        from workbench.export.samples import run_of

        if self.session.run_dir:
            return self.session.run_dir
        path = self.session.model_path
        return (run_of(path) or "") if path and os.path.isfile(path) else ""

    def _format_changed(self) -> None:
        tflite = self.format.currentData() == "tflite"
        self.quantize.setEnabled(tflite)
        if not tflite:
            self.quantize.setCurrentIndex(0)
        self._fix_suffix()

    def _fix_suffix(self) -> None:
        from workbench.export.formats import SUFFIXES

        path = self.path.text().strip() or self._default_path()
        stem = path
        for suffix in SUFFIXES.values():
            stem = stem.removesuffix(suffix)
        self.path.setText(stem + SUFFIXES.get(self.format.currentData(), ""))

    def _model_changed(self) -> None:
        model = self.session.model
        self.result.setText("")
        self.report_view.set_report(None)
        if model is None:
            self.model_label.setText(self.tr("none"))
            self.state.setText(self.tr("No model yet: train one in the Train tab or open a "
                                       ".keras file (File ▸ Open model…)."))
        else:
            self.model_label.setText(f"{model.name} · {self.session.model_path or self.tr('in memory')}")
            self.state.setText("")
            self.path.setText("")
            self._fix_suffix()
        self.state.setVisible(bool(self.state.text()))
        self.export_button.setEnabled(model is not None)
        self._show_variants()

    def _show_variants(self, reports=None) -> None:
        if reports is None:
            from workbench.export.pipeline import recorded_exports

            run = self._run_dir()
            reports = recorded_exports(run) if run else []
        self.variants.set_reports(reports)
        self.variants_hint.setVisible(not reports)

    def choose_path(self) -> None:
        fmt = self.format.currentData()
        if fmt == "savedmodel":
            path = QFileDialog.getExistingDirectory(self, self.tr("Folder that will hold the SavedModel"))
            path = os.path.join(path, "saved_model") if path else ""
        else:
            from workbench.export.formats import SUFFIXES

            suffix = SUFFIXES[fmt]
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the model"), self.path.text(),
                                                  f"{format_title(fmt)} (*{suffix})")
        if path:
            self.path.setText(path)
            self._fix_suffix()

    def export(self) -> None:
        model, path, fmt = self.session.model, self.path.text().strip(), self.format.currentData()
        quantize = self.quantize.currentData() or None if fmt == "tflite" else None
        if model is None:
            self.session.fail(self.tr("There is no model to export yet: train one or open a "
                                      ".keras file."))
            return
        if not path:
            self.session.fail(self.tr("Choose where to save the export first."))
            return
        force = self.confirm_replace(path, fmt)
        if force is None:
            return
        samples = check_samples(model, self.session.dataset)
        if quantize == "int8" and not samples.real:
            self.session.fail(self.tr("int8 quantization calibrates on the training data: load "
                                      "the model's data in the Data tab first, or choose "
                                      "float16 or dynamic."))
            return
        self.export_button.setEnabled(False)
        self.result.setText(self.tr("Exporting to {0}…").format(path))
        run, model_path = self._run_dir(), self.session.model_path
        self.background(lambda: export_and_verify(model, fmt, path, samples, force, quantize, model_path, run),
                        lambda done: self._exported(path, *done), key="export",
                        busy=self.tr("Exporting to {0}…").format(path), lane=self.TF_LANE)

    def confirm_replace(self, path: str, fmt: str) -> bool | None:
        """False: nothing is there; True: the user agreed to replace an earlier export;
        None: refused (a folder that is not an export, a run's own files) or cancelled."""
        from workbench.errors import WorkbenchError
        from workbench.export.formats import output_kind
        from workbench.runs.outputs import OutputExists, check_output_path

        kind, marker = output_kind(fmt)
        try:
            check_output_path(path, kind, marker=marker, example="model.keras")
        except OutputExists:
            answer = QMessageBox.question(self, self.tr("Replace the export?"),
                                          self.tr("{0} already exists.\nReplace it with this export?").format(path))
            return True if answer == QMessageBox.StandardButton.Yes else None
        except WorkbenchError as error:
            self.session.fail(str(error))
            return None
        return False

    def _exported(self, path: str, report, reports) -> None:
        self.export_button.setEnabled(True)
        diff = report.max_abs_diff
        self.last_diff, self.last_path, self.last_report = diff, path, report
        same = diff < SAME
        if same:
            verdict = self.tr("Reloaded model predicts the same: max |diff| = {0:.3g}")
        elif report.quantize:
            verdict = self.tr("Reloaded model is close (quantised): max |diff| = {0:.3g}")
        else:
            verdict = self.tr("Reloaded model DIFFERS: max |diff| = {0:.3g}")
        colour = "#207020" if same else ("#a06000" if report.quantize else "#b03000")
        self.result.setText(self.tr("Saved {0}").format(path)
                            + f"<br><span style='color:{colour}'>{verdict.format(diff)}</span>")
        self.report_view.set_report(report)
        self._show_variants(reports)
        self.session.report(self.tr("Exported {0}: reloaded model max |diff| = {1:.3g}").format(path, diff))

    def on_background_failed(self, key, message) -> None:
        self.export_button.setEnabled(True)
        self.result.setText(self.tr("<span style='color:#b03000'>Export failed: {0}</span>").format(message))
