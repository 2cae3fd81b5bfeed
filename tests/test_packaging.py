"""The bundle's start-up options from the source tree (``python -m ui.app --version`` /
``--self-check``) and ``packaging/check_bundle.py`` against a stand-in bundle.

No PyInstaller build here: ``make package`` builds and checks the real bundle.
"""

import json
import math
import os
import stat
import subprocess
import sys
import tomllib

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "packaging"))

import check_bundle


def headless(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", **extra)
    return env


def project_version() -> str:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def test_version_prints_the_project_version_without_starting_qt():
    # xcb with no display: a QApplication would abort the process here
    done = subprocess.run([sys.executable, "-m", "ui.app", "--version"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False, env=headless(QT_QPA_PLATFORM="xcb"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"keras-workbench {project_version()}"


def lenet_params_on_digits() -> int:
    """LeNet on 8x8x1 digits, 'same' padding, two 2x2 poolings: 8 -> 4 -> 2, by hand."""
    conv1 = 5 * 5 * 1 * 6 + 6
    conv2 = 5 * 5 * 6 * 16 + 16
    flat = 2 * 2 * 16
    return conv1 + conv2 + (flat * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)


def test_self_check_trains_one_step_and_finds_every_module(tmp_path):
    from workbench import catalog
    from workbench.commands import SUBCOMMANDS
    from workbench.data import registry

    done = subprocess.run([sys.executable, "-m", "ui.app", "--self-check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False, env=headless(HOME=str(tmp_path)))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])  # one JSON line
    assert result["ok"] is True and result["frozen"] is False
    assert result["catalog_entries"] == len(catalog.all_entries()) > 50
    assert result["data_sources"] == len(registry.all_datasets())
    assert result["commands"] == len(SUBCOMMANDS)
    panel_modules = [name for name in os.listdir(os.path.join(ROOT, "ui", "panels")) if name.endswith("_panel.py")]
    assert result["tabs"] == result["panels"] == len(panel_modules)
    assert result["platform"] == "offscreen"
    assert result["loaded_by_name"] == 1 + 8  # tf2onnx.convert and the eight gymnasium environments
    assert result["params"] == lenet_params_on_digits() == 21386
    # one step from a fresh initialisation on 10 balanced classes: about ln(10)
    assert result["steps"] == 1 and abs(result["loss"] - math.log(10)) < 0.5


def test_self_check_failure_is_one_sentence_and_exit_1(monkeypatch, capsys):
    from ui import self_check

    def broken():
        raise RuntimeError("the training process ended unexpectedly (exit code 3)\nsecond line")

    monkeypatch.setattr(self_check, "report", broken)
    assert self_check.main() == 1
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["ok"] is False
    assert result["error"] == err.strip() == ("self-check failed: RuntimeError: the training process "
                                              "ended unexpectedly (exit code 3)")


def test_one_step_reports_the_child_failure():
    import threading

    from ui.self_check import OneStep
    from workbench.training import events

    step = OneStep.__new__(OneStep)  # what the reader thread collected from a child that failed
    step.received, step.done = [events.Failed("the digits could not be loaded"), ("end", None)], threading.Event()
    step.done.set()
    step.run = type("Run", (), {"join": lambda self, timeout: True})()
    with pytest.raises(RuntimeError, match="training one step failed: the digits could not be loaded"):
        step.result()


def test_modules_loaded_by_name_are_found_without_importing_them():
    from ui.self_check import loaded_by_name, missing_modules

    names = loaded_by_name()
    assert "tf2onnx.convert" in names and "gymnasium.envs.classic_control.cartpole" in names
    assert missing_modules(names) == []
    # what a bundle without tf2onnx's lazy submodules or gymnasium's toy-text games lacks
    assert missing_modules(["tf2onnx.convert", "tf2onnx.no_such", "gymnasium.envs.toy_text.no_such",
                            "no_such_package.module", "no_such_module", "numpy"]) == [
        "tf2onnx.no_such", "gymnasium.envs.toy_text.no_such", "no_such_package.module", "no_such_module"]


def test_size_on_disk_counts_every_file(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.bin").write_bytes(b"y" * 5000)
    apparent, blocks, files = check_bundle.size_on_disk(str(tmp_path))
    assert (apparent, files) == (6000, 2)
    assert blocks >= 6000


FAKE_BUNDLE = """#!/bin/sh
# a stand-in for the bundle: what the real one prints, with one catalog entry fewer
case "$1" in
  --version) echo "keras-workbench VERSION" ;;
  --self-check) echo 'JSON' ;;
  *) [ "$KERAS_WORKBENCH_STARTUP_PROBE" = 1 ] && echo "startup-probe shown_at=$(date +%s) tensorflow_imported=False" ;;
esac
"""


def test_check_bundle_finds_a_missing_catalog_entry(tmp_path):
    source = check_bundle.source_counts()
    bundled = dict(source, catalog_entries=source["catalog_entries"] - 1)
    result = {"ok": True, "frozen": True, "steps": 1, "loss": 2.3, **bundled}
    script = FAKE_BUNDLE.replace("VERSION", project_version()).replace("JSON", json.dumps(result))
    executable = tmp_path / check_bundle.EXECUTABLE
    executable.write_text(script)
    executable.chmod(executable.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "keras-workbench.desktop").write_text("[Desktop Entry]\n")
    figures, failures = check_bundle.check(str(tmp_path))
    assert failures == ["keras-workbench.svg is missing beside the executable",
                        (f"the bundle found {bundled['catalog_entries']} catalog entries, "
                         f"the source tree {source['catalog_entries']}")]
    assert figures["files"] == 2 and "window_shown_s" in figures
    assert figures["self_check"]["catalog_entries"] == bundled["catalog_entries"]


def test_check_bundle_without_a_build_says_so(tmp_path):
    figures, failures = check_bundle.check(str(tmp_path))
    assert figures == {} and failures == [(f"{tmp_path / check_bundle.EXECUTABLE} is not there: "
                                           "build the bundle first (make package)")]
