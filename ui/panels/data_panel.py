"""The Data tab: pick a data set from the registry or open your own, see what is in it."""

from __future__ import annotations

import csv
import html
import os

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter,
                               QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.image_view import SampleGrid
from ui.widgets.views.gallery import ViewGallery
from workbench.errors import WorkbenchError

#: What a source's ``class_names`` are, by its kind (an environment's are its actions).
_NAMES_ARE = {"environment": QT_TRANSLATE_NOOP("DataPanel", "actions"),
              "text": QT_TRANSLATE_NOOP("DataPanel", "tokens in the vocabulary")}

#: Samples shown in the grid and rows shown in the table.
GRID_SAMPLES = 40
TABLE_ROWS = 60
#: Steps of a sequence written in one table cell before "…".
SEQUENCE_STEPS = 16


def sequence_cell(values) -> str:
    """A sequence in one cell: its values over the steps, integers as they are."""
    values = np.asarray(values).reshape(-1)
    shown = values[:SEQUENCE_STEPS]
    whole = np.all(np.asarray(shown, np.float64) == np.round(np.asarray(shown, np.float64)))
    text = " ".join(f"{int(v)}" if whole else f"{float(v):.2f}" for v in shown)
    return text + (" …" if len(values) > SEQUENCE_STEPS else "")


