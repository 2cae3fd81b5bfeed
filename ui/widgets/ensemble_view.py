"""The Runs tab's "Ensemble…": accuracy against ensemble size for the selected classifier
runs (computed in the background), a table of the members, and "Save as model…".

``EnsembleButton`` is the button the Runs tab shows; ``EnsembleDialog`` what it opens.
The work is ``workbench.models.ensemble``'s, run through ``Panel.background``.
"""

from __future__ import annotations

import os
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ui.widgets.views.curves import CurvesView


def classifier_runs(runs) -> list:
    """The runs that can be members: undamaged classifier runs (by their catalog entry)."""
    from workbench import catalog
    from workbench.errors import WorkbenchError

    found = []
    for run in runs:
        try:
            task = catalog.get(run.model).task
        except WorkbenchError:  # an entry this version does not know: not offered
            continue
        if task == "classification" and not run.damaged:
            found.append(run)
    return found


def natural_key(text: str) -> list:
    """Sort key putting run-2 before run-10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


#: The first column's header: the ensemble size k of the plot's x axis (a symbol, not a word).
ENSEMBLE_SIZE = "k"


class EnsembleButton(QPushButton):
    """Enabled when two or more classifier runs are selected in ``panel``'s table."""

    def __init__(self, panel):
        super().__init__()
        self.setText(self.tr("Ensemble…"))
        self.panel = panel
        self.setToolTip(self.tr("Average the selected classifier runs' probabilities: accuracy "
                                "against the number of runs, and the ensemble saved as one "
                                "model (a distillation teacher)"))
        self.setEnabled(False)
        self.clicked.connect(self.open_dialog)
        self.dialog = None

    def follow(self, runs) -> None:
        self.setEnabled(self.panel.session.tf_loaded and len(classifier_runs(runs)) >= 2)

    def open_dialog(self) -> None:
        runs = classifier_runs(self.panel.selected_runs())
        if len(runs) < 2:
            return
        if self.dialog is not None:
            self.dialog.close()
        # "the first k runs" in the order of their names (seed-0, seed-1, ...), not the table's
        paths = sorted((run.path for run in runs), key=natural_key)
        self.dialog = EnsembleDialog(paths, self.panel, self.panel.window())
        self.dialog.show()
        self.dialog.start()


class EnsembleDialog(QDialog):
    """Accuracy of the ensemble of the first k runs (k = 1..N) against the mean of those runs
    alone, on their validation split; "Save as model…" writes the ensemble as one .keras file."""

    def __init__(self, run_paths: list[str], panel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ensemble of {0} runs").format(len(run_paths)))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.run_paths, self.panel, self.result = list(run_paths), panel, None
        self.state = QLabel(self.tr("Scoring the members on their validation split…"))
        self.state.setWordWrap(True)
        self.plot = CurvesView()
        self.plot.setMinimumHeight(260)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([ENSEMBLE_SIZE, self.tr("Ensemble of first k"), self.tr("Mean alone"),
                                              self.tr("Run k alone"), self.tr("Run k")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.save_button = QPushButton(self.tr("Save as model…"))
        self.save_button.setToolTip(self.tr("One .keras model averaging the members (loads in "
                                            "safe mode); a distillation teacher: teacher = "
                                            "that file"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        self.resize(760, 620)

    def start(self) -> None:
        from workbench.models.ensemble import evaluate_ensemble

        paths = self.run_paths
        self.panel.background(lambda: evaluate_ensemble(paths), self.show_result, key=f"ensemble-{id(self)}",
                              lane=self.panel.TF_LANE)

    def show_result(self, result) -> None:
        self.result = result
        self.plot.set_value(result.curves())
        ticks = [(k, str(k)) for k in range(1, len(result.runs) + 1)]  # ensemble sizes are whole
        self.plot.item.getAxis("bottom").setTicks([ticks])
        rows = result.rows()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [str(row["k"]), f"{row['ensemble_accuracy']:.4f}", f"{row['mean_single_accuracy']:.4f}",
                     f"{row['member_accuracy']:.4f}", os.path.basename(row["run"]) or row["run"]]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 4:
                    item.setToolTip(row["run"])
                self.table.setItem(r, c, item)
        gain = result.ensemble_accuracy[-1] - result.mean_single_accuracy[-1]
        summary = self.tr("{0} runs on {1} validation samples: the ensemble's accuracy is {2:.4f}, {3:+.4f} "
                          "against the mean of the runs alone.").format(len(rows), result.samples,
                                                                         result.ensemble_accuracy[-1], gain)
        self.state.setText(" ".join([summary, *result.notes]))
        self.save_button.setEnabled(True)

    def ask_save(self) -> None:
        start = os.path.join(os.path.dirname(self.run_paths[0]), "ensemble.keras")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the ensemble as a model"), start,
                                              self.tr("Keras models ({0})").format("*.keras"))
        if path:
            self.save_to(path if path.lower().endswith(".keras") else path + ".keras")

    def save_to(self, path: str) -> None:
        """Write the ensemble model in the background (the file dialog has asked about replacing)."""
        from workbench.models.ensemble import save_ensemble

        paths = self.run_paths
        self.save_button.setEnabled(False)
        self.panel.background(lambda: save_ensemble(paths, path, force=True), self._saved,
                              key=f"ensemble-save-{id(self)}", lane=self.panel.TF_LANE)

    def _saved(self, path: str) -> None:
        self.save_button.setEnabled(True)
        self.state.setText(self.tr("Saved {0}: use it as a distillation teacher (teacher = {0}).").format(path))
        self.panel.session.report(self.tr("ensemble saved: {0}").format(path))
