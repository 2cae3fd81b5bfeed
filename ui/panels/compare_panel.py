"""The Compare tab: several explanations of one prediction side by side, and how far to trust each.

Image classifiers: the chosen methods of ``workbench.xai.METHODS`` run one after
another in one worker call of ``workbench.xai.compare.compare`` on the model's lane;
its ``on_result`` and ``progress`` callbacks (signals, queued to the GUI thread) fill
each cell of the grid as soon as its method returns, then its deletion / insertion
scores (Petsiuk et al., "RISE", BMVC 2018) under the cell, in the table and as curves.
Cancel sets the call's ``should_stop`` flag: it stops between methods. Opacity and
colormap re-blend the stored heatmaps without recomputing anything. A whole folder can
be explained with one method (``workbench.xai.batch.explain_folder``).

Tabular classifiers (a feature vector in, e.g. the MLP on iris or a CSV): the tab
switches to SHAP and LIME feature contributions of one validation row, drawn as
signed horizontal bars (``workbench.xai.compare.compare_tabular``).

The parts are widgets of ``ui/widgets/compare/`` and the input chooser shared with the
Explain tab (``ui/widgets/input_chooser.py``); this panel composes them and holds the flow.
"""

from __future__ import annotations

import os
import threading

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from ui.panels.base import Panel, hint_label
from ui.widgets.compare.display_box import DisplayBox
from ui.widgets.compare.folder_box import FolderBox
from ui.widgets.compare.image_results import TRUST_HINT, ImageResults  # noqa: F401 - where it was
from ui.widgets.compare.input_box import TOP_K, InputBox  # noqa: F401
from ui.widgets.compare.method_checks import DEFAULT_METHODS, MethodChecks  # noqa: F401
from ui.widgets.compare.run_bar import RunBar
from ui.widgets.compare.sheet import (SHEET_COLUMNS, SHEET_TILE, compose_sheet, sheet_tiles,  # noqa: F401
                                      write_overlays)
from ui.widgets.compare.tabular_page import TABULAR_METHODS, TabularPage
from ui.widgets.input_chooser import InputChooser
from workbench.errors import WorkbenchError
from workbench.xai.compare import comparable as inspect_model  # noqa: F401 - its former name here

#: Points of each deletion / insertion curve (the RISE paper's protocol, coarser for speed).
FAITHFULNESS_STEPS = 20


def _part(*path: str):
    """A property reading ``self.<path>``: the parts' widgets, where the tests and the window find them."""
    def read(self):
        value = self
        for name in path:
            value = getattr(value, name)
        return value
    return property(read)


class ComparePanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Compare explanations")
    order = 41
    help = QT_TRANSLATE_NOOP("Panel", "Several explanation methods side by side, with deletion / insertion "
                             "scores to judge them")

    #: (run, done, total) and (run, row) from the comparison's worker thread (queued to the GUI thread).
    compare_progress = Signal(int, int, int)
    compare_row = Signal(int, object)

    # the parts' widgets under their former names
    chooser, model_label = _part("input_box", "chooser"), _part("input_box", "model_label")
    layer, layer_label, klass = _part("input_box", "layer"), _part("input_box", "layer_label"), \
        _part("input_box", "klass")
    colormap, opacity = _part("display_box", "colormap"), _part("display_box", "opacity")
    save_button = _part("display_box", "save_button")
    checks, cam_note = _part("methods_box", "checks"), _part("methods_box", "cam_note")
    from_sample, from_file = _part("chooser", "from_sample"), _part("chooser", "from_file")
    index, open_button = _part("chooser", "index"), _part("chooser", "open_button")
    file_image = _part("chooser", "file_image")
    grid, table, input_view = _part("image_page", "grid"), _part("image_page", "table"), \
        _part("image_page", "input_view")
    prediction = _part("image_page", "prediction")
    insertion_curve = _part("image_page", "curves", "insertion_curve")
    row_table = _part("tabular_page", "row_table")
    charts, chart_notes = _part("tabular_page", "charts"), _part("tabular_page", "chart_notes")
    folder_method, folder_button = _part("folder_box", "method"), _part("folder_box", "button")
    folder_cancel, folder_bar = _part("folder_box", "cancel_button"), _part("folder_box", "bar")
    folder_result, folder_summary = _part("folder_box", "result"), _part("folder_box", "summary")

    @property
    def file_display(self):
        return self.chooser.file_display

    @file_display.setter
    def file_display(self, value) -> None:
        self.chooser.file_display = value

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.facts: dict | None = None
        #: The run's input: model input, picture the heatmaps are drawn over, file stem.
        #: Fixed when Explain is pressed, so changing the image mid-run cannot mix two inputs.
        self.model_input: np.ndarray | None = None
        self.display_rgb: np.ndarray | None = None
        self.input_stem = "input"
        self._input_dirty = False  # the input changed while a run was going on
        self._run_class: int | None = None  # the class and layer of the run, fixed at Explain
        self._run_layer = ""
        self.results: dict = {}  # method -> Explanation (image) or TabularExplanation
        self.scores: dict[str, dict] = {}
        self.errors: dict[str, str] = {}
        self.saved_paths: list[str] = []
        self._generation = 0  # reports of an earlier run are dropped
        self._order: list[str] = []
        self._running = False
        self._stop = threading.Event()
        self._input_token = 0
        self.setAcceptDrops(True)
        self._build()
        self.compare_progress.connect(self._progressed)
        self.compare_row.connect(self._reported)
        session.model_changed.connect(self._model_changed)
        session.dataset_changed.connect(lambda _d: self._dataset_changed())
        session.image_requested.connect(self.open_image)
        self._update_state()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        self.input_box = InputBox(self)
        self.chooser.changed.connect(self._input_changed)
        column.addWidget(self.input_box)
        self.methods_box = MethodChecks()
        self.methods_box.changed.connect(self._update_state)
        column.addWidget(self.methods_box)
        run_bar = RunBar()
        self.explain_button, self.cancel_button = run_bar.explain_button, run_bar.cancel_button
        self.sanity_button, self.progress, self.run_bar = run_bar.sanity_button, run_bar.progress, run_bar
        self.explain_button.clicked.connect(self.explain)
        self.cancel_button.clicked.connect(self.cancel)
        self.sanity_button.clicked.connect(self.sanity_check)
        self.sanity_view = None  # ui.widgets.sanity_view.SanityView, made on first use
        column.addWidget(run_bar)
        self.display_box = DisplayBox()
        self.display_box.changed.connect(self.reblend)
        self.display_box.save_requested.connect(self.save_dialog)
        column.addWidget(self.display_box)
        self.folder_box = FolderBox(self)
        self.folder_box.running_changed.connect(self._update_state)
        column.addWidget(self.folder_box)
        self.state = hint_label("")
        column.addWidget(self.state)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # as wide as the controls' widest row plus the vertical scroll bar, so nothing is cut
        # off or scrolled sideways in any language (Japanese labels are wider than English)
        needed = controls.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 2
        scroll.setMinimumWidth(max(330, needed))
        scroll.setMaximumWidth(max(370, needed))

        self.image_page = ImageResults()
        self.tabular_page = TabularPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.image_page)
        self.pages.addWidget(self.tabular_page)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.pages, 1)

    # -- state ----------------------------------------------------------------------------
    def mode(self) -> str:
        """"image", "tabular", or "" while there is no usable model."""
        facts = self.facts
        return facts["mode"] if facts is not None and "error" not in facts else ""

    def running(self) -> bool:
        return self._running

    def checked_methods(self) -> list[str]:
        """The checked methods this model allows (CAM only on a GAP + dense head)."""
        return self.methods_box.checked() if self.mode() == "image" else []

    def _update_state(self) -> None:
        from workbench import xai

        mode, running = self.mode(), self.running()
        image, tabular = mode == "image", mode == "tabular"
        self.pages.setCurrentIndex(1 if tabular else 0)
        for widget in (self.methods_box, self.display_box, self.folder_box, self.chooser.file_rows,
                       self.layer, self.layer_label):
            widget.setVisible(not tabular)
        self.from_sample.setText(self.tr("Validation row") if tabular else self.tr("Validation sample"))
        has_input = self._has_input()
        self.methods_box.set_usable(image and not running)
        needs_layer = any(xai.METHODS[m].needs_layer for m in self.checked_methods())
        self.layer.setEnabled(image and not running and needs_layer and self.layer.count() > 0)
        self.klass.setEnabled(bool(mode) and not running and self.klass.count() > 0)
        self.index.setEnabled(bool(mode) and not running)
        self.from_sample.setEnabled(not running and self._dataset_fits())
        self.open_button.setEnabled(not running)
        wanted = bool(self.checked_methods()) if image else tabular
        self.explain_button.setEnabled(has_input and wanted and not running)
        self.sanity_button.setEnabled(image and has_input and wanted and not running)
        self.cancel_button.setEnabled(running and not self._stop.is_set())
        self.save_button.setEnabled(image and bool(self.results) and not running)
        self.folder_box.update_state(image)
        self.state.setText(self._state_text(mode, has_input))
        self.state.setVisible(bool(self.state.text()))

    def _state_text(self, mode: str, has_input: bool) -> str:
        facts = self.facts
        if self.session.model is None:
            return self.tr("No model yet: train one in the Train tab, or open a .keras file (File ▸ Open "
                           "model…). Image classifiers get a grid of heatmaps; table classifiers (e.g. the MLP "
                           "on iris) get SHAP and LIME bars.")
        if facts is None:
            return self.tr("Inspecting the model…")
        if "error" in facts:
            return self.tr("This model cannot be explained here: {0}").format(facts["error"])
        if mode == "tabular" and not has_input:
            return self.tr("This model takes rows of {0} features: load the table it was trained on "
                           "(e.g. iris) in the Data tab.").format(facts["features"])
        if mode == "image" and not has_input:
            return self.tr("Pick a validation sample (an image data set in the Data tab), or open or drop "
                           "an image file.")
        if mode == "image" and not self.checked_methods():
            return self.tr("Check at least one method.")
        if mode == "tabular":
            return self.tr("This model reads table rows: press Explain to see how much each feature of the "
                           "chosen validation row adds to the class probability, by SHAP and by LIME.")
        return ""

    def _has_input(self) -> bool:
        return self.input_box.has_input(self.facts)

    def _dataset_fits(self) -> bool:
        """Whether the loaded data set's validation samples can be fed to the model."""
        return self.input_box.dataset_fits(self.facts)

    # -- model and data -------------------------------------------------------------------
    def _model_changed(self, model) -> None:
        self._reset_results()
        self.facts = None
        self.klass.clear()
        self.layer.clear()
        session = self.session
        if model is None:
            self.model_label.setText(self.tr("none"))
            self._update_state()
            return
        self.image_page.curves.ensure()  # pyqtgraph stays out of start-up
        self.tabular_page.ensure()
        where = os.path.basename(session.run_dir) if session.run_dir else os.path.basename(session.model_path)
        self.model_label.setText((self.tr("{0} (trained: {1})") if session.model_source == "trained"
                                  else self.tr("{0} (file: {1})")).format(model.name, where))
        self._update_state()
        self.background(lambda: inspect_model(model), lambda facts: self._inspected(model, facts),
                        key="compare-model", quiet=True, lane=self.TF_LANE)

    def _inspected(self, model, facts: dict) -> None:
        if model is not self.session.model:
            return
        self.facts = facts
        if facts["mode"] == "image":
            self.input_box.set_layers(facts["layers"], facts["default_layer"])
            self.methods_box.set_cam(facts["cam"], facts["cam_why"])
        self._dataset_changed()

    def on_background_failed(self, key, message) -> None:
        if key == "compare-model":
            self.facts = {"error": message}
            self._update_state()
        elif key == "compare-predict":
            self.prediction.setText(f"<span style='color:#b03000'>{message}</span>")
        elif key == "compare-sanity" and self.sanity_view is not None:
            self.sanity_view.failed(message)
        elif key == "compare-folder":
            self.folder_box.failed(message)
        elif key == "compare-run" and self._running:  # not a method's failure: the call's
            for method in self._order:
                if method not in self.results and method not in self.errors:
                    self.errors[method] = message
                    self._show_failure(method, message)
            self._finish()

    def _dataset_changed(self) -> None:
        dataset = self.session.dataset
        if getattr(dataset, "x_val", None) is not None:
            self.chooser.set_sample_count(len(dataset.x_val))
        if self.mode() == "image" and not self._dataset_fits() and self.file_image is not None:
            self.from_file.setChecked(True)
        self._input_changed()

    def class_names(self) -> tuple[str, ...]:
        model = self.session.model
        count = int(model.outputs[0].shape[-1])
        names = self.session.class_names
        if len(names) != count and self.session.dataset is not None:
            names = self.session.dataset.info.class_names
        return tuple(names) if len(names) == count else tuple(str(i) for i in range(count))

    def feature_names(self) -> list[str]:
        dataset, count = self.session.dataset, self.facts["features"]
        names = list(dataset.info.feature_names) if dataset is not None else []
        return names if len(names) == count else [self.tr("feature {0}").format(i) for i in range(count)]

    # -- the input ------------------------------------------------------------------------
    def open_image_dialog(self) -> None:
        self.chooser.open_image_dialog()

    def open_image(self, path: str) -> None:
        """Read ``path`` on a worker thread and make it the image to explain (menu, drops)."""
        self.chooser.open_image(path)

    def dragEnterEvent(self, event):  # noqa: N802 - Qt's name
        if InputChooser.dropped_image(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()  # the window handles models, tables and folders

    def dropEvent(self, event):  # noqa: N802
        path = InputChooser.dropped_image(event.mimeData())
        if path:
            self.open_image(path)
            event.acceptProposedAction()

    def current_input(self):
        """``(model input, picture to draw on or None, caption, file stem)`` for the chosen source."""
        return self.input_box.current(self.facts)

    def _input_changed(self) -> None:
        """Show the new input and ask the model for its top classes (results of the old one go)."""
        if self.running():
            self._input_dirty = True  # shown once the run ends; the run keeps its own input
            return
        self._input_dirty = False
        self._reset_results()
        self._update_state()
        chosen = self.current_input()
        model = self.session.model
        if chosen is None or model is None:
            self.input_view.set_image(None)
            self.row_table.setRowCount(0)
            self.prediction.setText("")
            return
        x, rgb, caption, _stem = chosen
        self.klass.clear()  # the old input's top classes; until the new ones come: the predicted class
        if self.mode() == "image":
            self.input_view.set_image(rgb, caption)
        else:
            self.tabular_page.show_row(x, self.feature_names(), caption,
                                       getattr(self.session.dataset, "scaler", None))
        self._input_token += 1
        token = self._input_token

        def predict():
            from workbench.xai.common import predict as forward

            return forward(model, x[None])[0]

        self.background(predict, lambda p: self._predicted(token, model, p), key="compare-predict",
                        quiet=True, lane=self.TF_LANE)

    def _predicted(self, token: int, model, probabilities: np.ndarray) -> None:
        if token != self._input_token or model is not self.session.model:
            return
        names = self.class_names()
        best = self.input_box.show_top(names, probabilities)
        text = self.tr("Predicted <b>{0}</b> ({1:.1%})").format(names[best], probabilities[best])
        self.prediction.setText(text)
        if self.mode() == "tabular":
            self.tabular_page.show_prediction(text)
        self._update_state()

    # -- explaining: one worker call of the core's compare, reporting as it goes -----------------
    def explain(self) -> None:
        """Run the checked methods (image) or SHAP and LIME (tabular), one after another."""
        from workbench import xai
        from workbench.xai.compare import compare, compare_tabular

        mode, model = self.mode(), self.session.model
        if not mode or model is None or self.running():
            return
        chosen = self.current_input()
        if chosen is None:
            return
        x, rgb, _caption, stem = chosen
        self.model_input, self.display_rgb, self.input_stem = x, rgb, stem
        chosen_class = self.klass.currentData()
        class_index = self._run_class = None if chosen_class is None else int(chosen_class)
        self._run_layer = self.input_box.chosen_layer()
        methods = self.checked_methods() if mode == "image" else [m for m, _ in TABULAR_METHODS]
        if mode == "image":
            self.grid.prepare([(m, xai.METHODS[m].title) for m in methods])
        else:
            self.tabular_page.clear(waiting=True)
        if not methods:
            return
        self._reset_results(keep_grid=True)
        run = self._generation
        self._order, self._running, self._stop = list(methods), True, threading.Event()
        self.run_bar.start(len(methods) * (2 if mode == "image" else 1))
        self._show_running(0)
        self._update_state()
        options = {"progress": lambda done, total: self.compare_progress.emit(run, done, total),
                   "should_stop": self._stop.is_set, "on_result": lambda row: self.compare_row.emit(run, row)}
        if mode == "image":
            layer = self._run_layer or None
            work = lambda: compare(model, x, methods, layer=layer, class_index=class_index,  # noqa: E731
                                   steps=FAITHFULNESS_STEPS, seed=0, **options)
        else:
            background = np.asarray(self.session.dataset.x_train, np.float32)
            names = self.feature_names()
            work = lambda: compare_tabular(model, x, background, names, class_index, methods,  # noqa: E731
                                           seed=0, **options)
        self.background(work, lambda rows: self._compared(run, rows), key="compare-run", quiet=True,
                        lane=self.TF_LANE)

    def cancel(self) -> None:
        """Stop after the running method (its result and scores are still shown)."""
        if self.running():
            self._stop.set()
            self.session.report(self.tr("Cancelling after the method that is running…"))
            self._update_state()

    def _progressed(self, run: int, done: int, total: int) -> None:
        if run != self._generation:
            return
        self.run_bar.advance(done)
        per_method = 2 if self.mode() == "image" else 1
        if done < total and done % per_method == 0 and not self._stop.is_set():
            self._show_running(done // per_method)

    def _show_running(self, position: int) -> None:
        self._page().set_state(self._order[position], "running")

    def _page(self):
        """The page the results of this model go to (both say "computing…", "failed", "cancelled":
        ``set_state`` takes the keys "running", "failed", "cancelled" and shows their words)."""
        return self.tabular_page if self.mode() == "tabular" else self.image_page

    def _reported(self, run: int, row: dict) -> None:
        """A method's explanation (scores still None), or later the same row with its scores."""
        if run != self._generation:
            return
        method, explanation = row["method"], row["explanation"]
        if explanation is None:
            self.errors[method] = row["error"]
            self._show_failure(method, row["error"])
        elif self.mode() == "tabular":
            self.results[method] = explanation
            self.tabular_page.show_contributions(method, explanation, self.class_names())
        elif method not in self.results:
            self.results[method] = explanation
            self.grid.cell(method).set_picture(self._overlay(explanation.heatmap), self._cell_text(method))
            if not self.grid.current:
                self.grid.select(method)
            self._refresh_table()
        elif row["scores"] is None:
            self.errors[method] = row["error"]
            self.grid.cell(method).set_detail(self._cell_text(method) + "<br>" + self.tr("scores failed"))
        else:
            self.scores[method] = row["scores"]
            self.grid.cell(method).set_detail(self._cell_text(method))
            self._refresh_table()
            if self.grid.current == method:
                self.image_page.show_curves(method)

    def _compared(self, run: int, rows: list[dict]) -> None:
        if run != self._generation:
            return
        for row in rows:
            if row["cancelled"]:
                self._page().set_state(row["method"], "cancelled")
        self._finish()

    def _finish(self) -> None:
        done = [m for m in self._order if m in self.results]
        if self._stop.is_set():
            self.session.report(self.tr("Cancelled: {0} of {1} methods explained.").format(
                len(done), len(self._order)))
        elif done:
            seconds = sum(self.results[m].elapsed_s for m in done) if self.mode() == "image" else 0.0
            self.session.report(self.tr("Explained with {0} method(s) in {1:.1f} s.").format(len(done), seconds)
                                if seconds else self.tr("Explained with {0} method(s).").format(len(done)))
        self._running = False
        self._update_state()
        if self._input_dirty:
            self._input_changed()

    def _reset_results(self, keep_grid: bool = False) -> None:
        self._generation += 1  # late reports of an earlier run are dropped
        self._stop.set()  # and that run stops before its next method
        self._running = False
        self.results, self.scores, self.errors = {}, {}, {}
        self.image_page.clear(keep_grid)
        if not keep_grid:
            self.tabular_page.clear()

    def shutdown(self) -> None:
        self._stop.set()
        self.folder_box.stop()
        if self.sanity_view is not None:
            self.sanity_view.stop()

    def sanity_check(self) -> None:
        """Cascading randomisation of the checked methods on the current input (own window)."""
        from ui.widgets.sanity_view import SanityView

        chosen, model, dataset = self.current_input(), self.session.model, self.session.dataset
        if self.mode() != "image" or chosen is None or model is None or not self.checked_methods():
            return
        x, rgb, caption, _stem = chosen
        labelled = (self._dataset_fits() and dataset.info.task == "classification"
                    and getattr(dataset, "x_train", None) is not None)
        self.sanity_view = self.sanity_view or SanityView(self)
        self.sanity_view.run(self.background, model, x, rgb, self.checked_methods(), self.klass.currentData(),
                             self.input_box.chosen_layer() or None,
                             (dataset.x_train, dataset.y_train) if labelled else None, caption)

    # -- showing results ------------------------------------------------------------------------
    def _overlay(self, heatmap: np.ndarray) -> np.ndarray:
        return self.display_box.overlay(self.display_rgb, heatmap)

    def reblend(self) -> None:
        """Redraw every cell from its stored heatmap with the current opacity and colormap."""
        if self.mode() != "image" or self.display_rgb is None:
            return
        try:
            for method, explanation in self.results.items():
                self.grid.cell(method).set_picture(self._overlay(explanation.heatmap))
        except WorkbenchError as error:
            self.session.fail(str(error))

    def _cell_text(self, method: str) -> str:
        explanation, scores = self.results[method], self.scores.get(method)
        names = self.class_names()
        text = self.tr("{0:.2f} s · class {1}").format(explanation.elapsed_s, names[explanation.class_index])
        if scores is not None:
            text += f"<br>del↓ {scores['deletion_auc']:.3f} · ins↑ {scores['insertion_auc']:.3f}"
        return text

    def _show_failure(self, method: str, message: str) -> None:
        self._page().set_state(method, "failed", message)

    def _refresh_table(self) -> None:
        shown = [m for m in self._order if m in self.results]
        self.image_page.fill_table(shown, {m: self.results[m].elapsed_s for m in shown}, self.scores)

    def _table_clicked(self, row: int) -> None:
        self.image_page.table_clicked(row)

    # -- saving ----------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save the overlays to a folder"))
        if folder:
            self.save_overlays(folder)

    def save_overlays(self, folder: str) -> None:
        """Write each cell's overlay (current opacity and colormap) and a comparison sheet."""
        if self.mode() != "image" or not self.results or self.display_rgb is None:
            self.session.fail(self.tr("Nothing to save yet: press Explain first."))
            return
        methods = [m for m in self._order if m in self.results]
        overlays = {m: self._overlay(self.results[m].heatmap) for m in methods}
        sheet = compose_sheet(sheet_tiles(self.display_rgb, overlays, self.results, self.scores, self.class_names()))
        stem = self.input_stem
        self.background(lambda: write_overlays(folder, stem, overlays, sheet), self._saved,
                        key="compare-save", busy=self.tr("Saving {0} images to {1}…").format(len(overlays) + 1, folder))

    def _saved(self, paths: list[str]) -> None:
        self.saved_paths = paths
        self.session.report(self.tr("Saved {0} images to {1}").format(len(paths), os.path.dirname(paths[-1])))

    # -- a whole folder ----------------------------------------------------------------------------
    def folder_dialog(self) -> None:
        self.folder_box.folder_dialog()

    def run_folder(self, folder: str, out_dir: str = "") -> None:
        """Explain each image of ``folder`` with the folder method on the model's worker lane."""
        self.folder_box.run(folder, out_dir, self.input_box.chosen_layer())

    def cancel_folder(self) -> None:
        self.folder_box.cancel()
