"""The Compare tab: several explanations of one prediction side by side, and how far to trust each.

Image classifiers: the chosen methods of ``workbench.xai.METHODS`` run one after
another on the model's worker lane; each cell of the grid fills in as soon as its
method returns, then its deletion / insertion scores (Petsiuk et al., "RISE", BMVC
2018) are computed in the background and shown under the cell, in the table and as
curves. Cancel stops between methods; opacity and colormap re-blend the stored
heatmaps without recomputing anything. A whole folder can be explained with one
method (``workbench.xai.batch.explain_folder``).

Tabular classifiers (a feature vector in, e.g. the MLP on iris or a CSV): the tab
switches to SHAP and LIME feature contributions of one validation row, drawn as
signed horizontal bars (``workbench.xai.tabular``).
"""

from __future__ import annotations

import os
import threading

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QRadioButton, QScrollArea, QSlider, QSpinBox, QSplitter, QStackedWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui import theme
from ui.panels.base import Panel, hint_label
from ui.panels.xai_panel import display_picture, read_picture
from ui.widgets.explanation_grid import ExplanationGrid
from ui.widgets.image_view import ImageView
from workbench.errors import WorkbenchError

TOP_K = 5
#: Points of each deletion / insertion curve (the RISE paper's protocol, coarser for speed).
FAITHFULNESS_STEPS = 20
#: Checked when a model is first shown: fast methods of each family (SHAP takes seconds).
DEFAULT_METHODS = ("cam", "gradcam", "gradcam++", "scorecam", "saliency", "integrated_gradients")
#: The tabular methods, in the order they run.
TABULAR_METHODS = (("shap", "SHAP (Kernel SHAP)"), ("shapley_exact", "Exact Shapley (all 2^M coalitions)"),
                   ("lime", "LIME (tabular)"))
#: Side of one tile of the saved comparison sheet, and tiles per row.
SHEET_TILE = 192
SHEET_COLUMNS = 4
TRUST_HINT = ("Which map to trust? Pixels are deleted (or restored) in each map's order, most important "
              "first, and the class probability is recorded. A faithful map makes it fall fast when "
              "deleting — <b>lower deletion AUC is better</b> — and rise fast when inserting — "
              "<b>higher insertion AUC is better</b>. Best values are in bold.")


def inspect_model(model) -> dict:
    """What the controls need to know about a model (worker thread)."""
    from workbench import xai
    from workbench.inference import require_classifier

    require_classifier(model)
    shape = tuple(model.inputs[0].shape[1:])
    outputs = tuple(model.outputs[0].shape[1:]) if model.outputs else ()
    if len(outputs) != 1:
        raise WorkbenchError(f"this model outputs shape {outputs}, not class probabilities; "
                             "only classifiers can be explained here")
    if len(shape) == 1 and shape[0]:
        return {"mode": "tabular", "features": int(shape[0]), "classes": int(outputs[0])}
    if len(shape) != 3 or None in shape:
        raise WorkbenchError(f"this model takes inputs of shape {shape}; the Compare tab explains "
                             "image classifiers and classifiers of table rows")
    layers = xai.conv_layers(model)
    cam_ok, cam_why = xai.cam_available(model)
    return {"mode": "image", "shape": shape, "layers": layers, "classes": int(outputs[0]),
            "default_layer": xai.default_layer(model) if layers else "", "cam": cam_ok, "cam_why": cam_why}


