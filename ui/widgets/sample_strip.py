"""The samples of one confusion-matrix cell (or any list of samples), in the order given:
thumbnails with their confidence for images, rows of feature values for tables.

A click chooses a sample (``chosen(index)``); a double click or Enter asks to open it
(``opened(index)``). ``index`` is the caller's sample index, not the row.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QListView, QListWidget, QListWidgetItem,
                               QStackedWidget, QTableWidget, QTableWidgetItem, QWidget)

from ui.widgets.image_view import NEAREST_UP_TO, to_qimage

THUMB = 72
#: More samples than this and only the first ones are shown (a cell of the diagonal of
#: CIFAR-10 holds ~900); the caller says how many were left out.
MAX_SHOWN = 400


def thumbnail(rgb: np.ndarray, side: int = THUMB) -> QPixmap:
    """A square-bounded pixmap; small images keep crisp pixels."""
    image = to_qimage(rgb)
    mode = (Qt.TransformationMode.FastTransformation if max(image.width(), image.height()) <= NEAREST_UP_TO
            else Qt.TransformationMode.SmoothTransformation)
    return QPixmap.fromImage(image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, mode))


class SampleStrip(QStackedWidget):
    chosen = Signal(int)
    opened = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.indices: list[int] = []
        self.thumbs = QListWidget()
        self.thumbs.setViewMode(QListView.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(THUMB, THUMB))
        self.thumbs.setGridSize(QSize(THUMB + 40, THUMB + 48))  # room for two caption lines
        self.thumbs.setResizeMode(QListView.ResizeMode.Adjust)
        self.thumbs.setMovement(QListView.Movement.Static)
        self.thumbs.setWordWrap(True)
        self.thumbs.currentRowChanged.connect(self._row_chosen)
        self.thumbs.itemActivated.connect(lambda item: self.opened.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.rows = QTableWidget()
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rows.currentCellChanged.connect(lambda row, *_: self._row_chosen(row))
        self.rows.cellDoubleClicked.connect(lambda row, _c: self.opened.emit(self.indices[row]))
        self.addWidget(self.thumbs)
        self.addWidget(self.rows)

    def set_images(self, indices, images: list[np.ndarray], captions: list[str]) -> None:
        """``images[i]`` is uint8 RGB for sample ``indices[i]``."""
        self.indices = [int(i) for i in indices][:MAX_SHOWN]
        self.thumbs.blockSignals(True)
        self.thumbs.clear()
        for index, rgb, caption in zip(self.indices, images, captions):
            item = QListWidgetItem(QIcon(thumbnail(rgb)), caption)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setToolTip(caption)
            self.thumbs.addItem(item)
        self.thumbs.blockSignals(False)
        self.setCurrentWidget(self.thumbs)

    def set_rows(self, indices, values: np.ndarray, columns: list[str], captions: list[str]) -> None:
        """Tabular samples: one row of ``values`` per sample, after its caption."""
        self.indices = [int(i) for i in indices][:MAX_SHOWN]
        values = np.asarray(values)
        self.rows.blockSignals(True)
        self.rows.clear()
        self.rows.setRowCount(len(self.indices))
        self.rows.setColumnCount(len(columns) + 1)
        self.rows.setHorizontalHeaderLabels([self.tr("sample")] + list(columns))
        for row, caption in enumerate(captions[:len(self.indices)]):
            self.rows.setItem(row, 0, QTableWidgetItem(caption))
            for column, value in enumerate(values[row]):
                item = QTableWidgetItem(f"{float(value):.3f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.rows.setItem(row, column + 1, item)
        self.rows.resizeColumnsToContents()
        self.rows.blockSignals(False)
        self.setCurrentWidget(self.rows)

    def set_caption(self, index: int, caption: str) -> None:
        """Change the caption of sample ``index`` (after it was marked), keeping the choice."""
        if index not in self.indices:
            return
        row = self.indices.index(index)
        if self.currentWidget() is self.thumbs:
            self.thumbs.item(row).setText(caption)
        else:
            self.rows.item(row, 0).setText(caption)

    def clear(self) -> None:
        self.indices = []
        self.thumbs.clear()
        self.rows.setRowCount(0)

    def choose_row(self, row: int) -> None:
        """Choose the ``row``-th sample shown, as a click would."""
        if self.currentWidget() is self.thumbs:
            self.thumbs.setCurrentRow(row)
        else:
            self.rows.setCurrentCell(row, 0)

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(self.indices):
            self.chosen.emit(self.indices[row])
