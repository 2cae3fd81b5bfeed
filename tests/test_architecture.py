"""The headless core never imports Qt, and listing the catalog never imports TensorFlow."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
FORBIDDEN = {"PySide6", "pyqtgraph", "shiboken6", "ui"}


def imported_roots(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_modules_do_not_import_qt():
    offenders = {}
    for path in (ROOT / "workbench").rglob("*.py"):
        bad = imported_roots(path) & FORBIDDEN
        if path.name == "cli.py":
            bad -= {"ui"}  # `keras-workbench` with no arguments opens the GUI, lazily
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_catalog_and_datasets_list_without_tensorflow_or_qt():
    code = ("import sys; from workbench import catalog, data; "
            "n = len(catalog.all_entries()); m = len(data.all_datasets()); "
            "heavy = [k for k in ('tensorflow', 'keras', 'PySide6') if k in sys.modules]; "
            "print(n, m, heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    entries, datasets, heavy = out.stdout.split(" ", 2)
    assert int(entries) >= 3 and int(datasets) >= 4
    assert heavy.strip() == "[]"
