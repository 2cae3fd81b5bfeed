"""The Runs tab's filter bar: words, a tag and a metric condition narrow the run table.

The matching is ``workbench.runs.search`` (the same as ``keras-workbench runs --search
--with-tag --where``); a metric condition is parsed, never evaluated, and one that does
not parse says why in red instead of hiding runs.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QTableWidget, QWidget

from workbench.errors import WorkbenchError
from workbench.runs.search import matches, parse_conditions

#: An example condition (metric keys and operators are the same in every language).
EXAMPLE_CONDITION = "val_accuracy > 0.9"
ALL_TAGS = QT_TRANSLATE_NOOP("RunFilterBar", "All tags")  # translated where shown


class RunFilterBar(QWidget):
    """Search box, tag choice and metric condition; ``changed`` when any of them changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.conditions: list = []
        self.error = ""  # why the metric condition does not parse
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, model, data, tags, note…"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Runs whose name, folder, model, data, tags or note "
                                       "contain every word"))
        self.tag_box = QComboBox()
        self.tag_box.addItem(QCoreApplication.translate("RunFilterBar", ALL_TAGS), "")
        self.tag_box.setToolTip(self.tr("Only the runs with this tag"))
        self.tag_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.metric = QLineEdit()
        self.metric.setPlaceholderText(EXAMPLE_CONDITION)
        self.metric.setClearButtonEnabled(True)
        self.metric.setToolTip(self.tr("Final metrics: METRIC OP NUMBER (OP one of < <= > >= = "
                                       "!=), several joined with 'and'"))
        self.count = QLabel("")
        self.count.setObjectName("hint")
        self.search.textChanged.connect(lambda _t: self.changed.emit())
        self.tag_box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.metric.textChanged.connect(lambda _t: self._metric_changed())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Filter")))
        row.addWidget(self.search, 3)
        row.addWidget(self.tag_box)
        row.addWidget(self.metric, 2)
        row.addWidget(self.count)

    @property
    def tag(self) -> str:
        return self.tag_box.currentData() or ""

    @property
    def active(self) -> bool:
        return bool(self.search.text().strip() or self.tag or self.conditions)

    def set_tags(self, tags: list[str]) -> None:
        """The tags to choose from (the chosen one stays chosen while some run has it)."""
        current = self.tag
        wanted = [QCoreApplication.translate("RunFilterBar", ALL_TAGS), *tags]
        if [self.tag_box.itemText(i) for i in range(self.tag_box.count())] == wanted:
            return
        self.tag_box.blockSignals(True)
        self.tag_box.clear()
        self.tag_box.addItem(QCoreApplication.translate("RunFilterBar", ALL_TAGS), "")
        for tag in tags:
            self.tag_box.addItem(tag, tag)
        index = self.tag_box.findData(current) if current else 0
        self.tag_box.setCurrentIndex(max(index, 0))
        self.tag_box.blockSignals(False)
        if current and index < 0:
            self.changed.emit()  # the chosen tag is gone from every run: show them all again

    def accepts(self, run) -> bool:
        return matches(run, self.search.text(), (self.tag,) if self.tag else (), self.conditions)

    def apply(self, table: QTableWidget, run_at) -> int:
        """Hide the rows of ``table`` whose run (``run_at(row)``) does not match, deselecting
        them; returns how many rows are shown."""
        shown = 0
        selection = table.selectionModel()
        for row in range(table.rowCount()):
            run = run_at(row)
            visible = run is None or self.accepts(run)
            table.setRowHidden(row, not visible)
            shown += visible
            if not visible and selection.isRowSelected(row, table.rootIndex()):
                selection.select(table.model().index(row, 0), QItemSelectionModel.SelectionFlag.Deselect
                                 | QItemSelectionModel.SelectionFlag.Rows)
        total = table.rowCount()
        if self.error:
            self.count.setText(self.tr("<span style='color:#b03000'>condition ignored</span>"))
        else:
            self.count.setText(self.tr("{0} of {1} runs").format(shown, total) if self.active else "")
        return shown

    def _metric_changed(self) -> None:
        try:
            self.conditions, self.error = parse_conditions(self.metric.text()), ""
        except WorkbenchError as error:
            self.conditions, self.error = [], str(error)  # a half-typed condition hides nothing
        self.metric.setStyleSheet("border: 1px solid #b03000;" if self.error else "")
        self.metric.setToolTip(self.error or self.tr("Final metrics: METRIC OP NUMBER (OP one of < <= > >= = "
                                                     "!=), several joined with 'and'"))
        self.changed.emit()

    def set_filter(self, words: str = "", tag: str = "", metric: str = "") -> None:
        """Fill the three fields at once (tests, scripts)."""
        self.search.setText(words)
        self.tag_box.setCurrentIndex(max(self.tag_box.findData(tag), 0) if tag else 0)
        self.metric.setText(metric)
