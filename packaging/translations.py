"""The window's translations: extract, merge, compile and check (``make translations``).

    python packaging/translations.py update [--merge A.ts B.ts …] [--language ja]
        pyside6-lupdate over every ui/**/*.py into resources/i18n/workbench_<lang>.ts (existing
        translations kept, vanished strings dropped), then the finished translations of the
        given partial .ts files taken in, by (context, source text)
    python packaging/translations.py release
        pyside6-lrelease: every resources/i18n/workbench_*.ts -> .qm (what the window loads)
    python packaging/translations.py check [--files F …] [--ts T.ts]
        (a) strings of ui/ (or of the files F) without a finished translation in the .ts, and
        (b) bare string literals given to Qt's text setters (QLabel("Start") instead of
        QLabel(self.tr("Start"))): one line per problem, file:line, exit status 1 if any

Qt's tools come with PySide6 (``pyside6-lupdate`` beside the Python executable, or the
``lupdate`` binary in PySide6's package folder).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui"
I18N = ROOT / "resources" / "i18n"
#: Languages with a translation file; the source texts are English. Adding one: here and in
#: ``ui.i18n.LANGUAGES``, then ``update --language xx`` and translate the new .ts in Qt Linguist.
TARGETS = {"ja": "ja_JP"}


def ts_path(language: str) -> Path:
    return I18N / f"workbench_{language}.ts"


# -- Qt's tools ---------------------------------------------------------------------------------
def tool(name: str) -> str:
    """The path of ``lupdate`` / ``lrelease``; SystemExit with a sentence when PySide6 lacks it."""
    beside = Path(sys.executable).parent / f"pyside6-{name}"
    if beside.exists():
        return str(beside)
    try:
        import PySide6

        packaged = Path(PySide6.__file__).parent / name
        if packaged.exists():
            return str(packaged)
    except ImportError:
        pass
    found = shutil.which(f"pyside6-{name}")
    if found:
        return found
    raise SystemExit(f"pyside6-{name} was not found beside {sys.executable} nor in PySide6's folder: "
                     "install the project (pip install -e .) into this Python first.")


def ui_sources(root: Path = UI) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def lupdate(sources: list[Path], ts: Path, target: str = "ja_JP", quiet: bool = True) -> None:
    """Extract the marked strings of ``sources`` into ``ts`` (merged with what it holds)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    command = [tool("lupdate"), "-no-obsolete", "-locations", "absolute", "-target-language", target,
               *(str(path) for path in sources), "-ts", str(ts)]
    if quiet:
        command.insert(1, "-silent")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"lupdate failed: {done.stderr.strip() or done.stdout.strip()}")


# -- .ts files ----------------------------------------------------------------------------------
@dataclass
class Message:
    context: str
    source: str
    translation: str  # "" when missing; numerus forms joined with "\n"
    finished: bool
    locations: list[tuple[str, int]]  # (file, line), file as written in the .ts (relative to it)


def read_ts(path: Path) -> list[Message]:
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            element = message.find("translation")
            kind = element.get("type", "") if element is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            forms = element.findall("numerusform") if element is not None else []
            text = "\n".join(form.text or "" for form in forms) if forms else (
                (element.text or "") if element is not None else "")
            locations = [(location.get("filename", ""), int(location.get("line", "0") or 0))
                         for location in message.iter("location")]
            found.append(Message(name, message.findtext("source", ""), text,
                                 kind != "unfinished" and bool(text.strip()), locations))
    return found


def write_ts(tree: ET.ElementTree, path: Path) -> None:
    """As lupdate writes it: the XML declaration and ``<!DOCTYPE TS>`` first."""
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    from workbench.runs.atomic import atomic_path

    with atomic_path(str(path)) as tmp:  # the project's atomic write: no half-written .ts
        Path(tmp).write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                             encoding="utf-8")


def finished_translations(paths: list[Path]) -> dict[tuple[str, str], ET.Element]:
    """(context, source) → the finished ``<translation>`` element, from ``paths`` (first wins)."""
    found: dict[tuple[str, str], ET.Element] = {}
    for path in paths:
        for context in ET.parse(path).getroot().iter("context"):
            name = context.findtext("name", "")
            for message in context.iter("message"):
                element = message.find("translation")
                if element is None or element.get("type") in ("unfinished", "vanished", "obsolete"):
                    continue
                if (element.text or "").strip() or element.findall("numerusform"):
                    found.setdefault((name, message.findtext("source", "")), element)
    return found


