"""The Train tab's Steer box: change the learning rate, freeze or unfreeze layer blocks and
switch early stopping while a run trains (``workbench.training.steering``).

Each button sends one change (``requested``); the run applies it before its next batch
and reports it back, and the curves mark it. The box is enabled only while a run that
accepts changes is under way (its ``Steerable`` event fills the block list).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ui import theme

IDLE_HINT = QT_TRANSLATE_NOOP("SteerBox", "Available while a run trains: each change applies before the next batch.")


class SteerBox(QGroupBox):
    requested = Signal(dict)  # one change, as training.schedule describes it

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Steer the run"))
        self.rate = QDoubleSpinBox()
        self.rate.setDecimals(6)
        self.rate.setRange(1e-6, 10.0)
        self.rate.setSingleStep(1e-4)
        self.rate.setValue(1e-3)
        self.rate.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.rate.setToolTip(self.tr("The optimizer's learning rate from the next batch on"))
        self.rate_button = QPushButton(self.tr("Apply"))
        self.rate_button.clicked.connect(lambda: self.requested.emit({"learning_rate": self.rate.value()}))
        self.block = QComboBox()
        self.block.setToolTip(self.tr("A layer block: every layer whose name is the block or starts with it and _"))
        self.freeze_button = QPushButton(self.tr("Freeze"))
        self.freeze_button.setToolTip(self.tr("Stop training this block's weights (they stay exactly as they are)"))
        self.freeze_button.clicked.connect(lambda: self._layers("freeze"))
        self.unfreeze_button = QPushButton(self.tr("Unfreeze"))
        self.unfreeze_button.setToolTip(self.tr("Train this block's weights again"))
        self.unfreeze_button.clicked.connect(lambda: self._layers("unfreeze"))
        self.early = QCheckBox(self.tr("Early stopping"))
        self.early.setToolTip(self.tr("Stop when the validation loss has not improved for 'patience' epochs"))
        self.patience = QSpinBox()
        self.patience.setRange(1, 1000)
        self.patience.setValue(3)
        self.patience.setPrefix(self.tr("patience "))
        self.early_button = QPushButton(self.tr("Apply"))
        self.early_button.clicked.connect(self._early)
        self.hint = QLabel(QCoreApplication.translate("SteerBox", IDLE_HINT))
        self.hint.setWordWrap(True)
        theme.mark_hint(self.hint)

        grid = QGridLayout(self)
        grid.addWidget(QLabel(self.tr("Learning rate")), 0, 0)
        grid.addWidget(self.rate, 0, 1, 1, 2)
        grid.addWidget(self.rate_button, 0, 3)
        grid.addWidget(QLabel(self.tr("Layers")), 1, 0)
        grid.addWidget(self.block, 1, 1, 1, 3)
        grid.addWidget(self.freeze_button, 2, 1, 1, 2)
        grid.addWidget(self.unfreeze_button, 2, 3)
        grid.addWidget(self.early, 3, 0, 1, 2)
        grid.addWidget(self.patience, 3, 2)
        grid.addWidget(self.early_button, 3, 3)
        grid.addWidget(self.hint, 4, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        self.set_running(False)

    def _layers(self, key: str) -> None:
        block = self.block.currentText()
        if block:
            self.requested.emit({key: [block]})

    def _early(self) -> None:
        if self.early.isChecked():
            self.requested.emit({"early_stopping": True, "patience": self.patience.value()})
        else:
            self.requested.emit({"early_stopping": False})

    def set_running(self, running: bool) -> None:
        """A run begins (not yet known to accept changes) or ends: the box waits or rests."""
        for widget in self._controls():
            widget.setEnabled(False)
        self.hint.setText(self.tr("Waiting for the run to start…") if running
                          else QCoreApplication.translate("SteerBox", IDLE_HINT))

    def offer(self, event) -> None:
        """The run accepts changes (``events.Steerable``): its blocks and current settings."""
        self.block.clear()
        self.block.addItems(list(event.blocks))
        if event.learning_rate > 0:
            self.rate.setValue(event.learning_rate)
        self.early.setChecked(event.early_stopping)
        if event.patience:
            self.patience.setValue(event.patience)
        for widget in self._controls():
            widget.setEnabled(True)
        settable = event.learning_rate > 0
        self.rate.setEnabled(settable)
        self.rate_button.setEnabled(settable)
        for widget in (self.block, self.freeze_button, self.unfreeze_button):
            widget.setEnabled(bool(event.blocks))
        if settable:
            self.hint.setText(self.tr("Each change applies before the next batch and is kept in the run's "
                                      "config.json, so repeating or resuming the run replays it."))
        else:
            self.hint.setText(self.tr("Each change applies before the next batch and is kept in the run's "
                                      "config.json, so repeating or resuming the run replays it. This run's "
                                      "learning rate follows a schedule."))

    def applied(self, event) -> None:
        """A change came back applied: the fields show the run's state."""
        change = event.change
        if "learning_rate" in change:
            self.rate.setValue(change["learning_rate"])
        if "early_stopping" in change:
            self.early.setChecked(change["early_stopping"])
        if "patience" in change:
            self.patience.setValue(change["patience"])

    def _controls(self) -> list:
        return [self.rate, self.rate_button, self.block, self.freeze_button, self.unfreeze_button,
                self.early, self.patience, self.early_button]
