"""How the Text tab shows what a text model answered: generated text, word lists, tags, spans."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QTextBrowser

from ui.widgets.per_class_table import NumberItem

#: A colour per IOB entity type (B- and I- share it).
TAG_COLOURS = {"PER": "#1f77b4", "LOC": "#2ca02c"}


def monospace() -> QFont:
    font = QFont("Monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    return font


class GeneratedText(QTextBrowser):
    """The prompt as typed (grey), then the model's continuation (black, bold)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFont(monospace())
        self.setPlaceholderText(self.tr("The continuation appears here."))
        self.plain = ""

    def show_result(self, result: dict) -> None:
        self.plain = result["text"]
        prompt = html.escape(result.get("prompt_used", "")).replace("\n", "<br>")
        generated = html.escape(result.get("generated", "")).replace("\n", "<br>")
        self.setHtml(f"<div style='white-space: pre-wrap'><span style='color:#777'>{prompt}</span>"
                     f"<b>{generated}</b></div>")


class WordTable(QTableWidget):
    """Words with their cosine similarity, highest first."""

    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["#", self.tr("Word"), self.tr("Cosine")])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 36)

    def set_words(self, pairs: list[tuple[str, float]]) -> None:
        self.setRowCount(len(pairs))
        for row, (word, cosine) in enumerate(pairs):
            self.setItem(row, 0, NumberItem(row + 1, str(row + 1)))
            self.setItem(row, 1, QTableWidgetItem(word))
            self.setItem(row, 2, NumberItem(cosine, f"{cosine:.3f}"))

    def words(self) -> list[str]:
        return [self.item(r, 1).text() for r in range(self.rowCount())]


def prediction_html(result: dict) -> str:
    """One ``predict_text`` result as HTML: a label with its probabilities, tagged tokens, a
    highlighted answer span, filled masks, or a decoded string."""
    parts = []
    if "label" in result:
        parts.append(f"<h3>{html.escape(result['label'])}</h3>")
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td align='right'>{v:.3f}</td>"
                       f"<td><div style='background:#4a90d9;width:{int(v * 200)}px'>&nbsp;</div></td></tr>"
                       for k, v in sorted(result["probabilities"].items(), key=lambda kv: -kv[1]))
        parts.append(f"<table cellspacing='4'>{rows}</table>")
    elif "tags" in result:
        spans = []
        for token, tag in zip(result["tokens"], result["tags"]):
            if token in ("[CLS]", "[SEP]"):
                continue
            kind = tag.partition("-")[2]
            if kind:
                colour = TAG_COLOURS.get(kind, "#d62728")
                spans.append(f"<span style='color:white;background:{colour}'>&nbsp;{html.escape(token)}"
                             f"<sub>{html.escape(tag)}</sub>&nbsp;</span>")
            else:
                spans.append(html.escape(token))
        parts.append("<p style='line-height:160%'>" + " ".join(spans) + "</p>")
    elif "answer" in result:
        tokens, start, end = result["tokens"], result["start"], result["end"]
        shown = []
        for i, token in enumerate(tokens):
            text = html.escape(token)
            shown.append(f"<b style='background:#ffe08a'>{text}</b>" if start <= i <= end else text)
        answer = html.escape(result['answer']) or QCoreApplication.translate("GeneratedText", "(none)")
        parts.append("<h3>" + QCoreApplication.translate("GeneratedText", "answer: {0}").format(answer)
                     + f"</h3><p>{' '.join(shown)}</p>")
    elif "masks" in result:
        for mask in result["masks"]:
            guesses = ", ".join(f"{html.escape(t['word'])} ({t['probability']:.2f})" for t in mask["top"])
            parts.append("<p>" + QCoreApplication.translate("GeneratedText", "[MASK] at {0}: {1}").format(
                mask['position'], guesses) + "</p>")
        if not result["masks"]:
            parts.append("<p>" + QCoreApplication.translate("GeneratedText", "Write [MASK] in the text to have it "
                                                            "filled in.") + "</p>")
        if "is_next_probability" in result:
            parts.append("<p>" + QCoreApplication.translate(
                "GeneratedText", "P(second part follows the first) = {0:.3f}").format(result['is_next_probability'])
                + "</p>")
    elif "output" in result:
        parts.append(f"<h3>{html.escape(result['text'])} → {html.escape(result['output'])}</h3>")
    elif "words" in result or "answers" in result:
        for row in result.get("words", []):
            near = ", ".join(f"{html.escape(n['word'])} {n['cosine']:.2f}" for n in row["neighbours"][:6])
            parts.append(f"<p><b>{html.escape(row['word'])}</b>: {near}</p>")
        if "answers" in result:
            parts.append("<p>" + ", ".join(f"{html.escape(a['word'])} {a['cosine']:.2f}"
                                            for a in result["answers"][:6]) + "</p>")
    for note in result.get("notes", []):
        parts.append("<p style='color:#a05000'>" + QCoreApplication.translate("GeneratedText", "note: {0}").format(
            html.escape(note)) + "</p>")
    return "".join(parts)