def content(element: ET.Element) -> tuple:
    """A ``<translation>``'s text and numerus forms (what two translations are compared by)."""
    return element.text or "", [form.text or "" for form in element.findall("numerusform")]


def merge(ts: Path, partials: list[Path]) -> tuple[int, int]:
    """Take the translations of ``partials`` into ``ts`` (they are their owners' latest word:
    a finished message of ``ts`` whose translation a partial file changed is updated too), by
    (context, source); an unfinished message found in no partial by its context is filled by its
    source text alone when every partial that has that text agrees on one translation.
    Returns (taken by context, filled by text alone)."""
    known = finished_translations(partials)
    by_source: dict[str, set[str]] = {}
    for (_context, source), element in known.items():
        element.tail = None  # compared and copied without the layout around it
        by_source.setdefault(source, set()).add(ET.tostring(element, encoding="unicode"))
    tree = ET.parse(ts)
    exact = loose = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            element = message.find("translation")
            if element is None or element.get("type") in ("vanished", "obsolete"):
                continue
            source = message.findtext("source", "")
            donor = known.get((name, source))
            if donor is not None:
                if element.get("type") is None and content(donor) == content(element):
                    continue  # the same already
                exact += 1
            elif element.get("type") == "unfinished" and len(by_source.get(source, ())) == 1:
                donor = ET.fromstring(next(iter(by_source[source])))
                loose += 1
            else:
                continue
            element.clear()
            element.text = donor.text
            for form in donor.findall("numerusform"):
                ET.SubElement(element, "numerusform").text = form.text
    write_ts(tree, ts)
    return exact, loose


# -- the bare-literal lint ----------------------------------------------------------------------
#: Calls whose text arguments the user reads: name → the positional indexes that are text
#: (None: every positional argument that is a string literal).
TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    **dict.fromkeys(("setText", "setToolTip", "setStatusTip", "setWhatsThis", "setWindowTitle",
                     "setPlaceholderText", "setTitle", "setLabelText", "showMessage", "setFormat",
                     "setInformativeText", "hint_label", "addSection", "addButton"), (0,)),
    **dict.fromkeys(("addTab", "insertTab", "addAction", "addMenu", "QLabel", "QPushButton", "QToolButton",
                     "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QMenu"), None),
    "setTabText": (1,),
    "addRow": (0,),
    "setLabel": (1,),  # pyqtgraph: plot.setLabel("left", "loss")
    **dict.fromkeys(("setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setHeaderLabels"), (0,)),
}
#: ``Class.method(...)`` calls: only these classes' (``log.warning("…")`` is no dialog).
STATIC_TEXT_CALLS: dict[tuple[str, str], tuple[int, ...]] = {
    **{("QMessageBox", name): (1, 2) for name in ("information", "warning", "critical", "question", "about")},
    **{("QFileDialog", name): (1,) for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName",
                                                 "getExistingDirectory")},
}
TEXT_KEYWORDS = {"text", "title", "caption", "toolTip", "label"}
#: Literal texts that are the same in every language: the program's name and units.
ALLOWED = {"Keras Workbench", "px", "ms", "dB", "Hz"}


@dataclass
class Bare:
    path: str
    line: int
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: bare literal {self.text!r} in {self.call}(): wrap it in self.tr(...)"


def literal_text(node: ast.AST) -> str | None:
    """The literal text ``node`` shows untranslated (None: not a literal, or nothing to translate)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):  # f"Epoch {n}": the template is not translatable
        text = "".join(part.value if isinstance(part, ast.Constant) else "{…}" for part in node.values)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return literal_text(node.left) or literal_text(node.right)
    elif isinstance(node, ast.IfExp):  # "Pause" if running else "Continue"
        return literal_text(node.body) or literal_text(node.orelse)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr in ("format", "join")):  # "{0} images".format(n); ", ".join(...) is not
        return literal_text(node.func.value) if node.func.attr == "format" else None
    elif isinstance(node, (ast.List, ast.Tuple)):  # header labels
        return next((text for text in map(literal_text, node.elts) if text), None)
    else:
        return None
    words = re.sub(r"<[^>]*>|\{…\}|&\w+;", "", text)  # HTML tags, placeholders and entities are no words
    if words.strip() in ALLOWED or not any(char.isalpha() for char in words):
        return None
    return text


def call_name(node: ast.Call) -> tuple[str, tuple[int, ...] | None] | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and (func.value.id, func.attr) in STATIC_TEXT_CALLS:
            return f"{func.value.id}.{func.attr}", STATIC_TEXT_CALLS[(func.value.id, func.attr)]
        name = func.attr
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        return None
    return (name, TEXT_CALLS[name]) if name in TEXT_CALLS else None


def bare_literals(source: str, path: str = "<string>") -> list[Bare]:
    """Every user-visible text passed to a Qt text setter as a literal rather than through tr."""
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Call):
            continue
        named = call_name(node)
        if named is None:
            continue
        name, indexes = named
        arguments = [arg for index, arg in enumerate(node.args) if indexes is None or index in indexes]
        arguments += [keyword.value for keyword in node.keywords if keyword.arg in TEXT_KEYWORDS]
        for argument in arguments:
            text = literal_text(argument)
            if text is not None:
                found.append(Bare(path, argument.lineno, name, text))
    return found


def lint_files(paths: list[Path]) -> list[Bare]:
    found = []
    for path in paths:
        shown = os.path.relpath(path, ROOT)
        found.extend(bare_literals(path.read_text(encoding="utf-8"), shown))
    return sorted(found, key=lambda bare: (bare.path, bare.line))


def where(message: Message, ts: Path) -> str:
    """``ui/file.py:line`` of a message's first location (they are relative to the .ts)."""
    if not message.locations:
        return "?"
    file, line = message.locations[0]
    return f"{os.path.relpath(os.path.normpath(ts.parent / file), ROOT)}:{line}"


