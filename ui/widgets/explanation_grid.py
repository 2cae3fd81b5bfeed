"""A grid of explanation cells: one titled overlay per method, with its time and scores.

Each cell is filled as soon as its method has finished, so a comparison of slow
methods (Score-CAM, SHAP) shows the fast ones first. Clicking a cell selects it
(the Compare tab then plots that method's deletion / insertion curves).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from ui import theme

from ui.widgets.image_view import ImageView

#: Frame colours of a cell: normal and selected.
BORDER = "#c8c8c8"
SELECTED = "#2060c0"


class ExplanationCell(QFrame):
    """One method's result: title, overlay, "time · scores" line."""

    clicked = Signal(str)

    def __init__(self, method: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.method = method
        self.state = "waiting"  # waiting, running, done, failed, cancelled
        self.title = QLabel(f"<b>{title}</b>")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = ImageView(self.tr("waiting…"))
        self.view.setMinimumSize(120, 120)
        self.detail = QLabel("")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setToolTip(self.tr("time taken · class explained · deletion AUC (lower is better) · "
                                       "insertion AUC (higher is better)"))
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(2)
        column.addWidget(self.title)
        column.addWidget(self.view, 1)
        column.addWidget(self.detail)
        self.set_selected(False)

    def set_state(self, state: str, text: str) -> None:
        """A cell without a picture: its placeholder says what is happening."""
        self.state = state
        self.view.placeholder = text
        self.view.set_image(None)
        self.detail.setText("")

    def set_picture(self, rgb: np.ndarray, detail: str | None = None) -> None:
        self.state = "done"
        self.view.set_image(rgb)
        if detail is not None:
            self.detail.setText(detail)

    def set_detail(self, text: str) -> None:
        self.detail.setText(text)

    def set_selected(self, selected: bool) -> None:
        colour = SELECTED if selected else BORDER
        width = 2 if selected else 1
        self.setStyleSheet(f"ExplanationCell {{ border: {width}px solid {colour}; border-radius: 4px; }}")

    def mousePressEvent(self, event):  # noqa: N802 - Qt's name
        self.clicked.emit(self.method)
        super().mousePressEvent(event)


class ExplanationGrid(QWidget):
    """Cells laid out in rows; ``prepare(methods)`` replaces them, ``cell(method)`` finds one."""

    selected = Signal(str)

    def __init__(self, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.cells: dict[str, ExplanationCell] = {}
        self.current = ""
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._empty = QLabel(placeholder)
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.mark_hint(self._empty, italic=True)
        self._layout.addWidget(self._empty, 0, 0)

    @staticmethod
    def columns_for(count: int) -> int:
        """Three across up to nine cells (3 x 3), then four."""
        return max(1, min(count, 3 if count <= 9 else 4))

    def prepare(self, methods: list[tuple[str, str]]) -> None:
        """New empty cells for ``[(method, title), ...]``, in that order."""
        for cell in self.cells.values():
            self._layout.removeWidget(cell)
            cell.deleteLater()
        self.cells = {}
        self.current = ""
        self._empty.setVisible(not methods)
        columns = self.columns_for(len(methods))
        for index, (method, title) in enumerate(methods):
            cell = ExplanationCell(method, title)
            cell.clicked.connect(self.select)
            row, column = divmod(index, columns)
            self._layout.addWidget(cell, row, column)
            self.cells[method] = cell
        for column in range(4):
            self._layout.setColumnStretch(column, 1 if column < columns else 0)

    def cell(self, method: str) -> ExplanationCell:
        return self.cells[method]

    def select(self, method: str) -> None:
        if method not in self.cells:
            return
        self.current = method
        for name, cell in self.cells.items():
            cell.set_selected(name == method)
        self.selected.emit(method)
