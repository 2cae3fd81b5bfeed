"""A form generated from ``HParam`` specs: the catalog declares, the form follows.

int/float -> a spin box whose arrows stay inside the declared range (and step by a
constant factor where ``log=True``, as learning rates are tuned); a typed value
outside the range is kept but flagged in red with ``HParam.parse``'s own sentence,
so the user sees why the run would be refused. choices -> a combo box, bool -> a
check box, str -> a line edit.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QLineEdit, QWidget)

from ui.i18n import current_language
from workbench.catalog.i18n import hparam_help
from workbench.errors import WorkbenchError

#: Arrow steps per decade on a log-scale spin box.
LOG_STEPS_PER_DECADE = 4
INVALID_STYLE = "background: #ffe4e1; border: 1px solid #d03030;"


class HParamSpin(QDoubleSpinBox):
    """A number box for one ``HParam``: any number may be typed, the arrows respect the range."""

    def __init__(self, spec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.setDecimals(12)  # the shown text comes from textFromValue, not from decimals
        self.setRange(-1e15, 1e15)  # the spec's range is checked by parse(), not clamped
        self.setKeyboardTracking(True)
        self.setAccelerated(True)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        if self.spec.type is int:
            return str(int(round(value)))
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            float(text)
            return QValidator.State.Acceptable, text, pos
        except ValueError:
            return QValidator.State.Intermediate, text, pos  # "1e-", "-", "": still typing

    def stepBy(self, steps: int) -> None:  # noqa: N802
        value = self.value()
        if self.spec.log and value > 0:
            value *= 10.0 ** (steps / LOG_STEPS_PER_DECADE)
            value = float(f"{value:.3g}")
        elif self.spec.type is int:
            value = round(value) + steps
        else:
            value += steps * self._linear_step()
        low = self.spec.low if self.spec.low is not None else -math.inf
        high = self.spec.high if self.spec.high is not None else math.inf
        self.setValue(min(max(value, low), high))

    def _linear_step(self) -> float:
        if self.spec.low is not None and self.spec.high is not None:
            span = self.spec.high - self.spec.low
            if span <= 1.0:
                return span / 20.0
        return 0.1

    def raw(self) -> str:
        """The text as typed (so an out-of-range value reaches ``parse`` unchanged)."""
        return self.cleanText().strip()


class HParamForm(QWidget):
    """Editors for a list of ``HParam``s; ``values()`` returns what parses, ``errors()`` what does not."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.specs: dict = {}
        self.editors: dict[str, QWidget] = {}
        self.sections: list[QLabel] = []

    def set_specs(self, sections: list[tuple[str, tuple]]) -> None:
        """``[(heading, (HParam, ...)), ...]`` -> rebuild the form."""
        while self.layout_.rowCount():
            self.layout_.removeRow(0)
        self.specs, self.editors, self.sections = {}, {}, []
        for heading, specs in sections:
            if not specs:
                continue
            title = QLabel(f"<b>{heading}</b>")
            self.sections.append(title)
            self.layout_.addRow(title)
            for spec in specs:
                editor = self._editor(spec)
                editor.setToolTip(self._tooltip(spec))
                label = QLabel(spec.name.replace("_", " "))
                label.setToolTip(editor.toolTip())
                self.layout_.addRow(label, editor)
                self.specs[spec.name] = spec
                self.editors[spec.name] = editor
        self._check_all()

    def _editor(self, spec) -> QWidget:
        if spec.choices is not None:
            editor = QComboBox()
            editor.addItems([str(c) for c in spec.choices])
            editor.setCurrentText(str(spec.default))
            editor.currentTextChanged.connect(lambda _t, n=spec.name: self._edited(n))
        elif spec.type is bool:
            editor = QCheckBox()
            editor.setChecked(bool(spec.default))
            editor.toggled.connect(lambda _v, n=spec.name: self._edited(n))
        elif spec.type in (int, float):
            editor = HParamSpin(spec)
            editor.setValue(float(spec.default))
            editor.lineEdit().textEdited.connect(lambda _t, n=spec.name: self._edited(n))
            editor.valueChanged.connect(lambda _v, n=spec.name: self._edited(n))
        else:
            editor = QLineEdit(str(spec.default))
            editor.textChanged.connect(lambda _t, n=spec.name: self._edited(n))
        return editor

    @staticmethod
    def _tooltip(spec) -> str:
        # the help text is the core catalog's: its Japanese comes from workbench.catalog.i18n, not Qt
        parts = [hparam_help(spec, current_language(QCoreApplication.instance()))] if spec.help else []
        if spec.low is not None or spec.high is not None:
            low = "-∞" if spec.low is None else f"{spec.low:g}"
            high = "∞" if spec.high is None else f"{spec.high:g}"
            if spec.log:
                parts.append(QCoreApplication.translate("HParamForm", "range {0} … {1} (log scale)").format(low, high))
            else:
                parts.append(QCoreApplication.translate("HParamForm", "range {0} … {1}").format(low, high))
        parts.append(QCoreApplication.translate("HParamForm", "default {0}").format(spec.default))
        return "\n".join(parts)

    def raw_value(self, name: str):
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            return editor.currentText()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, HParamSpin):
            return editor.raw()
        return editor.text()

    def set_value(self, name: str, value) -> None:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(value))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, HParamSpin):
            editor.lineEdit().setText(str(value))
            self._edited(name)
        else:
            editor.setText(str(value))

    def raw_values(self) -> dict:
        """Every field as typed (numbers as text): what ``Entry.resolve`` parses at run start."""
        return {name: self.raw_value(name) for name in self.editors}

    def errors(self) -> dict[str, str]:
        problems = {}
        for name, spec in self.specs.items():
            try:
                spec.parse(self.raw_value(name))
            except WorkbenchError as error:
                problems[name] = str(error)
        return problems

    def values(self) -> dict:
        """Parsed values; raises the first field's ``WorkbenchError`` when one is invalid."""
        result = {}
        for name, spec in self.specs.items():
            result[name] = spec.parse(self.raw_value(name))
        return result

    def _edited(self, name: str) -> None:
        self._check(name)
        self.changed.emit()

    def _check(self, name: str) -> None:
        editor, spec = self.editors[name], self.specs.get(name)
        if spec is None:
            return
        try:
            spec.parse(self.raw_value(name))
            editor.setStyleSheet("")
            editor.setToolTip(self._tooltip(spec))
        except WorkbenchError as error:
            editor.setStyleSheet(INVALID_STYLE)
            editor.setToolTip(str(error))

    def _check_all(self) -> None:
        for name in self.editors:
            self._check(name)
