"""The Model tab: the catalog as a tree, the chosen entry's paper, form and layers.

Everything here is generated from the catalog: a new ``register(Entry(...))`` appears
in the tree with its form without touching this file.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QHeaderView, QLabel, QScrollArea, QSplitter,
                               QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ui.panels.base import Panel, hint_label
from ui.widgets.entry_insight import EntryInsight
from ui.widgets.hparam_form import HParamForm
from ui.widgets.reference_badge import ReferenceBadge
from workbench.catalog import i18n


def catalog_language() -> str:
    """The window's language, for the catalog's summaries, titles and family headings (core texts)."""
    from ui.i18n import current_language

    return current_language(QCoreApplication.instance())


#: Milliseconds of quiet after the last edit before the layer table is rebuilt.
REBUILD_DELAY_MS = 400


def build_summary(entry, raw_hparams: dict, info) -> tuple[list, int]:
    """Build ``entry`` for ``info`` (worker thread) and summarise its layers (nested models expanded)."""
    from workbench.models.summary import layer_tree

    hp = entry.resolve(raw_hparams)
    model = entry.build(hp, info)
    return layer_tree(model), int(model.count_params())


def add_rows(parent, rows) -> None:
    """``rows`` (``LayerRow``s) as items under ``parent``; a nested model's layers under it, collapsed."""
    for row in rows:
        item = QTreeWidgetItem(parent, [row.name, row.kind, row.output_shape, f"{row.params:,}"])
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if row.children:
            item.setToolTip(0, QCoreApplication.translate(
                "ModelPanel", "{0}: a nested model of {1} layers (expand to see them)").format(
                    row.name, len(row.children)))
            add_rows(item, row.children)


class ModelPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Model")
    order = 20
    help = QT_TRANSLATE_NOOP("Panel", "Choose an architecture and its hyperparameters")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        from workbench import catalog

        self.entries = {e.name: e for e in catalog.all_entries()}
        self.families = catalog.by_family()
        self._build()
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self.refresh_layers)
        self.session.dataset_changed.connect(lambda _d: self._data_or_model_changed())
        for signal in (self.session.entry_changed, self.session.hparams_changed, self.session.dataset_changed):
            signal.connect(lambda _value: self._show_insight())

    def _build(self) -> None:
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Catalog")])
        language = catalog_language()
        for family, entries in self.families.items():
            parent = QTreeWidgetItem(self.tree, [i18n.family_title(family, language)])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for entry in entries:
                item = QTreeWidgetItem(parent, [i18n.localized_title(entry, language)])
                item.setData(0, Qt.ItemDataRole.UserRole, entry.name)
                item.setToolTip(0, self.tr("{0} · {1} · data: {2}").format(
                    entry.name, entry.task, ", ".join(entry.data_kinds)))
            parent.setExpanded(True)
        self.tree.currentItemChanged.connect(self._tree_changed)
        self.tree.setMinimumWidth(230)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b03000;")
        # the entry's outside reference and its check on this machine (hidden when it has none)
        self.reference = ReferenceBadge(lambda: [self.session.runs_root] if self.session.runs_root else [])
        self.form = HParamForm()
        self.form.changed.connect(self._form_changed)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(300)
        form_box = QGroupBox(self.tr("Hyperparameters"))
        QVBoxLayout(form_box).addWidget(scroll)

        self.layers = QTreeWidget()  # nested models (backbones, heads) expand into their layers
        self.layers.setColumnCount(4)
        self.layers.setHeaderLabels([self.tr("Layer"), self.tr("Type"), self.tr("Output shape"), self.tr("Params")])
        self.layers.setUniformRowHeights(True)
        header = self.layers.header()
        for column in range(1, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.layers_state = hint_label(self.tr("The layer table appears once TensorFlow has loaded."))
        layers_box = QGroupBox(self.tr("Layers (built for the loaded data)"))
        inner = QVBoxLayout(layers_box)
        inner.addWidget(self.layers_state)
        inner.addWidget(self.layers, 1)

        # What is characteristic of the architecture: MobileNet's multiply-add saving,
        # EfficientNet's d, w, r for phi, and every entry's parameter count.
        self.insight = EntryInsight()
        details = QTabWidget()
        details.addTab(layers_box, self.tr("Layers"))
        details.addTab(self.insight, self.tr("Insight"))
        from ui.widgets.throughput_view import ThroughputView

        self.throughput = ThroughputView(self)  # samples/s on the CPU and each GPU, side by side
        details.addTab(self.throughput, self.tr("Throughput"))
        self.details = details

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(form_box)
        bottom.addWidget(details)
        bottom.setSizes([380, 520])
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        from ui.widgets.presets import PresetsBox

        self.presets = PresetsBox(self.session, self.choose, self.form)  # the notes' exercises
        column.addWidget(self.presets)
        column.addWidget(self.heading)
        column.addWidget(self.summary)
        column.addWidget(self.warning)
        column.addWidget(self.reference)
        column.addWidget(bottom, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(right)
        split.setSizes([250, 900])
        layout = QHBoxLayout(self)
        layout.addWidget(split)

    def _show_insight(self) -> None:
        if self.session.entry is not None:
            info = self.session.dataset.info if self.session.dataset is not None else None
            self.insight.show_entry(self.session.entry, self.session.hparams, info)

    # -- choosing ---------------------------------------------------------------------
    def choose(self, name: str) -> None:
        """Select a catalog entry by name (menus, tests, start-up default)."""
        if name not in self.entries:
            self.session.fail(self.tr("Unknown model {0!r}: it is not in the catalog.").format(name))
            return
        for index in range(self.tree.topLevelItemCount()):
            family = self.tree.topLevelItem(index)
            for child in range(family.childCount()):
                item = family.child(child)
                if item.data(0, Qt.ItemDataRole.UserRole) == name:
                    self.tree.setCurrentItem(item)
                    return

    def _tree_changed(self, item, _previous) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if name is None:
            return
        from workbench.catalog import TRAINING_HPARAMS

        entry = self.entries[name]
        language = catalog_language()  # the catalog's own texts in the window's language
        title = i18n.localized_title(entry, language)
        self.heading.setText(f"<h2 style='margin:0'>{title}</h2><span style='color:#606060'>"
                             f"{entry.name} · {i18n.family_title(entry.family, language)} · {entry.task}</span>")
        self.summary.setText(self.tr("{0}<br><i>Paper:</i> {1}").format(
            i18n.localized_summary(entry, language), entry.paper))
        self.reference.show_entry(entry)
        own = {h.name for h in entry.hparams}
        self.form.set_specs([(title, entry.hparams),
                             (self.tr("Training (shared by every model)"),
                              tuple(h for h in TRAINING_HPARAMS if h.name not in own))])
        self.session.set_entry(entry)
        self.session.set_hparams(self.form.raw_values())
        self._data_or_model_changed()

    def _form_changed(self) -> None:
        self.session.set_hparams(self.form.raw_values())
        self._rebuild_timer.start()

    def _mark_compatible(self, info) -> None:
        """Grey out the entries that cannot train on the loaded data."""
        grey = self.palette().placeholderText()
        for index in range(self.tree.topLevelItemCount()):
            family = self.tree.topLevelItem(index)
            for child in range(family.childCount()):
                item = family.child(child)
                entry = self.entries[item.data(0, Qt.ItemDataRole.UserRole)]
                fits, why = entry.accepts(info)
                item.setForeground(0, self.palette().text() if fits else grey)
                tip = self.tr("{0} · {1} · data: {2}").format(entry.name, entry.task, ", ".join(entry.data_kinds))
                if not fits:
                    tip = self.tr("{0} ({1}: load other data to train it)").format(tip, why)
                item.setToolTip(0, tip)

    def _data_or_model_changed(self) -> None:
        entry, dataset = self.session.entry, self.session.dataset
        if dataset is not None:
            self._mark_compatible(dataset.info)
        fits, why = entry.accepts(dataset.info) if entry is not None and dataset is not None else (True, "")
        self.warning.setText("" if fits else self.tr("{0}: choose another model or data set before training.")
                             .format(why))
        self.warning.setVisible(bool(self.warning.text()))
        self._rebuild_timer.start()

    def on_tf_ready(self) -> None:
        self.refresh_layers()

    # -- the layer table (built on a worker thread) -------------------------------------
    def refresh_layers(self) -> None:
        entry, dataset = self.session.entry, self.session.dataset
        if not self.session.tf_loaded or entry is None:
            return
        if dataset is None:
            self.layers_state.setText(self.tr("Load a data set (Data tab) to see the layers built for it."))
            self.layers_state.show()
            return
        if self.warning.text():
            self.layers.clear()
            self.layers_state.setText(self.tr("No layers: this model does not take the loaded kind of data."))
            self.layers_state.show()
            return
        problems = self.form.errors()
        if problems:
            self.layers_state.setText(self.tr("Fix the field marked in red: {0}").format(next(iter(problems.values()))))
            self.layers_state.show()
            return
        raw, info = self.form.raw_values(), dataset.info
        self.layers.clear()  # the previous model's layers must not stand under the new heading
        self.layers_state.setText(self.tr("Building {0} for {1}…").format(entry.title, info.name))
        self.layers_state.show()
        self.background(lambda: build_summary(entry, raw, info), self._show_layers, key="layers",
                        quiet=True, lane=self.TF_LANE)

    def _show_layers(self, summary) -> None:
        rows, total = summary
        self.layers.clear()
        add_rows(self.layers, rows)
        nested = sum(row.count() for row in rows) - len(rows)
        if nested:
            text = self.tr("{0} layers ({1} more inside nested models) · {2:,} parameters")
        else:
            text = self.tr("{0} layers · {2:,} parameters")
        self.layers_state.setText(text.format(len(rows), nested, total))

    def on_background_failed(self, key, message) -> None:
        if key == "throughput":
            self.throughput.failed()
        if key == "layers":
            self.layers_state.setText(self.tr("Cannot build this model: {0}").format(message))
