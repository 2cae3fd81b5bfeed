"""The Runs tab: the run history, curves of several runs overlaid, and comparison runs.

Every run directory under the runs root (``config.json``, ``history.json``,
``info.json``, ``model.keras``; see ``workbench/runs/rundir.py``) is one table row,
read on a worker thread. Selecting rows overlays their curves for one metric in a
single plot. "Open model" loads a run's model into the session, "Resume" continues a
stopped run, and a comparison run (``workbench.training.sweep``) trains the current
model once per value of one hyperparameter, drawing each value's curve as it arrives.
"""

from __future__ import annotations

import functools
import os
import time

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QProgressBar, QPushButton, QSizePolicy, QSpinBox, QSplitter, QStyledItemDelegate,
                               QTabWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui import theme
from ui.actions import adopt_trained
from ui.bridge import RunBridge, wait_for_lanes
from ui.panels.base import Panel, hint_label
from workbench.errors import WorkbenchError
from workbench.runs.history import RunRecord, curve_labels, default_runs_root, scan_runs, short_value

#: Seconds between two background re-reads of the run folders while the tab is visible.
REFRESH_SECONDS = 10
#: Table columns: (header, final metric shown, or None for a descriptive column).
#: The descriptive headers are marked for translation; the metric keys stay as they are.
COLUMNS = ((QT_TRANSLATE_NOOP("RunsPanel", "Run"), None), (QT_TRANSLATE_NOOP("RunsPanel", "Tags"), None),
           (QT_TRANSLATE_NOOP("RunsPanel", "Model"), None), (QT_TRANSLATE_NOOP("RunsPanel", "Data"), None),
           (QT_TRANSLATE_NOOP("RunsPanel", "Differs from defaults"), None),
           (QT_TRANSLATE_NOOP("RunsPanel", "Epochs"), None), ("loss", "loss"), ("val_loss", "val_loss"),
           ("accuracy", "accuracy"), ("val_accuracy", "val_accuracy"), (QT_TRANSLATE_NOOP("RunsPanel", "Date"), None))
METRIC_COLUMN = {metric: index for index, (_, metric) in enumerate(COLUMNS) if metric}
#: The column that says what sets a run apart: from the one selected run, else from the defaults.
DIFFERS = 4
#: The progress bar's plain percentage (Qt's placeholder: the same in every language).
PERCENT = "%p%"
#: Distinguishable curve colours (Tableau 10), reused in order.
PALETTE = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))


class SortItem(QTableWidgetItem):
    """A cell that sorts by a hidden key (numbers as numbers, dates as time stamps)."""

    def __init__(self, text: str, key):
        super().__init__(text)
        self.key = key

    def __lt__(self, other):  # noqa: D105 - Qt's sorting hook
        if isinstance(other, SortItem):
            return (self.key is None, self.key) < (other.key is None, other.key)
        return super().__lt__(other)


class ElideRight(QStyledItemDelegate):
    """The Differs column keeps its first settings in view (the table elides run paths on the left)."""

    def initStyleOption(self, option, index):  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


class RunsPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Runs")
    order = 35
    help = QT_TRANSLATE_NOOP("Panel", "Earlier runs: compare their curves, reopen or resume them, and run comparisons")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.extra_roots: list[str] = []
        self.runs: list[RunRecord] = []
        self.bridge = RunBridge(self)
        self._job = ""  # "sweep" or "resume" while the bridge runs
        self._live: dict[str, dict] = {}  # label -> history dict of a run in progress
        self._live_label = ""  # the label that untagged events (a resumed run) belong to
        self._curves: dict[str, object] = {}  # label -> pyqtgraph PlotDataItem
        self._colors: dict[str, tuple] = {}
        self._select_after_scan: set[str] = set()
        self._series: dict[str, dict] = {}  # label -> history of every curve drawn
        self._scan_signature = None
        self._steps = 1
        self._runs_total, self._run_index, self._epochs = 1, -1, 1  # progress over all runs of a job
        self._sweep_key, self._sweep_values = "", []
        self._plot = None  # a pyqtgraph GraphicsLayoutWidget: the plot and its legend
        self._plot_item = None
        self._legend = None
        self._build()
        self._connect_bridge()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_SECONDS * 1000)
        self._timer.timeout.connect(self.refresh)
        session.entry_changed.connect(lambda _entry: self._entry_changed())
        session.model_changed.connect(lambda _model: self._model_changed())
        self._entry_changed()
        self._set_running(False)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.roots_label = QLabel()
        self.roots_label.setWordWrap(True)
        add_button = QPushButton(self.tr("Add folder…"))
        add_button.setToolTip(self.tr("Also list the runs in another folder"))
        add_button.clicked.connect(self._add_folder_dialog)
        refresh_button = QPushButton(self.tr("Refresh"))
        refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.roots_label, 1)
        top.addWidget(add_button)
        top.addWidget(refresh_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("RunsPanel", header) for header, _ in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DIFFERS, QHeaderView.ResizeMode.Stretch)
        # comparison runs sit in long sweep folders: the Run column elides instead of growing
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 300)
        self.table.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.table.setItemDelegateForColumn(DIFFERS, ElideRight(self.table))
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty = hint_label("")
        from ui.widgets.run_filter import RunFilterBar

        self.filter_bar = RunFilterBar()
        self.filter_bar.changed.connect(self._apply_filter)
        self.open_button = QPushButton(self.tr("Open model"))
        self.open_button.setToolTip(self.tr("Load the selected run's model.keras as the "
                                            "current model (Explain and Export use it)"))
        self.open_button.clicked.connect(self.open_selected)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue the selected run from its last "
                                              "complete epoch"))
        self.resume_button.clicked.connect(self.resume_selected)
        self.repeat_button = QPushButton(self.tr("Repeat"))
        self.repeat_button.setToolTip(self.tr("Train the selected run again into a new folder "
                                              "beside it: the same seed, data, settings and "
                                              "recorded steering changes"))
        self.repeat_button.clicked.connect(self.repeat_selected)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("Select several rows (Ctrl/Shift-click) to overlay "
                                         "their curves.")))
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.resume_button)
        actions.addWidget(self.repeat_button)
        from ui.widgets.ensemble_view import EnsembleButton

        self.ensemble_button = EnsembleButton(self)  # several classifier runs: accuracy against N
        actions.addWidget(self.ensemble_button)
        history = QWidget()
        column = QVBoxLayout(history)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.filter_bar)
        column.addWidget(self.empty)
        column.addWidget(self.table, 1)
        column.addLayout(actions)

        self.metric_box = QComboBox()  # not "metric": that would hide QWidget.metric(), which Qt calls
        self.metric_box.addItem("loss")
        self.metric_box.currentTextChanged.connect(lambda _text: self._redraw_all())
        self._plot_slot = QVBoxLayout()
        metric_row = QHBoxLayout()
        metric_row.addWidget(QLabel(self.tr("Metric")))
        metric_row.addWidget(self.metric_box, 1)
        plot_box = QGroupBox(self.tr("Curves of the selected runs"))
        plot_column = QVBoxLayout(plot_box)
        plot_column.addLayout(metric_row)
        self.plot_hint = hint_label(self.tr("Select runs in the table to draw their curves "
                                            "here."))
        plot_column.addWidget(self.plot_hint)
        plot_column.addLayout(self._plot_slot, 1)

        from ui.widgets.run_meta import RunMetaEditor
        from ui.widgets.run_variants import RunVariants
        from ui.widgets.views.browser import RunViews

        self.run_views = RunViews()  # the views the selected run saved (RUN_DIR/views/)
        self.run_variants = RunVariants()  # its exports and the runs pruned/distilled from it
        self.run_variants.select_run.connect(lambda path: self.select_paths([path]))
        views_box = QGroupBox(self.tr("The selected run"))
        self.run_tabs = QTabWidget()
        self.run_meta = RunMetaEditor()  # its name, tags and note (meta.json)
        self.run_meta.saved.connect(lambda _path: self._rescan())
        self.run_tabs.addTab(self.run_meta, self.tr("Name && tags"))
        self.run_tabs.addTab(self.run_views, self.tr("Views"))
        self.run_tabs.addTab(self.run_variants, self.tr("Exports && variants"))
        QVBoxLayout(views_box).addWidget(self.run_tabs)
        from ui.widgets.search_table import SearchBox

        # grid/random search (workbench.training.search): its trials are runs of this table
        self.search_box = SearchBox(self.session, lambda: self.roots()[0], lambda: self.bridge.running)
        self.search_box.run_chosen.connect(lambda path: self.show_search_runs([path]))
        self.search_box.finished.connect(self.show_search_runs)  # its trials, selected and overlaid
        self.search_box.bridge.running_changed.connect(lambda on: on and jobs.setCurrentWidget(self.search_box))
        # its trials' curves are drawn live, as a comparison's are (one line per trial)
        self.search_box.bridge.running_changed.connect(self._search_running)
        self.search_box.bridge.started.connect(self._search_trial_started)
        self.search_box.bridge.epoch_end.connect(self._epoch_end)
        jobs = QTabWidget()
        jobs.addTab(self._sweep_box(), self.tr("Comparison"))
        jobs.addTab(self.search_box, self.tr("Search"))
        self.jobs = jobs
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(jobs)
        bottom.addWidget(plot_box)
        bottom.addWidget(views_box)
        bottom.setSizes([300, 500, 500])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(history)
        split.addWidget(bottom)
        split.setSizes([330, 470])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._show_roots()

    def _sweep_box(self) -> QGroupBox:
        self.sweep_model = QLabel()
        self.sweep_model.setWordWrap(True)
        self.sweep_key = QComboBox()
        self.sweep_key.setToolTip(self.tr("The hyperparameter that changes from run to run; "
                                          "everything else (data, seed, epochs, other "
                                          "hyperparameters) stays the same"))
        self.sweep_key.currentIndexChanged.connect(lambda _i: self._key_changed())
        self.sweep_values = QListWidget()
        self.sweep_values.setMaximumHeight(120)
        self.sweep_values.setToolTip(self.tr("One run per ticked value"))
        self.sweep_epochs = QSpinBox()
        self.sweep_epochs.setRange(1, 100000)
        self.sweep_epochs.setValue(5)
        self.sweep_steps = QSpinBox()
        self.sweep_steps.setRange(0, 1000000)
        self.sweep_steps.setSpecialValueText(self.tr("all"))
        self.sweep_steps.setToolTip(self.tr("Batches per epoch (all = the whole training set)"))
        self.sweep_seed = QSpinBox()
        self.sweep_seed.setRange(0, 2**31 - 1)
        self.sweep_seed.setToolTip(self.tr("The same seed for every run: same initial weights "
                                           "and batches"))
        self.sweep_button = QPushButton(self.tr("Start comparison"))
        self.sweep_button.clicked.connect(self.start_sweep)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the current run after this batch and skip "
                                            "the remaining ones"))
        self.stop_button.clicked.connect(self.bridge.stop)
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.sweep_model)
        form.addRow(self.tr("Compare"), self.sweep_key)
        form.addRow(self.tr("Values"), self.sweep_values)
        form.addRow(self.tr("Epochs"), self.sweep_epochs)
        form.addRow(self.tr("Batches/epoch"), self.sweep_steps)
        form.addRow(self.tr("Seed"), self.sweep_seed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sweep_button)
        buttons.addWidget(self.stop_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        column = QVBoxLayout()
        column.addWidget(hint_label(self.tr("Train the current model (Model tab) on the loaded "
                                            "data once per value, then compare the curves.")))
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.state)
        column.addStretch(1)
        box = QGroupBox(self.tr("Comparison run"))
        box.setLayout(column)
        box.setMinimumWidth(300)
        return box

    @property
    def plot(self):
        """The overlay ``PlotWidget`` (created on first use: pyqtgraph stays out of start-up)."""
        if self._plot is None:
            import pyqtgraph as pg

            from ui.widgets import curve_plot  # noqa: F401  (sets pyqtgraph's white background)

            # the legend gets a column of its own: inside the axes it would hide some curve
            # whichever corner it took (losses fall, accuracies rise, slow optimizers stay flat)
            self._plot = theme.themed(pg.GraphicsLayoutWidget())
            item = self._plot.addPlot(row=0, col=0)
            item.showGrid(x=True, y=True, alpha=0.25)
            item.setLabel("bottom", self.tr("epoch"))
            item.getAxis("left").enableAutoSIPrefix(False)  # accuracy stays 0-1, not "x0.001"
            self._legend = pg.LegendItem()
            self._legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self._plot.addItem(self._legend, row=0, col=1)
            self._plot.ci.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignTop)
            self._plot_item = item
            self._plot_slot.addWidget(self._plot)
        return self._plot

    # -- the run history -------------------------------------------------------------------------
    def roots(self) -> list[str]:
        return [self.session.runs_root or default_runs_root(), *self.extra_roots]

    def _show_roots(self) -> None:
        self.roots_label.setText(self.tr("Runs in {0}").format(" · ".join(f"<b>{root}</b>" for root in self.roots())))

    def add_folder(self, path: str) -> None:
        if path and path not in self.roots():
            self.extra_roots.append(path)
        self._show_roots()
        self.refresh()

    def show_run(self, path: str) -> None:
        """List the folder holding run ``path`` (added when it is not listed yet) and select
        the run once the scan arrives."""
        path = os.path.abspath(path)
        self._select_after_scan = {path}
        self.add_folder(os.path.dirname(path))

    def _add_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of runs"), self.roots()[0])
        if path:
            self.add_folder(path)

    def refresh(self) -> None:
        """Re-read the run folders on a worker thread."""
        roots = self.roots()
        self._show_roots()
        self.background(lambda: scan_runs(roots), self._scanned, key=f"runs-scan-{id(self)}")

    def _scanned(self, runs: list[RunRecord]) -> None:
        if not shiboken6.isValid(self):
            return  # the panel closed while the folders were being read
        signature = [(r.path, r.modified, r.meta) for r in runs]
        if signature == self._scan_signature and not self._select_after_scan:
            return  # nothing changed: keep the table (and the user's selection) as it is
        self._scan_signature = signature
        selected = self._select_after_scan or {r.path for r in self.selected_runs()}
        if not self.bridge.running:  # during a run, more of its rows are still to come
            self._select_after_scan = set()
        self.runs = runs
        self.table.setSortingEnabled(False)
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            self._fill_row(row, run)
        self.table.setSortingEnabled(True)
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) in selected:
                self._select_row(row)
        self.table.blockSignals(False)
        from workbench.runs.search import all_tags

        self.filter_bar.set_tags(all_tags(runs))
        self.run_meta.set_known_tags(all_tags(runs))
        self._apply_filter()
        self.empty.setText("" if runs else
                           self.tr("No runs yet in {0}: train in the Train tab, or start a "
                                   "comparison run below.").format(self.roots()[0]))
        self.empty.setVisible(not runs)
        self._selection_changed()

    def _select_row(self, row: int) -> None:
        from PySide6.QtCore import QItemSelectionModel

        index = self.table.model().index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(index, flags)

    def _fill_row(self, row: int, run: RunRecord) -> None:
        final = run.final
        epochs = f"{run.epochs_done}/{run.epochs_planned}" if run.epochs_planned else str(run.epochs_done)
        title = run.meta.name or (run.name if not run.sweep else f"{run.sweep}/{run.name}")
        tags = ", ".join(run.tags)
        cells = [SortItem(title, title.casefold()), SortItem(tags, tags.casefold()),
                 SortItem(run.model, run.model), SortItem(run.data, run.data),
                 SortItem(run.differs_text or self.tr("defaults"), run.differs_text),
                 SortItem(epochs, run.epochs_done)]
        for _header, metric in COLUMNS[DIFFERS + 2:DIFFERS + 6]:
            value = final.get(metric)
            cells.append(SortItem("–" if value is None else f"{value:.4f}", value))
        cells.append(SortItem(time.strftime("%Y-%m-%d %H:%M", time.localtime(run.modified)), run.modified))
        cells[0].setData(Qt.ItemDataRole.UserRole, run.path)
        cells[0].setToolTip(f"{run.path}\n\n{run.meta.note}" if run.meta.note else run.path)
        tip = "\n".join(f"{k}: {v:.4f}" for k, v in final.items() if isinstance(v, (int, float)))
        for column, cell in enumerate(cells):
            if column > 0:
                cell.setToolTip(tip or self.tr("no epoch finished"))
            if column > DIFFERS:
                cell.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
            if run.damaged:  # listed, greyed, and the sentence says which file and what to do
                cell.setForeground(QColor("#909090"))
                cell.setToolTip(run.damaged)
            self.table.setItem(row, column, cell)
        if run.damaged:
            cells[DIFFERS].setText(self.tr("damaged (see tooltip)"))

    def selected_runs(self) -> list[RunRecord]:
        paths = {self.table.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
                 for index in self.table.selectionModel().selectedRows()}
        return [run for run in self.runs if run.path in paths]

    def select_paths(self, paths) -> None:
        """Select the rows of these run directories (tests, and after a comparison run)."""
        wanted = {os.path.abspath(p) for p in paths}
        self.table.blockSignals(True)
        self.table.clearSelection()
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) in wanted:
                self._select_row(row)
        self.table.blockSignals(False)
        self._selection_changed()

    def _show_differences(self, selected: RunRecord | None) -> None:
        """The Differs column: what each run changes from the one selected run ("key: a → b"),
        or, with none or several selected, from its model's defaults."""
        from workbench.runs.compare import differs_from_selected

        by_path = {run.path: run for run in self.runs}
        texts = differs_from_selected(selected, self.runs) if selected is not None else {}
        self.table.setSortingEnabled(False)  # a changed cell would re-sort rows under the user
        for row in range(self.table.rowCount()):
            run = by_path.get(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
            cell = self.table.item(row, DIFFERS)
            if run is None or cell is None:
                continue
            text = texts.get(run.path) or (self.tr("damaged (see tooltip)") if run.damaged
                                           else run.differs_text or self.tr("defaults"))
            cell.setText(text)
            cell.key = text
            if not run.damaged:  # a damaged row's tooltip is the sentence that names the file
                cell.setToolTip(text)
            cell.setFont(self._bold if run is selected else self.table.font())
        self.table.setSortingEnabled(True)
        title = self.tr("Differs from selected") if selected is not None else self.tr("Differs from defaults")
        self.table.horizontalHeaderItem(DIFFERS).setText(title)

    @property
    def _bold(self):
        font = self.table.font()
        font.setBold(True)
        return font

    def _apply_filter(self) -> None:
        by_path = {run.path: run for run in self.runs}

        def run_at(row: int):
            return by_path.get(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

        self.filter_bar.apply(self.table, run_at)

    def _rescan(self) -> None:
        self._scan_signature = None  # re-read even if the folder looked the same
        self.refresh()

    # -- the overlay plot ------------------------------------------------------------------------
    def _update_buttons(self) -> list[RunRecord]:
        runs = self.selected_runs()
        single = len(runs) == 1
        idle = not self.bridge.running
        self.open_button.setEnabled(single and self.session.tf_loaded)
        self.resume_button.setEnabled(single and idle and self.session.tf_loaded
                                      and runs[0].epochs_done < runs[0].epochs_planned)
        self.repeat_button.setEnabled(single and idle and self.session.tf_loaded and not runs[0].damaged)
        self.ensemble_button.follow(runs)
        return runs

    def _selection_changed(self) -> None:
        runs = self._update_buttons()
        self._show_differences(runs[0] if len(runs) == 1 else None)
        self.run_meta.show_run(runs[0] if len(runs) == 1 else None)
        self.run_views.show_run(runs[0].path if len(runs) == 1 else "")
        self.run_variants.show_run(runs[0].path if len(runs) == 1 else "", self.roots())
        if self.bridge.running:
            return  # the live curves own the plot until the run ends
        self._live.clear()
        self._show_series(dict(zip(curve_labels(runs), (run.history for run in runs))))

    def _show_series(self, series: dict[str, dict]) -> None:
        """Make the plot show exactly these labelled histories (items kept where labels stay)."""
        self._series = series
        self._update_metrics()
        if not series and self._plot is None:
            self.plot_hint.setVisible(True)
            return
        self.plot  # noqa: B018 - creates the plot on first use
        for label in [label for label in self._curves if label not in series]:
            curve = self._curves.pop(label)
            self._plot_item.removeItem(curve)
            self._legend.removeItem(curve)
        for label in series:
            if label not in self._curves:
                color = self._colors.setdefault(label, PALETTE[len(self._colors) % len(PALETTE)])
                import pyqtgraph as pg

                pen = pg.mkPen(color, width=2.5)
                curve = self._plot_item.plot([], [], pen=pen, symbol="o", symbolSize=6,
                                             symbolBrush=pen.color(), symbolPen=None)
                self._legend.addItem(curve, label)
                self._curves[label] = curve
        self.plot_hint.setVisible(not series)
        self._redraw_all()

    def _update_metrics(self) -> None:
        metrics = []
        for history in self._series.values():
            metrics += [k for k in history if k != "epoch" and k not in metrics]
        current = self.metric_box.currentText()
        wanted = sorted(set(metrics) | {"loss"}, key=lambda m: (m.startswith("val_"), m != "loss", m))
        if [self.metric_box.itemText(i) for i in range(self.metric_box.count())] != wanted:
            self.metric_box.blockSignals(True)
            self.metric_box.clear()
            self.metric_box.addItems(wanted)
            self.metric_box.setCurrentIndex(max(self.metric_box.findText(current), 0))
            self.metric_box.blockSignals(False)

    def _redraw_all(self) -> None:
        for label in self._curves:
            self._redraw(label)
        if self._plot is not None:
            self._plot_item.setLabel("left", self.metric_box.currentText())

    def _redraw(self, label: str) -> None:
        history = self._series.get(label, {})
        metric = self.metric_box.currentText()
        ys = history.get(metric) or []
        xs = (history.get("epoch") or list(range(1, len(ys) + 1)))[:len(ys)]
        self._curves[label].setData(xs, ys)

    def curve_data(self) -> dict[str, tuple[list, list]]:
        """label -> (x, y) of every curve now drawn (tests and screenshots read it)."""
        result = {}
        for label, item in self._curves.items():
            xs, ys = item.getData()
            result[label] = ([] if xs is None else list(xs), [] if ys is None else list(ys))
        return result

    # -- open and resume -------------------------------------------------------------------------
    def open_selected(self) -> None:
        runs = self.selected_runs()
        if len(runs) != 1:
            self.session.fail(self.tr("Select one run to open its model."))
            return
        self.open_run(runs[0].path)

    def open_run(self, path: str) -> None:
        """Load ``path``'s model.keras on the TF lane and make it the session's model."""
        if not self.session.tf_loaded:
            self.session.fail(self.tr("TensorFlow is still loading; open the model again when "
                                      "the status bar says Ready."))
            return
        model_path = os.path.join(path, "model.keras")
        tables = [name for name in ("q_table.npy", "v_table.npy") if os.path.isfile(os.path.join(path, name))]
        if tables and not os.path.isfile(model_path):  # tabular RL keeps its table, not a network
            self.session.fail(self.tr("{0} is a tabular agent ({1}, no model.keras): watch it "
                                      "in the Play tab or with keras-workbench play.")
                                      .format(os.path.basename(path), tables[0]))
            return
        if not os.path.isfile(model_path):
            self.session.fail(self.tr("{0} has no model.keras yet (the run never finished an "
                                      "epoch): resume it or train again.")
                                      .format(os.path.basename(path)))
            return

        def load():
            from workbench.models.io import load_model

            from workbench.inference import model_metadata

            names = tuple(model_metadata(path).get("class_names") or ())  # damaged: a sentence
            return load_model(model_path), names

        def loaded(result) -> None:
            model, names = result
            self.session.set_model(model, model_path, names, source="file", run_dir=path)
            self.session.report(self.tr("Opened the model of run {0}: {1:,} parameters")
                                        .format(os.path.basename(path), model.count_params()))

        self.background(load, loaded, key="open-model", lane=Panel.TF_LANE,
                        busy=self.tr("Loading the model of {0}…").format(os.path.basename(path)))

    def resume_selected(self) -> None:
        runs = self.selected_runs()
        if len(runs) != 1:
            self.session.fail(self.tr("Select one run to resume."))
            return
        self.resume_run(runs[0])

    def resume_run(self, run: RunRecord) -> None:
        from workbench.training import job

        if not self._can_start():
            return
        label = curve_labels([run])[0]
        self._job, self._live_label = "resume", label
        self._runs_total, self._run_index = 1, -1
        self._live = {label: {k: list(v) for k, v in run.history.items()}}
        self._select_after_scan = {run.path}
        self._show_series(self._live)
        self.state.setText(self.tr("Resuming {0}…").format(run.name))
        path = run.path
        self.bridge.start(functools.partial(job.resume_training, path))

    def repeat_selected(self) -> None:
        runs = self.selected_runs()
        if len(runs) != 1:
            self.session.fail(self.tr("Select one run to repeat."))
            return
        self.repeat_run(runs[0])

    def repeat_run(self, run: RunRecord) -> None:
        """The same run again (``rundir.repeat_config``), shown live like a resumed one."""
        from workbench.runs.rundir import repeat_config
        from workbench.training import TrainConfig, job

        if not self._can_start():
            return
        try:
            config = TrainConfig.from_dict(repeat_config(run.path)).validate()
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        label = os.path.basename(config.out)
        self._job, self._live_label = "resume", label
        self._runs_total, self._run_index = 1, -1
        self._live = {label: {}}
        self._select_after_scan = {config.out}
        self._show_series(self._live)
        self.state.setText(self.tr("Repeating {0} into {1}…").format(run.name, label))
        self.bridge.start(functools.partial(job.run_training, config))

    # -- comparison runs -------------------------------------------------------------------------
    def _entry_changed(self) -> None:
        entry = self.session.entry
        self.sweep_key.blockSignals(True)
        self.sweep_key.clear()
        if entry is None:
            self.sweep_model.setText(self.tr("<i>choose a model in the Model tab</i>"))
        else:
            self.sweep_model.setText(f"<b>{entry.title}</b>")
            for spec in entry.all_hparams:
                if spec.choices or spec.type is bool:
                    self.sweep_key.addItem(spec.name, spec.name)
            self.sweep_key.setCurrentIndex(max(self.sweep_key.findData("optimizer"), 0))
        self.sweep_key.blockSignals(False)
        self._key_changed()

    def _key_changed(self) -> None:
        self.sweep_values.clear()
        entry, key = self.session.entry, self.sweep_key.currentData()
        if entry is None or key is None:
            return
        spec = entry.hparam(key)
        for value in spec.choices or (False, True):
            item = QListWidgetItem(str(value))
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.sweep_values.addItem(item)

    def chosen_values(self) -> list:
        return [self.sweep_values.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.sweep_values.count())
                if self.sweep_values.item(i).checkState() == Qt.CheckState.Checked]

    def set_sweep(self, key: str, values) -> None:
        """Choose the swept key and tick exactly ``values`` (tests, scripts)."""
        self.sweep_key.setCurrentIndex(self.sweep_key.findData(key))
        wanted = {str(v) for v in values}
        for i in range(self.sweep_values.count()):
            item = self.sweep_values.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked)

    def make_sweep_config(self):
        """``(TrainConfig, key, values)`` for the current choices; ``WorkbenchError`` says what is missing."""
        from workbench.training import TrainConfig

        session = self.session
        if session.dataset is None:
            raise WorkbenchError(self.tr("No data loaded: choose a data set in the Data tab "
                                         "first."))
        if session.entry is None:
            raise WorkbenchError(self.tr("No model chosen: pick one in the Model tab first."))
        entry, info = session.entry, session.dataset.info
        if info.kind not in entry.data_kinds:
            raise WorkbenchError(self.tr("{0} takes {1} data, but {2!r} is {3} data.")
                                         .format(entry.title, ' or '.join(entry.data_kinds), info.name, info.kind))
        key, values = self.sweep_key.currentData(), self.chosen_values()
        if key is None:
            raise WorkbenchError(self.tr("{0} has no hyperparameter with a list of choices to "
                                         "compare.").format(entry.title))
        if len(values) < 2:
            raise WorkbenchError(self.tr("Tick at least two values of {0} to compare.").format(key))
        hparams = entry.resolve(session.hparams)  # the form's other values, checked
        stamp = time.strftime("%Y%m%d-%H%M%S")
        out = os.path.join(self.roots()[0], f"{stamp}-{entry.name}-sweep-{key}")
        config = TrainConfig(model=entry.name, data=session.data_source, data_options=session.data_options,
                             val_split=session.val_split, epochs=self.sweep_epochs.value(),
                             seed=self.sweep_seed.value(), hparams=hparams, out=out,
                             steps_per_epoch=self.sweep_steps.value())
        return config.validate(), key, values

    def start_sweep(self) -> None:
        from workbench.training.sweep import sweep

        if not self._can_start():
            return
        try:
            config, key, values = self.make_sweep_config()
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        # the Data tab splits with seed 0; another seed means the runs split the data themselves
        dataset = self.session.dataset if config.seed == 0 else None
        self._job, self._live_label = "sweep", ""
        self._live = {}
        self.table.clearSelection()
        self._show_series(self._live)
        self.state.setText(self.tr("Comparing {0} = {1}: {2} runs of {3} epoch(s) into {4}")
                                   .format(key, ', '.join(map(str, values)), len(values), config.epochs, config.out))
        self._runs_total, self._run_index = len(values), -1
        self._sweep_key, self._sweep_values = key, list(values)
        if hasattr(dataset, "train_stream"):
            dataset = None  # a tf.data stream cannot travel to the runs' process: it lists the folder again
        job = functools.partial(sweep, config, key, values, dataset=dataset)
        if not self.bridge.in_process:
            def job(emit, control, bound=job):
                # the layer table of the Model tab may be building on the TF lane; initial weights
                # come from Keras' global seed, so let that build finish before the runs seed it
                wait_for_lanes(timeout=60.0)
                return bound(emit, control)

        self.bridge.start(job)

    def _can_start(self) -> bool:
        if not self.session.tf_loaded:
            self.session.fail(self.tr("TensorFlow is still loading; try again when the status "
                                      "bar says Ready."))
            return False
        if self.bridge.running or self.search_box.bridge.running:
            self.session.fail(self.tr("A comparison, search or resumed run is already in "
                                      "progress; stop it first."))
            return False
        return True

    # -- events from the bridge --------------------------------------------------------------------
    def _connect_bridge(self) -> None:
        bridge = self.bridge
        bridge.started.connect(self._run_started)
        bridge.batches.connect(self._batches)
        bridge.epoch_end.connect(self._epoch_end)
        bridge.status.connect(self._status)
        bridge.result.connect(self._result)
        bridge.failed.connect(self._failed)
        bridge.running_changed.connect(self._set_running)

    def _label(self, event) -> str:
        tag = getattr(event, "sweep", None)
        if tag and tag[0] == "trial":  # a search trial: "3: learning_rate=0.01, batch_size=64"
            return str(tag[1])
        return f"{tag[0]}={short_value(tag[1])}" if tag else self._live_label

    def _search_running(self, running: bool) -> None:
        """A search began (the plot is cleared for its trials' lines) or ended (its finished
        trials are then selected and drawn from their runs: ``SearchBox.finished``)."""
        if running:
            self._job, self._live_label, self._live = "search", "", {}
            self.table.clearSelection()
        elif self._job == "search":
            self._job = ""

    def _search_trial_started(self, event) -> None:
        """A search's trial began: its line joins the plot."""
        self._live.setdefault(self._label(event), {})
        self._show_series(self._live)

    def _run_started(self, event) -> None:
        label = self._label(event)
        if getattr(event, "sweep", None):
            self._select_after_scan.add(os.path.abspath(event.run_dir))
        self._steps, self._epochs = max(event.steps_per_epoch, 1), max(event.epochs, 1)
        self._run_index += 1
        self.progress.setRange(0, self._runs_total * self._epochs * self._steps)
        self.progress.setFormat(self.tr("%p% · run {0}/{1}").format(self._run_index + 1, self._runs_total)
                                if self._runs_total > 1 else PERCENT)
        self._progress(event.initial_epoch, 0)
        self._live.setdefault(label, {})
        self._show_series(self._live)

    def _batches(self, batches: list) -> None:
        last = batches[-1]
        self._progress(last.epoch, last.step)

    def _progress(self, epoch: int, step: int) -> None:
        done_runs = max(self._run_index, 0) * self._epochs * self._steps
        self.progress.setValue(done_runs + epoch * self._steps + step)

    def _epoch_end(self, event) -> None:
        label = self._label(event)
        history = self._live.setdefault(label, {})
        history.setdefault("epoch", []).append(event.epoch + 1)
        for key, value in event.logs.items():
            history.setdefault(key, []).append(value)
        if label not in self._curves:
            self._show_series(self._live)
        else:
            self._update_metrics()
            self._redraw(label)

    def _status(self, text: str) -> None:
        self.state.setText(text)
        self.session.report(self.tr("Runs: {0}").format(text))

    def _result(self, result) -> None:
        if isinstance(result, list):
            finals = [{k: v[-1] for k, v in res.history.items() if k != "epoch" and v} for res in result]
            metric = next((m for m in ("val_accuracy", "val_loss", "loss") if finals and m in finals[0]), "")
            scores = " · ".join(f"{short_value(value)} {final[metric]:.3f}" if metric in final else short_value(value)
                                for value, final in zip(self._sweep_values, finals))
            self.state.setText(self.tr("Comparison of {0} finished ({1} runs). Final {2}: {3}")
                                       .format(self._sweep_key, len(result), metric, scores))
            self.session.report(self.state.text())
        elif result is not None:
            adopt_trained(self.session, result, owner=self)
            self.state.setText(self.tr("Resumed run finished: {0} epochs.")
                                       .format(len(result.history.get('epoch', []))))

    def _failed(self, message: str) -> None:
        self.state.setText(self.tr("<span style='color:#b03000'>Run failed: {0}</span>").format(message))
        self.session.fail(message)

    def _set_running(self, running: bool) -> None:
        ready = self.session.tf_loaded
        self.sweep_button.setEnabled(ready and not running)
        self.stop_button.setEnabled(running)
        for widget in (self.sweep_key, self.sweep_values, self.sweep_epochs, self.sweep_steps, self.sweep_seed):
            widget.setEnabled(not running)
        if not running and self._job:
            self._job = ""
            self._scan_signature = None  # re-read even if the folder looked the same
            self.refresh()  # its result selects the new runs, whose curves replace the live ones
            self._update_buttons()
            return
        self._selection_changed()

    # -- panel hooks --------------------------------------------------------------------------------
    def on_tf_ready(self) -> None:
        self._set_running(self.bridge.running)

    def _model_changed(self) -> None:
        if self.session.model_source == "trained" and not self.bridge.running:
            self.refresh()  # the Train tab finished a run: it belongs in the table

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event):  # noqa: N802
        self._timer.stop()
        super().hideEvent(event)

    def show_search_runs(self, paths: list) -> None:
        """Select search trials' runs in the table (they are listed from their search folder)."""
        self._select_after_scan = {os.path.abspath(path) for path in paths}
        self._rescan()

    def shutdown(self) -> None:
        self._timer.stop()
        self.search_box.shutdown()
        self.bridge.wait(timeout=10.0)
