"""The Presets combo of the Model tab: the study notes' exercises (``workbench.catalog.presets``)
in one click. Choosing one loads its data set, selects its model, fills the form with its
settings and, where the exercise is a comparison, asks the Runs tab to run it as a search
(one run per trial, every run from the same seed) and shows that tab.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ui.bridge import run_in_background


class PresetRequests(QObject):
    """Where a preset comparison is asked for: the Runs tab's search box listens (same session only)."""

    comparison = Signal(object, object)  # (session, Preset)


_requests: PresetRequests | None = None


def requests() -> PresetRequests:
    global _requests
    if _requests is None:
        _requests = PresetRequests()
    return _requests


class PresetsBox(QWidget):
    """A combo of the presets; ``choose_entry(name)`` and ``form`` come from the Model tab."""

    applied = Signal(str)  # the preset's name, once model, data and form are set

    def __init__(self, session, choose_entry, form, parent: QWidget | None = None):
        super().__init__(parent)
        from workbench.catalog.presets import all_presets

        self.session, self.choose_entry, self.form = session, choose_entry, form
        self.presets = {p.name: p for p in all_presets()}
        self.combo = QComboBox()
        self.combo.addItem(self.tr("Presets: the notes' exercises…"), "")
        for preset in self.presets.values():
            self.combo.addItem(preset.title, preset.name)
            self.combo.setItemData(self.combo.count() - 1, f"{preset.shows}\n({preset.source})",
                                   Qt.ItemDataRole.ToolTipRole)
        self.combo.setToolTip(self.tr("Fill the model, the data and the form as an exercise of "
                                      "the notes; a comparison then runs in the Runs tab"))
        self.combo.activated.connect(lambda index: self.apply(self.combo.itemData(index)))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Exercise")))
        row.addWidget(self.combo, 1)

    def apply(self, name: str) -> None:
        """Load the preset's data (in the background) unless loaded, then set model and form."""
        if not name:
            return
        from workbench.catalog.presets import check
        from workbench.errors import WorkbenchError

        preset = self.presets[name]
        try:
            check(preset)
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        session = self.session
        if session.dataset is not None and session.data_source == preset.data:
            self._set_model(preset)
            return
        from workbench import data

        val = session.val_split
        session.report(self.tr("Loading {0} for the preset {1}…").format(preset.data, preset.title))
        run_in_background(lambda: data.load(preset.data, {}, seed=0, val_fraction=val),
                          lambda dataset: self._loaded(preset, dataset, val), self.session.fail,
                          key=f"preset-data-{id(self)}", owner=self)

    def _loaded(self, preset, dataset, val: float) -> None:
        self.session.set_dataset(dataset, preset.data, {}, val)
        self._set_model(preset)

    def _set_model(self, preset) -> None:
        self.choose_entry(preset.entry)
        settings = dict(preset.hparams)
        if not preset.is_comparison and preset.trials:
            settings.update(preset.trials[0])
        for key, value in settings.items():
            if key in self.form.editors:
                self.form.set_value(key, value)
        self.session.set_hparams(self.form.raw_values())
        self.session.report(self.tr("Preset {0}: {1}").format(preset.title, preset.shows))
        if preset.is_comparison:
            self.session.panel_requested.emit("RunsPanel")
            requests().comparison.emit(self.session, preset)
        self.applied.emit(preset.name)
