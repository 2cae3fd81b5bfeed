"""A ``Text`` view: read-only text in a fixed-width font (generated text keeps its columns);
a formula (``math=True``) is also typeset with matplotlib's mathtext, on a worker thread."""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QPixmap
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ui.widgets.views.common import in_background

#: Resolution of a typeset formula.
FORMULA_DPI = 140


def typeset(formula: str) -> bytes:
    """PNG bytes of ``formula`` typeset by mathtext; ``ValueError`` when it cannot be parsed."""
    from matplotlib import mathtext

    text = formula if "$" in formula else f"${formula}$"
    buffer = io.BytesIO()
    mathtext.math_to_image(text, buffer, dpi=FORMULA_DPI, format="png")
    return buffer.getvalue()


def monospace_font() -> QFont:
    """The system's fixed-width font; where it resolves to a proportional one (Qt's offscreen
    and minimal platforms know no system font), the first fixed-pitch family installed."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if not QFontInfo(font).fixedPitch():
        family = next((f for f in QFontDatabase.families() if QFontDatabase.isFixedPitch(f)), None)
        if family:
            font.setFamily(family)
    return font


class TextView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = None
        self.formula = QLabel()
        self.formula.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.formula.setVisible(False)
        self.edit = QPlainTextEdit()
        self.edit.setReadOnly(True)
        self.edit.setFont(monospace_font())
        self.edit.setMinimumSize(200, 80)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.formula)
        layout.addWidget(self.edit, 1)

    def set_value(self, value) -> None:
        self.value = value
        if self.edit.toPlainText() != value.text:
            self.edit.setPlainText(value.text)
        if not value.math:
            self.formula.setVisible(False)
            return

        def done(png: bytes) -> None:
            if self.value is value:
                pixmap = QPixmap()
                pixmap.loadFromData(png, "PNG")
                self.formula.setPixmap(pixmap)
                self.formula.setVisible(True)

        in_background(self, lambda: typeset(value.text), done, key=f"formula-{id(self)}")

    def show_problem(self, message: str) -> None:
        self.formula.setVisible(False)  # mathtext could not parse it: the plain text stays

    def text(self) -> str:
        return self.edit.toPlainText()
