"""One chosen sample: its picture, what it is, and what can be done with it
(open it in Explain, mark it "mislabelled" or "drop")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.widgets.image_view import ImageView


class SampleCard(QWidget):
    explain_clicked = Signal()
    mark_clicked = Signal(str)  # "mislabelled" or "drop"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = ImageView(self.tr("Choose a sample."))
        self.preview.setMinimumSize(120, 120)
        self.preview.setMaximumWidth(220)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.explain_button = QPushButton(self.tr("Open in Explain"))
        self.explain_button.clicked.connect(self.explain_clicked)
        self.mislabelled_button = QPushButton(self.tr("Mark mislabelled"))
        self.mislabelled_button.clicked.connect(lambda: self.mark_clicked.emit("mislabelled"))
        self.drop_button = QPushButton(self.tr("Mark drop"))
        self.drop_button.clicked.connect(lambda: self.mark_clicked.emit("drop"))
        column = QVBoxLayout()
        column.addWidget(self.label)
        for button in (self.explain_button, self.mislabelled_button, self.drop_button):
            column.addWidget(button)
        column.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview)
        row.addLayout(column, 1)

    def set_enabled(self, chosen: bool, can_mark: bool) -> None:
        self.explain_button.setEnabled(chosen)
        self.mislabelled_button.setEnabled(chosen and can_mark)
        self.drop_button.setEnabled(chosen and can_mark)
