"""The Evaluate tab: how good is the classifier, class by class, and which samples does it
get wrong?

Evaluate scores the run's own validation split (``workbench.evaluation.evaluate_run``)
or the loaded data's, on the model lane with progress. Then the loop of a data-cleaning
session: click a confusion cell -> its samples, most confident first -> open one in
Explain with its heatmap -> mark it "mislabelled" or "drop" -> save the marks (CSV) ->
train again with ``exclude=`` that file, which leaves the marked samples out.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.confusion_matrix import ConfusionMatrixView
from ui.widgets.marks_list import MarksList
from ui.widgets.per_class_table import PerClassTable
from ui.widgets.predictions_browser import PredictionsBrowser
from ui.widgets.sample_card import SampleCard
from ui.widgets.sample_strip import MAX_SHOWN, SampleStrip
from workbench.errors import WorkbenchError

RUN_SPLIT, LOADED_DATA = "run", "loaded"
MARKS_FILE = "marks.csv"


def evaluate_loaded(model, dataset, progress):
    """Worker: the session's model on the session's validation split (no run directory)."""
    from workbench.evaluation.classification import evaluate_predictions, predict_probabilities
    from workbench.inference import is_classifier

    if not is_classifier(model):
        raise WorkbenchError(QCoreApplication.translate(
            "EvaluatePanel", "{0} is not a classifier (one input, one vector of class scores)").format(model.name))
    if getattr(dataset, "info", None) is None or dataset.info.task != "classification":
        raise WorkbenchError(QCoreApplication.translate(
            "EvaluatePanel", "the loaded data is not classification data; load labelled images or a table"))
    shape = tuple(model.inputs[0].shape[1:])
    if tuple(dataset.info.input_shape) != shape:
        raise WorkbenchError(QCoreApplication.translate(
            "EvaluatePanel", "the model takes inputs of shape {0} but the loaded data gives {1}")
            .format(shape, tuple(dataset.info.input_shape)))
    labels = list(dataset.info.class_names)
    probs = predict_probabilities(model, dataset.x_val, len(labels), progress)
    ids = dataset.ids_val if dataset.ids_val is not None else [f"val:{i}" for i in range(len(dataset.x_val))]
    return evaluate_predictions(dataset.y_val, probs, labels, ids), dataset


class EvaluatePanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Evaluate")
    order = 37
    help = QT_TRANSLATE_NOOP("Panel", "Confusion matrix, per-class scores, the samples behind each cell, "
                                      "and marking bad labels")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.evaluation = None
        self.dataset = None  # the Dataset the evaluation scored (its x_val are the samples)
        self.confidence = self.predicted = None  # the evaluation's, computed once
        self.chosen: int | None = None
        self.cell: tuple[int, int] | None = None
        self.marks_path = ""
        self._progress = [0, 0]
        self._build()
        session.model_changed.connect(lambda _m: self._model_changed())
        session.dataset_changed.connect(lambda _d: self._update_state())
        self._update_state()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.source = QComboBox()
        self.source.addItem(self.tr("the run's validation split"), RUN_SPLIT)
        self.source.addItem(self.tr("the loaded data's validation split"), LOADED_DATA)
        self.source.currentIndexChanged.connect(lambda _i: self._update_state())
        self.evaluate_button = QPushButton(self.tr("Evaluate"))
        self.evaluate_button.clicked.connect(self.evaluate)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setMaximumWidth(220)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.summary = QLabel("")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = hint_label("")
        top = QHBoxLayout()
        for widget in (QLabel(self.tr("Evaluate on")), self.source, self.evaluate_button, self.progress):
            top.addWidget(widget)
        top.addWidget(self.summary, 1)

        self.matrix = ConfusionMatrixView()
        self.matrix.cell_clicked.connect(self.show_cell)
        self.normalised = QCheckBox(self.tr("Colour by row (share of each true class)"))
        self.normalised.toggled.connect(self.matrix.set_row_normalised)
        self.per_class = PerClassTable()
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self._boxed(self.tr("Confusion matrix — rows: true class, columns: predicted; click a cell"),
                                   self.normalised, self.matrix))
        left.addWidget(self._boxed(self.tr("Per class"), self.per_class))
        left.setSizes([520, 220])

        self.cell_label = QLabel(self.tr("Click a cell of the matrix to see its samples."))
        self.strip = SampleStrip()
        self.browser = PredictionsBrowser()
        for view in (self.strip, self.browser):
            view.chosen.connect(self.choose)
            view.opened.connect(self.open_in_explain)
        cell_page = QWidget()
        cell_column = QVBoxLayout(cell_page)
        cell_column.addWidget(self.cell_label)
        cell_column.addWidget(self.strip, 1)
        self.views = QTabWidget()
        self.views.addTab(cell_page, self.tr("Cell samples"))
        self.views.addTab(self.browser, self.tr("All predictions (least confident first)"))
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.views)
        right.addWidget(self._chosen_box())
        right.setSizes([430, 320])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(split, 1)

    def _chosen_box(self) -> QWidget:
        self.card = SampleCard()
        self.card.explain_clicked.connect(lambda: self.open_in_explain(self.chosen))
        self.card.mark_clicked.connect(self.mark)
        self.marks = MarksList()
        self.marks.changed.connect(self._update_state)
        self.marks.save_clicked.connect(self.save_marks_dialog)
        self.marks.exclude_clicked.connect(self.exclude_marked)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._boxed(self.tr("Chosen sample"), self.card), 1)
        row.addWidget(self._boxed(self.tr("Marks"), self.marks), 1)
        return box

    @staticmethod
    def _boxed(title: str, *parts) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        for part in parts:
            if isinstance(part, QWidget):
                column.addWidget(part, 1 if not isinstance(part, QCheckBox) else 0)
            else:
                column.addLayout(part, 1)
        return box

    # -- state -------------------------------------------------------------------------------
    def _run_model_file(self) -> str:
        run_dir = self.session.run_dir
        return os.path.join(run_dir, "model.keras") if run_dir else ""

    def _update_state(self) -> None:
        session = self.session
        has_run = bool(self._run_model_file()) and os.path.isfile(self._run_model_file())
        if not has_run and self.source.currentData() == RUN_SPLIT and session.model is not None:
            self.source.setCurrentIndex(self.source.findData(LOADED_DATA))
        ready = session.tf_loaded and (has_run if self.source.currentData() == RUN_SPLIT
                                       else session.model is not None and session.dataset is not None)
        self.evaluate_button.setEnabled(ready and not self._timer.isActive())
        if not session.tf_loaded:
            text = self.tr("TensorFlow is loading…")
        elif session.model is None and not has_run:
            text = self.tr("No classifier yet: train one (Train tab) or open a .keras file, then press Evaluate.")
        elif not ready:
            text = self.tr("Load data (Data tab) to evaluate the opened model on its validation split.")
        else:
            where = os.path.basename(session.run_dir) if self.source.currentData() == RUN_SPLIT else \
                getattr(getattr(session.dataset, "info", None), "name", "")
            text = "" if self.evaluation is not None else self.tr("Ready to evaluate ({0}).").format(where)
        self.state.setText(text)
        self.state.setVisible(bool(text))
        chosen = self.chosen is not None
        has_ids = self.evaluation is not None and getattr(self.dataset, "ids_val", None) is not None
        self.card.set_enabled(chosen, has_ids)
        self.marks.save_button.setEnabled(bool(self.marks.rows))
        self.marks.retrain_button.setEnabled(bool(self.marks.rows) or bool(self.marks_path))

    def on_tf_ready(self) -> None:
        self._update_state()

    def _model_changed(self) -> None:
        """A trained model brings its run (evaluate its own split); an opened file, the loaded data."""
        self.source.setCurrentIndex(self.source.findData(RUN_SPLIT if self.session.run_dir else LOADED_DATA))
        self._update_state()

    # -- evaluating -----------------------------------------------------------------------------
    def evaluate(self) -> None:
        from workbench.evaluation.classification import evaluate_run

        session, progress = self.session, [0, 0]
        self._progress = progress
        report = lambda done, total: progress.__setitem__(slice(None), [done, total])  # noqa: E731
        if self.source.currentData() == RUN_SPLIT:
            run_dir = session.run_dir
            work = lambda: evaluate_run(run_dir, progress=report)  # noqa: E731
            busy = self.tr("Evaluating {0} on its validation split…").format(os.path.basename(run_dir))
        else:
            model, dataset = session.model, session.dataset
            work = lambda: evaluate_loaded(model, dataset, report)  # noqa: E731
            busy = self.tr("Evaluating {0} on {1}…").format(model.name, dataset.info.name)
        self._timer.start()
        self._update_state()
        self.background(work, self._evaluated, key="evaluate", busy=busy, lane=self.TF_LANE)

    def _show_progress(self) -> None:
        done, total = self._progress
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)

    def on_background_failed(self, key, message) -> None:
        if key == "evaluate":
            self._timer.stop()
            self._update_state()
        elif key == "exclude":
            self.marks.retrain_button.setEnabled(True)

    def _evaluated(self, result) -> None:
        self._timer.stop()
        self._show_progress()
        self.evaluation, self.dataset = result
        evaluation = self.evaluation
        # per-sample lookups below would otherwise redo an (N, C) argmax each time
        self.confidence, self.predicted = evaluation.confidence(), evaluation.predicted()
        self.chosen, self.cell = None, None
        top = " · ".join(f"top-{k} {v:.1%}" for k, v in sorted(evaluation.top_k.items()) if k > 1)
        summary = self.tr("<b>accuracy {0:.1%}</b> on {1:,} validation samples of {2}").format(
            evaluation.accuracy, len(evaluation.y_true), self.dataset.info.name)
        self.summary.setText(summary + (f" · {top}" if top else ""))
        self.matrix.set_matrix(evaluation.confusion, evaluation.labels)
        self.per_class.set_report(evaluation.per_class, evaluation.labels)
        self.browser.set_evaluation(evaluation)
        self.strip.clear()
        self.card.preview.set_image(None)
        self.card.label.setText("")
        self.cell_label.setText(self.tr("Click a cell of the matrix to see its samples."))
        self.session.report(self.tr("Evaluated: accuracy {0:.1%}").format(evaluation.accuracy))
        self._update_state()
        worst = np.argmax(evaluation.confusion - np.diag(np.diag(evaluation.confusion)))
        if evaluation.confusion.size and evaluation.accuracy < 1.0:  # start on the largest confusion
            self.show_cell(*divmod(int(worst), len(evaluation.labels)))

    # -- cells and samples ------------------------------------------------------------------------
    def _is_image_data(self) -> bool:
        return self.dataset.info.kind == "image" and np.ndim(self.dataset.x_val) == 4

    def caption(self, sample: int) -> str:
        evaluation = self.evaluation
        mark = self.marks.mark_of(evaluation.ids[sample])
        return f"{self.confidence[sample]:.1%}" + (f"\n⚑ {mark}" if mark else "")

    def show_cell(self, true_index: int, predicted_index: int) -> None:
        from workbench.data.images import to_uint8_rgb

        evaluation = self.evaluation
        self.cell = (true_index, predicted_index)
        self.matrix.select(true_index, predicted_index)
        members = evaluation.cell(true_index, predicted_index)
        shown = members[:MAX_SHOWN]
        if len(members) > MAX_SHOWN:
            text = self.tr("True <b>{0}</b>, predicted <b>{1}</b>: {2} sample(s), most confident first "
                           "— the first {3} shown. Double-click one to explain it.")
        else:
            text = self.tr("True <b>{0}</b>, predicted <b>{1}</b>: {2} sample(s), most confident first. "
                           "Double-click one to explain it.")
        self.cell_label.setText(text.format(evaluation.labels[true_index], evaluation.labels[predicted_index],
                                            len(members), MAX_SHOWN))
        captions = [self.caption(i) for i in shown]
        if self._is_image_data():
            self.strip.set_images(shown, [to_uint8_rgb(self.dataset.x_val[i]) for i in shown], captions)
        else:
            columns = (list(self.dataset.info.feature_names)
                       or [f"x{i}" for i in range(self.dataset.x_val.shape[1])])
            self.strip.set_rows(shown, self._raw_rows(shown), columns,
                                [f"{evaluation.ids[i]} · {c}" for i, c in zip(shown, captions)])
        self.views.setCurrentIndex(0)

    def _raw_rows(self, samples) -> np.ndarray:
        """Tabular rows in their own units (the data set keeps them standardised)."""
        x, scaler = np.asarray(self.dataset.x_val)[samples], self.dataset.scaler
        return x if not scaler else x * np.asarray(scaler["std"]) + np.asarray(scaler["mean"])

    def choose(self, sample: int) -> None:
        from workbench.data.images import to_uint8_rgb

        evaluation = self.evaluation
        self.chosen = int(sample)
        true, predicted = evaluation.y_true[sample], self.predicted[sample]
        self.card.label.setText(self.tr("<b>{0}</b><br>given label: {1}<br>predicted: {2} ({3:.1%})").format(
                                  evaluation.ids[sample], evaluation.labels[true], evaluation.labels[predicted],
                                  self.confidence[sample]))
        image = to_uint8_rgb(self.dataset.x_val[sample]) if self._is_image_data() else None
        self.card.preview.set_image(image)
        self._update_state()

    def open_in_explain(self, sample: int | None) -> None:
        """Switch to the Explain tab and explain ``sample`` there (its heatmap)."""
        if sample is None or self.evaluation is None:
            return
        self.choose(sample)
        if not self._is_image_data():
            self.session.report(self.tr("Explain works on images; explain tabular predictions "
                                        "in Compare explanations (SHAP, LIME)."))
            return
        session, evaluation = self.session, self.evaluation
        loaded = session.dataset
        same = loaded is self.dataset or (
            getattr(loaded, "ids_val", None) is not None and self.dataset.ids_val is not None
            and np.array_equal(loaded.ids_val, self.dataset.ids_val))
        caption = self.tr("{0} · given: {1}").format(evaluation.ids[sample],
                                                     evaluation.labels[evaluation.y_true[sample]])
        request = {"index": sample} if same else {"image": self.dataset.x_val[sample], "caption": caption}
        session.panel_requested.emit("XaiPanel")
        session.explain_requested.emit(request)

    # -- marks -------------------------------------------------------------------------------------
    def mark(self, kind: str) -> None:
        evaluation, sample = self.evaluation, self.chosen
        if evaluation is None or sample is None:
            return
        self.marks.add({"path": evaluation.ids[sample],
                        "given_label": evaluation.labels[evaluation.y_true[sample]],
                        "predicted_label": evaluation.labels[self.predicted[sample]],
                        "confidence": float(self.confidence[sample]), "mark": kind})
        caption = self.caption(sample)
        if not self._is_image_data():
            caption = f"{evaluation.ids[sample]} · {caption}"
        self.strip.set_caption(sample, caption)
        self.session.report(self.tr("Marked {0} {1}").format(evaluation.ids[sample], kind))

    def default_marks_path(self) -> str:
        """The file the data already excludes (marks accumulate there), else the run's marks.csv."""
        session = self.session
        if session.data_options.get("exclude"):
            return str(session.data_options["exclude"])
        folder = session.run_dir or (os.path.dirname(session.model_path) if session.model_path else "")
        return os.path.join(folder or os.path.expanduser("~"), MARKS_FILE)

    def save_marks_dialog(self) -> None:
        start = self.marks_path or self.default_marks_path()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the marks"), start,
                                              self.tr("CSV files ({0})").format("*.csv"))
        if path:
            self.save_marks(path)

    def save_marks(self, path: str) -> bool:
        """Write the marks to ``path`` (merged with the marks already there)."""
        from workbench.evaluation.marks import write_marks

        try:
            write_marks(path, list(self.marks.rows.values()))
        except (WorkbenchError, OSError) as error:
            self.session.fail(self.tr("Could not save the marks: {0}").format(error))
            return False
        self.marks_path = path
        self.marks.set_saved()
        self.session.report(self.tr("Saved {0} mark(s) to {1}").format(len(self.marks.rows), path))
        return True

    def exclude_marked(self) -> None:
        """Reload the session's data without the marked samples, for the next run."""
        from workbench import data

        session = self.session
        if not session.data_source:
            session.fail(self.tr("Load the data to train on first (Data tab), then train again "
                                 "without the marks."))
            return
        path = self.marks_path or self.default_marks_path()
        unsaved = self.marks.rows and not self.marks.saved or not os.path.isfile(path)
        if unsaved and not self.save_marks(path):
            return
        source, val = session.data_source, session.val_split
        options = {**session.data_options, "exclude": path}
        self.marks.retrain_button.setEnabled(False)

        def loaded(dataset) -> None:
            session.set_dataset(dataset, source, options, val)
            self.marks.retrain_button.setEnabled(True)
            excluded = next((line for line in dataset.skipped if line.startswith("excluded")), "")
            session.report(self.tr("Reloaded {0}, {1}: the next run trains without them")
                           .format(dataset.info.name, excluded or self.tr("nothing excluded")))
            session.panel_requested.emit("TrainPanel")

        self.background(lambda: data.load(source, options, seed=0, val_fraction=val), loaded,
                        key="exclude",
                        busy=self.tr("Reloading {0} without the marks…").format(os.path.basename(source) or source))