def sample_indices(labels: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` indices taken round-robin over the classes, so every class shows."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        return np.arange(min(count, len(labels)))
    per_class = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    chosen, depth = [], 0
    while len(chosen) < count and any(depth < len(m) for m in per_class):
        chosen.extend(m[depth] for m in per_class if depth < len(m))
        depth += 1
    return np.asarray(chosen[:count], int)


def read_csv_header(path: str) -> list[str]:
    """The column names of a CSV file (first line only; cheap enough for the GUI thread)."""
    try:
        from workbench.data.csv_table import sniff_delimiter

        with open(path, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle, delimiter=sniff_delimiter(path)), [])
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise WorkbenchError(QCoreApplication.translate("DataPanel", "cannot read {0}: {1}").format(
            path, getattr(error, "strerror", None) or error)) from None
    if len(header) < 2:
        raise WorkbenchError(QCoreApplication.translate(
            "DataPanel", "{0} needs a header line with at least two columns").format(path))
    return header


#: Characters of one ``describe()`` fact on the summary line (a gym space prints long).
FACT_CHARS = 60


def describe_value(value) -> str:
    """One fact of ``describe()`` as the summary line shows it."""
    if isinstance(value, bool) or value is None:
        text = str(value)
    elif isinstance(value, float):
        text = f"{value:.4g}"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, (list, tuple)):
        text = ", ".join(describe_value(v) for v in value[:8]) + (f", … ({len(value)})" if len(value) > 8 else "")
    elif isinstance(value, dict):
        text = ", ".join(f"{k} {describe_value(v)}" for k, v in list(value.items())[:8])
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= FACT_CHARS else text[:FACT_CHARS - 1] + "…"


class DataPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Data")
    order = 10
    help = QT_TRANSLATE_NOOP("Panel", "Choose the data to train on and look at it")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        from workbench.data import registry

        self.specs = {s.name: s for s in registry.all_datasets()}
        self.source, self.options = "", {}
        self._build()
        self.session.dataset_changed.connect(self._show_dataset)

    # -- layout -----------------------------------------------------------------
    def _build(self) -> None:
        self.combo = QComboBox()
        for spec in self.specs.values():
            if spec.needs_path:
                continue  # folders and CSV files come from the Open buttons
            text = (self.tr("{0}  ({1}, embedded)") if spec.offline else self.tr("{0}  ({1}, download)"))
            self.combo.addItem(text.format(spec.name, spec.kind), spec.name)
        self.combo.setPlaceholderText(self.tr("your own data (see Path)"))
        self.combo.activated.connect(lambda _i: self.choose(self.combo.currentData()))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        open_folder = QPushButton(self.tr("Open image folder…"))
        open_folder.setToolTip(self.tr("A folder with one sub-folder per class: root/<class>/<image>.png"))
        open_folder.clicked.connect(self.open_folder_dialog)
        open_csv = QPushButton(self.tr("Open CSV…"))
        open_csv.setToolTip(self.tr("A table with a header line; choose the target column below. "
                                    "A CSV with source,target columns is read as a graph's edge list"))
        open_csv.clicked.connect(self.open_csv_dialog)
        open_text = QPushButton(self.tr("Open text…"))
        open_text.setToolTip(self.tr("A UTF-8 .txt file to train language models on"))
        open_text.clicked.connect(self.open_text_dialog)

        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.image_size = QSpinBox()
        self.image_size.setRange(4, 1024)
        self.image_size.setValue(64)
        self.image_size.setSuffix(" px")
        self.image_size.setToolTip(self.tr("Folder images are resized to this square size"))
        self.target = QComboBox()
        self.target.setToolTip(self.tr("The column to predict; every other column must hold numbers"))
        self.val_split = QDoubleSpinBox()
        self.val_split.setRange(0.0, 0.9)
        self.val_split.setSingleStep(0.05)
        self.val_split.setValue(0.2)
        self.val_split.setToolTip(self.tr("Fraction of the samples held out for validation (stratified)"))
        for narrow in (self.image_size, self.val_split, self.target):
            narrow.setMaximumWidth(220)
        self.load_button = QPushButton(self.tr("Load"))
        self.load_button.setDefault(True)
        self.load_button.setMaximumWidth(320)
        self.load_button.clicked.connect(self.load)

        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(open_folder)
        row.addWidget(open_csv)
        row.addWidget(open_text)
        form.addRow(self.tr("Data set"), row)
        form.addRow("", self.summary)
        form.addRow(self.tr("Path"), self.path_label)
        form.addRow(self.tr("Image size"), self.image_size)
        form.addRow(self.tr("Target column"), self.target)
        form.addRow(self.tr("Validation split"), self.val_split)
        form.addRow("", self.load_button)
        self._form = form
        source = QGroupBox(self.tr("Source"))
        source.setLayout(form)

        self.info = QLabel(self.tr("Nothing loaded yet."))
        self.info.setWordWrap(True)
        self.grid = SampleGrid()
        self.grid.placeholder = self.tr("Loading…")
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview = ViewGallery(self.tr("Loading the preview…"))  # what a non-array source shows of itself
        self.views = QStackedWidget()
        self.views.addWidget(self.grid)
        self.views.addWidget(self.table)
        self.views.addWidget(self.preview)
        self._chart = None  # built with the first data set: pyqtgraph's import stays out of start-up
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._boxed(self.tr("Samples"), self.views))
        self.chart_hint = hint_label(self.tr("The class counts appear here once the data is loaded."))
        classes = self._boxed(self.tr("Classes"), self.chart_hint)
        self._classes_box = classes  # hidden while a source shows its own views
        self._classes_layout = classes.layout()
        split.addWidget(classes)
        split.setSizes([640, 360])

        layout = QVBoxLayout(self)
        layout.addWidget(source)
        layout.addWidget(self.info)
        layout.addWidget(split, 1)
        self._show_source_fields()

    @property
    def chart(self):
        """The class-count ``BarChart`` (created the first time it is needed)."""
        if self._chart is None:
            from ui.widgets.bar_chart import BarChart

            self._chart = BarChart(self.tr("Samples per class (train + validation)"))
            self._classes_layout.insertWidget(0, self._chart, 1)
        return self._chart

    @staticmethod
    def _boxed(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.addWidget(widget)
        return box

    def source_kind(self) -> str:
        """The registry's name for the current source: a path may be a class folder, a WAV
        folder, a table, an edge list, a text file, VOC or COCO (``registry.resolve`` decides)."""
        from workbench.data import registry

        if not self.source or self.source in self.specs:
            return self.source
        try:
            return registry.resolve(self.source)[0].name
        except WorkbenchError:
            return ""

    def _show_source_fields(self) -> None:
        kind = self.source_kind()
        is_path = bool(self.source) and self.source not in self.specs
        if is_path:  # the combo must not go on naming the set chosen before
            self.combo.setCurrentIndex(-1)
        for widget, visible in ((self.path_label, is_path),
                                (self.image_size, kind == "folder"),
                                (self.target, kind == "csv")):
            self._form.setRowVisible(widget, visible)
        spec = self.specs.get(kind)
        self.summary.setText(spec.summary if spec else "")
        self.path_label.setText(self.source if is_path else "")
        if spec is not None and not spec.offline:
            self.load_button.setText(self.tr("Load (downloads once, then cached)"))
        else:
            self.load_button.setText(self.tr("Load"))

    # -- choosing a source --------------------------------------------------------
    def choose(self, name: str, load: bool | None = None) -> None:
        """Select a registered data set; embedded ones load at once, downloads wait for Load."""
        self.source, self.options = name, {}
        index = self.combo.findData(name)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        self._show_source_fields()
        spec = self.specs.get(name)
        if load if load is not None else (spec is not None and spec.offline):
            self.load()

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of class sub-folders"))
        if path:
            self.open_folder(path)

    def open_folder(self, path: str) -> None:
        self.source, self.options = path, {}
        self._show_source_fields()
        self.load()

    def open_text_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a text file"), "",
                                              self.tr("Text ({0});;All files ({1})").format("*.txt", "*"))
        if path:
            self.open_folder(path)  # any path the registry resolves: load it as it is

    def open_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a CSV table"), "",
                                              self.tr("CSV tables ({0});;All files ({1})").format("*.csv", "*"))
        if path:
            self.open_csv(path)

    def open_csv(self, path: str, target: str | None = None) -> None:
        try:
            header = read_csv_header(path)
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        self.source, self.options = path, {}
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItems(header)
        self.target.setCurrentText(target if target in header else header[-1])
        self.target.blockSignals(False)
        self._show_source_fields()
        self.load()

    # -- loading --------------------------------------------------------------------
    def current_options(self) -> dict:
        """The options the form sets for the current source; an ``exclude`` marks file set
        for this source (Evaluate tab's "Train again without marked") is kept."""
        kind = self.source_kind()
        options = {}
        if kind == "csv":
            options = {"path": self.source, "target": self.target.currentText()}
        elif kind == "folder":
            options = {"path": self.source, "image_size": self.image_size.value()}
        exclude = self.session.data_options.get("exclude")
        if exclude and self.session.data_source == self.source:
            options["exclude"] = exclude
        return options

    def load(self) -> None:
        from workbench import data

        if not self.source:
            self.session.fail(self.tr("Choose a data set, an image folder or a CSV file first."))
            return
        source, options, val = self.source, self.current_options(), round(self.val_split.value(), 4)
        self.load_button.setEnabled(False)
        self.grid.placeholder = self.tr("Loading…")
        self.background(lambda: data.load(source, options, seed=0, val_fraction=val),
                        lambda dataset: self._loaded(dataset, source, options, val),
                        key="data", busy=self.tr("Loading {0}…").format(os.path.basename(source) or source))

    def _loaded(self, dataset, source: str, options: dict, val: float) -> None:
        self.load_button.setEnabled(True)
        self.session.set_dataset(dataset, source, options, val)

    def on_background_failed(self, key, message) -> None:
        if key == "data-preview":
            self.preview.hint.setText(self.tr("No preview: {0}").format(message))
            return
        self.load_button.setEnabled(True)
        self.grid.placeholder = self.tr("Could not load: see the message in the status bar.")
        self.grid.update()

    # -- showing a loaded data set ----------------------------------------------------
    def _show_dataset(self, dataset) -> None:
        if not callable(getattr(dataset, "preview", None)) or hasattr(dataset, "boxes"):
            self._classes_box.setVisible(True)
            if self.preview.tiles:
                self.preview.clear()  # the previous source's views: their arrays need not stay
        if hasattr(dataset, "boxes"):  # images annotated with boxes and masks
            self._show_annotated(dataset)
            return
        if callable(getattr(dataset, "preview", None)):  # environments, corpora, graphs, audio, …
            self._show_preview(dataset)
            return
        info = dataset.info
        shape = "×".join(str(s) for s in info.input_shape)
        parts = [self.tr("<b>{0}</b>: {1:,} training / {2:,} validation samples").format(
            info.name, len(dataset.x_train), len(dataset.x_val)), f"{info.task}"]
        if info.class_names:
            parts.append(self.tr("{0} classes").format(len(info.class_names)))
        parts.append(self.tr("input {0}").format(shape))
        skipped = len(dataset.skipped)
        parts.append(self.tr("{0} file(s) skipped").format(skipped) if skipped else self.tr("nothing skipped"))
        parts += [html.escape(dataset.loading)] if getattr(dataset, "loading", "") else []  # in memory / streamed
        from workbench.data.checks import split_warnings

        warnings = split_warnings(dataset)  # e.g. a validation split missing classes
        parts += [f"<span style='color:#c0392b'>⚠ {w}</span>" for w in warnings]
        self.info.setText(" · ".join(parts))
        self.info.setToolTip("\n".join(dataset.skipped[:30]))
        self.session.report((self.tr("Loaded {0}: {1:,} samples; {2} unreadable file(s) skipped "
                                     "(hover the summary to see them)") if skipped else
                             self.tr("Loaded {0}: {1:,} samples")).format(
            info.name, len(dataset.x_train) + len(dataset.x_val), skipped))
        counts = dataset.class_counts()
        self.chart.set_counts(counts)
        self.chart.setVisible(bool(counts))
        self.chart_hint.setText("" if counts else self.tr("No classes: this data set's task is {0}.").format(info.task))
        self.chart_hint.setVisible(not counts)
        if info.kind == "image" and isinstance(dataset.x_train, np.ndarray) and dataset.x_train.ndim == 4:
            self._show_images(dataset)
        else:
            self._show_table(dataset)

    def _show_annotated(self, data) -> None:
        """A detection data set: images with their ground-truth boxes and masks, objects per class."""
        from workbench.data.images import to_uint8_rgb
        from workbench.detection.inference import draw_detections

        info = data.info
        objects = np.bincount(np.concatenate([np.asarray(l, np.int64) for l in data.labels] or [[]]),
                              minlength=len(data.class_names))
        problems = len(data.problems)
        self.info.setText(self.tr("<b>{0}</b>: {1:,} images · {2:,} objects · {3} · {4} classes · {5}").format(
            info.name, len(data.images), int(objects.sum()), info.task, len(data.class_names),
            self.tr("{0} annotation problem(s)").format(problems) if problems else self.tr("no annotation problems")))
        self.info.setToolTip("\n".join(data.problems[:30]))
        self.session.report((self.tr("Loaded {0}: {1:,} annotated images; {2} annotation problem(s) "
                                     "(hover the summary to see them)") if problems else
                             self.tr("Loaded {0}: {1:,} annotated images")).format(
            info.name, len(data.images), problems))
        self.chart.set_counts({name: int(n) for name, n in zip(data.class_names, objects)})
        self.chart.setVisible(True)
        self.chart_hint.setVisible(False)
        shown = range(min(GRID_SAMPLES, len(data.images)))
        images = [draw_detections(to_uint8_rgb(data.images[i]),
                                  {"boxes": data.boxes[i], "labels": data.labels[i],
                                   "scores": np.ones(len(data.labels[i]), np.float32),
                                   "masks": None if data.masks is None else data.masks[i]},
                                  data.class_names, show_scores=False) for i in shown]
        self.grid.set_samples(images, [self.tr("{0} object(s)").format(len(data.labels[i])) for i in shown])
        self.views.setCurrentWidget(self.grid)

    def _show_preview(self, source) -> None:
        """A source that says what it is: its own views (made on a worker: an environment is
        stepped, a corpus tokenised) and its ``describe()`` facts on the summary line."""
        info = source.info
        skipped = len(getattr(source, "skipped", []) or [])
        names_are = QCoreApplication.translate("DataPanel", _NAMES_ARE[info.kind]) if info.kind in _NAMES_ARE \
            else self.tr("classes")
        head = (f"<b>{html.escape(info.name)}</b>: {info.kind} · {info.task}"
                + (f" · {len(info.class_names)} {names_are}" if info.class_names else "")
                + (" · " + self.tr("{0} input(s) skipped").format(skipped) if skipped else ""))
        self.info.setText(head)
        self.info.setToolTip("\n".join((getattr(source, "skipped", []) or [])[:30]))
        self.session.report(self.tr("Loaded {0} ({1})").format(info.name, info.kind))
        self._classes_box.setVisible(False)  # no class counts: the preview takes the width
        self.preview.clear()
        self.preview.hint.setText(self.tr("Loading the preview…"))
        self.views.setCurrentWidget(self.preview)

        def make():
            describe = getattr(source, "describe", None)
            return source.preview(), (describe() if callable(describe) else {}) or {}

        def shown(result) -> None:
            views, facts = result
            if self.session.dataset is not source:
                return  # another data set was loaded meanwhile
            if facts:
                self.info.setText(head + " · " + " · ".join(html.escape(f"{k}: {describe_value(v)}")
                                                            for k, v in facts.items()))
            self.preview.hint.setText(self.tr("This source shows no preview."))
            self.session.report(self.tr("Loaded {0}: {1} preview view(s)").format(info.name, len(views)))
            for view in views:
                self.preview.queue_view(view)

        self.background(make, shown, key="data-preview", busy=self.tr("Preparing a preview of {0}…").format(info.name))

    def _label(self, dataset, y) -> str:
        names = dataset.info.class_names
        if np.ndim(y) == 0 and names and float(y) == int(y) and 0 <= int(y) < len(names):
            return str(names[int(y)])
        if np.ndim(y) == 0:
            return f"{float(y):.3g}"
        return sequence_cell(np.asarray(y).reshape(len(y), -1).argmax(-1) if np.ndim(y) > 1 else y)

    def _show_images(self, dataset) -> None:
        from workbench.data.images import to_uint8_rgb

        index = sample_indices(dataset.y_train, GRID_SAMPLES)
        images = [to_uint8_rgb(dataset.x_train[i]) for i in index]
        labels = [self._label(dataset, dataset.y_train[i]) for i in index]
        self.grid.set_samples(images, labels)
        self.views.setCurrentWidget(self.grid)

    def _show_table(self, dataset) -> None:
        x = np.asarray(dataset.x_train)
        rows = min(TABLE_ROWS, len(x))
        width = x.shape[-1] if x.ndim == 3 else x.shape[1] if x.ndim == 2 else 1
        columns = list(dataset.info.feature_names)[:width] or [f"x{i}" for i in range(width)]
        self.table.setRowCount(rows)
        self.table.setColumnCount(len(columns) + 1)
        header = self.tr("{0} over the steps") if x.ndim > 2 else self.tr("{0} (standardised)")
        self.table.setHorizontalHeaderLabels([self.tr("target")] + [header.format(c) for c in columns])
        for r in range(rows):
            self.table.setItem(r, 0, QTableWidgetItem(self._label(dataset, dataset.y_train[r])))
            for c in range(len(columns)):
                # a sequence (N, T, F): each cell is feature c over the T steps
                value = x[r, c] if x.ndim == 2 else x[r, :, c] if x.ndim == 3 else x[r].reshape(-1)
                self.table.setItem(r, c + 1, QTableWidgetItem(
                    f"{value:.3f}" if np.ndim(value) == 0 else sequence_cell(value)))
        self.table.resizeColumnsToContents()
        self.views.setCurrentWidget(self.table)
