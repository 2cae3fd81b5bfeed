"""Previous / Next and the image number: stepping through the Detect tab's images."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget


class ImageNavigator(QWidget):
    """Emits ``stepped(-1 | +1)`` for Previous / Next (PgUp / PgDown) and ``jumped(position)``
    (0-based) when a number is typed; ``show(position, count)`` sets it without emitting."""

    stepped = Signal(int)
    jumped = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.prev_button.setShortcut("PgUp")
        self.prev_button.clicked.connect(lambda: self.stepped.emit(-1))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.setShortcut("PgDown")
        self.next_button.clicked.connect(lambda: self.stepped.emit(1))
        self.index = QSpinBox()
        self.index.setRange(1, 1)
        self.index.setToolTip(self.tr("Which image (PgUp / PgDown step)"))
        self.index.valueChanged.connect(lambda v: self.jumped.emit(v - 1))
        self.count_label = QLabel("/ 0")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.prev_button, self.index, self.count_label, self.next_button):
            row.addWidget(widget)
        self.set_count(0)

    def set_count(self, count: int) -> None:
        self.index.blockSignals(True)
        self.index.setRange(1, max(1, count))
        self.index.setValue(1)
        self.index.blockSignals(False)
        self.count_label.setText(f"/ {count}")
        for widget in (self.prev_button, self.next_button, self.index):
            widget.setEnabled(count > 1)

    def set_position(self, position: int) -> None:
        self.index.blockSignals(True)
        self.index.setValue(position + 1)
        self.index.blockSignals(False)
