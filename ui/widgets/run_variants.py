"""The selected run's before/after table: the original, its verified exports and the runs
made from it (pruned, distilled), with size, latency and accuracy
(``workbench.runs.variants``).

Finding the variants reads files only; "Measure" loads the models that have no
verification report (distilled students) and checks them on the original's validation
samples, on a worker thread. A derived run's row selects that run in the Runs tab.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import theme

from ui.bridge import run_in_background

#: Columns shown (the variant's name says its format and sparsity; the path is the row's tooltip).
SHOWN = ("variant", "size", "ms/sample", "accuracy", "agreement", "max |diff|")
#: Their headers in the window's language (the keys are ``workbench.runs.variants.COLUMNS``' titles).
HEADERS = {"variant": QT_TRANSLATE_NOOP("RunVariants", "variant"), "size": QT_TRANSLATE_NOOP("RunVariants", "size"),
           "ms/sample": QT_TRANSLATE_NOOP("RunVariants", "ms/sample"),
           "accuracy": QT_TRANSLATE_NOOP("RunVariants", "accuracy"),
           "agreement": QT_TRANSLATE_NOOP("RunVariants", "agreement"), "max |diff|": "max |diff|"}
_KEY = "run-variants"


class RunVariants(QWidget):
    #: A derived run's directory the user asked to select.
    select_run = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from workbench.runs.variants import COLUMNS

        self._columns = [(title, fmt) for title, fmt in COLUMNS if title in SHOWN]
        self.run_dir, self.roots = "", []
        self.variants: list = []
        self.table = QTableWidget(0, len(self._columns))
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("RunVariants", HEADERS.get(title, title))
                                              for title, _ in self._columns])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda row, _: self.open_row(row))
        self.message = QLabel(self.tr("Select one run to see its exports and compressed variants."))
        self.message.setWordWrap(True)
        theme.mark_hint(self.message, italic=True)
        self.measure_button = QPushButton(self.tr("Measure"))
        self.measure_button.setToolTip(self.tr("Check the variants without a report (distilled "
                                               "students) on the original's validation "
                                               "samples: latency, accuracy, agreement"))
        self.measure_button.clicked.connect(self.measure)
        self.select_button = QPushButton(self.tr("Select run"))
        self.select_button.setToolTip(self.tr("Select this derived run in the table above"))
        self.select_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.measure_button)
        buttons.addWidget(self.select_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def show_run(self, run_dir: str, roots=()) -> None:
        """Find ``run_dir``'s variants under ``roots`` ("" empties the table)."""
        self.run_dir, self.roots = run_dir, list(roots)
        if not run_dir:
            self._fill([])
            self._say(self.tr("Select one run to see its exports and compressed variants."))
            return
        self._find(measure=False)

    def measure(self) -> None:
        if self.run_dir:
            self._find(measure=True)

    def _find(self, measure: bool) -> None:
        from workbench.runs.variants import find_variants

        run, roots = self.run_dir, self.roots
        self._say(self.tr("measuring the variants on the validation samples…") if measure
                  else self.tr("finding variants…"))
        self.measure_button.setEnabled(False)
        run_in_background(lambda: find_variants(run, roots, measure=measure),
                          lambda rows: self._found(run, rows), lambda message: self._failed(run, message),
                          key=_KEY, owner=self)

    def _found(self, run: str, rows: list) -> None:
        if run != self.run_dir:
            return  # another run was selected meanwhile
        self._fill(rows)
        exports = sum(v.kind == "export" for v in rows)
        derived = sum(v.run is not None and v.kind != "original" for v in rows)
        if len(rows) <= 1:
            self._say(self.tr("No exports and no runs made from this run yet (keras-workbench export / prune, "
                              "or train distillation with teacher = this run)."))
        else:
            sources = sorted({v.accuracy_on for v in rows if v.accuracy_on})
            self._say(self.tr("{0} export(s), {1} derived run(s); accuracy on {2}. Double-click a derived "
                              "run to select it.").format(exports, derived, "; ".join(sources)))

    def _failed(self, run: str, message: str) -> None:
        if run == self.run_dir:
            self._fill([])
            self._say(message)

    def _fill(self, rows: list) -> None:
        self.variants = rows
        self.table.setRowCount(len(rows))
        for row, variant in enumerate(rows):
            for column, (_, fmt) in enumerate(self._columns):
                item = QTableWidgetItem(fmt(variant))
                where = "\n" + self.tr("accuracy on {0}").format(variant.accuracy_on) if variant.accuracy_on else ""
                item.setToolTip(variant.path + where)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._update_buttons()

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def open_row(self, row: int) -> None:
        """Ask to select the derived run in ``row`` (the original and exported files: nothing)."""
        if 0 <= row < len(self.variants) and self.variants[row].kind != "original" and self.variants[row].run:
            self.select_run.emit(self.variants[row].run)

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        chosen = self.variants[row] if 0 <= row < len(self.variants) else None
        self.select_button.setEnabled(bool(chosen and chosen.run and chosen.kind != "original"))
        self.measure_button.setEnabled(bool(self.run_dir))
