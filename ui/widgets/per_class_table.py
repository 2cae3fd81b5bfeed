"""The per-class report of a classifier: precision, recall, F1 and support, sortable.

Sorting is by the numbers (``NumberItem``), not by their text: "0.95" and "1.00"
as strings sort right by luck, "95" and "100" do not.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

COLUMNS = (QT_TRANSLATE_NOOP("PerClassTable", "Class"), QT_TRANSLATE_NOOP("PerClassTable", "Precision"),
           QT_TRANSLATE_NOOP("PerClassTable", "Recall"), QT_TRANSLATE_NOOP("PerClassTable", "F1"),
           QT_TRANSLATE_NOOP("PerClassTable", "Support"))


class NumberItem(QTableWidgetItem):
    """A cell that shows ``text`` and sorts by ``value``."""

    def __init__(self, value: float, text: str):
        super().__init__(text)
        self.value = float(value)
        self.setData(Qt.ItemDataRole.UserRole, self.value)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)


class PerClassTable(QTableWidget):
    """``set_report(per_class, labels)``; ``per_class[label]`` holds precision, recall, f1 and support."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([QCoreApplication.translate("PerClassTable", c) for c in COLUMNS])
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setToolTip(self.tr("Click a header to sort; the worst classes first with a second click"))

    def set_report(self, per_class: dict, labels: list[str]) -> None:
        self.setSortingEnabled(False)  # rows would move while they are being filled
        self.setRowCount(len(labels))
        for row, label in enumerate(labels):
            scores = per_class[label]
            name = NumberItem(row, str(label))  # sorts by class index: "10" after "9"
            name.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 0, name)
            for column, key in enumerate(("precision", "recall", "f1"), start=1):
                self.setItem(row, column, NumberItem(scores[key], f"{scores[key]:.3f}"))
            self.setItem(row, 4, NumberItem(scores["support"], f"{int(scores['support'])}"))
        self.setSortingEnabled(True)
        self.sortItems(0, Qt.SortOrder.AscendingOrder)

    def column_values(self, column: int) -> list[str]:
        """The cells of ``column`` top to bottom, as shown (tests and copy-paste)."""
        return [self.item(row, column).text() for row in range(self.rowCount())]
