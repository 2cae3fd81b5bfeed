"""The window's Japanese: every marked string translated, the committed .qm current, no bare
literal in Qt's text setters, the window built in the chosen language, the language setting.

``packaging/translations.py`` is loaded from its path (``packaging`` is also the name of a
library on sys.path).
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QDialogButtonBox

from ui import i18n
from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "workbench_ja.ts"
QM = ROOT / "resources" / "i18n" / "workbench_ja.qm"


def load_translations_tool():
    spec = importlib.util.spec_from_file_location("workbench_translations", ROOT / "packaging" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = load_translations_tool()


def committed() -> dict[tuple[str, str], str]:
    """(context, source) → the finished Japanese of the committed .ts."""
    return {(m.context, m.source): m.translation for m in tool.read_ts(TS) if m.finished}


# -- (1) every marked string has a finished Japanese translation ------------------------------------
def test_every_marked_string_of_ui_has_a_finished_japanese_translation(tmp_path):
    fresh = tmp_path / "fresh_ja.ts"
    tool.lupdate(tool.ui_sources(), fresh)
    marked = tool.read_ts(fresh)
    assert len(marked) > 200  # the extraction itself worked (ui/ has hundreds of strings)
    done = committed()
    missing = [f"{tool.where(m, fresh)}: {m.source!r} ({m.context})"
               for m in marked if (m.context, m.source) not in done]
    assert not missing, f"{len(missing)} string(s) without Japanese (make translations):\n" + "\n".join(missing[:40])


def test_translations_keep_their_placeholders():
    """A translation that drops or renames {0} / {n} breaks .format(); one with HTML tags keeps them."""
    import re

    html = re.compile(r"</?(b|i|u|s|br|p|span|ul|ol|li|table|tr|td|th|a|h[1-6]|small|big|code|pre|div|sup|sub|tt"
                      r"|img|font|hr|em|strong|nobr)\b[^>]*>")  # not "<folder>" in a plain-text tooltip
    bad = []
    for (context, source), text in committed().items():
        placeholders = sorted(re.findall(r"\{[^{}]*\}", source))
        if sorted(re.findall(r"\{[^{}]*\}", text)) != placeholders:
            bad.append(f"{context}: {source!r} → {text!r}")
        if sorted(html.findall(source)) != sorted(html.findall(text)):
            bad.append(f"{context}: tags differ in {source!r} → {text!r}")
    assert not bad, "\n".join(bad[:40])


def ts_file(path, messages):
    """A .ts with ``messages``: (context, source, translation or None for unfinished)."""
    contexts = {}
    for context, source, text in messages:
        translation = "<translation type=\"unfinished\"></translation>" if text is None \
            else f"<translation>{text}</translation>"
        contexts.setdefault(context, []).append(f"<message><source>{source}</source>{translation}</message>")
    body = "".join(f"<context><name>{name}</name>{''.join(items)}</context>" for name, items in contexts.items())
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="ja_JP">'
                    f"{body}</TS>", encoding="utf-8")
    return path


def test_merging_partial_files_takes_their_translations(tmp_path):
    target = ts_file(tmp_path / "workbench_ja.ts", [
        ("TrainPanel", "Start", None), ("TrainPanel", "Stop", "止める"), ("DataPanel", "Load", None),
        ("RunsPanel", "Load", None), ("XaiPanel", "Open", None), ("Other", "Never seen", None)])
    partial_a = ts_file(tmp_path / "a.ts", [("TrainPanel", "Start", "開始"), ("TrainPanel", "Stop", "停止"),
                                             ("DataPanel", "Load", "読み込む")])
    partial_b = ts_file(tmp_path / "b.ts", [("ComparePanel", "Open", "開く"), ("PredictPanel", "Open", "開く"),
                                             ("EvaluatePanel", "Load", "ロード")])
    assert tool.merge(target, [partial_a, partial_b]) == (3, 1)
    merged = {(m.context, m.source): (m.translation, m.finished) for m in tool.read_ts(target)}
    assert merged == {("TrainPanel", "Start"): ("開始", True),
                      ("TrainPanel", "Stop"): ("停止", True),  # the owner's newer word wins
                      ("DataPanel", "Load"): ("読み込む", True),
                      ("RunsPanel", "Load"): ("", False),  # two translations of "Load" elsewhere: left open
                      ("XaiPanel", "Open"): ("開く", True),  # one translation of "Open" elsewhere
                      ("Other", "Never seen"): ("", False)}
    assert tool.merge(target, [partial_a, partial_b]) == (0, 0)  # nothing changes the second time


# -- (2) the committed .qm is the compiled .ts ---------------------------------------------------
def test_the_committed_qm_translates_every_message_of_the_ts(qapp):
    translator = QTranslator()
    assert translator.load(str(QM)), f"{QM} missing or unreadable: run make translations"
    expected = committed()
    assert expected, "no finished translation in the .ts"
    stale = [f"{context}: {source!r}" for (context, source), text in expected.items()
             if translator.translate(context, source) != text]
    assert not stale, f"{len(stale)} message(s) differ in the .qm (run make translations):\n" + "\n".join(stale[:40])


# -- (3) the bare-literal lint ------------------------------------------------------------------
def test_the_lint_flags_bare_literals_and_passes_translated_ones():
    snippet = '''
QLabel("Start")
QLabel(self.tr("Start"))
QLabel("×")
QLabel("")
button.setText(f"Epoch {n}")
button.setText(self.tr("Epoch {0}").format(n))
table.setHorizontalHeaderLabels(["name", self.tr("value")])
table.setHorizontalHeaderLabels([self.tr("name"), "%"])
QMessageBox.warning(self, "Export", self.tr("Done"))
QFileDialog.getOpenFileName(self, self.tr("Open"), "", "Images (*.png)")
log.warning("not a dialog")
form.addRow("Epochs", spin)
form.addRow(self.tr("Epochs"), spin)
label.setText("<b>{0}</b>".format(name))
label.setText("Pause" if running else self.tr("Continue"))
spin.setSuffix(" px")
plot.setLabel("left", "loss")
'''
    found = [(bare.line, bare.text) for bare in tool.bare_literals(snippet)]
    assert found == [(2, "Start"), (6, "Epoch {…}"), (8, "name"), (10, "Export"), (13, "Epochs"),
                     (16, "Pause"), (18, "loss")]


def test_no_bare_literal_in_the_qt_text_setters_of_ui():
    found = tool.lint_files(tool.ui_sources())
    assert not found, f"{len(found)} bare literal(s):\n" + "\n".join(map(str, found[:60]))


# -- (4) the window in the chosen language ---------------------------------------------------------
@pytest.fixture
def language(qapp):
    """``language(code)`` installs that language's translators; English again afterwards."""
    yield lambda code: i18n.install_translator(qapp, code, str(QM) if code == "ja" else None)
    i18n.install_translator(qapp, "en")


