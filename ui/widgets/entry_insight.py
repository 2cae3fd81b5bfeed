"""What is characteristic of the chosen architecture, as numbers.

- every entry: its parameter count when built for the loaded data's input shape;
- whatever the entry declares in ``Entry.insight``: sections computed by pure core
  functions (``workbench.models.vision.insight``: MobileNet's multiply-add saving,
  EfficientNet's compound scaling, VGG's stacked 3×3 convolutions, ResNet's bottleneck
  against basic block, WRN with k = 1 against the plain ResNet, the normalisation
  equalities...). The widget knows no entry by name: it draws each section's title,
  summary and table, and for a section with an ``action`` (a measurement that takes
  seconds: EfficientNet's φ = 0…3 FLOPs, the φ = 1 grid search) a button that runs it in
  the background with a progress bar and a Stop button.

The figures and the model build need Keras, so they run on the TF lane
(``ui.bridge``): the widget only draws what comes back.
"""

from __future__ import annotations

import math
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.bridge import run_in_background
from workbench.catalog.registry import load_symbol
from workbench.errors import WorkbenchError

#: The lane shared with every other Keras call of the GUI (see ``ui.bridge._Lane``).
TF_LANE = "tf"


def count_parameters(entry, hp: dict, info) -> dict:
    """Build ``entry`` for ``info`` (TF lane) and count its parameters."""
    model = entry.build(hp, info)
    trainable = sum(math.prod(v.shape) for v in model.trainable_weights)
    return {"params": int(model.count_params()), "trainable": trainable, "layers": len(model.layers)}


def _shape_text(info) -> str:
    return "×".join(map(str, info.input_shape))


# -- one declared section --------------------------------------------------------------------------
class InsightSection(QWidget):
    """A section's title, summary and table; its action button runs a longer measurement."""

    #: (done, total, text) from the worker thread running the action (queued to the GUI thread).
    progressed = Signal(int, int, str)
    #: The action's result has been drawn (or its failure shown).
    finished = Signal()

    def __init__(self, figures: dict, hp: dict, info, parent: QWidget | None = None):
        super().__init__(parent)
        self.hp, self.info = hp, info
        self.figures = figures
        self._stop = threading.Event()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.button = QPushButton()
        self.button.clicked.connect(self.run_action)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self._stop.set)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        for widget in (self.button, self.progress, self.stop_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.addWidget(self.summary)
        layout.addLayout(actions)
        layout.addWidget(self.table)
        self.progressed.connect(self._show_progress)
        self.draw(figures)

    def draw(self, figures: dict) -> None:
        self.figures = figures
        self.summary.setText(f"<u>{figures['title']}</u><br>{figures['summary']}")
        action = figures.get("action")
        self.button.setVisible(action is not None)
        self.button.setEnabled(True)
        if action is not None:
            self.button.setText(action["label"])
        self.progress.hide()
        self.stop_button.hide()
        table = self.table
        table.clear()
        if not figures.get("rows"):
            table.hide()
            return
        table.setColumnCount(len(figures["headers"]))
        table.setHorizontalHeaderLabels(figures["headers"])
        table.setRowCount(len(figures["rows"]))
        bold = self.font()
        bold.setBold(True)
        for r, row in enumerate(figures["rows"]):
            for c, text in enumerate(row):
                item = QTableWidgetItem(str(text))
                if c > 0 and str(text)[:1] in "0123456789×":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == figures.get("highlight"):
                    item.setFont(bold)
                    item.setBackground(self.palette().alternateBase())
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        # as tall as its rows, no taller: a short table leaves no empty white box below it
        rows_height = sum(table.rowHeight(r) for r in range(table.rowCount()))
        height = table.horizontalHeader().sizeHint().height() + rows_height + 2 * table.frameWidth() + 4
        table.setFixedHeight(min(height, 420))
        table.show()

    def run_action(self) -> None:
        """Run the section's action on the TF lane; its section replaces this one's content."""
        action = self.figures.get("action")
        if action is None:
            return
        self._stop.clear()
        self.button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress.setFormat(self.tr("starting…"))
        self.progress.show()
        self.stop_button.show()
        run = load_symbol(action["run"])
        hp, info, stop, report = self.hp, self.info, self._stop.is_set, self._report
        run_in_background(lambda: run(hp, info, report, stop), self._action_done, self._action_failed,
                          key=f"insight-action-{id(self)}", lane=TF_LANE, owner=self)

    def cancel(self) -> None:
        self._stop.set()

    def _report(self, done: int, total: int, text: str = "") -> None:
        try:  # worker thread: the signal is queued to the GUI thread
            self.progressed.emit(done, total, text)
        except RuntimeError:  # the section was closed meanwhile; the result will be dropped
            self._stop.set()

    def _show_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total}  {text}")

    def _action_done(self, figures: dict) -> None:
        self.draw(figures)
        self.finished.emit()

    def _action_failed(self, message: str) -> None:
        self.draw(self.figures)
        self.summary.setText(self.summary.text() + f"<br><span style='color:#b03000'>{message}</span>")
        self.finished.emit()

    def table_rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]


