"""Hyperparameter search in the Runs tab: the "Search…" dialog, the results table, and the box
that runs a search in the background (``workbench.training.search``) and fills the table live.

The dialog offers every hyperparameter the chosen entry declares (and the batch size):
choices and yes/no values as check boxes, numbers as a list (grid) or a range (random,
``log:`` for a log-uniform one). The table has one row per finished trial, one column per
searched key and per final metric; a click on a header sorts by it, and it starts sorted best
first by the chosen metric. A double-click asks the Runs table to select that run.
"""

from __future__ import annotations

import functools
import math
import os
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError

METRICS = ("val_accuracy", "val_loss", "accuracy", "loss")


class ValueItem(QTableWidgetItem):
    """A cell sorted by its value (numbers as numbers); cells without a value sort last."""

    def __init__(self, value):
        text = "-" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                              if isinstance(value, (int, float)) else Qt.AlignmentFlag.AlignLeft
                              | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other):
        if not isinstance(other, ValueItem):
            return super().__lt__(other)
        mine, theirs = _order(self.value), _order(other.value)
        if (mine[0] == 2) != (theirs[0] == 2):  # a trial stopped before its first epoch: last either way
            table = self.tableWidget()
            descending = table is not None and \
                table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            return (mine[0] == 2) == descending
        return mine < theirs


def _order(value):
    missing = value is None or (isinstance(value, float) and not math.isfinite(value))
    if missing:
        return (2, 0.0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))


class SearchTable(QTableWidget):
    """One row per finished trial: #, the searched keys, the final metrics; sortable by any column."""

    run_chosen = Signal(str)  # a trial's run directory (double-click)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 0, parent)
        self.keys: list[str] = []
        self.metrics: list[str] = []
        self.rank_metric = "val_accuracy"
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setSortingEnabled(True)
        self.cellDoubleClicked.connect(lambda row, _column: self._chosen(row))
        self.setToolTip(self.tr("Click a header to sort by it; double-click a trial to select its run in the "
                                "table above"))

    def start(self, keys: list[str], metric: str) -> None:
        """An empty table for a new search over ``keys``, ranked by ``metric``."""
        self.keys, self.rank_metric, self.metrics = list(keys), metric, [metric]
        self.setRowCount(0)
        self._headers()

    def add_trial(self, trial: int, settings: dict, final: dict, run_dir: str) -> None:
        """A finished trial (replaces the row of the same trial); the table stays sorted best first."""
        for metric in sorted(final):
            if metric not in self.metrics:
                self.metrics.append(metric)
                self._headers()
        self.setSortingEnabled(False)
        row = self._row_of(trial)
        if row is None:
            row = self.rowCount()
            self.insertRow(row)
        cells = [trial, *(settings.get(k) for k in self.keys), *(final.get(m) for m in self.metrics)]
        for column, value in enumerate(cells):
            item = ValueItem(value)
            item.setData(Qt.ItemDataRole.UserRole, run_dir)
            self.setItem(row, column, item)
        self.setSortingEnabled(True)
        self.sort_best()

    def show_summary(self, summary: dict) -> None:
        """The table of a finished (or stopped) search, as ``search.json`` holds it."""
        self.start(summary["keys"], summary["metric"])
        for row in summary["rows"]:
            self.add_trial(row["trial"], row["hparams"], row["final"], row["run_dir"])

    def sort_best(self) -> None:
        """Best first by the ranking metric: lowest for a loss, highest otherwise."""
        from workbench.training.search import lower_is_better

        column = len(self.keys) + 1 + self.metrics.index(self.rank_metric)
        order = Qt.SortOrder.AscendingOrder if lower_is_better(self.rank_metric) else Qt.SortOrder.DescendingOrder
        self.sortByColumn(column, order)

    def column_values(self, header: str) -> list:
        """The values of one column from top to bottom (tests, scripts)."""
        column = self.headers().index(header)
        return [self.item(row, column).value for row in range(self.rowCount())]

    def headers(self) -> list[str]:
        return [self.horizontalHeaderItem(c).text() for c in range(self.columnCount())]

    def run_dir(self, row: int) -> str:
        return self.item(row, 0).data(Qt.ItemDataRole.UserRole)

    def _headers(self) -> None:
        headers = ["#", *self.keys, *self.metrics]
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)

    def _row_of(self, trial: int):
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item is not None and item.value == trial:
                return row
        return None

    def _chosen(self, row: int) -> None:
        path = self.run_dir(row)
        if path:
            self.run_chosen.emit(path)