def test_the_window_is_built_in_japanese_and_in_english(qtbot, language):
    from ui.main_window import MainWindow

    ja = committed()
    language("ja")
    window = MainWindow()
    qtbot.addWidget(window)
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    panels = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert tabs == [ja.get(("Panel", type(p).title), f"<no Japanese for {type(p).title!r}>") for p in panels]
    assert window.tabs.tabText(0) != type(panels[0]).title  # really another language
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == [ja[("MainWindow", text)] for text in ("&File", "&Run", "&View", "&Help")]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert [b.text() for b in buttons.buttons()] == ["OK", "キャンセル"]  # Qt's own Japanese (qtbase_ja)

    language("en")
    english = MainWindow()
    qtbot.addWidget(english)
    assert [english.tabs.tabText(i) for i in range(english.tabs.count())] == [type(p).title for p in panels]
    assert [action.text() for action in english.menuBar().actions()] == ["&File", "&Run", "&View", "&Help"]


def test_a_missing_translation_file_leaves_english_and_a_sentence(qapp, tmp_path):
    try:
        installed = i18n.install_translator(qapp, "ja", str(tmp_path / "nowhere.qm"))
        assert all(t.language() != "ja_JP" or t.filePath() != str(tmp_path / "nowhere.qm") for t in installed)
        assert i18n.current_language(qapp) == "en"
        assert "nowhere.qm" in qapp.property("workbench-language-problem")
        assert QCoreApplication.translate("Panel", "Train") == "Train"
    finally:
        i18n.install_translator(qapp, "en")
    assert i18n.install_translator(qapp, "en") == [] and not qapp.property("workbench-language-problem")


def test_the_translation_file_is_found_where_the_bundle_puts_it():
    assert Path(i18n.qm_path("ja")) == QM
    spec = (ROOT / "packaging" / "keras_workbench.spec").read_text(encoding="utf-8")
    assert '"resources", "i18n"), "resources/i18n")' in spec


# -- (5) the setting and --lang ------------------------------------------------------------------
def test_the_language_setting_round_trips_and_defaults_to_the_desktop(qapp, tmp_path):
    path = str(tmp_path / "settings.ini")
    assert Settings(path).language() == i18n.system_language()
    Settings(path).set_language("ja")
    assert Settings(path).language() == "ja"
    Settings(path).store.setValue("preferences/language", "tlh")  # damaged: the default again
    assert Settings(path).language() == i18n.system_language()
    with pytest.raises(ValueError):
        Settings(path).set_language("tlh")


def test_the_preferences_dialog_saves_the_language(qtbot, tmp_path):
    from ui.widgets.preferences import PreferencesDialog

    settings = Settings(str(tmp_path / "settings.ini"))
    settings.set_language("en")
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "en"
    assert [dialog.language.itemData(i) for i in range(dialog.language.count())] == ["en", "ja"]
    dialog.language.setCurrentIndex(dialog.language.findData("ja"))
    with qtbot.waitSignal(dialog.applied, timeout=2000) as saved:
        assert dialog.apply()
    assert saved.args[0]["language"] == "ja" and Settings(str(tmp_path / "settings.ini")).language() == "ja"
    assert "next start" in dialog.language_note.text()


def test_lang_overrides_the_setting_for_one_session(tmp_path, monkeypatch, capsys):
    from ui import app
    from workbench import cli

    assert i18n.parse_language_flag(["kw", "--lang", "ja", "image.png"]) == ("ja", ["kw", "image.png"])
    assert i18n.parse_language_flag(["kw", "--lang=en"]) == ("en", ["kw"])
    assert i18n.parse_language_flag(["kw"]) == (None, ["kw"])
    settings = Settings(str(tmp_path / "settings.ini"))
    settings.set_language("en")
    assert app.session_language(["kw", "--lang", "ja"], settings) == ("ja", ["kw"])
    assert app.session_language(["kw"], settings) == ("en", ["kw"])
    assert settings.language() == "en"  # the flag is for this session only
    # `keras-workbench --lang xx` reaches the GUI's start (not the subcommands), which refuses it
    assert cli.main(["--lang", "xx"]) == 2
    assert "--lang takes one of en, ja" in capsys.readouterr().err