# -- the widget -------------------------------------------------------------------------------------
class EntryInsight(QWidget):
    """Shows the numbers that characterise an entry; ``show_entry`` recomputes them."""

    #: "figures" or "params" once that part has been redrawn (tests wait on it).
    updated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry = None
        self.info = None
        self.params: dict | None = None
        self.sections: list[InsightSection] = []
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.params_label = QLabel()
        self.params_label.setWordWrap(True)
        self.status = QLabel()  # "computing…" and errors
        self.status.setWordWrap(True)
        self._no_table = QTableWidget(0, 0)  # what ``table`` is while no section is shown
        self._no_table.hide()
        self.column = QVBoxLayout()
        self.column.setContentsMargins(0, 0, 0, 0)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 4, 0)
        inner_layout.addLayout(self.column)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.params_label)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.heading.setText(self.tr("<i>Choose a model to see what characterises it.</i>"))

    # the first section's parts (most entries declare one; tests read them)
    @property
    def figures(self) -> dict | None:
        return self.sections[0].figures if self.sections else None

    @property
    def summary(self) -> QLabel:
        return self.sections[0].summary if self.sections else self.status

    @property
    def table(self) -> QTableWidget:
        return self.sections[0].table if self.sections else self._no_table

    def set_info(self, info) -> None:
        """The data the parameter count is built for (``Dataset.info``)."""
        self.info = info

    def show_entry(self, entry, hparams: dict, info=None) -> None:
        """Recompute the figures for ``entry`` with the form's ``hparams`` (raw values are parsed)."""
        if info is not None:
            self.info = info
        self.entry, self.params = entry, None
        self._clear_sections()
        self.heading.setText(f"<b>{entry.title}</b>")
        try:
            hp = entry.resolve(hparams)
        except WorkbenchError as error:
            self._show_error(str(error))
            return
        info = self.info
        self.status.setText("")
        if entry.insight:
            self.status.setText(self.tr("<i>computing…</i>"))
            run_in_background(lambda: entry.insight_sections(hp, info), lambda s: self._show_sections(s, hp, info),
                              self._show_error, key=f"insight-figures-{id(self)}", lane=TF_LANE, owner=self)
        else:
            self._show_sections([], hp, info)
        if info is None:
            self.params_label.setText(self.tr("<i>Load a data set to count the parameters for its input shape.</i>"))
            return
        self.params_label.setText(self.tr("<i>Counting parameters for {0} inputs…</i>").format(_shape_text(info)))
        run_in_background(lambda: count_parameters(entry, hp, info), self._show_params, self._params_failed,
                          key=f"insight-params-{id(self)}", lane=TF_LANE, owner=self)

    # -- drawing what came back --------------------------------------------------------------------
    def _clear_sections(self) -> None:
        for section in self.sections:
            section.cancel()
            self.column.removeWidget(section)
            section.deleteLater()
        self.sections = []

    def _show_sections(self, sections: list[dict], hp: dict, info) -> None:
        self._clear_sections()
        self.status.setText("")
        for figures in sections:
            section = InsightSection(figures, hp, info)
            self.column.addWidget(section)
            self.sections.append(section)
        self.updated.emit("figures")

    def _show_params(self, counts: dict) -> None:
        self.params = counts
        info = self.info
        frozen = counts["params"] - counts["trainable"]
        parameters = self.tr("<b>{0} parameters</b>").format(f"{counts['params']:,}")
        if frozen:
            parameters = self.tr("{0} ({1} trainable, {2} not)").format(
                parameters, f"{counts['trainable']:,}", f"{frozen:,}")
        if info is not None and info.num_classes:
            built = self.tr("{0} layers, built for {1} inputs, {2} classes.").format(
                counts["layers"], _shape_text(info), info.num_classes)
        else:
            built = self.tr("{0} layers, built for {1} inputs.").format(counts["layers"], _shape_text(info))
        self.params_label.setText(f"{parameters} · {built}")
        self.updated.emit("params")

    def _params_failed(self, message: str) -> None:
        self.params_label.setText("<span style='color:#b03000'>{}</span>".format(
            self.tr("Cannot build it for this data: {0}").format(message)))
        self.updated.emit("params")

    def _show_error(self, message: str) -> None:
        self._clear_sections()
        self.status.setText(f"<span style='color:#b03000'>{message}</span>")
        self.updated.emit("figures")

    def table_rows(self, section: int = 0) -> list[list[str]]:
        """The cells of a section's table as text (tests and screenshots read it)."""
        return self.sections[section].table_rows() if self.sections else []
