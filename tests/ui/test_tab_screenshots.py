"""A screenshot of every tab of the real window, kept as a test artifact.

Under Xvfb (``make test-x11``, run by CI) the pixels come from the X server, as a user
would see them, so drawing faults that Qt's offscreen platform hides or invents show
here. ``WORKBENCH_SCREENSHOT_DIR`` names where the PNGs go (CI keeps them in
``artifacts/screenshots``); without it they go to the test's temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np
from PySide6.QtGui import QGuiApplication, QImage


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WORKBENCH_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def grab(window) -> QImage:
    """The window's client area as shown: read back from the X server on a real display,
    rendered by Qt itself on the offscreen platform (which has no screen to read)."""
    if QGuiApplication.platformName() == "offscreen":
        return window.grab().toImage()
    geometry = window.geometry()
    return window.screen().grabWindow(0, geometry.x(), geometry.y(), geometry.width(),
                                      geometry.height()).toImage()


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height).reshape(height, stride)
    return rows[:, : width * 3].reshape(height, width, 3).copy()


def page_region(window, shot: np.ndarray) -> np.ndarray:
    """The part of the screenshot that the current tab's page covers."""
    page = window.tabs.currentWidget()
    top_left = page.mapTo(window, page.rect().topLeft())
    ratio = shot.shape[1] / window.width()  # device pixels per logical pixel
    x, y = int(top_left.x() * ratio), int(top_left.y() * ratio)
    return shot[y: y + int(page.height() * ratio), x: x + int(page.width() * ratio)]


def grab_new_page(window, qtbot, previous: str | None, timeout_s: float = 5.0):
    """The window's screenshot once the page region differs from ``previous`` (the last
    tab's digest): on a loaded machine the X server gets the repaint some event-loop turns
    after the switch (150 ms was once too few). A page that never draws keeps the old
    pixels until the timeout, and the test's digest check then fails."""
    deadline = time.monotonic() + timeout_s
    while True:
        qtbot.wait(100)
        image = grab(window)
        region = page_region(window, pixels(image))
        digest = hashlib.sha1(region.tobytes()).hexdigest()
        if digest != previous or time.monotonic() > deadline:
            return image, region, digest


def test_every_tab_is_drawn_and_saved(window, qtbot, tmp_path):
    folder = screenshot_dir(tmp_path)
    platform = QGuiApplication.platformName()
    qtbot.waitExposed(window, timeout=10_000)
    digests, digest = {}, None
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        qtbot.waitUntil(page.isVisible, timeout=5_000)
        image, region, digest = grab_new_page(window, qtbot, digest)
        name = f"{index:02d}_{type(page).__name__}_{platform}.png"
        assert image.save(str(folder / name)), f"could not write {name}"
        assert pixels(image).shape[:2] == (image.height(), image.width())
        colours = len(np.unique(region.reshape(-1, 3), axis=0))
        # A tab that drew nothing (a blank backing store, an unexposed page) is one or two
        # flat colours; every tab has text, frames and controls.
        assert colours >= 8, f"{type(page).__name__} looks blank ({colours} colours) in {name}"
        digests[type(page).__name__] = digest
    # Each tab shows its own page: a stale page (the previous tab's pixels) repeats a digest.
    assert len(set(digests.values())) == len(digests), digests


def test_every_tab_in_japanese_is_drawn_and_saved(qapp, qtbot, tmp_path):
    """The same tour with the Japanese translation installed before the window is built (as
    ``--lang ja`` does): the tab titles are the .qm's, and every page still draws."""
    from PySide6.QtCore import QCoreApplication

    from ui import i18n
    from ui.main_window import MainWindow

    folder = screenshot_dir(tmp_path)
    platform = QGuiApplication.platformName()
    assert i18n.install_translator(qapp, "ja")
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window, timeout=10_000)
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            page = window.tabs.currentWidget()
            title = window.tabs.tabText(index)
            assert title == QCoreApplication.translate("Panel", page.title) != page.title, title
            qtbot.waitUntil(page.isVisible, timeout=5_000)
            qtbot.wait(100)
            image = grab(window)
            assert image.save(str(folder / f"ja_{index:02d}_{type(page).__name__}_{platform}.png"))
            region = page_region(window, pixels(image))
            assert len(np.unique(region.reshape(-1, 3), axis=0)) >= 8, type(page).__name__
        window.close()
    finally:
        i18n.remove_translators(qapp)
        qapp.setProperty("workbench-language", "en")