def compose_sheet(tiles: list[tuple[np.ndarray, str, str]], size: int = SHEET_TILE,
                  columns: int = SHEET_COLUMNS) -> np.ndarray:
    """``[(rgb, title, line), ...]`` -> one uint8 RGB sheet of titled tiles, ``columns`` per row."""
    import cv2

    header = 40
    columns = max(1, min(columns, len(tiles)))
    rows = -(-len(tiles) // columns)
    sheet = np.full((rows * (size + header), columns * size, 3), 255, np.uint8)
    for index, (rgb, title, line) in enumerate(tiles):
        small = max(rgb.shape[:2]) < size
        body = cv2.resize(rgb, (size, size), interpolation=cv2.INTER_NEAREST if small else cv2.INTER_AREA)
        top, left = (index // columns) * (size + header), (index % columns) * size
        sheet[top + header:top + header + size, left:left + size] = body
        for text, y, scale, colour in ((title, 16, 0.5, (0, 0, 0)), (line, 34, 0.4, (70, 70, 70))):
            (width, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
            scale = scale if width <= size - 8 else scale * (size - 8) / width
            cv2.putText(sheet, text, (left + 4, top + y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1,
                        cv2.LINE_AA)
    return sheet


def write_overlays(folder: str, stem: str, overlays: dict[str, np.ndarray], sheet: np.ndarray) -> list[str]:
    """Worker thread: each overlay and the sheet as PNGs (atomically); returns the paths written."""
    from workbench.data.images import write_png

    if not os.path.isdir(folder):
        raise WorkbenchError(f"folder not found: {folder}")
    written = []
    for method, rgb in overlays.items():
        path = os.path.join(folder, f"{stem}_{method.replace('+', 'p')}.png")
        write_png(path, rgb)
        written.append(path)
    path = os.path.join(folder, f"{stem}_comparison.png")
    write_png(path, sheet)
    return written + [path]


class ComparePanel(Panel):
    title = "Compare explanations"
    order = 41
    help = "Several explanation methods side by side, with deletion / insertion scores to judge them"

    #: (done, total) from the folder run's worker thread (queued to the GUI thread).
    folder_progress = Signal(int, int)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.facts: dict | None = None
        self.file_path = ""
        self.file_image: np.ndarray | None = None
        self.file_display: np.ndarray | None = None  # its display copy, made on the worker
        #: The run's input: model input, picture the heatmaps are drawn over, caption, file stem.
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
        self.folder_summary: dict | None = None
        self._generation = 0
        self._queue: list[str] = []
        self._order: list[str] = []
        self._cancel = False
        self._outstanding = 0
        self._steps_done = 0
        self._keys: dict[str, tuple[int, str, str]] = {}
        self._input_token = 0
        self._folder_stop = threading.Event()
        self._folder_running = False
        self.setAcceptDrops(True)
        self._build()
        self.folder_progress.connect(self._folder_step)
        session.model_changed.connect(self._model_changed)
        session.dataset_changed.connect(lambda _d: self._dataset_changed())
        session.image_requested.connect(self.open_image)
        self._update_state()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._input_box())
        column.addWidget(self._methods_box())
        buttons = QHBoxLayout()
        self.explain_button = QPushButton("Explain")
        self.explain_button.setToolTip("Run the checked methods one after another; each cell fills in when ready")
        self.explain_button.clicked.connect(self.explain)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the method that is running now")
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.explain_button, 1)
        buttons.addWidget(self.cancel_button)
        self.sanity_button = QPushButton("Sanity check")
        self.sanity_button.setToolTip("Adebayo et al. 2018: re-initialise the layers from the output down and "
                                      "see whether each checked method's map falls apart, as it should")
        self.sanity_button.clicked.connect(self.sanity_check)
        self.sanity_view = None  # ui.widgets.sanity_view.SanityView, made on first use
        column.addLayout(buttons)
        column.addWidget(self.sanity_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m steps")
        column.addWidget(self.progress)
        column.addWidget(self._display_box())
        column.addWidget(self._folder_box())
        self.state = hint_label("")
        column.addWidget(self.state)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(330)
        scroll.setMaximumWidth(370)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._image_page())
        self.pages.addWidget(self._tabular_page())
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.pages, 1)

    def _input_box(self) -> QGroupBox:
        self.model_label = QLabel("none")
        self.model_label.setWordWrap(True)
        self.from_sample = QRadioButton("Validation sample")
        self.from_file = QRadioButton("Image file")
        self.from_sample.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_sample)
        group.addButton(self.from_file)
        self.from_sample.toggled.connect(lambda _c: self._input_changed())
        self.index = QSpinBox()
        self.index.setRange(0, 0)
        self.index.setToolTip("Which validation sample (or table row) to explain")
        self.index.valueChanged.connect(lambda _v: self._sample_changed())
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Or drop an image file on this tab")
        self.open_button.clicked.connect(self.open_image_dialog)
        self.file_label = QLabel("")
        self.file_label.setWordWrap(True)
        self.layer = QComboBox()
        self.layer.setToolTip("The feature map the Grad-CAM family and Score-CAM look at "
                              "(default: the last convolution)")
        self.klass = QComboBox()
        self.klass.setToolTip("Whose evidence to show: the model's five most likely classes")
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.from_sample)
        sample_row.addWidget(self.index, 1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.from_file)
        file_row.addWidget(self.open_button, 1)
        form = QFormLayout()
        form.addRow("Model", self.model_label)
        form.addRow(sample_row)
        self.file_row_widget = QWidget()
        file_box = QVBoxLayout(self.file_row_widget)
        file_box.setContentsMargins(0, 0, 0, 0)
        file_box.addLayout(file_row)
        file_box.addWidget(self.file_label)
        form.addRow(self.file_row_widget)
        self.layer_label = QLabel("Layer")
        form.addRow(self.layer_label, self.layer)
        form.addRow("Class", self.klass)
        box = QGroupBox("Input")
        box.setLayout(form)
        return box

    def _methods_box(self) -> QGroupBox:
        from workbench import xai

        self.checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(6, 4, 6, 4)
        for index, (name, info) in enumerate(xai.METHODS.items()):
            check = QCheckBox(info.title)
            check.setToolTip(info.help)
            check.setChecked(name in DEFAULT_METHODS)
            check.toggled.connect(lambda _c: self._update_state())
            self.checks[name] = check
            grid.addWidget(check, index // 2, index % 2)
        self.cam_note = QLabel("")
        self.cam_note.setWordWrap(True)
        self.cam_note.setStyleSheet("color: #8a5a00;")
        self.cam_note.setVisible(False)
        grid.addWidget(self.cam_note, (len(xai.METHODS) + 1) // 2, 0, 1, 2)
        self.methods_box = QGroupBox("Methods")
        self.methods_box.setLayout(grid)
        return self.methods_box

    def _display_box(self) -> QGroupBox:
        from workbench import xai

        self.colormap = QComboBox()
        self.colormap.addItems(list(xai.COLORMAPS))
        self.colormap.currentTextChanged.connect(lambda _t: self.reblend())
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setToolTip("How strongly the heatmap covers the image (re-blends instantly)")
        self.opacity.valueChanged.connect(lambda _v: self.reblend())
        self.save_button = QPushButton("Save overlays…")
        self.save_button.setToolTip("Write each cell's overlay and a comparison sheet as PNG files")
        self.save_button.clicked.connect(self.save_dialog)
        form = QFormLayout()
        form.addRow("Colormap", self.colormap)
        form.addRow("Opacity", self.opacity)
        form.addRow(self.save_button)
        self.display_box = QGroupBox("Display")
        self.display_box.setLayout(form)
        return self.display_box

    def _folder_box(self) -> QGroupBox:
        from workbench import xai

        self.folder_method = QComboBox()
        for name, info in xai.METHODS.items():
            self.folder_method.addItem(info.title, name)
        self.folder_method.setCurrentIndex(self.folder_method.findData("gradcam"))
        self.folder_button = QPushButton("Run over a folder…")
        self.folder_button.setToolTip("Explain every image of a folder; overlays go to a folder "
                                      "next to it named <folder>-<method>")
        self.folder_button.clicked.connect(self.folder_dialog)
        self.folder_cancel = QPushButton("Cancel")
        self.folder_cancel.clicked.connect(self.cancel_folder)
        self.folder_bar = QProgressBar()
        self.folder_bar.setRange(0, 1)
        self.folder_bar.setValue(0)
        self.folder_bar.setFormat("%v / %m images")
        self.folder_bar.setVisible(False)  # shown from the first run on
        self.folder_result = QLabel("")
        self.folder_result.setWordWrap(True)
        self.folder_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.folder_button, 1)
        row.addWidget(self.folder_cancel)
        form = QFormLayout()
        form.addRow("Method", self.folder_method)
        form.addRow(row)
        form.addRow(self.folder_bar)
        form.addRow(self.folder_result)
        self.folder_box = QGroupBox("Whole folder")
        self.folder_box.setLayout(form)
        return self.folder_box

    def _image_page(self) -> QWidget:
        self.grid = ExplanationGrid("Check the methods to compare and press Explain: each explanation "
                                    "appears here as soon as it is ready.")
        self.grid.selected.connect(self._show_curves)
        grid_scroll = QScrollArea()
        grid_scroll.setWidget(self.grid)
        grid_scroll.setWidgetResizable(True)
        grid_scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.input_view = ImageView("The image to explain appears here.")
        self.input_view.setMinimumSize(140, 140)
        self.input_view.setMaximumHeight(210)
        self.prediction = QLabel("")
        self.prediction.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Method", "Time", "Deletion ↓", "Insertion ↑"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip("Area under the deletion and insertion curves; click a row to plot them")
        self.table.cellClicked.connect(lambda row, _c: self._table_clicked(row))
        # the plots are built with the first model (_ensure_plots): pyqtgraph stays out of start-up
        self.curves = self.deletion_curve = self.insertion_curve = None
        self._curves_slot = QVBoxLayout()
        self._curves_slot.setContentsMargins(0, 0, 0, 0)
        self.trust_hint = hint_label(TRUST_HINT)

        side = QWidget()
        side.setMinimumWidth(300)
        side.setMaximumWidth(430)
        side_column = QVBoxLayout(side)
        side_column.setContentsMargins(0, 0, 0, 0)
        side_column.addWidget(self.input_view)
        side_column.addWidget(self.prediction)
        side_column.addWidget(self.table, 1)
        side_column.addLayout(self._curves_slot, 1)
        side_column.addWidget(self.trust_hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(grid_scroll)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    def _tabular_page(self) -> QWidget:
        self.row_table = QTableWidget(0, 2)
        self.row_table.setHorizontalHeaderLabels(["Feature", "Value"])
        self.row_table.verticalHeader().setVisible(False)
        self.row_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.row_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.row_table.setMaximumWidth(320)
        self.row_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.row_caption = QLabel("")
        self.row_caption.setWordWrap(True)
        self.charts: dict = {}  # method -> ContributionChart, built with the first model
        self.chart_notes: dict[str, QLabel] = {}
        self._chart_slots: dict[str, QVBoxLayout] = {}
        charts = QVBoxLayout()
        for method, _title in TABULAR_METHODS:
            slot = QVBoxLayout()
            note = QLabel("")
            note.setWordWrap(True)
            self._chart_slots[method], self.chart_notes[method] = slot, note
            charts.addLayout(slot, 1)
            charts.addWidget(note)
        charts.addWidget(hint_label(
            "Red bars push the probability of the explained class up, blue bars push it down. SHAP values "
            "add up exactly: base value (the average prediction) + their sum = the model's output; exact "
            "Shapley enumerates all 2^M coalitions (up to 12 features) and Kernel SHAP matches it. LIME "
            "fits a linear model to perturbed rows; a weight says what the feature being in its current "
            "range adds."))
        left = QVBoxLayout()
        left.addWidget(QLabel("The row explained"))
        left.addWidget(self.row_table)
        left.addWidget(self.row_caption)
        left.addStretch(1)
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.addLayout(left)
        layout.addLayout(charts, 1)
        return page

    def _ensure_plots(self) -> None:
        """Build the pyqtgraph plots once (the first model arrives after start-up)."""
        if self.curves is not None:
            return
        import pyqtgraph as pg

        from ui.widgets.contribution_chart import ContributionChart

        self.curves = theme.themed(pg.PlotWidget(title="Deletion / insertion curves"))
        item = self.curves.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "fraction of pixels deleted / inserted")
        item.setLabel("left", "class probability")
        item.getAxis("bottom").enableAutoSIPrefix(False)
        item.addLegend(offset=(-10, 45))  # right, mid-height: where the two curves seldom are
        self.deletion_curve = item.plot([], [], pen=pg.mkPen((200, 50, 40), width=2.5), name="deletion",
                                        symbol="o", symbolSize=4, symbolBrush=(200, 50, 40), symbolPen=None)
        self.insertion_curve = item.plot([], [], pen=pg.mkPen((30, 140, 60), width=2.5), name="insertion",
                                         symbol="o", symbolSize=4, symbolBrush=(30, 140, 60), symbolPen=None)
        item.setXRange(0, 1, padding=0.05)
        item.setYRange(0, 1, padding=0.02)
        self.curves.setMinimumHeight(180)
        self._curves_slot.addWidget(self.curves)
        for method, title in TABULAR_METHODS:
            self.charts[method] = ContributionChart(title)
            self._chart_slots[method].addWidget(self.charts[method])

    # -- state ----------------------------------------------------------------------------
    def mode(self) -> str:
        """"image", "tabular", or "" while there is no usable model."""
        facts = self.facts
        return facts["mode"] if facts is not None and "error" not in facts else ""

    def running(self) -> bool:
        return self._outstanding > 0 or bool(self._queue)

    def checked_methods(self) -> list[str]:
        """The checked methods this model allows (CAM only on a GAP + dense head)."""
        if self.mode() != "image":
            return []
        return [name for name, check in self.checks.items()
                if check.isChecked() and (name != "cam" or self.facts["cam"])]

    def _update_state(self) -> None:
        from workbench import xai

        session, mode, running = self.session, self.mode(), self.running()
        image, tabular = mode == "image", mode == "tabular"
        self.pages.setCurrentIndex(1 if tabular else 0)
        for widget in (self.methods_box, self.display_box, self.folder_box, self.file_row_widget,
                       self.layer, self.layer_label):
            widget.setVisible(not tabular)
        self.from_sample.setText("Validation row" if tabular else "Validation sample")
        has_input = self._has_input()
        for check in self.checks.values():
            check.setEnabled(image and not running)
        if image and not self.facts["cam"]:
            self.checks["cam"].setEnabled(False)
        needs_layer = any(xai.METHODS[m].needs_layer for m in self.checked_methods())
        self.layer.setEnabled(image and not running and needs_layer and self.layer.count() > 0)
        self.klass.setEnabled(bool(mode) and not running and self.klass.count() > 0)
        self.index.setEnabled(bool(mode) and not running)
        self.from_sample.setEnabled(not running and self._dataset_fits())
        self.open_button.setEnabled(not running)
        wanted = bool(self.checked_methods()) if image else tabular
        self.explain_button.setEnabled(has_input and wanted and not running)
        self.sanity_button.setEnabled(image and has_input and wanted and not running)
        self.cancel_button.setEnabled(running and not self._cancel)
        self.save_button.setEnabled(image and bool(self.results) and not running)
        self.folder_button.setEnabled(image and not self._folder_running)
        self.folder_cancel.setEnabled(self._folder_running)
        self.state.setText(self._state_text(mode, has_input))
        self.state.setVisible(bool(self.state.text()))

    def _state_text(self, mode: str, has_input: bool) -> str:
        facts = self.facts
        if self.session.model is None:
            return ("No model yet: train one in the Train tab, or open a .keras file (File ▸ Open model…). "
                    "Image classifiers get a grid of heatmaps; table classifiers (e.g. the MLP on iris) "
                    "get SHAP and LIME bars.")
        if facts is None:
            return "Inspecting the model…"
        if "error" in facts:
            return f"This model cannot be explained here: {facts['error']}"
        if mode == "tabular" and not has_input:
            return (f"This model takes rows of {facts['features']} features: load the table it was "
                    "trained on (e.g. iris) in the Data tab.")
        if mode == "image" and not has_input:
            return "Pick a validation sample (an image data set in the Data tab), or open or drop an image file."
        if mode == "image" and not self.checked_methods():
            return "Check at least one method."
        if mode == "tabular":
            return ("This model reads table rows: press Explain to see how much each feature of the chosen "
                    "validation row adds to the class probability, by SHAP and by LIME.")
        return ""

    def _has_input(self) -> bool:
        mode = self.mode()
        if mode == "tabular":
            return self._dataset_fits()
        if mode == "image":
            use_file = self.from_file.isChecked() or not self._dataset_fits()
            return self.file_image is not None if use_file else True
        return False

    def _dataset_fits(self) -> bool:
        """Whether the loaded data set's validation samples can be fed to the model."""
        dataset, facts = self.session.dataset, self.facts
        if getattr(dataset, "x_val", None) is None or facts is None or "error" in facts \
                or not len(dataset.x_val):
            return False  # no data, or images annotated with boxes rather than labels
        if facts["mode"] == "tabular":
            return dataset.x_val.ndim == 2 and dataset.x_val.shape[1] == facts["features"]
        return dataset.info.kind == "image" and dataset.x_val.ndim == 4

    # -- model and data -------------------------------------------------------------------
    def _model_changed(self, model) -> None:
        self._reset_results()
        self.facts = None
        self.klass.clear()
        self.layer.clear()
        session = self.session
        if model is not None:
            self._ensure_plots()
        if model is None:
            self.model_label.setText("none")
            self._update_state()
            return
        where = os.path.basename(session.run_dir) if session.run_dir else os.path.basename(session.model_path)
        origin = "trained" if session.model_source == "trained" else "file"
        self.model_label.setText(f"{model.name} ({origin}: {where})")
        self._update_state()
        self.background(lambda: inspect_model(model), lambda facts: self._inspected(model, facts),
                        key="compare-model", quiet=True, lane=self.TF_LANE)

    def _inspected(self, model, facts: dict) -> None:
        if model is not self.session.model:
            return
        self.facts = facts
        if facts["mode"] == "image":
            self.layer.addItems(facts["layers"])
            if facts["default_layer"]:
                self.layer.setCurrentText(facts["default_layer"])
            cam = self.checks["cam"]
            cam.setText("CAM" if facts["cam"] else "CAM (not for this model)")
            cam.setToolTip(cam.toolTip().split("\n")[0] + ("" if facts["cam"] else f"\n{facts['cam_why']}"))
            self.cam_note.setText("" if facts["cam"] else f"CAM is off: {facts['cam_why']}")
            self.cam_note.setVisible(not facts["cam"])
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
            self._folder_running = False
            self.folder_result.setText(f"<span style='color:#b03000'>{message}</span>")
            self._update_state()
        elif key in self._keys:
            generation, kind, method = self._keys.pop(key)
            if generation != self._generation:
                return
            self._outstanding -= 1
            self.errors[method] = message
            if kind == "explain":
                self._show_failure(method, message)
                self._step()
                self._step()  # its scores will not come either
                self._run_next(generation)
            else:
                self._step()
                self._set_score_text(method, "scores failed")
                self._finish_if_done()

    def _dataset_changed(self) -> None:
        dataset = self.session.dataset
        if getattr(dataset, "x_val", None) is not None:
            self.index.blockSignals(True)
            self.index.setRange(0, max(len(dataset.x_val) - 1, 0))
            self.index.blockSignals(False)
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

    # -- the input ------------------------------------------------------------------------
    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an image to explain", "",
                                              "Images (*.png *.jpg *.jpeg *.bmp);;All files (*)")
        if path:
            self.open_image(path)

    def open_image(self, path: str) -> None:
        """Read ``path`` on a worker thread and make it the image to explain (menu, drops)."""
        self.background(lambda: read_picture(path), lambda picture: self._image_read(path, *picture),
                        key="compare-file", quiet=not self.isVisible())

    def _image_read(self, path: str, image: np.ndarray, display: np.ndarray, note: str = "") -> None:
        self.file_path, self.file_image, self.file_display = path, image, display
        self.file_label.setText(f"{os.path.basename(path)} ({image.shape[1]}×{image.shape[0]})")
        if note:
            self.session.report(note)
        if self.from_file.isChecked() or self.running():
            self._input_changed()
        else:
            self.from_file.setChecked(True)  # toggling refreshes the input

    def dragEnterEvent(self, event):  # noqa: N802 - Qt's name
        from workbench.data.images import IMAGE_SUFFIXES

        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() and u.toLocalFile().lower().endswith(IMAGE_SUFFIXES) for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()  # the window handles models, tables and folders

    def dropEvent(self, event):  # noqa: N802
        from workbench.data.images import IMAGE_SUFFIXES

        for url in event.mimeData().urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(IMAGE_SUFFIXES):
                self.open_image(url.toLocalFile())
                event.acceptProposedAction()
                return

    def _sample_changed(self) -> None:
        if self.mode() == "image" and not self.from_sample.isChecked():
            self.from_sample.setChecked(True)  # toggling refreshes the input
        else:
            self._input_changed()

    def current_input(self):
        """``(model input, picture to draw on or None, caption, file stem)`` for the chosen source."""
        from workbench.data.images import fit_image, to_uint8_rgb

        mode, dataset = self.mode(), self.session.dataset
        if mode == "tabular":
            if not self._dataset_fits():
                return None
            i = min(self.index.value(), len(dataset.x_val) - 1)
            return np.asarray(dataset.x_val[i], np.float32), None, self._truth(i), f"row{i}"
        if mode != "image":
            return None
        shape = self.facts["shape"]
        if self.from_file.isChecked() or not self._dataset_fits():
            if self.file_image is None:
                return None
            stem = os.path.splitext(os.path.basename(self.file_path))[0]
            return fit_image(self.file_image, shape), self.file_display, os.path.basename(self.file_path), stem
        i = min(self.index.value(), len(dataset.x_val) - 1)
        x = dataset.x_val[i]
        return fit_image(x, shape), display_picture(to_uint8_rgb(x)), self._truth(i), f"sample{i}"

    def _truth(self, i: int) -> str:
        dataset = self.session.dataset
        names = dataset.info.class_names
        label = int(dataset.y_val[i]) if dataset.info.task == "classification" else None
        shown = names[label] if label is not None and label < len(names) else label
        return f"validation #{i} · true: {shown}"

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
            self._show_row(x, caption)
        self._input_token += 1
        token = self._input_token

        def predict():
            from workbench.xai.common import predict as forward

            return forward(model, x[None])[0]

        self.background(predict, lambda p: self._predicted(token, model, p), key="compare-predict",
                        quiet=True, lane=self.TF_LANE)

    def _show_row(self, row: np.ndarray, caption: str) -> None:
        dataset = self.session.dataset
        names = self.feature_names()
        scaler = getattr(dataset, "scaler", None) or {}
        mean, std = scaler.get("mean"), scaler.get("std")
        raw = row * np.asarray(std) + np.asarray(mean) if mean is not None and len(mean) == row.size else row
        self.row_table.setRowCount(row.size)
        rows_height = self.row_table.verticalHeader().length() + self.row_table.horizontalHeader().height()
        self.row_table.setMaximumHeight(min(rows_height + 4, 480))
        for r, (name, value) in enumerate(zip(names, raw)):
            self.row_table.setItem(r, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(f"{value:.4g}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.row_table.setItem(r, 1, item)
        self.row_caption.setText(caption)

    def feature_names(self) -> list[str]:
        dataset, count = self.session.dataset, self.facts["features"]
        names = list(dataset.info.feature_names) if dataset is not None else []
        return names if len(names) == count else [f"feature {i}" for i in range(count)]

    def _predicted(self, token: int, model, probabilities: np.ndarray) -> None:
        if token != self._input_token or model is not self.session.model:
            return
        names = self.class_names()
        probabilities = np.asarray(probabilities, float)
        order = np.argsort(probabilities)[::-1][:TOP_K]
        self.klass.clear()
        for index in order:
            self.klass.addItem(f"{names[index]}  ({probabilities[index]:.1%})", int(index))
        best = int(order[0])
        text = f"Predicted <b>{names[best]}</b> ({probabilities[best]:.1%})"
        self.prediction.setText(text)
        if self.mode() == "tabular":
            self.row_caption.setText(f"{self.row_caption.text().split('<br>')[0]}<br>{text}")
        self._update_state()

    # -- explaining -------------------------------------------------------------------------
    def explain(self) -> None:
        """Run the checked methods (image) or SHAP and LIME (tabular), one after another."""
        from workbench import xai

        mode, model = self.mode(), self.session.model
        if not mode or model is None or self.running():
            return
        chosen = self.current_input()
        if chosen is None:
            return
        x, rgb, _caption, stem = chosen
        self.model_input, self.display_rgb, self.input_stem = x, rgb, stem
        chosen_class = self.klass.currentData()
        self._run_class = None if chosen_class is None else int(chosen_class)
        self._run_layer = self.layer.currentText() if self.layer.count() else ""
        if mode == "image":
            methods = self.checked_methods()
            titles = [(m, xai.METHODS[m].title) for m in methods]
            self.grid.prepare(titles)
        else:
            methods = [m for m, _ in TABULAR_METHODS]
            titles = list(TABULAR_METHODS)
            for method, title in titles:
                self.charts[method].clear_contributions(f"{title} — waiting…")
                self.chart_notes[method].setText("")
        if not methods:
            return
        self._reset_results(keep_grid=True)
        self._generation += 1
        self._order, self._queue = list(methods), list(methods)
        self._cancel = False
        self._steps_done = 0
        self.progress.setRange(0, len(methods) * (2 if mode == "image" else 1))
        self.progress.setValue(0)
        self._update_state()
        self._run_next(self._generation)

    def cancel(self) -> None:
        """Stop after the running method (its result and scores are still shown)."""
        if self.running():
            self._cancel = True
            self.session.report("Cancelling after the method that is running…")
            self._update_state()

    def _run_next(self, generation: int) -> None:
        if generation != self._generation:
            return
        if self._cancel and self._queue:
            for method in self._queue:
                self._show_cancelled(method)
            self._queue = []
        if not self._queue:
            self._finish_if_done()
            return
        method = self._queue.pop(0)
        work = self._work(method)
        if self.mode() == "image":
            self.grid.cell(method).set_state("running", "computing…")
        else:
            self.charts[method].setTitle(f"{dict(TABULAR_METHODS)[method]} — computing…")
        self._submit(generation, "explain", method, work,
                     lambda result: self._explained(generation, method, result))

    def _submit(self, generation: int, kind: str, method: str, work, on_done) -> None:
        key = f"compare-{kind}-{generation}-{method}"
        self._keys[key] = (generation, kind, method)
        self._outstanding += 1
        self.background(work, on_done, key=key, quiet=True, lane=self.TF_LANE)

    def _work(self, method: str):
        """The worker-thread call that explains the current input with ``method``."""
        from workbench import xai

        model, x, class_index = self.session.model, self.model_input, self._run_class
        if self.mode() == "tabular":
            from workbench.xai import tabular

            background = np.asarray(self.session.dataset.x_train, np.float32)
            names = self.feature_names()
            if method == "shapley_exact":  # refuses more than 12 features with a sentence
                from workbench.xai.shapley import shapley_exact_tabular as function
            else:
                function = tabular.shap_tabular if method == "shap" else tabular.lime_tabular
            return lambda: function(model, x, background, names, class_index, seed=0)
        layer = self._run_layer if xai.METHODS[method].needs_layer and self._run_layer else None
        return lambda: xai.explain(model, x, method, layer=layer, class_index=class_index, seed=0)

    def _explained(self, generation: int, method: str, result) -> None:
        self._keys.pop(f"compare-explain-{generation}-{method}", None)
        if generation != self._generation:
            return
        self._outstanding -= 1
        self.results[method] = result
        self._step()
        if self.mode() == "tabular":
            self._show_contributions(method, result)
        else:
            self.grid.cell(method).set_picture(self._overlay(result.heatmap), self._cell_text(method))
            if not self.grid.current:
                self.grid.select(method)
            self._refresh_table()
            self._queue_scores(generation, method, result)
        self._run_next(generation)

    def _queue_scores(self, generation: int, method: str, explanation) -> None:
        from workbench.xai.faithfulness import deletion_insertion

        model, x = self.session.model, self.model_input
        self._submit(generation, "scores", method,
                     lambda: deletion_insertion(model, x, explanation.heatmap, explanation.class_index,
                                                steps=FAITHFULNESS_STEPS),
                     lambda scores: self._scored(generation, method, scores))

    def _scored(self, generation: int, method: str, scores: dict) -> None:
        self._keys.pop(f"compare-scores-{generation}-{method}", None)
        if generation != self._generation:
            return
        self._outstanding -= 1
        self.scores[method] = scores
        self._step()
        self.grid.cell(method).set_detail(self._cell_text(method))
        self._refresh_table()
        if self.grid.current == method:
            self._show_curves(method)
        self._finish_if_done()

    def _step(self) -> None:
        self._steps_done += 1
        self.progress.setValue(min(self._steps_done, self.progress.maximum()))

    def _finish_if_done(self) -> None:
        if self.running():
            return
        done = [m for m in self._order if m in self.results]
        if self._cancel:
            self.session.report(f"Cancelled: {len(done)} of {len(self._order)} methods explained.")
        elif done:
            seconds = sum(self.results[m].elapsed_s for m in done) if self.mode() == "image" else 0.0
            timing = f" in {seconds:.1f} s" if seconds else ""
            self.session.report(f"Explained with {len(done)} method(s){timing}.")
        self._cancel = False
        self._update_state()
        if self._input_dirty:
            self._input_changed()

    def _reset_results(self, keep_grid: bool = False) -> None:
        self._generation += 1  # late results of an earlier run are dropped
        self._queue, self._outstanding, self._cancel = [], 0, False
        self.results, self.scores, self.errors = {}, {}, {}
        self.table.setRowCount(0)
        if self.curves is not None:
            self.deletion_curve.setData([], [])
            self.insertion_curve.setData([], [])
            self.curves.setTitle("Deletion / insertion curves", size="10pt")
        if not keep_grid:
            self.grid.prepare([])
            for method, title in TABULAR_METHODS:
                if method in self.charts:
                    self.charts[method].clear_contributions(title)
                self.chart_notes[method].setText("")

    def shutdown(self) -> None:
        self._queue, self._cancel = [], True
        self._folder_stop.set()
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
                             self.layer.currentText() if self.layer.count() else None,
                             (dataset.x_train, dataset.y_train) if labelled else None, caption)

    # -- showing results ------------------------------------------------------------------------
    def _overlay(self, heatmap: np.ndarray) -> np.ndarray:
        from workbench import xai

        return xai.overlay(self.display_rgb, heatmap, self.opacity.value() / 100.0, self.colormap.currentText())

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
        text = f"{explanation.elapsed_s:.2f} s · class {names[explanation.class_index]}"
        if scores is not None:
            text += f"<br>del↓ {scores['deletion_auc']:.3f} · ins↑ {scores['insertion_auc']:.3f}"
        return text

    def _set_score_text(self, method: str, text: str) -> None:
        if method in self.results and self.mode() == "image":
            self.grid.cell(method).set_detail(f"{self._cell_text(method)}<br>{text}")

    def _show_failure(self, method: str, message: str) -> None:
        if self.mode() == "image":
            self.grid.cell(method).set_state("failed", f"failed: {message}")
        else:
            self.charts[method].setTitle(f"{dict(TABULAR_METHODS)[method]} — failed")
            self.chart_notes[method].setText(f"<span style='color:#b03000'>{message}</span>")

    def _show_cancelled(self, method: str) -> None:
        if self.mode() == "image":
            self.grid.cell(method).set_state("cancelled", "cancelled")
        else:
            self.charts[method].setTitle(f"{dict(TABULAR_METHODS)[method]} — cancelled")

    def _refresh_table(self) -> None:
        from workbench import xai

        shown = [m for m in self._order if m in self.results]
        scored = [m for m in shown if m in self.scores]
        best_deletion = min(scored, key=lambda m: self.scores[m]["deletion_auc"]) if scored else None
        best_insertion = max(scored, key=lambda m: self.scores[m]["insertion_auc"]) if scored else None
        self.table.setRowCount(len(shown))
        bold = QFont()
        bold.setBold(True)
        for row, method in enumerate(shown):
            scores = self.scores.get(method)
            cells = (xai.METHODS[method].title, f"{self.results[method].elapsed_s:.2f} s",
                     f"{scores['deletion_auc']:.3f}" if scores else "…",
                     f"{scores['insertion_auc']:.3f}" if scores else "…")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, method)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if (col == 2 and method == best_deletion) or (col == 3 and method == best_insertion):
                    item.setFont(bold)
                self.table.setItem(row, col, item)

    def _table_clicked(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.grid.select(item.data(Qt.ItemDataRole.UserRole))

    def _show_curves(self, method: str) -> None:
        from workbench import xai

        scores = self.scores.get(method)
        title = xai.METHODS[method].title if method in xai.METHODS else method
        if scores is None:
            self.deletion_curve.setData([], [])
            self.insertion_curve.setData([], [])
            self.curves.setTitle(f"{title}: scores pending…", size="10pt")
            return
        deletion, insertion = scores["deletion_curve"], scores["insertion_curve"]
        self.deletion_curve.setData(np.linspace(0.0, 1.0, len(deletion)), deletion)
        self.insertion_curve.setData(np.linspace(0.0, 1.0, len(insertion)), insertion)
        self.curves.setTitle(f"{title}: deletion {scores['deletion_auc']:.3f} · "
                             f"insertion {scores['insertion_auc']:.3f}", size="10pt")

    def _show_contributions(self, method: str, result) -> None:
        names = self.class_names()
        title = dict(TABULAR_METHODS)[method]
        self.charts[method].set_contributions(result.contributions,
                                              f"{title} — class {names[result.class_index]}")
        total = sum(result.contributions.values())
        if method in ("shap", "shapley_exact"):
            note = (f"base value {result.base_value:.3f} + sum of contributions {total:+.3f} = "
                    f"{result.base_value + total:.3f}; model output {result.output:.3f}")
        else:
            note = (f"surrogate intercept {result.base_value:.3f}, sum of weights {total:+.3f}; "
                    f"model output {result.output:.3f}")
        self.chart_notes[method].setText(note)

    # -- saving ----------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the overlays to a folder")
        if folder:
            self.save_overlays(folder)

    def save_overlays(self, folder: str) -> None:
        """Write each cell's overlay (current opacity and colormap) and a comparison sheet."""
        from workbench import xai

        if self.mode() != "image" or not self.results or self.display_rgb is None:
            self.session.fail("Nothing to save yet: press Explain first.")
            return
        methods = [m for m in self._order if m in self.results]
        overlays = {m: self._overlay(self.results[m].heatmap) for m in methods}
        names = self.class_names()
        first = self.results[methods[0]]
        tiles = [(self.display_rgb, "input",
                  f"{names[first.class_index]}  p={first.probabilities[first.class_index]:.2f}")]
        for method in methods:
            scores = self.scores.get(method)
            line = (f"del {scores['deletion_auc']:.3f}  ins {scores['insertion_auc']:.3f}" if scores
                    else f"{self.results[method].elapsed_s:.2f} s")
            tiles.append((overlays[method], xai.METHODS[method].title, line))
        sheet = compose_sheet(tiles)
        stem = self.input_stem
        self.background(lambda: write_overlays(folder, stem, overlays, sheet), self._saved,
                        key="compare-save", busy=f"Saving {len(overlays) + 1} images to {folder}…")

    def _saved(self, paths: list[str]) -> None:
        self.saved_paths = paths
        self.session.report(f"Saved {len(paths)} images to {os.path.dirname(paths[-1])}")

    # -- a whole folder ----------------------------------------------------------------------------
    def folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Explain every image of a folder")
        if folder:
            self.run_folder(folder)

    def run_folder(self, folder: str, out_dir: str = "") -> None:
        """Explain each image of ``folder`` with the folder method on the model's worker lane."""
        from workbench import xai
        from workbench.xai.batch import explain_folder

        model = self.session.model
        if self.mode() != "image" or self._folder_running:
            return
        method = self.folder_method.currentData()
        folder = os.path.abspath(folder)
        out_dir = out_dir or f"{folder.rstrip(os.sep)}-{method.replace('+', 'p')}"
        options = {}
        if xai.METHODS[method].needs_layer and self.layer.count():
            options["layer"] = self.layer.currentText()
        shape = self.facts["shape"]
        self._folder_stop.clear()
        self._folder_running = True
        self.folder_summary = None
        self.folder_bar.setRange(0, 0)  # busy until the first image is done
        self.folder_bar.setVisible(True)
        self.folder_result.setText(f"Explaining the images of {folder}…")
        self._update_state()
        self.background(lambda: explain_folder(model, folder, method, out_dir, shape,
                                               progress=self.folder_progress.emit,
                                               should_stop=self._folder_stop.is_set, **options),
                        self._folder_done, key="compare-folder", quiet=True, lane=self.TF_LANE)

    def cancel_folder(self) -> None:
        if self._folder_running:
            self._folder_stop.set()
            self.folder_result.setText("Cancelling after the current image…")

    def _folder_step(self, done: int, total: int) -> None:
        self.folder_bar.setRange(0, max(total, 1))
        self.folder_bar.setValue(done)

    def _folder_done(self, summary: dict) -> None:
        self._folder_running = False
        self.folder_summary = summary
        self.folder_bar.setRange(0, max(summary["total"], 1))
        self.folder_bar.setValue(summary["written"] + summary["skipped"])
        state = "Cancelled" if summary["cancelled"] else "Done"
        text = (f"{state}: {summary['written']} written, {summary['skipped']} skipped "
                f"of {summary['total']} images in {summary['elapsed_s']:.1f} s → {summary['out_dir']}")
        if summary["skipped_files"]:
            text += "<br>Skipped: " + "; ".join(os.path.basename(s.split(':')[0]) for s in summary["skipped_files"][:5])
        self.folder_result.setText(text)
        self.session.report(text.split("<br>")[0])
        self._update_state()
