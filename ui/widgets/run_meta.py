"""The selected run's name, tags and note, edited in place (``RUN_DIR/meta.json``).

The fields are checked as typed would be by ``keras-workbench runs RUN --name/--tag/--note``
(``workbench.runs.meta``); a bad tag is a sentence under the fields, and the file is
written on a worker thread, so the window never waits for the disk.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCompleter, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ui.bridge import run_in_background
from workbench.errors import WorkbenchError
from workbench.runs.meta import RunMeta, split_tags, validate, write_meta

#: Example tags (tags are identifiers: the same in every language).
EXAMPLE_TAGS = "baseline, lr-sweep, fig-3"


class RunMetaEditor(QWidget):
    """Name, tags and note of one run; ``saved(path)`` once its ``meta.json`` is written."""

    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = ""
        self._shown = RunMeta()
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip(self.tr("Shown in the table instead of the folder name"))
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(EXAMPLE_TAGS)
        self.tags_edit.setToolTip(self.tr("Words separated by commas or spaces: letters, "
                                          "digits and - _ . : / + ="))
        self._completer = QCompleter([])
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(self._completer)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText(self.tr("What this run was for, what you noticed"))
        self.note_edit.setTabChangesFocus(True)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setToolTip(self.tr("Write the name, tags and note into the run's "
                                            "meta.json"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(lambda: self._fill(self._shown))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        for edit in (self.name_edit, self.tags_edit):
            edit.textChanged.connect(self._edited)
            edit.returnPressed.connect(self.save)
        self.note_edit.textChanged.connect(self._edited)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Tags"), self.tags_edit)
        form.addRow(self.tr("Note"), self.note_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        column = QVBoxLayout(self)
        column.addLayout(form, 1)
        column.addLayout(buttons)
        self.show_run(None)

    def set_known_tags(self, tags: list[str]) -> None:
        """Tags of the other runs, offered while typing."""
        self._completer.model().setStringList(list(tags))

    def show_run(self, run) -> None:
        """Show ``run``'s name, tags and note (a ``RunRecord``), or nothing (no or several runs)."""
        if run is not None and run.path == self.path and self._dirty():
            return  # a re-read of the folders must not wipe what the user is typing
        self.path = run.path if run is not None and not run.damaged else ""
        self.name_edit.setPlaceholderText(run.name if run is not None else "")
        self._shown = RunMeta(run.meta.name, list(run.meta.tags), run.meta.note) if self.path else RunMeta()
        self._fill(self._shown)
        for widget in (self.name_edit, self.tags_edit, self.note_edit):
            widget.setEnabled(bool(self.path))
        if run is None:
            self._say(self.tr("Select one run to name, tag and annotate it."), hint=True)
        else:
            self._say("" if self.path else self.tr("A damaged run cannot be annotated."), error=not self.path)

    def meta(self) -> RunMeta:
        """What the fields say (not yet checked)."""
        return RunMeta(self.name_edit.text(), split_tags(self.tags_edit.text()), self.note_edit.toPlainText())

    def save(self) -> None:
        if not self.path:
            return
        try:
            meta = validate(self.meta())
        except WorkbenchError as error:
            self._say(str(error), error=True)
            return
        path = self.path
        self.save_button.setEnabled(False)

        def written(result: RunMeta) -> None:
            if path == self.path:
                self._shown = result
                self._fill(result)
                self._say(self.tr("Saved."))
            self.saved.emit(path)

        def failed(message: str) -> None:
            self._say(message, error=True)
            self._edited()

        run_in_background(lambda: write_meta(path, meta), written, failed, key=f"run-meta-{id(self)}", owner=self)

    # -- state ---------------------------------------------------------------------------------
    def _fill(self, meta: RunMeta) -> None:
        for widget in (self.name_edit, self.tags_edit, self.note_edit):
            widget.blockSignals(True)
        self.name_edit.setText(meta.name)
        self.tags_edit.setText(", ".join(meta.tags))
        self.note_edit.setPlainText(meta.note)
        for widget in (self.name_edit, self.tags_edit, self.note_edit):
            widget.blockSignals(False)
        self._edited()

    def _dirty(self) -> bool:
        meta = self.meta()
        return (meta.name.strip(), meta.tags, meta.note.strip()) != (
            self._shown.name, self._shown.tags, self._shown.note)

    def _edited(self) -> None:
        dirty = bool(self.path) and self._dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if dirty:
            self._say("")

    def _say(self, text: str, error: bool = False, hint: bool = False) -> None:
        color = "#b03000" if error else "#606060"
        style = "font-style: italic;" if hint else ""
        self.message.setStyleSheet(f"color: {color}; {style}")
        self.message.setText(text)
