"""One export's verification report: what was checked, and how close the export came."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

#: Differences below this count as "the same predictions" (float32 round-off).
SAME = 1e-4


def report_rows(report) -> list[tuple[str, str, str]]:
    """``(field, value, verdict colour or "")`` rows of an ``ExportReport``; the field is the
    English key (``ReportView`` shows it translated), the values are composed in the window's language."""
    def kb(n):
        return "-" if n is None else f"{n / 1024:.1f} KB"

    def pct(v):
        return "-" if v is None else f"{100 * v:.1f}%"

    diff_colour = "#207020" if report.max_abs_diff < SAME else ("#a06000" if report.quantize else "#b03000")
    rows = [(QT_TRANSLATE_NOOP("ReportView", "Format"), report.variant, ""),
            (QT_TRANSLATE_NOOP("ReportView", "Written to"), report.path, ""),
            (QT_TRANSLATE_NOOP("ReportView", "Checked on"),
             QCoreApplication.translate("ReportView", "{0} samples ({1})").format(report.samples, report.inputs), ""),
            (QT_TRANSLATE_NOOP("ReportView", "Largest difference"), f"{report.max_abs_diff:.3g}", diff_colour)]
    if report.class_agreement is not None:
        colour = "#207020" if report.class_agreement == 1.0 else "#a06000"
        rows.append((QT_TRANSLATE_NOOP("ReportView", "Same predicted class"), pct(report.class_agreement), colour))
    if report.accuracy_before is not None:
        rows.append((QT_TRANSLATE_NOOP("ReportView", "Accuracy"),
                     QCoreApplication.translate("ReportView", "{0} before → {1} after").format(
                         pct(report.accuracy_before), pct(report.accuracy_after)), ""))
    rows += [(QT_TRANSLATE_NOOP("ReportView", "Size"),
              QCoreApplication.translate("ReportView", "{0} (original {1})").format(
                  kb(report.size_bytes), kb(report.original_size_bytes)), ""),
             (QT_TRANSLATE_NOOP("ReportView", "Gzipped"),
              QCoreApplication.translate("ReportView", "{0} (original {1})").format(
                  kb(report.gzip_bytes), kb(report.original_gzip_bytes)), "")]
    if report.ms_per_sample is not None:
        original = "-" if report.original_ms_per_sample is None else f"{report.original_ms_per_sample:.3f}"
        rows.append((QT_TRANSLATE_NOOP("ReportView", "Latency"),
                     QCoreApplication.translate("ReportView", "{0:.3f} ms per sample (original {1})").format(
                         report.ms_per_sample, original), ""))
    return rows


class ReportView(QTableWidget):
    """``set_report(report)``: two columns, field and value; the verdicts coloured."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels([self.tr("Check"), self.tr("Result")])
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.report = None

    def set_report(self, report) -> None:
        self.report = report
        rows = report_rows(report) if report is not None else []
        self.setRowCount(len(rows))
        for row, (name, value, colour) in enumerate(rows):
            field = QTableWidgetItem(QCoreApplication.translate("ReportView", name))  # the keys marked above
            field.setData(Qt.ItemDataRole.UserRole, name)
            self.setItem(row, 0, field)
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if colour:
                item.setForeground(QColor(colour))
            self.setItem(row, 1, item)

    def value(self, name: str) -> str:
        """The shown value of field ``name`` (its English key; tests)."""
        for row in range(self.rowCount()):
            if self.item(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                return self.item(row, 1).text()
        raise KeyError(name)
