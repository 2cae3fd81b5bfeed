"""Run pytest inside a private Xvfb server, with Qt on its X11 platform (``make test-x11``).

    python tests/run_x11.py [pytest arguments]

Xvfb picks a free display itself (``-displayfd``), so runs in parallel never collide; the
server is stopped when pytest ends, whatever its outcome. Exits 2 with a sentence when
Xvfb is missing or Qt's X11 plugin lacks a system library.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys

SCREEN = "1400x900x24"  # wider than the window's default 1280x820, as on a desktop


def start_xvfb(xvfb: str) -> tuple[subprocess.Popen, str]:
    """An Xvfb server on a display it chose; the display's name once it accepts clients."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    number = b""
    while not number.endswith(b"\n"):
        ready, _, _ = select.select([read_end], [], [], 30)
        chunk = os.read(read_end, 16) if ready else b""
        if not chunk:  # timed out, or Xvfb exited before naming a display
            server.kill()
            raise RuntimeError("Xvfb did not start within 30 s")
        number += chunk
    os.close(read_end)
    return server, f":{number.decode().strip()}"


def main(argv: list[str]) -> int:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from ui import platform_check

    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        print("Xvfb is not installed; on Debian or Ubuntu: sudo apt-get install xvfb", file=sys.stderr)
        return 2
    missing = platform_check.sentence(platform_check.plugin_missing_libraries())
    if missing:
        print(missing, file=sys.stderr)
        return 2
    try:
        server, display = start_xvfb(xvfb)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    print(f"Xvfb on {display} ({SCREEN}); Qt platform xcb", flush=True)
    try:
        return subprocess.call([sys.executable, "-m", "pytest", *argv], env=env)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
