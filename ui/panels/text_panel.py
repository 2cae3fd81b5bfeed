"""The Text tab: talk to a trained text model.

Pick a run of a text entry (the list is every finished run under the runs folder whose entry
reads or writes text, found by the entries' hooks, or a run folder opened by hand). Then,
by what the entry can do:

- a generator (GPT): a prompt continued with a temperature, top-k, length and seed;
- word2vec: a word's nearest neighbours by cosine, and an analogy a : b :: c : ?;
- anything with ``predict_text`` (BERT's heads, seq2seq, the Transformer): a sentence
  classified, tagged, answered or decoded, with the attention matrix where one comes back.

Every model call runs on the TensorFlow lane (``Panel.background``); the GUI thread only
draws what comes back.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.panels.base import Panel, hint_label
from ui.widgets.text.results import GeneratedText, WordTable, prediction_html
from ui.widgets.views.heatgrid import HeatGridView

PAGES = ("generate", "word2vec", "predict")


def list_text_runs(roots: list[str]) -> list[tuple[str, str, str]]:
    from workbench.models.sequence.text_generation import text_runs

    return text_runs(roots)


def run_generate(run_dir: str, prompt: str, length: int, temperature: float, top_k: int, seed: int) -> dict:
    from workbench.models.sequence.text_generation import run_hook

    _, generate = run_hook(run_dir, "generate_text", "generate text")
    return generate(run_dir, prompt, length, temperature, top_k, seed)


def run_neighbours(run_dir: str, word: str, k: int = 15) -> list[tuple[str, float]]:
    from workbench.models.sequence.word2vec import load_word_vectors

    return load_word_vectors(run_dir).neighbours(word, k)


def run_analogy(run_dir: str, a: str, b: str, c: str, k: int = 10) -> list[tuple[str, float]]:
    from workbench.errors import WorkbenchError
    from workbench.models.sequence.word2vec import load_word_vectors

    if not (a.strip() and b.strip() and c.strip()):
        raise WorkbenchError(QCoreApplication.translate(
            "TextPanel", "an analogy needs three words: a is to b as c is to ?"))
    return load_word_vectors(run_dir).analogy(a, b, c, k)


def run_predict(run_dir: str, text: str) -> dict:
    from workbench.errors import WorkbenchError
    from workbench.models.sequence.text_generation import run_hook

    if not text.strip():
        raise WorkbenchError(QCoreApplication.translate("TextPanel", "type a text first"))
    _, predict = run_hook(run_dir, "predict_text", "read text")
    return predict(run_dir, [text])[0]


class TextPanel(Panel):
    title = QT_TRANSLATE_NOOP("Panel", "Text")
    order = 46
    help = QT_TRANSLATE_NOOP("Panel", "Generate with GPT, look up word2vec neighbours and analogies, "
                                      "classify / tag / answer with BERT")

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.runs: list[tuple[str, str, str]] = []
        self._build()
        session.model_changed.connect(lambda _m: self.refresh(select=session.run_dir))
        self.refresh()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.run_box = QComboBox()
        self.run_box.setMinimumWidth(420)
        self.run_box.currentIndexChanged.connect(self._run_chosen)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(lambda: self.refresh())
        open_run = QPushButton(self.tr("Open run folder…"))
        open_run.clicked.connect(self._open_run_dialog)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Run:")))
        top.addWidget(self.run_box, 1)
        top.addWidget(refresh)
        top.addWidget(open_run)
        self.state = hint_label("")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._generate_page())
        self.pages.addWidget(self._word2vec_page())
        self.pages.addWidget(self._predict_page())
        self.notes = hint_label("")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.notes)

    def _generate_page(self) -> QWidget:
        page = QWidget()
        self.prompt = QPlainTextEdit("And God said")
        self.prompt.setMaximumHeight(70)
        self.length = QSpinBox()
        self.length.setRange(1, 5000)
        self.length.setValue(200)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 5.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(0.8)
        self.temperature.setToolTip(self.tr("0 = greedy (always the likeliest token); higher = "
                                            "more varied"))
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 100000)
        self.top_k.setValue(10)
        self.top_k.setToolTip(self.tr("Sample only among the k likeliest tokens (0 = all)"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("The same seed gives the same text"))
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.clicked.connect(self.generate)
        settings = QHBoxLayout()
        for label, widget in (("length", self.length), ("temperature", self.temperature),
                              ("top-k", self.top_k), ("seed", self.seed)):
            settings.addWidget(QLabel(label))
            settings.addWidget(widget)
        settings.addStretch(1)
        settings.addWidget(self.generate_button)
        self.generated = GeneratedText()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Prompt")))
        layout.addWidget(self.prompt)
        layout.addLayout(settings)
        layout.addWidget(self.generated, 1)
        return page

    def _word2vec_page(self) -> QWidget:
        page = QWidget()
        self.word = QLineEdit("god")
        self.word.returnPressed.connect(self.neighbours)
        find = QPushButton(self.tr("Nearest neighbours"))
        find.clicked.connect(self.neighbours)
        self.neighbour_table = WordTable()
        left = QGroupBox(self.tr("Nearest neighbours (cosine)"))
        box = QVBoxLayout(left)
        row = QHBoxLayout()
        row.addWidget(self.word)
        row.addWidget(find)
        box.addLayout(row)
        box.addWidget(self.neighbour_table)
        self.analogy_words = [QLineEdit(w) for w in ("man", "woman", "father")]
        solve = QPushButton(self.tr("Solve"))
        solve.clicked.connect(self.analogy)
        right = QGroupBox(self.tr("Analogy  a : b :: c : ?"))
        form = QFormLayout()
        for label, edit in zip(("a", "b", "c"), self.analogy_words):
            edit.returnPressed.connect(self.analogy)
            form.addRow(label, edit)
        form.addRow("", solve)
        self.analogy_table = WordTable()
        rbox = QVBoxLayout(right)
        rbox.addLayout(form)
        rbox.addWidget(hint_label(self.tr("The words nearest to v_b − v_a + v_c (a, b, c left "
                                          "out).")))
        rbox.addWidget(self.analogy_table)
        layout = QHBoxLayout(page)
        layout.addWidget(left, 1)
        layout.addWidget(right, 1)
        return page

    def _predict_page(self) -> QWidget:
        page = QWidget()
        self.sentence = QLineEdit()
        self.sentence.returnPressed.connect(self.predict)
        self.predict_button = QPushButton(self.tr("Run"))
        self.predict_button.clicked.connect(self.predict)
        self.predict_hint = hint_label("")
        self.prediction = QTextBrowser()
        self.attention = HeatGridView()
        self.attention.setMinimumHeight(220)
        self.attention.hide()
        row = QHBoxLayout()
        row.addWidget(self.sentence, 1)
        row.addWidget(self.predict_button)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.predict_hint)
        layout.addWidget(self.prediction, 1)
        layout.addWidget(self.attention, 2)
        return page

    # -- runs ------------------------------------------------------------------------------------
    def roots(self) -> list[str]:
        from workbench.runs.history import default_runs_root

        return [self.session.runs_root or default_runs_root()]

    def refresh(self, select: str = "") -> None:
        wanted = select or self.current_run()
        roots = self.roots()
        self.background(lambda: list_text_runs(roots), lambda runs: self._show_runs(runs, wanted),
                        key=f"text-runs-{id(self)}", quiet=True)

    def _show_runs(self, runs, wanted: str = "") -> None:
        extra = [r for r in self.runs if r[0] == wanted and r not in runs]  # a folder opened by hand
        self.runs = extra + list(runs)
        self.run_box.blockSignals(True)
        self.run_box.clear()
        for path, model, _mode in self.runs:
            self.run_box.addItem(f"{model} — {os.path.basename(path)}", path)
        index = next((i for i, r in enumerate(self.runs) if r[0] == wanted), 0)
        self.run_box.setCurrentIndex(index if self.runs else -1)
        self.run_box.blockSignals(False)
        self._run_chosen()

    def current_run(self) -> str:
        return self.run_box.currentData() or ""

    def current_mode(self) -> str:
        index = self.run_box.currentIndex()
        return self.runs[index][2] if 0 <= index < len(self.runs) else ""

    def open_run(self, path: str) -> None:
        """Add a run folder chosen by hand (it need not be under the runs folder)."""
        from workbench import catalog
        from workbench.errors import WorkbenchError
        from workbench.models.sequence.text_generation import text_mode
        from workbench.runs.rundir import RunDir

        try:
            model = RunDir(path).read_config()["model"]
            mode = text_mode(catalog.get(model))
        except WorkbenchError as error:
            self.session.fail(str(error))
            return
        if not mode:
            self.session.fail(self.tr("{0} is a {1} run, which neither reads nor writes text")
                                      .format(path, model))
            return
        path = os.path.abspath(path)
        self.runs = [(path, model, mode)] + [r for r in self.runs if r[0] != path]
        self._show_runs(list(self.runs), path)

    def _open_run_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a run folder"))
        if path:
            self.open_run(path)

    def _run_chosen(self, *_args) -> None:
        mode = self.current_mode()
        if not mode:
            self.state.setText(self.tr("No text run yet: train gpt, word2vec, bert, "
                                       "transformer or a seq2seq entry (Train tab, or "
                                       "keras-workbench train gpt --data genesis), then pick "
                                       "it here."))
            self.pages.setEnabled(False)
            return
        self.pages.setEnabled(True)
        self.pages.setCurrentIndex(PAGES.index(mode))
        model = self.runs[self.run_box.currentIndex()][1]
        self.state.setText({"generate": self.tr("{0}: type a prompt and generate."),
                            "word2vec": self.tr("word2vec: type a word for its neighbours, or three for an analogy."),
                            "predict": self.tr("{0}: type a text and run it through the model.")}[mode].format(model))
        if mode == "predict":
            self.predict_hint.setText(_predict_hint(model))
        self.notes.setText("")

    # -- actions ---------------------------------------------------------------------------------
    def generate(self) -> None:
        run, args = self.current_run(), (self.prompt.toPlainText(), self.length.value(),
                                         self.temperature.value(), self.top_k.value(), self.seed.value())
        if not run:
            return
        self.generate_button.setEnabled(False)
        self.background(lambda: run_generate(run, *args), self._show_generated, key=f"text-generate-{id(self)}",
                        busy=self.tr("generating…"), lane=self.TF_LANE)

    def _show_generated(self, result: dict) -> None:
        self.generate_button.setEnabled(True)
        self.generated.show_result(result)
        self._show_notes(result.get("notes", []))
        self.session.report(self.tr("generated {0} token(s)").format(result['tokens']))

    def neighbours(self) -> None:
        run, word = self.current_run(), self.word.text()
        if run:
            self.background(lambda: run_neighbours(run, word), self._show_neighbours,
                            key=f"text-neighbours-{id(self)}", lane=self.TF_LANE)

    def _show_neighbours(self, pairs) -> None:
        self.neighbour_table.set_words(pairs)
        self._show_notes([])

    def analogy(self) -> None:
        run, words = self.current_run(), [w.text() for w in self.analogy_words]
        if run:
            self.background(lambda: run_analogy(run, *words), self._show_analogy, key=f"text-analogy-{id(self)}",
                            lane=self.TF_LANE)

    def _show_analogy(self, pairs) -> None:
        self.analogy_table.set_words(pairs)

    def predict(self) -> None:
        run, text = self.current_run(), self.sentence.text()
        if not run:
            return
        self.predict_button.setEnabled(False)
        self.background(lambda: run_predict(run, text), self._show_prediction, key=f"text-predict-{id(self)}",
                        busy=self.tr("running…"), lane=self.TF_LANE)

    def _show_prediction(self, result: dict) -> None:
        from workbench.views.types import HeatGrid

        self.predict_button.setEnabled(True)
        self.last_prediction = result
        self.prediction.setHtml(prediction_html(result))
        matrix = result.get("attention")
        if matrix is not None and len(matrix) and len(matrix[0]):
            values = np.asarray(matrix, np.float64)
            rows = list(result.get("output_symbols", []))[:values.shape[0]]
            cols = list(result.get("input_symbols", []))[:values.shape[1]]
            self.attention.set_value(HeatGrid(values, rows if len(rows) == values.shape[0] else [],
                                              cols if len(cols) == values.shape[1] else [],
                                              self.tr("input symbol"), self.tr("output symbol"),
                                              annotate=values.size <= 100))
            self.attention.show()
        else:
            self.attention.hide()
        self._show_notes(result.get("notes", []))

    def _show_notes(self, notes: list[str]) -> None:
        self.notes.setText("\n".join(notes))

    def on_background_failed(self, key, message: str) -> None:
        self.generate_button.setEnabled(True)
        self.predict_button.setEnabled(True)


def _predict_hint(model: str) -> str:
    if model == "bert":
        return QCoreApplication.translate(
            "TextPanel", "BERT: classify → the verse's topic; tag → IOB tags of names and places; "
            "qa → “QUESTION ||| CONTEXT” (who / where); pretrain → write [MASK] to fill it, "
            "“A ||| B” for P(B follows A).")
    return QCoreApplication.translate(
        "TextPanel", "Type a string of digits (1234, or 12+34 for an adder): the decoded output and its attention.")
