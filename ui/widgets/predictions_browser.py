"""Every validation sample's prediction in one table, least confident first.

A ``QAbstractTableModel`` over the evaluation's arrays (not one item per cell) so ten
thousand CIFAR samples cost nothing to show or sort; sorting is one numpy argsort.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

COLUMNS = (QT_TRANSLATE_NOOP("PredictionsModel", "Sample"), QT_TRANSLATE_NOOP("PredictionsModel", "True"),
           QT_TRANSLATE_NOOP("PredictionsModel", "Predicted"), QT_TRANSLATE_NOOP("PredictionsModel", "Confidence"))
WRONG = QColor("#fde2e1")


class PredictionsModel(QAbstractTableModel):
    """Rows of ``(id, true label, predicted label, confidence)``; ``order`` maps row -> sample."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ids: list[str] = []
        self.true_names: list[str] = []
        self.predicted_names: list[str] = []
        self.confidence = np.zeros(0)
        self.correct = np.zeros(0, bool)
        self.order = np.zeros(0, int)

    def set_predictions(self, ids, y_true, predicted, confidence, labels) -> None:
        self.beginResetModel()
        self.ids = [str(i) for i in ids]
        self.true_names = [str(labels[int(t)]) for t in y_true]
        self.predicted_names = [str(labels[int(p)]) for p in predicted]
        self.confidence = np.asarray(confidence, float)
        self.correct = np.asarray(y_true) == np.asarray(predicted)
        self.order = np.argsort(self.confidence, kind="stable")  # least confident first
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return QCoreApplication.translate("PredictionsModel", COLUMNS[section])
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        sample = int(self.order[index.row()])
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.ids[sample], self.true_names[sample], self.predicted_names[sample],
                    f"{self.confidence[sample]:.1%}")[column]
        if role == Qt.ItemDataRole.BackgroundRole and not self.correct[sample]:
            return WRONG
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return sample
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        keys = (np.asarray(self.ids, object), np.asarray(self.true_names, object),
                np.asarray(self.predicted_names, object), self.confidence)[column]
        self.layoutAboutToBeChanged.emit()
        ranked = np.argsort(keys, kind="stable")
        self.order = ranked[::-1] if order == Qt.SortOrder.DescendingOrder else ranked
        self.layoutChanged.emit()

    def sample_at(self, row: int) -> int:
        return int(self.order[row])


class PredictionsBrowser(QTableView):
    """Emits ``chosen(sample)`` on a click and ``opened(sample)`` on a double click."""

    chosen = Signal(int)
    opened = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.predictions = PredictionsModel(self)
        self.setModel(self.predictions)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setToolTip(self.tr("Every validation sample, least confident first (red: wrong); "
                                "double-click to open one in Explain"))
        self.selectionModel().currentRowChanged.connect(self._row_changed)
        self.doubleClicked.connect(lambda index: self.opened.emit(self.predictions.sample_at(index.row())))

    def _row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.chosen.emit(self.predictions.sample_at(current.row()))

    def set_evaluation(self, evaluation) -> None:
        self.predictions.set_predictions(evaluation.ids, evaluation.y_true, evaluation.predicted(),
                                         evaluation.confidence(), evaluation.labels)
        self.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)

    def shown_samples(self) -> list[int]:
        return [int(s) for s in self.predictions.order]
