"""Before the window: can Qt's X11 platform plugin load on this machine?

On a fresh Linux desktop PySide6's ``libqxcb.so`` often lacks a few system libraries
(``libxcb-cursor0``, ``libxcb-icccm4``, ``libxcb-keysyms1`` on Debian and Ubuntu), and Qt
then aborts the process with "could not load the Qt platform plugin xcb", which names no
package. ``ldd`` on the plugin lists exactly which libraries are missing; this turns
them into the one command that installs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

#: Debian/Ubuntu packages whose names do not follow ``libNAME.so.N -> libNAMEN``.
PACKAGES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
}

_MISSING = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def package_for(soname: str) -> str:
    """Debian's package for a library: ``libxcb-cursor.so.0`` -> ``libxcb-cursor0``,
    ``libxcb-render-util.so.0`` -> ``libxcb-render-util0``, names ending in a digit take
    a dash (``libfoo2.so.1`` -> ``libfoo2-1``)."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    name, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    return f"{name.lower()}{'-' if name[-1:].isdigit() else ''}{version}"


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as not found, in its order, each once."""
    return list(dict.fromkeys(_MISSING.findall(ldd_output)))


def xcb_plugin() -> str | None:
    """PySide6's X11 platform plugin, when this PySide6 has one (Linux)."""
    import PySide6

    path = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms", "libqxcb.so")
    return path if os.path.isfile(path) else None


def uses_xcb(environ=os.environ) -> bool:
    """Whether Qt will pick its X11 plugin: on Linux, unless another platform is asked
    for (``offscreen`` for tests, ``wayland``) or the session is Wayland's."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def problem(environ=os.environ) -> str | None:
    """A sentence naming the packages to install when the X11 plugin cannot load, else
    ``None`` (also when it cannot be told: no plugin, no ``ldd``)."""
    return sentence(plugin_missing_libraries()) if uses_xcb(environ) else None


def plugin_missing_libraries() -> list[str]:
    """The libraries the X11 plugin needs and ``ldd`` cannot find ([] when it cannot tell)."""
    plugin = xcb_plugin()
    ldd = shutil.which("ldd")
    if plugin is None or ldd is None:
        return []
    try:
        output = subprocess.run([ldd, plugin], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return missing_libraries(output)


def sentence(missing: list[str]) -> str | None:
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(package_for(name) for name in missing))
    return (f"Qt's X11 platform plugin cannot load: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not installed. On Debian or Ubuntu install "
            f"{'it' if len(missing) == 1 else 'them'} with:\n    sudo apt-get install {packages}\n"
            "(on other distributions, the packages that provide these files).")


def missing_packages() -> list[str]:
    """The Debian/Ubuntu packages to install for the X11 plugin (CI's installer:
    ``python -m ui.platform_check --packages``)."""
    return list(dict.fromkeys(package_for(name) for name in plugin_missing_libraries()))


if __name__ == "__main__":
    if sys.argv[1:] == ["--packages"]:
        print(" ".join(missing_packages()))
    else:
        print(sentence(plugin_missing_libraries()) or "Qt's X11 platform plugin has every library it needs.")
