"""The Model tab's "Throughput" page: training samples per second of the chosen model, with
its hyperparameters and the loaded data, on each device of this machine side by side
(``workbench.training.throughput``), measured in the background on "Measure"."""

from __future__ import annotations

from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)


class ThroughputView(QWidget):
    def __init__(self, panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.panel, self.result = panel, None
        self.steps = QSpinBox()
        self.steps.setRange(5, 5000)
        self.steps.setValue(50)
        self.steps.setToolTip(self.tr("Timed training steps per device, after 5 warm-up steps"))
        self.batch = QSpinBox()
        self.batch.setRange(1, 4096)
        self.batch.setValue(32)
        self.measure_button = QPushButton(self.tr("Measure"))
        self.measure_button.setToolTip(self.tr("Train the chosen model on every device for a few steps and "
                                               "time it (the same weights, data and batch size on each)"))
        self.measure_button.clicked.connect(self.measure)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Steps")))
        row.addWidget(self.steps)
        row.addWidget(QLabel(self.tr("Batch")))
        row.addWidget(self.batch)
        row.addStretch(1)
        row.addWidget(self.measure_button)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Device"), self.tr("Samples/s"), self.tr("Seconds")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.state = QLabel(self.tr("Training speed of the chosen model on each device (CPU, each GPU), side by side."))
        self.state.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)

    def measure(self) -> None:
        from workbench.training.throughput import measure_throughput

        session = self.panel.session
        if session.entry is None:
            self.state.setText(self.tr("Choose a model in the catalog first."))
            return
        name, hparams = session.entry.name, dict(session.hparams)
        data = session.data_source or session.entry.default_data or "digits"
        options = dict(getattr(session, "data_options", {}) or {}) if session.data_source else {}
        steps, batch = self.steps.value(), self.batch.value()
        self.measure_button.setEnabled(False)
        self.state.setText(self.tr("Measuring {0} on {1}: 5 warm-up steps, then {2} timed, on each device…").format(
            name, data, steps))
        self.panel.background(lambda: measure_throughput(name, data, hparams, steps, batch, options),
                              self.show_result, key="throughput", lane=self.panel.TF_LANE)

    def show_result(self, result) -> None:
        self.result = result
        self.measure_button.setEnabled(True)
        self.table.setRowCount(len(result.rows))
        for r, row in enumerate(result.rows):
            for c, text in enumerate([row["name"], f"{row['samples_per_s']:.1f}", f"{row['seconds']:.3f}"]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.state.setText(self.tr("{0} on {1}, batch {2}, {3} timed steps. {4}").format(
            result.model, result.data, result.batch_size, result.steps, result.sentence()))

    def failed(self) -> None:
        """The panel's background failure hook calls this: the button comes back."""
        self.measure_button.setEnabled(True)
