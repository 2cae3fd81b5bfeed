"""Return and length of each episode played, with their mean."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)


class EpisodeTable(QTableWidget):
    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([self.tr("episode"), self.tr("return"), self.tr("length")])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def clear_episodes(self) -> None:
        self.setRowCount(0)

    def add_episode(self, number: int, total: float, length: int) -> None:
        row = self.rowCount()
        self.insertRow(row)
        for column, value in enumerate((str(number), f"{total:g}", str(length))):
            self.setItem(row, column, QTableWidgetItem(value))
        self.scrollToBottom()

    def returns(self) -> list[float]:
        return [float(self.item(row, 1).text()) for row in range(self.rowCount())]
