"""One export's verification report: what was checked, and how close the export came."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

#: Differences below this count as "the same predictions" (float32 round-off).
SAME = 1e-4


def report_rows(report) -> list[tuple[str, str, str]]:
    """``(field, value, verdict colour or "")`` rows of an ``ExportReport``."""
    def kb(n):
        return "-" if n is None else f"{n / 1024:.1f} KB"

    def pct(v):
        return "-" if v is None else f"{100 * v:.1f}%"

    diff_colour = "#207020" if report.max_abs_diff < SAME else ("#a06000" if report.quantize else "#b03000")
    rows = [("Format", report.variant, ""), ("Written to", report.path, ""),
            ("Checked on", f"{report.samples} samples ({report.inputs})", ""),
            ("Largest difference", f"{report.max_abs_diff:.3g}", diff_colour)]
    if report.class_agreement is not None:
        colour = "#207020" if report.class_agreement == 1.0 else "#a06000"
        rows.append(("Same predicted class", pct(report.class_agreement), colour))
    if report.accuracy_before is not None:
        rows.append(("Accuracy", f"{pct(report.accuracy_before)} before → {pct(report.accuracy_after)} after", ""))
    rows += [("Size", f"{kb(report.size_bytes)} (original {kb(report.original_size_bytes)})", ""),
             ("Gzipped", f"{kb(report.gzip_bytes)} (original {kb(report.original_gzip_bytes)})", "")]
    if report.ms_per_sample is not None:
        original = "-" if report.original_ms_per_sample is None else f"{report.original_ms_per_sample:.3f}"
        rows.append(("Latency", f"{report.ms_per_sample:.3f} ms per sample (original {original})", ""))
    return rows


class ReportView(QTableWidget):
    """``set_report(report)``: two columns, field and value; the verdicts coloured."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Check", "Result"])
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
            self.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if colour:
                item.setForeground(QColor(colour))
            self.setItem(row, 1, item)

    def value(self, name: str) -> str:
        """The shown value of field ``name`` (tests)."""
        for row in range(self.rowCount()):
            if self.item(row, 0).text() == name:
                return self.item(row, 1).text()
        raise KeyError(name)
