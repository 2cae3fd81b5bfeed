"""Before the window opens: the missing system libraries of Qt's X11 plugin, named with
the command that installs them (``ui/platform_check.py``)."""

import subprocess
import sys

from ui import platform_check

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f)
\tlibxcb-keysyms.so.1 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-render-util.so.0 => not found
\tlibxcb-cursor.so.0 => not found
"""


def test_the_missing_libraries_become_debian_packages():
    missing = platform_check.missing_libraries(LDD)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                       "libxkbcommon-x11.so.0", "libxcb-render-util.so.0"]
    message = platform_check.sentence(missing)
    assert ("sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 "
            "libxcb-render-util0\n") in message
    assert platform_check.package_for("libfoo2.so.1") == "libfoo2-1"
    assert platform_check.package_for("libglib-2.0.so.0") == "libglib2.0-0"
    assert platform_check.sentence([]) is None


def test_only_the_x11_plugin_is_checked():
    linux = sys.platform.startswith("linux")
    assert platform_check.uses_xcb({}) is linux
    assert platform_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"}) is linux
    assert not platform_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not platform_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})
    assert not platform_check.problem({"QT_QPA_PLATFORM": "offscreen"})


def test_a_missing_library_stops_the_start_with_the_command(monkeypatch, capsys):
    from ui import app

    monkeypatch.setattr(app.QApplication, "instance", staticmethod(lambda: None))
    monkeypatch.setattr(platform_check, "problem", lambda: platform_check.sentence(["libxcb-cursor.so.0"]))
    assert app.main(["keras-workbench"]) == 1
    assert "sudo apt-get install libxcb-cursor0" in capsys.readouterr().err


def test_this_machine_has_what_the_plugin_needs():
    """Here the libraries are installed (the README's quick start): ``ldd`` finds them all."""
    plugin = platform_check.xcb_plugin()
    if plugin is None:  # a PySide6 without the X11 plugin (not Linux)
        return
    output = subprocess.run(["ldd", plugin], capture_output=True, text=True).stdout
    assert "libQt6XcbQpa" in output
    assert platform_check.problem({"QT_QPA_PLATFORM": "xcb"}) == platform_check.sentence(
        platform_check.missing_libraries(output))
