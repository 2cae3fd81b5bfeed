"""The samples a person marked "mislabelled" or "drop", with the counts of each.

It only holds and shows the rows (``workbench.evaluation.marks.MARK_FIELDS``); saving
them and training without them is the panel's business.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
                               QWidget)

#: How each mark reads in the list (the mark itself stays the key saved in the marks file).
MARK_TITLES = {"mislabelled": QT_TRANSLATE_NOOP("MarksList", "mislabelled"),
               "drop": QT_TRANSLATE_NOOP("MarksList", "drop")}


class MarksList(QWidget):
    changed = Signal()
    save_clicked = Signal()
    exclude_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: dict[str, dict] = {}  # by sample id: a later mark of a sample replaces it
        self.saved = True
        self.list = QListWidget()
        self.list.setToolTip(self.tr("Delete removes the selected mark"))
        self.counts = QLabel()
        remove = QPushButton(self.tr("Remove mark"))
        remove.clicked.connect(self.remove_selected)
        self.save_button = QPushButton(self.tr("Save marks…"))
        self.save_button.clicked.connect(self.save_clicked)
        self.retrain_button = QPushButton(self.tr("Train again without marked"))
        self.retrain_button.setToolTip(self.tr("Saves the marks, reloads the data with exclude=<marks file> "
                                               "(mislabelled and dropped samples both leave) and opens the Train tab"))
        self.retrain_button.clicked.connect(self.exclude_clicked)
        buttons = QHBoxLayout()
        for button in (remove, self.save_button, self.retrain_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._refresh()

    def add(self, row: dict) -> None:
        self.rows[row["path"]] = dict(row)
        self.saved = False
        self._refresh()

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.rows.pop(item.data(Qt.ItemDataRole.UserRole), None)
            self.saved = False
            self._refresh()

    def set_saved(self) -> None:
        self.saved = True
        self._refresh()

    def mark_of(self, sample_id: str) -> str:
        return self.rows.get(sample_id, {}).get("mark", "")

    def count(self, mark: str) -> int:
        return sum(row["mark"] == mark for row in self.rows.values())

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_selected()
        else:
            super().keyPressEvent(event)

    def _refresh(self) -> None:
        self.list.clear()
        for sample, row in self.rows.items():
            mark = row["mark"]
            mark = QCoreApplication.translate("MarksList", MARK_TITLES[mark]) if mark in MARK_TITLES else mark
            item = QListWidgetItem(self.tr("{0}: {1} — given {2}, predicted {3} ({4})").format(
                mark, sample, row["given_label"], row["predicted_label"], f"{float(row['confidence']):.1%}"))
            item.setData(Qt.ItemDataRole.UserRole, sample)
            self.list.addItem(item)
        counts = self.tr("{0} mislabelled · {1} to drop").format(self.count("mislabelled"), self.count("drop"))
        if not self.saved and self.rows:
            counts = self.tr("{0} · not saved yet").format(counts)
        self.counts.setText(counts)
        self.changed.emit()
