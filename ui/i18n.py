"""The window's languages: English (the source texts) and Japanese (``resources/i18n``).

Every user-visible string of ``ui/`` is marked for Qt's translation tools (``self.tr``,
``QCoreApplication.translate``, ``QT_TRANSLATE_NOOP``); ``packaging/translations.py``
extracts them into ``resources/i18n/workbench_ja.ts`` and compiles ``workbench_ja.qm``.
``install_translator(app, "ja")`` loads that file and Qt's own Japanese (the standard
buttons OK, Cancel, Yes, No of message boxes and button boxes) before the window is built:
a translator installed later leaves the texts already set in English.

A new language: add it to ``LANGUAGES``, run ``packaging/translations.py update --language xx``
(README: "Languages").
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

#: The languages offered (code → name in that language, as the Preferences list them).
LANGUAGES = {"en": "English", "ja": "日本語"}
#: The language the source texts are written in: it needs no translation file.
SOURCE_LANGUAGE = "en"
#: The folder that holds ``resources/``: the source tree, or a PyInstaller bundle's own folder.
ROOT = getattr(sys, "_MEIPASS", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
I18N_DIR = os.path.join(ROOT, "resources", "i18n")


def qm_path(language: str) -> str:
    """The compiled translation of ``language``: ``resources/i18n/workbench_<language>.qm``."""
    return os.path.join(I18N_DIR, f"workbench_{language}.qm")


_default_qm_path = qm_path  # install_translator's argument of the same name hides it there


def system_language() -> str:
    """"ja" on a Japanese desktop, else "en" (the default before the user chooses)."""
    return "ja" if QLocale.system().language() == QLocale.Language.Japanese else "en"


def parse_language_flag(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--lang ja`` / ``--lang=ja`` anywhere in ``argv``: (the language or None, argv without it).

    Raises ``ValueError`` with a sentence for a missing or unknown language."""
    rest: list[str] = []
    language = None
    items = iter(argv)
    for item in items:
        if item == "--lang":
            language = next(items, "")
        elif item.startswith("--lang="):
            language = item.split("=", 1)[1]
        else:
            rest.append(item)
            continue
        if language not in LANGUAGES:
            raise ValueError(f"--lang takes one of {', '.join(LANGUAGES)}, not {language!r}.")
    return language, rest


def install_translator(app, language: str, qm_path: str | None = None) -> list[QTranslator]:
    """Install the workbench's translation of ``language`` and Qt's own on ``app``.

    Returns the translators installed ([] for English). They are kept on the application
    (a QTranslator collected by Python would silently stop translating). A missing or
    unreadable file leaves the window in English and says so in the status line
    (``app.property("workbench-language-problem")``), never an exception."""
    remove_translators(app)
    app.setProperty("workbench-language-problem", "")
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        app.setProperty("workbench-language", SOURCE_LANGUAGE)
        return []
    path = qm_path or _default_qm_path(language)
    installed: list[QTranslator] = []
    own = QTranslator(app)
    if own.load(path):
        app.installTranslator(own)
        installed.append(own)
    else:
        app.setProperty("workbench-language-problem", QCoreApplication.translate(
            "i18n", "The {0} translation could not be loaded ({1}): the window stays in English.").format(
                LANGUAGES[language], path))
    qt_base = QTranslator(app)  # Qt's standard buttons and dialogs
    if qt_base.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        installed.append(qt_base)
    app._workbench_translators = installed  # the references that keep them alive
    app.setProperty("workbench-language", language if own in installed else SOURCE_LANGUAGE)
    return installed


def remove_translators(app) -> None:
    """Take out the translators ``install_translator`` put in (tests switch languages)."""
    for translator in getattr(app, "_workbench_translators", []):
        app.removeTranslator(translator)
    app._workbench_translators = []


def current_language(app) -> str:
    """The language the application's texts are in now ("en" when none was installed)."""
    return app.property("workbench-language") or SOURCE_LANGUAGE