class SearchDialog(QDialog):
    """Choose the keys to search and their values, grid or random, for one catalog entry."""

    def __init__(self, entry, current: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        from workbench.training.sweep import CONFIG_KEYS

        self.entry = entry
        self.setWindowTitle(self.tr("Search the hyperparameters of {0}").format(entry.title))
        self.specs = [*entry.all_hparams, CONFIG_KEYS["batch_size"]]
        self.use: dict[str, QCheckBox] = {}
        self.boxes: dict[str, list[QCheckBox]] = {}  # choices -> one check box per value
        self.fields: dict[str, QLineEdit] = {}  # numbers and free text -> a list or a range
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("<b>Search</b>")), 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Values</b> (grid: a list · random: low:high or "
                                      "log:low:high)")), 0, 1)
        for row, spec in enumerate(self.specs, start=1):
            self.use[spec.name] = QCheckBox(spec.name)
            self.use[spec.name].setToolTip(spec.help)
            grid.addWidget(self.use[spec.name], row, 0)
            grid.addWidget(self._editor(spec, (current or {}).get(spec.name, spec.default)), row, 1)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        self.grid_mode = QRadioButton(self.tr("Grid: every combination"))
        self.random_mode = QRadioButton(self.tr("Random: draws from the ranges"))
        self.grid_mode.setChecked(True)
        self.grid_mode.toggled.connect(lambda _on: self._mode_changed())
        self.trials = QSpinBox()
        self.trials.setRange(1, 1000)
        self.trials.setValue(8)
        self.search_seed = QSpinBox()
        self.search_seed.setRange(0, 2**31 - 1)
        self.search_seed.setToolTip(self.tr("The draws' seed: the same seed draws the same "
                                            "trials"))
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100000)
        self.epochs.setValue(entry.default_epochs)
        self.steps = QSpinBox()
        self.steps.setRange(0, 1000000)
        self.steps.setSpecialValueText(self.tr("all"))
        self.metric_box = QComboBox()
        self.metric_box.setEditable(True)
        self.metric_box.addItems(METRICS)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b03000;")
        options = QFormLayout()
        modes = QHBoxLayout()
        modes.addWidget(self.grid_mode)
        modes.addWidget(self.random_mode)
        options.addRow(self.tr("Mode"), modes)
        options.addRow(self.tr("Random trials"), self.trials)
        options.addRow(self.tr("Random seed"), self.search_seed)
        options.addRow(self.tr("Epochs per trial"), self.epochs)
        options.addRow(self.tr("Batches per epoch"), self.steps)
        options.addRow(self.tr("Rank by"), self.metric_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start search"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(options)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(820, 620)
        self._mode_changed()

    def _editor(self, spec, value) -> QWidget:
        if spec.choices or spec.type is bool:
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            self.boxes[spec.name] = []
            for choice in spec.choices or (False, True):
                box = QCheckBox(str(choice))
                box.setChecked(choice == value)
                box.toggled.connect(lambda on, name=spec.name: on and self.use[name].setChecked(True))
                self.boxes[spec.name].append(box)
                row.addWidget(box)
            row.addStretch(1)
            return holder
        field = QLineEdit(str(value))
        field.setProperty("default", value)
        field.textEdited.connect(lambda _text, name=spec.name: self.use[name].setChecked(True))
        self.fields[spec.name] = field
        return field

    def choose(self, name: str, text_or_values) -> None:
        """Search ``name`` with these values (a list for choices, text for numbers): tests, presets."""
        self.use[name].setChecked(True)
        if name in self.boxes:
            wanted = {str(v) for v in text_or_values}
            for box in self.boxes[name]:
                box.setChecked(box.text() in wanted)
        else:
            self.fields[name].setText(str(text_or_values))

    def mode(self) -> str:
        return "grid" if self.grid_mode.isChecked() else "random"

    def specs_text(self) -> list[str]:
        """The ticked keys as ``key=values`` (what ``keras-workbench search --grid/--random`` takes)."""
        specs = []
        for name, use in self.use.items():
            if not use.isChecked():
                continue
            if name in self.boxes:
                values = [box.text() for box in self.boxes[name] if box.isChecked()]
                if not values:
                    raise WorkbenchError(self.tr("tick at least one value of {0}").format(name))
                specs.append(f"{name}=" + ",".join(values))
            else:
                text = self.fields[name].text().strip()
                if not text:
                    raise WorkbenchError(self.tr("give values for {0}").format(name))
                specs.append(f"{name}={text}")
        if not specs:
            raise WorkbenchError(self.tr("tick at least one hyperparameter to search"))
        return specs

    def make_trials(self) -> list[dict]:
        from workbench.training.search import make_trials

        return make_trials(self.entry.name, self.mode(), self.specs_text(), self.trials.value(),
                           self.search_seed.value())

    def _mode_changed(self) -> None:
        random = self.mode() == "random"
        self.trials.setEnabled(random)
        self.search_seed.setEnabled(random)
        for name, field in self.fields.items():
            spec = next(s for s in self.specs if s.name == name)
            if spec.type in (int, float) and not self.use[name].isChecked():
                field.setText(_range_text(spec) if random else str(field.property("default")))

    def _accept(self) -> None:
        try:
            trials = self.make_trials()
        except WorkbenchError as error:
            self.problem.setText(str(error))
            return
        if len(trials) > 200:
            self.problem.setText(self.tr("{0} trials: narrow the grid (at most 200).").format(len(trials)))
            return
        self.accept()


def _range_text(spec) -> str:
    """A starting range for a random search: a decade each side for log-scaled values."""
    value = spec.default
    if spec.log and value > 0:
        low, high = value / 10, value * 10
        low, high = max(low, spec.low or low), min(high, spec.high or high)
        return f"log:{low:g}:{high:g}"
    low = spec.low if spec.low is not None else 0
    high = spec.high if spec.high is not None and spec.high < 1e5 else max(value * 2, low + 1)
    return f"{low:g}:{high:g}"


class SearchBox(QWidget):
    """"Search…" and Stop, the progress over all trials, and the results table filling live."""

    run_chosen = Signal(str)  # a trial's run directory
    finished = Signal(list)  # the run directories of the finished trials, once the search ends

    def __init__(self, session, runs_root, busy=lambda: False, parent: QWidget | None = None):
        super().__init__(parent)
        from ui.bridge import RunBridge

        self.session = session
        self.runs_root = runs_root  # () -> the folder new searches go into
        self.busy = busy  # () -> True while the tab's other job (a comparison) runs
        self.bridge = RunBridge(self)
        self.root = ""
        self._trials: list[dict] = []
        self._labels: dict[str, int] = {}  # a trial's event tag -> its number
        self._steps = self._epochs = 1
        self._run_index = -1
        self.search_button = QPushButton(self.tr("Search…"))
        self.search_button.setToolTip(self.tr("Grid or random search over the current model's "
                                              "hyperparameters"))
        self.search_button.clicked.connect(self.open_dialog)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the current trial after this batch and skip "
                                            "the remaining ones"))
        self.stop_button.clicked.connect(self.bridge.stop)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.state = QLabel(self.tr("Search the current model's hyperparameters (grid or "
                                    "random); each trial is a run in the table above."))
        self.state.setWordWrap(True)
        self.table = SearchTable()
        self.table.run_chosen.connect(self.run_chosen)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)
        bridge = self.bridge
        bridge.started.connect(self._run_started)
        bridge.batches.connect(lambda batches: self._progress(batches[-1].epoch, batches[-1].step))
        bridge.finished.connect(self._trial_finished)
        bridge.status.connect(self.state.setText)
        bridge.result.connect(self._result)
        bridge.failed.connect(lambda message: (self.state.setText(self.tr("Search failed: {0}").format(message)),
                                               self.session.fail(message)))
        bridge.running_changed.connect(self._set_running)
        self._set_running(False)
        from ui.widgets.presets import requests

        requests().comparison.connect(self._preset_requested)

    # -- starting -----------------------------------------------------------------------------
    def open_dialog(self) -> None:
        entry = self.session.entry
        if entry is None:
            self.session.fail(self.tr("No model chosen: pick one in the Model tab first."))
            return
        dialog = SearchDialog(entry, self._current_hparams(), self)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.start(dialog.make_trials(), dialog.mode(), dialog.metric_box.currentText().strip(),
                           dialog.epochs.value(), dialog.steps.value(), dialog.search_seed.value())
        except WorkbenchError as error:
            self.session.fail(str(error))
        finally:
            dialog.deleteLater()

    def start(self, trials: list[dict], mode: str, metric: str, epochs: int, steps_per_epoch: int = 0,
              search_seed: int = 0, batch_size: int = 32, hparams: dict | None = None, name: str = "") -> None:
        """Train one run per trial of the current model on the loaded data, in the background."""
        from workbench.training.search import search

        if not self.session.tf_loaded:
            raise WorkbenchError(self.tr("TensorFlow is still loading; try again when the "
                                         "status bar says Ready."))
        if self.bridge.running or self.busy():
            raise WorkbenchError(self.tr("A comparison, search or resumed run is already in "
                                         "progress; stop it first."))
        config = self._config(epochs, steps_per_epoch, batch_size, hparams, name or f"search-{mode}")
        self.root, self._trials = config.out, trials
        from workbench.training.search import trial_label

        self._labels = {trial_label(i, t): i for i, t in enumerate(trials, start=1)}
        self._run_index = -1
        self.table.start(list(dict.fromkeys(k for t in trials for k in t)), metric or "val_accuracy")
        if mode == "grid":
            text = self.tr("Grid search: {0} trial(s) of {1} epoch(s) into {2}")
        else:
            text = self.tr("Random search: {0} trial(s) of {1} epoch(s) into {2}")
        self.state.setText(text.format(len(trials), config.epochs, config.out))
        dataset = self.session.dataset if config.seed == 0 else None
        if hasattr(dataset, "train_stream"):
            dataset = None  # a tf.data stream cannot travel to the runs' process
        self.bridge.start(functools.partial(search, config, trials, metric or "val_accuracy", mode,
                                            dataset=dataset, search_seed=search_seed))

    def _preset_requested(self, session, preset) -> None:
        """A preset comparison (Model tab's Presets): its trials as a search of the loaded data."""
        if session is not self.session:
            return
        try:
            self.start([dict(t) for t in preset.trials], "preset", preset.metric, preset.epochs,
                       batch_size=preset.batch_size, hparams=preset.hparams, name=f"preset-{preset.name}")
        except WorkbenchError as error:
            self.session.fail(str(error))

    def _config(self, epochs, steps, batch_size, hparams, name):
        from workbench.training import TrainConfig

        session = self.session
        if session.dataset is None:
            raise WorkbenchError(self.tr("No data loaded: choose a data set in the Data tab "
                                         "first."))
        entry, info = session.entry, session.dataset.info
        if entry is None:
            raise WorkbenchError(self.tr("No model chosen: pick one in the Model tab first."))
        fits, why = entry.accepts(info)
        if not fits:
            raise WorkbenchError(why + ".")
        resolved = entry.resolve({**self._current_hparams(), **(hparams or {})})
        out = os.path.join(self.runs_root(), f"{time.strftime('%Y%m%d-%H%M%S')}-{entry.name}-{name}")
        return TrainConfig(model=entry.name, data=session.data_source, data_options=session.data_options,
                           val_split=session.val_split, epochs=epochs, batch_size=batch_size, seed=0,
                           hparams=resolved, out=out, steps_per_epoch=steps).validate()

    def _current_hparams(self) -> dict:
        """The Model tab's form, as far as it parses (a half-typed field keeps its default)."""
        entry, values = self.session.entry, {}
        for key, raw in (self.session.hparams or {}).items():
            try:
                values[key] = entry.hparam(key).parse(raw)
            except WorkbenchError:
                pass
        return values

    # -- events ---------------------------------------------------------------------------------
    def _run_started(self, event) -> None:
        self._run_index += 1
        self._steps, self._epochs = max(event.steps_per_epoch, 1), max(event.epochs, 1)
        total = len(self._trials) * self._epochs * self._steps
        self.progress.setRange(0, total)
        self.progress.setFormat(self.tr("%p% · trial {0}/{1}").format(self._run_index + 1, len(self._trials)))
        self._progress(event.initial_epoch, 0)

    def _progress(self, epoch: int, step: int) -> None:
        done = max(self._run_index, 0) * self._epochs * self._steps
        self.progress.setValue(min(done + epoch * self._steps + step, self.progress.maximum()))

    def _trial_finished(self, event) -> None:
        tag = getattr(event, "sweep", None)
        index = self._labels.get(tag[1]) if tag else None
        if index is None:
            return
        final = {k: v[-1] for k, v in event.history.items() if k != "epoch" and v}
        self.table.add_trial(index, self._trials[index - 1], final, event.run_dir)

    def _result(self, summary) -> None:
        if isinstance(summary, dict) and "rows" in summary:
            self.table.show_summary(summary)
            best = summary["rows"][0] if summary["rows"] else None
            text = self.tr("Search finished: {0}/{1} trials, table in {2}.").format(
                len(summary['rows']), summary['trials_planned'], os.path.join(self.root, 'search.csv'))
            if best and summary["metric"] in best["final"]:
                settings = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                     for k, v in best["hparams"].items())
                text += " " + self.tr("Best {0} {1:.4f}: {2}.").format(
                    summary['metric'], best['final'][summary['metric']], settings)
            self.state.setText(text)
            self.session.report(text)

    def _set_running(self, running: bool) -> None:
        self.search_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        if not running and self.root:
            self.finished.emit([self.table.run_dir(row) for row in range(self.table.rowCount())])

    def shutdown(self) -> None:
        self.bridge.wait(timeout=10.0)
