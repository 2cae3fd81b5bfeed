"""A run's before/after table: the original and each compressed or converted variant,
with size, gzipped size, latency, accuracy, class agreement and largest difference."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget


#: Headers in the window's language, by the titles of ``workbench.export.verify.TABLE_COLUMNS``.
HEADERS = {"variant": QT_TRANSLATE_NOOP("VariantsTable", "Variant"), "size": QT_TRANSLATE_NOOP("VariantsTable", "Size"),
           "gzip": QT_TRANSLATE_NOOP("VariantsTable", "Gzip"),
           "ms/sample": QT_TRANSLATE_NOOP("VariantsTable", "Ms/sample"),
           "accuracy": QT_TRANSLATE_NOOP("VariantsTable", "Accuracy"),
           "agreement": QT_TRANSLATE_NOOP("VariantsTable", "Agreement"), "max |diff|": "Max |diff|"}


class VariantsTable(QTableWidget):
    """``set_reports(reports)``: one row per ``ExportReport``, the original first."""

    def __init__(self, parent: QWidget | None = None):
        from workbench.export.verify import TABLE_COLUMNS

        self.columns = TABLE_COLUMNS
        super().__init__(0, len(self.columns), parent)
        self.setHorizontalHeaderLabels([QCoreApplication.translate("VariantsTable", HEADERS[title])
                                        if title in HEADERS else title[0].upper() + title[1:]
                                        for title, _, _ in self.columns])
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setToolTip(self.tr("Every export and compressed variant of this run, checked on the same "
                                "validation samples as the original"))

    def set_reports(self, reports: list) -> None:
        from workbench.export.verify import table_rows

        rows = table_rows(reports)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (_, key, fmt) in enumerate(self.columns):
                value = row.get(key)
                item = QTableWidgetItem(str(value) if key == "variant" else fmt(value))
                if key != "variant":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)

    def column_values(self, column: int) -> list[str]:
        return [self.item(row, column).text() for row in range(self.rowCount())]