# -- untranslated strings -----------------------------------------------------------------------
def untranslated(sources: list[Path], ts: Path) -> list[str]:
    """One line per marked string of ``sources`` that ``ts`` has no finished translation of."""
    done = {(m.context, m.source) for m in read_ts(ts) if m.finished} if ts.exists() else set()
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "fresh_ja.ts"
        lupdate(sources, fresh)
        problems = []
        for message in read_ts(fresh):
            if (message.context, message.source) in done:
                continue
            file, _, line = where(message, fresh).rpartition(":")
            text = f"{where(message, fresh)}: no Japanese for {message.source!r} (context {message.context})"
            problems.append((file, int(line) if line.isdigit() else 0, text))
    return [text for _file, _line, text in sorted(problems)]


# -- commands -----------------------------------------------------------------------------------
def command_update(args) -> int:
    languages = [args.language] if args.language else list(TARGETS)
    for language in languages:
        ts = ts_path(language)
        lupdate(ui_sources(), ts, TARGETS.get(language, language))
        exact, loose = merge(ts, [Path(path) for path in args.merge]) if args.merge else (0, 0)
        messages = read_ts(ts)
        finished = sum(message.finished for message in messages)
        print(f"{ts.relative_to(ROOT)}: {len(messages)} messages, {finished} finished, "
              f"{len(messages) - finished} unfinished"
              + (f" ({exact} taken from the partial files by context, {loose} filled by text alone)"
                 if args.merge else ""))
    return 0


def command_release(_args) -> int:
    files = sorted(I18N.glob("workbench_*.ts"))
    if not files:
        print(f"no translation files in {I18N.relative_to(ROOT)}: run `update` first", file=sys.stderr)
        return 1
    for ts in files:
        done = subprocess.run([tool("lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                              capture_output=True, text=True, check=False)
        print(f"{ts.with_suffix('.qm').relative_to(ROOT)}: "
              + " ".join((done.stdout + done.stderr).split()))
        if done.returncode:
            return done.returncode
    return 0


def command_check(args) -> int:
    files = [Path(path).resolve() for path in args.files] if args.files else ui_sources()
    ts = Path(args.ts) if args.ts else ts_path("ja")
    problems = untranslated(files, ts) if not args.lint_only else []
    problems += [str(bare) for bare in lint_files(files)]
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {len(files)} file(s)", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="translations.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    update = sub.add_parser("update", help="extract the strings of ui/ into the .ts, merge partial .ts files")
    update.add_argument("--merge", nargs="+", default=[], metavar="TS", help="partial .ts files to fill from")
    update.add_argument("--language", help="only this language (a new one: its .ts is created)")
    update.set_defaults(run=command_update)
    release = sub.add_parser("release", help="compile every .ts into the .qm the window loads")
    release.set_defaults(run=command_release)
    check = sub.add_parser("check", help="untranslated strings and bare literals; exit 1 if any")
    check.add_argument("--files", nargs="+", default=[], metavar="F", help="only these files (default: ui/)")
    check.add_argument("--ts", help="the .ts to check against (default: resources/i18n/workbench_ja.ts)")
    check.add_argument("--lint-only", action="store_true", help="only the bare-literal lint")
    check.set_defaults(run=command_check)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
